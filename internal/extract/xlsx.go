package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxSheet is one sheet listed by the workbook.
type xlsxSheet struct {
	name   string
	part   string // zip path of the worksheet part
	hidden bool
}

// extractXLSX reads every worksheet of an XLSX workbook. Each sheet's XML is
// read twice as a stream, in step: once by excelize's row iterator for the
// text as displayed (shared strings, number formats, cached formula values),
// and once here for what that iterator does not report (cell types, hidden
// rows and columns, merged ranges), so that no sheet is ever held as a
// document tree.
func extractXLSX(ctx context.Context, data []byte, o *Options) (ts []*Table, err error) {
	zr, err := openZip("xlsx", data, o)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			ts, err = nil, &Error{Format: "xlsx", Err: fmt.Errorf("malformed workbook: %v\n%s", r, firstLines(debug.Stack(), 6))}
		}
	}()
	sheets, err := xlsxSheets(zr, o)
	if err != nil {
		return nil, &Error{Format: "xlsx", Err: err}
	}
	dateStyle, err := xlsxDateStyles(zr, o)
	if err != nil {
		return nil, &Error{Format: "xlsx", Err: err}
	}
	xmlLimit := min(o.MaxBytes, 16<<20)
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    maxZipInflated, // openZip checked the sizes
		UnzipXMLSizeLimit: xmlLimit,
	})
	if err != nil {
		return nil, &Error{Format: "xlsx", Err: fmt.Errorf("open workbook: %w", err)}
	}
	defer f.Close()
	budget := maxCells(o)
	cellsLeft := budget // non-empty cells the sheets may still give
	for _, sh := range sheets {
		zf := zipEntry(zr, sh.part)
		if zf == nil {
			continue // a chart sheet or a dangling relationship
		}
		g, err := readXLSXSheet(ctx, f, zf, sh, dateStyle, o, &cellsLeft)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				return nil, err
			}
			return nil, &Error{Format: "xlsx", Sheet: sh.name, Err: err}
		}
		g.maxCells = budget
		st, err := tablesFromGrid(g)
		if err != nil {
			return nil, &Error{Format: "xlsx", Sheet: sh.name, Err: err}
		}
		for _, t := range st {
			budget -= t.NumRows() * t.NumCols()
		}
		ts = append(ts, st...)
	}
	return ts, nil
}

func firstLines(b []byte, n int) string {
	lines := strings.SplitN(string(b), "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// xlsxSheets lists the workbook's worksheets in order, with their parts and
// visibility.
func xlsxSheets(zr *zip.Reader, o *Options) ([]xlsxSheet, error) {
	wb := zipEntry(zr, "xl/workbook.xml")
	if wb == nil {
		return nil, fmt.Errorf("%w: no xl/workbook.xml (an .xlsb binary workbook?)", ErrUnsupported)
	}
	targets := map[string]string{}
	if rf := zipEntry(zr, "xl/_rels/workbook.xml.rels"); rf != nil {
		b, err := readZipFile(rf, o.MaxBytes)
		if err != nil {
			return nil, fmt.Errorf("read workbook relationships: %w", err)
		}
		d := xml.NewDecoder(bytes.NewReader(b))
		for {
			tok, err := d.RawToken()
			if err != nil {
				break
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
				var id, target, typ string
				for _, a := range se.Attr {
					switch a.Name.Local {
					case "Id":
						id = a.Value
					case "Target":
						target = a.Value
					case "Type":
						typ = a.Value
					}
				}
				if strings.HasSuffix(typ, "/worksheet") {
					targets[id] = resolvePart("xl/workbook.xml", target)
				}
			}
		}
	}
	b, err := readZipFile(wb, o.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("read workbook: %w", err)
	}
	var out []xlsxSheet
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("read workbook: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "sheet" {
			continue
		}
		var s xlsxSheet
		var id string
		for _, a := range se.Attr {
			switch {
			case a.Name.Local == "name":
				s.name = a.Value
			case a.Name.Local == "state":
				s.hidden = a.Value == "hidden" || a.Value == "veryHidden"
			case a.Name.Local == "id" && a.Name.Space != "":
				id = a.Value
			}
		}
		if t, ok := targets[id]; ok {
			s.part = t
			out = append(out, s)
		}
	}
	return out, nil
}

// xlsxDateStyles returns, for each cell style index, whether its number
// format shows a date or time, so that such cells get no Number.
func xlsxDateStyles(zr *zip.Reader, o *Options) ([]bool, error) {
	sf := zipEntry(zr, "xl/styles.xml")
	if sf == nil {
		return nil, nil
	}
	b, err := readZipFile(sf, o.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("read styles: %w", err)
	}
	custom := map[int]string{}
	var xfs []bool
	d := xml.NewDecoder(bytes.NewReader(b))
	inXfs := false
	for {
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		switch se := tok.(type) {
		case xml.StartElement:
			switch se.Name.Local {
			case "numFmt":
				id, code := -1, ""
				for _, a := range se.Attr {
					switch a.Name.Local {
					case "numFmtId":
						id, _ = strconv.Atoi(a.Value)
					case "formatCode":
						code = a.Value
					}
				}
				custom[id] = code
			case "cellXfs":
				inXfs = true
			case "xf":
				if !inXfs {
					continue
				}
				id := 0
				for _, a := range se.Attr {
					if a.Name.Local == "numFmtId" {
						id, _ = strconv.Atoi(a.Value)
					}
				}
				code, ok := custom[id]
				xfs = append(xfs, isDateFormat(id, code, ok))
			}
		case xml.EndElement:
			if se.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
	}
	return xfs, nil
}

// isDateFormat reports whether number format id (with its code when
// custom) shows a date or a time.
func isDateFormat(id int, code string, custom bool) bool {
	if !custom {
		return id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58
	}
	if strings.EqualFold(code, "general") {
		return false
	}
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				i = len(code)
			} else {
				i += j + 1
			}
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				continue
			}
			inner := strings.ToLower(code[i+1 : i+j])
			if inner == "h" || inner == "hh" || inner == "m" || inner == "mm" || inner == "s" || inner == "ss" {
				return true
			}
			i += j
		default:
			b.WriteByte(c)
		}
	}
	s := strings.ToLower(b.String())
	return strings.ContainsAny(s, "ydhs") || strings.Contains(s, "m") && !strings.Contains(s, "e+")
}

// xcell is one cell as the sheet XML states it.
type xcell struct {
	col     int
	typ     string // t attribute
	style   int
	value   string // raw <v>
	formula bool
}

// maxMerges bounds the merged ranges taken from one sheet; those past it
// are ignored, with a reason.
const maxMerges = 65536

// readXLSXSheet reads one worksheet into a sparse grid. It stops taking
// rows after o.MaxRows rows, or once the workbook has given *cellsLeft
// non-empty cells, saying so in the tables' reasons; it fails when ctx
// ends.
//
// The worksheet's XML is read token by token (sheetReader): rows and their
// cells' raw values, hidden columns, the sheet's dimension and merged
// ranges. Each row's display texts come from excelize's row iterator,
// advanced alongside.
func readXLSXSheet(ctx context.Context, f *excelize.File, zf *zip.File, sh xlsxSheet, dateStyle []bool, o *Options, cellsLeft *int) (*sheetGrid, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", zf.Name, err)
	}
	defer rc.Close()
	rows, err := f.Rows(sh.name)
	if err != nil {
		return nil, fmt.Errorf("read rows: %w", err)
	}
	defer rows.Close()

	s := &sheetReader{
		ctx: ctx, zf: zf, rows: rows, dateStyle: dateStyle, o: o, cellsLeft: cellsLeft,
		g: &sheetGrid{a1: true, sheet: sh.name, hidden: sh.hidden, method: MethodXLSX, format: "xlsx"},
	}
	d := xml.NewDecoder(rc) // openZip bounded the part's size
	for {
		tok, err := d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("worksheet XML: %w", err)
		}
		if err := s.token(tok); err != nil {
			return nil, err
		}
	}
	if err := s.flush(); err != nil {
		return nil, err
	}
	s.finish(sh)
	return s.g, nil
}

// sheetReader is the state of readXLSXSheet while it reads a worksheet.
type sheetReader struct {
	ctx       context.Context
	zf        *zip.File
	rows      *excelize.Rows
	dateStyle []bool
	o         *Options
	cellsLeft *int

	g          *sheetGrid
	hiddenCols [][2]int
	merges     []mergeRange

	xRow     int // rows the display iterator has passed
	cur      *grow
	cells    []xcell
	cell     *xcell
	inV      bool
	vbuf     strings.Builder
	rowNum   int
	rowsSeen int

	truncated     bool
	cellLimit     int // the row at which the cell limit stopped reading
	mergesDropped int
	noCache       int
	firstNoCache  string
}

// token reads one token of the worksheet's XML.
func (s *sheetReader) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		switch t.Name.Local {
		case "row":
			return s.startRow(t)
		case "c":
			s.startCell(t)
		case "v":
			if s.cell != nil {
				s.inV = true
				s.vbuf.Reset()
			}
		case "f":
			if s.cell != nil {
				s.cell.formula = true
			}
		case "col":
			s.readCol(t)
		case "dimension":
			s.reserveRows(t)
		case "mergeCell":
			s.addMerge(t)
		}
	case xml.CharData:
		if s.inV && s.vbuf.Len() < 1<<16 {
			s.vbuf.Write(t)
		}
	case xml.EndElement:
		switch t.Name.Local {
		case "v":
			if s.inV && s.cell != nil {
				s.cell.value = s.vbuf.String()
			}
			s.inV = false
		case "c":
			s.cell = nil
		case "sheetData":
			return s.flush()
		}
	}
	return nil
}

// startRow ends the row before and begins a <row>, unless the row or cell
// limit has been reached; it checks ctx every 1,024 rows.
func (s *sheetReader) startRow(t xml.StartElement) error {
	if err := s.flush(); err != nil {
		return err
	}
	s.rowNum++
	hidden := false
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "r":
			if n, err := strconv.Atoi(a.Value); err == nil && n > 0 && n <= excelize.TotalRows {
				s.rowNum = n
			}
		case "hidden":
			hidden = a.Value == "1" || a.Value == "true"
		}
	}
	if s.rowsSeen++; s.rowsSeen%1024 == 0 {
		if err := s.ctx.Err(); err != nil {
			return fmt.Errorf("stopped at row %d: %w", s.rowNum, err)
		}
	}
	if s.truncated || s.cellLimit > 0 {
		return nil
	}
	if len(s.g.rows) >= s.o.MaxRows {
		s.truncated = true
		return nil
	}
	if *s.cellsLeft <= 0 {
		s.cellLimit = s.rowNum
		return nil
	}
	s.cur = &grow{row: s.rowNum - 1, hidden: hidden}
	s.cells = s.cells[:0]
	return nil
}

// startCell begins a <c> of the current row: its column (from its
// reference, else the one after the last), type and style.
func (s *sheetReader) startCell(t xml.StartElement) {
	if s.cur == nil {
		return
	}
	col := len(s.cells)
	if len(s.cells) > 0 {
		col = s.cells[len(s.cells)-1].col + 1
	}
	c := xcell{col: col}
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "r":
			if cn, _, err := excelize.CellNameToCoordinates(a.Value); err == nil {
				c.col = cn - 1
			}
		case "t":
			c.typ = a.Value
		case "s":
			c.style, _ = strconv.Atoi(a.Value)
		}
	}
	s.cells = append(s.cells, c)
	s.cell = &s.cells[len(s.cells)-1]
}

// readCol notes the columns a hidden <col> covers.
func (s *sheetReader) readCol(t xml.StartElement) {
	var lo, hi int
	hidden := false
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "min":
			lo, _ = strconv.Atoi(a.Value)
		case "max":
			hi, _ = strconv.Atoi(a.Value)
		case "hidden":
			hidden = a.Value == "1" || a.Value == "true"
		}
	}
	if hidden && lo > 0 && hi >= lo {
		s.hiddenCols = append(s.hiddenCols, [2]int{lo - 1, hi - 1})
	}
}

// reserveRows makes room for the rows the sheet's <dimension> says it
// spans, as far as the part's size allows (a row takes 30 bytes of XML at
// least), rather than grow the slice as they come.
func (s *sheetReader) reserveRows(t xml.StartElement) {
	for _, a := range t.Attr {
		if a.Name.Local != "ref" || s.g.rows != nil {
			continue
		}
		if m, ok := parseRange(a.Value); ok {
			n := min(m.r1-m.r0+1, s.o.MaxRows, int(min(s.zf.UncompressedSize64/30, 1<<30)))
			s.g.rows = make([]grow, 0, max(n, 0))
		}
	}
}

// addMerge notes a <mergeCell>'s range, up to maxMerges of them.
func (s *sheetReader) addMerge(t xml.StartElement) {
	for _, a := range t.Attr {
		if a.Name.Local == "ref" {
			if m, ok := parseRange(a.Value); ok {
				if len(s.merges) >= maxMerges {
					s.mergesDropped++
					break
				}
				s.merges = append(s.merges, m)
			}
		}
	}
}

// flush ends the current row: each cell's text is its display text (its
// raw value for a number or string past the display row), a number's
// value is kept unless the cell is styled as a date, and a row with text
// joins the grid.
func (s *sheetReader) flush() error {
	if s.cur == nil {
		return nil
	}
	r := s.cur
	s.cur = nil
	if len(s.cells) == 0 {
		return nil
	}
	// Advance the display iterator to this row.
	var disp []string
	for s.xRow < r.row+1 {
		if !s.rows.Next() {
			break
		}
		s.xRow++
	}
	if s.xRow == r.row+1 {
		var err error
		disp, err = s.rows.Columns()
		if err != nil {
			return fmt.Errorf("row %d: %w", r.row+1, err)
		}
	}
	r.cells = make([]gcell, 0, len(s.cells))
	for _, c := range s.cells {
		text := ""
		if c.col < len(disp) {
			text = NormaliseSpace(disp[c.col])
		} else if c.typ == "" || c.typ == "n" || c.typ == "str" || c.typ == "inlineStr" {
			text = NormaliseSpace(c.value)
		}
		if c.formula && c.value == "" {
			s.noCache++
			if s.firstNoCache == "" {
				s.firstNoCache = colName(c.col) + strconv.Itoa(r.row+1)
			}
		}
		if text == "" {
			continue
		}
		gc := gcell{col: int32(c.col), text: text}
		if (c.typ == "" || c.typ == "n") && c.value != "" && !(c.style < len(s.dateStyle) && s.dateStyle[c.style]) {
			if v, err := strconv.ParseFloat(c.value, 64); err == nil {
				gc.num = &v
			}
		}
		r.cells = append(r.cells, gc)
	}
	if len(r.cells) > 0 {
		s.g.rows = append(s.g.rows, *r)
		*s.cellsLeft -= len(r.cells)
	}
	return nil
}

// finish applies the hidden columns and merged ranges to the grid and
// gives it the reasons for what was not read.
func (s *sheetReader) finish(sh xlsxSheet) {
	g := s.g
	if len(s.hiddenCols) > 0 {
		hiddenCols := s.hiddenCols
		g.colHidden = func(c int) bool {
			for _, h := range hiddenCols {
				if c >= h[0] && c <= h[1] {
					return true
				}
			}
			return false
		}
	}
	g.applyMerges(s.merges, 1<<16)
	if s.truncated {
		g.reasonsAll = append(g.reasonsAll, fmt.Sprintf("sheet truncated after %d rows (MaxRows)", s.o.MaxRows))
	}
	if s.cellLimit > 0 {
		g.reasonsAll = append(g.reasonsAll, fmt.Sprintf("sheet truncated before row %d: the workbook's cell limit (%d cells) was reached", s.cellLimit, maxCells(s.o)))
	}
	if s.mergesDropped > 0 {
		g.reasonsAll = append(g.reasonsAll, fmt.Sprintf("%d merged ranges past the first %d ignored", s.mergesDropped, maxMerges))
	}
	if s.noCache > 0 {
		g.reasonsAll = append(g.reasonsAll, fmt.Sprintf("%d formulas without a cached value (first %s): read as blank", s.noCache, s.firstNoCache))
	}
	if sh.hidden {
		g.reasonsAll = append(g.reasonsAll, "sheet is hidden")
	}
}

// parseRange reads "A1:C3" (or "B2") as a 0-based inclusive range.
func parseRange(s string) (mergeRange, bool) {
	a, b, ok := strings.Cut(s, ":")
	if !ok {
		b = a
	}
	c0, r0, err1 := excelize.CellNameToCoordinates(a)
	c1, r1, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil {
		return mergeRange{}, false
	}
	m := mergeRange{r0: min(r0, r1) - 1, c0: min(c0, c1) - 1, r1: max(r0, r1) - 1, c1: max(c0, c1) - 1}
	return m, true
}

// defaultPassword is the password Excel encrypts a workbook with when it
// is marked read-only or its structure protected without a password of
// the user's: Excel and LibreOffice open such a file without asking.
const defaultPassword = "VelvetSweatshop"

// extractEncrypted opens an OOXML package encrypted by ECMA-376 standard or
// agile encryption (an OLE compound file holding EncryptionInfo and
// EncryptedPackage streams) with the default password, and extracts the
// workbook or document inside. Any other password gives ErrPassword.
func extractEncrypted(ctx context.Context, data []byte, o *Options) (ts []*Table, err error) {
	defer func() {
		if r := recover(); r != nil {
			ts, err = nil, &Error{Format: "encrypted", Err: fmt.Errorf("%w: malformed encrypted package: %v", ErrPassword, r)}
		}
	}()
	plain, err := excelize.Decrypt(data, &excelize.Options{Password: defaultPassword})
	if err != nil {
		return nil, &Error{Format: "encrypted", Err: fmt.Errorf("%w: cannot decrypt (%v): ask for an unprotected copy", ErrPassword, err)}
	}
	// Neither kind of encryption lets the key be checked cheaply here: a
	// wrong password gives bytes that are not a zip package.
	if !bytes.HasPrefix(plain, []byte("PK\x03\x04")) {
		return nil, &Error{Format: "encrypted", Err: fmt.Errorf("%w: not Excel's default password: ask for an unprotected copy", ErrPassword)}
	}
	if int64(len(plain)) > o.MaxBytes {
		return nil, &Error{Format: "encrypted", Err: fmt.Errorf("%w: decrypted package of %d bytes (limit %d)", ErrTooLarge, len(plain), o.MaxBytes)}
	}
	format := sniffZip("", plain)
	switch format {
	case "xlsx":
		ts, err = extractXLSX(ctx, plain, o)
	case "docx":
		ts, err = extractDOCX(ctx, plain, o)
	default:
		return nil, &Error{Format: "encrypted", Err: fmt.Errorf("%w: decrypted package is %s", ErrUnsupported, format)}
	}
	for _, t := range ts {
		t.Source.Format = format
		t.Reasons = append(t.Reasons, "encrypted with Excel's default password (VelvetSweatshop), which opens it without asking")
	}
	return ts, err
}
