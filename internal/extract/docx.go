package extract

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
)

// docx bounds.
const (
	docxMaxDepth   = 256  // XML element nesting
	docxMaxNesting = 16   // tables inside tables
	docxMaxSpan    = 1000 // gridSpan of one cell
)

// dcell is one w:tc as written.
type dcell struct {
	text    strings.Builder
	span    int
	vmerge  string // "", "restart" or "continue"
	started bool
}

// drow is one w:tr.
type drow struct {
	cells  []*dcell
	before int // w:gridBefore
	header bool
}

// dtable collects one w:tbl while it streams by.
type dtable struct {
	seq       int
	rows      []*drow
	title     string
	notes     []string
	parent    *dtable
	parentRef string
	closed    bool
}

func (t *dtable) row() *drow {
	if len(t.rows) == 0 {
		t.rows = append(t.rows, &drow{})
	}
	return t.rows[len(t.rows)-1]
}

func (t *dtable) cell() *dcell {
	r := t.row()
	if len(r.cells) == 0 {
		r.cells = append(r.cells, &dcell{span: 1})
	}
	return r.cells[len(r.cells)-1]
}

// extractDOCX reads the tables of a Word document's main part as a stream:
// gridSpan and vMerge become spans, nested tables separate tables, the
// paragraph just above a table its title and note-like paragraphs just below
// its notes.
func extractDOCX(ctx context.Context, data []byte, o *Options) (ts []*Table, err error) {
	zr, err := openZip("docx", data, o)
	if err != nil {
		return nil, err
	}
	zf := zipEntry(zr, "word/document.xml")
	if zf == nil {
		return nil, &Error{Format: "docx", Err: fmt.Errorf("%w: no word/document.xml", ErrUnsupported)}
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, &Error{Format: "docx", Err: fmt.Errorf("open document part: %w", err)}
	}
	defer rc.Close()
	defer func() {
		if r := recover(); r != nil {
			ts, err = nil, &Error{Format: "docx", Err: fmt.Errorf("malformed document: %v\n%s", r, firstLines(debug.Stack(), 6))}
		}
	}()
	tables, err := parseDOCX(ctx, io.LimitReader(rc, o.MaxBytes), maxCells(o))
	if err != nil {
		return nil, &Error{Format: "docx", Err: err}
	}
	return tables, nil
}

func attrVal(se xml.StartElement, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// parseDOCX streams a WordprocessingML main part.
//
// A docxReader follows the tokens: tables (nested ones inside their
// parent's cell), their rows and cells with spans and merges, the text of
// visible runs, and the body paragraphs around tables (the title above a
// table, the notes below it).
func parseDOCX(ctx context.Context, r io.Reader, maxCells int) ([]*Table, error) {
	d := xml.NewDecoder(r)
	d.Strict = false
	x := &docxReader{d: d, maxCells: maxCells}
	tokens := 0
	for {
		tokens++
		if tokens%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("document XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := x.start(t); err != nil {
				return nil, err
			}
		case xml.CharData:
			if x.inText {
				x.write(string(t))
			}
		case xml.EndElement:
			x.end(t)
		}
	}
	return x.tables(), nil
}

// docxReader is the state of parseDOCX while it reads a document.
type docxReader struct {
	d        *xml.Decoder
	maxCells int

	stack     []*dtable // open tables, innermost last
	done      []*dtable
	seq       int
	depth     int
	inText    bool
	para      strings.Builder // body paragraph being read
	paraDepth int
	lastPara  string  // last non-empty body paragraph since the last table
	after     *dtable // table whose notes may follow
	afterOK   bool    // still reading paragraphs right after it
	inRPr     int     // inside run properties
	vanish    bool    // current run is hidden text
	cellsSeen int
}

// top is the innermost open table, nil outside tables.
func (x *docxReader) top() *dtable {
	if len(x.stack) == 0 {
		return nil
	}
	return x.stack[len(x.stack)-1]
}

// write adds visible text to the current cell, or outside tables to the
// body paragraph (up to 64 KiB).
func (x *docxReader) write(s string) {
	if x.vanish {
		return
	}
	if t := x.top(); t != nil {
		c := t.cell()
		c.text.WriteString(s)
		return
	}
	if x.para.Len() < 1<<16 {
		x.para.WriteString(s)
	}
}

// start reads a start element; it fails on XML nested too deep, tables
// nested too deep, too many cells, or a part it cannot skip.
func (x *docxReader) start(t xml.StartElement) error {
	x.depth++
	if x.depth > docxMaxDepth {
		return fmt.Errorf("%w: XML nested deeper than %d", ErrTooLarge, docxMaxDepth)
	}
	switch t.Name.Local {
	case "Fallback", "delText", "instrText":
		// mc:Fallback repeats mc:Choice for older readers; deleted text
		// and field instructions are not shown.
		if err := x.d.Skip(); err != nil {
			return fmt.Errorf("document XML: %w", err)
		}
		x.depth--
	case "tbl":
		return x.openTable()
	case "tr":
		if t := x.top(); t != nil {
			t.rows = append(t.rows, &drow{})
		}
	case "tc":
		if t := x.top(); t != nil {
			r := t.row()
			r.cells = append(r.cells, &dcell{span: 1, started: true})
			x.cellsSeen++
			if x.cellsSeen > x.maxCells {
				return fmt.Errorf("%w: more than %d table cells", ErrTooLarge, x.maxCells)
			}
		}
	case "gridSpan", "vMerge", "gridBefore", "tblHeader":
		if tb := x.top(); tb != nil {
			tableProperty(tb, t)
		}
	case "rPr":
		x.inRPr++
	case "vanish":
		if x.inRPr > 0 {
			v, ok := attrVal(t, "val")
			x.vanish = !ok || v == "1" || v == "true" || v == "on"
		}
	case "r":
		x.vanish = false
	case "p":
		x.paraDepth++
		if x.top() != nil {
			c := x.top().cell()
			if c.text.Len() > 0 {
				c.text.WriteString("\n")
			}
		} else if x.paraDepth == 1 {
			x.para.Reset()
		}
	case "t":
		x.inText = true
	case "tab":
		if x.inRPr == 0 {
			x.write(" ")
		}
	case "br", "cr":
		x.write("\n")
	}
	return nil
}

// openTable begins a <tbl>: inside a table's cell it is nested there,
// else the last body paragraph is its title.
func (x *docxReader) openTable() error {
	if len(x.stack) >= docxMaxNesting {
		return fmt.Errorf("%w: tables nested deeper than %d", ErrTooLarge, docxMaxNesting)
	}
	x.seq++
	nt := &dtable{seq: x.seq}
	if p := x.top(); p != nil {
		nt.parent = p
		nt.parentRef = fmt.Sprintf("r%dc%d", len(p.rows), len(p.row().cells))
	} else {
		nt.title = x.lastPara
	}
	x.stack = append(x.stack, nt)
	x.afterOK = false
	return nil
}

// tableProperty applies a cell or row property of table t: a cell's
// column span or vertical merge, cells skipped before a row, a heading
// row.
func tableProperty(t *dtable, se xml.StartElement) {
	switch se.Name.Local {
	case "gridSpan":
		if v, ok := attrVal(se, "val"); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 1 {
				t.cell().span = min(n, docxMaxSpan)
			}
		}
	case "vMerge":
		v, _ := attrVal(se, "val")
		if v == "restart" {
			t.cell().vmerge = "restart"
		} else {
			t.cell().vmerge = "continue"
		}
	case "gridBefore":
		if v, ok := attrVal(se, "val"); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				t.row().before = min(n, docxMaxSpan)
			}
		}
	case "tblHeader":
		v, ok := attrVal(se, "val")
		t.row().header = !ok || v == "1" || v == "true" || v == "on"
	}
}

// end reads an end element.
func (x *docxReader) end(t xml.EndElement) {
	x.depth--
	switch t.Name.Local {
	case "t":
		x.inText = false
	case "rPr":
		x.inRPr = max(x.inRPr-1, 0)
	case "p":
		x.paraDepth = max(x.paraDepth-1, 0)
		if x.top() == nil && x.paraDepth == 0 {
			x.endBodyPara()
		}
	case "tbl":
		if len(x.stack) == 0 {
			return
		}
		tb := x.stack[len(x.stack)-1]
		x.stack = x.stack[:len(x.stack)-1]
		tb.closed = true
		x.done = append(x.done, tb)
		if tb.parent == nil {
			x.after, x.afterOK = tb, true
			x.lastPara = ""
		}
	}
}

// endBodyPara ends a body paragraph: right after a table, note lines are
// its notes (up to 8); any other text may title the next table.
func (x *docxReader) endBodyPara() {
	s := NormaliseSpace(x.para.String())
	x.para.Reset()
	if s == "" {
		return
	}
	if x.after != nil && x.afterOK {
		if isNoteText(s) && len(x.after.notes) < 8 {
			x.after.notes = append(x.after.notes, s)
			return
		}
		x.afterOK = false
	}
	x.lastPara = s
}

// tables lays out the tables read, in document order; tables left open by
// a truncated document are still returned.
func (x *docxReader) tables() []*Table {
	done := append(x.done, x.stack...)
	sort.Slice(done, func(i, j int) bool { return done[i].seq < done[j].seq })
	var out []*Table
	for _, dt := range done {
		if t := dt.build(); t != nil {
			out = append(out, t)
		}
	}
	return out
}

// build lays a dtable out as a dense grid.
func (dt *dtable) build() *Table {
	type pos struct{ r, c int }
	var grid [][]Cell
	width := 0
	for _, r := range dt.rows {
		w := r.before
		for _, c := range r.cells {
			w += max(c.span, 1)
		}
		width = max(width, w)
	}
	if width == 0 {
		return nil
	}
	lastOrigin := map[int]pos{} // grid column -> origin of the cell above
	headers, leading := 0, true
	for i, r := range dt.rows {
		row := make([]Cell, width)
		for j := range row {
			row[j].Ref = fmt.Sprintf("r%dc%d", i+1, j+1)
		}
		col := r.before
		for _, c := range r.cells {
			span := max(c.span, 1)
			text := NormaliseSpace(c.text.String())
			if c.vmerge == "continue" {
				if o, ok := lastOrigin[col]; ok && o.r < i {
					origin := &grid[o.r][o.c]
					origin.RowSpan = max(origin.RowSpan, 1) + 1
					for k := 0; k < span && col+k < width; k++ {
						row[col+k].Text = origin.Text
						row[col+k].Covered = true
					}
					col += span
					continue
				}
			}
			if col >= width {
				break
			}
			row[col].Text = text
			if span > 1 {
				row[col].ColSpan = span
			}
			for k := 1; k < span && col+k < width; k++ {
				row[col+k].Text = text
				row[col+k].Covered = true
			}
			for k := 0; k < span; k++ {
				delete(lastOrigin, col+k)
			}
			lastOrigin[col] = pos{i, col}
			col += span
		}
		// Columns this row does not reach end any vertical merge.
		for c := range lastOrigin {
			if c >= col {
				delete(lastOrigin, c)
			}
		}
		if leading && r.header {
			headers++
		} else {
			leading = false
		}
		grid = append(grid, row)
	}
	// Fix covered cells of vertical merges whose span grew later.
	t := &Table{
		Source:     Source{Format: "docx"},
		Method:     MethodDOCX,
		Title:      dt.title,
		Notes:      dt.notes,
		HeaderRows: headers,
		Rows:       grid,
	}
	if len(t.Title) > 300 {
		t.Title = ""
	}
	if dt.parent != nil {
		t.Reasons = append(t.Reasons, "nested inside another table's cell "+dt.parentRef)
	}
	if !dt.closed {
		t.Reasons = append(t.Reasons, "table not closed: document truncated")
		t.Confidence = baseConfidence(MethodDOCX) - 0.3
	}
	empty := true
	for _, r := range grid {
		for _, c := range r {
			if c.Text != "" {
				empty = false
			}
		}
	}
	if empty {
		return nil
	}
	return t
}
