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
func parseDOCX(ctx context.Context, r io.Reader, maxCells int) ([]*Table, error) {
	d := xml.NewDecoder(r)
	d.Strict = false
	var (
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
		tokens    int
	)
	top := func() *dtable {
		if len(stack) == 0 {
			return nil
		}
		return stack[len(stack)-1]
	}
	write := func(s string) {
		if vanish {
			return
		}
		if t := top(); t != nil {
			c := t.cell()
			c.text.WriteString(s)
			return
		}
		if para.Len() < 1<<16 {
			para.WriteString(s)
		}
	}
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
			depth++
			if depth > docxMaxDepth {
				return nil, fmt.Errorf("%w: XML nested deeper than %d", ErrTooLarge, docxMaxDepth)
			}
			switch t.Name.Local {
			case "Fallback":
				// mc:Fallback repeats mc:Choice for older readers.
				if err := d.Skip(); err != nil {
					return nil, fmt.Errorf("document XML: %w", err)
				}
				depth--
			case "tbl":
				if len(stack) >= docxMaxNesting {
					return nil, fmt.Errorf("%w: tables nested deeper than %d", ErrTooLarge, docxMaxNesting)
				}
				seq++
				nt := &dtable{seq: seq}
				if p := top(); p != nil {
					nt.parent = p
					nt.parentRef = fmt.Sprintf("r%dc%d", len(p.rows), len(p.row().cells))
				} else {
					nt.title = lastPara
				}
				stack = append(stack, nt)
				afterOK = false
			case "tr":
				if t := top(); t != nil {
					t.rows = append(t.rows, &drow{})
				}
			case "tc":
				if t := top(); t != nil {
					r := t.row()
					r.cells = append(r.cells, &dcell{span: 1, started: true})
					cellsSeen++
					if cellsSeen > maxCells {
						return nil, fmt.Errorf("%w: more than %d table cells", ErrTooLarge, maxCells)
					}
				}
			case "gridSpan":
				if t := top(); t != nil {
					if v, ok := attrVal(t2se(tok), "val"); ok {
						if n, err := strconv.Atoi(v); err == nil && n > 1 {
							t.cell().span = min(n, docxMaxSpan)
						}
					}
				}
			case "vMerge":
				if t := top(); t != nil {
					v, _ := attrVal(t2se(tok), "val")
					if v == "restart" {
						t.cell().vmerge = "restart"
					} else {
						t.cell().vmerge = "continue"
					}
				}
			case "gridBefore":
				if t := top(); t != nil {
					if v, ok := attrVal(t2se(tok), "val"); ok {
						if n, err := strconv.Atoi(v); err == nil && n > 0 {
							t.row().before = min(n, docxMaxSpan)
						}
					}
				}
			case "tblHeader":
				if t := top(); t != nil {
					v, ok := attrVal(t2se(tok), "val")
					t.row().header = !ok || v == "1" || v == "true" || v == "on"
				}
			case "rPr":
				inRPr++
			case "vanish":
				if inRPr > 0 {
					v, ok := attrVal(t2se(tok), "val")
					vanish = !ok || v == "1" || v == "true" || v == "on"
				}
			case "r":
				vanish = false
			case "p":
				paraDepth++
				if top() != nil {
					c := top().cell()
					if c.text.Len() > 0 {
						c.text.WriteString("\n")
					}
				} else if paraDepth == 1 {
					para.Reset()
				}
			case "t":
				inText = true
			case "tab":
				if inRPr == 0 {
					write(" ")
				}
			case "br", "cr":
				write("\n")
			case "delText", "instrText":
				if err := d.Skip(); err != nil {
					return nil, fmt.Errorf("document XML: %w", err)
				}
				depth--
			}
		case xml.CharData:
			if inText {
				write(string(t))
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "t":
				inText = false
			case "rPr":
				inRPr = max(inRPr-1, 0)
			case "p":
				paraDepth = max(paraDepth-1, 0)
				if top() == nil && paraDepth == 0 {
					s := NormaliseSpace(para.String())
					para.Reset()
					if s == "" {
						continue
					}
					if after != nil && afterOK {
						if isNoteText(s) && len(after.notes) < 8 {
							after.notes = append(after.notes, s)
							continue
						} else {
							afterOK = false
						}
					}
					lastPara = s
				}
			case "tbl":
				if len(stack) == 0 {
					continue
				}
				tb := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				tb.closed = true
				done = append(done, tb)
				if tb.parent == nil {
					after, afterOK = tb, true
					lastPara = ""
				}
			}
		}
	}
	// Tables left open by a truncated document are still returned.
	done = append(done, stack...)
	sort.Slice(done, func(i, j int) bool { return done[i].seq < done[j].seq })
	var out []*Table
	for _, dt := range done {
		if t := dt.build(); t != nil {
			out = append(out, t)
		}
	}
	return out, nil
}

func t2se(tok xml.Token) xml.StartElement { return tok.(xml.StartElement) }

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
