// Package extract turns documents (PDF, XLSX, CSV, DOCX, HTML and plain-text
// email bodies) into tables whose every cell knows where it came from.
package extract

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Method names how a table was found.
type Method string

const (
	MethodPDFRuled   Method = "pdf-ruled"   // cells from drawn ruling lines
	MethodPDFAligned Method = "pdf-aligned" // columns inferred from text alignment
	MethodXLSX       Method = "xlsx"
	MethodCSV        Method = "csv"
	MethodDOCX       Method = "docx"
	MethodHTML       Method = "html"
	MethodText       Method = "text" // whitespace-aligned plain text (email bodies)
	MethodOCR        Method = "ocr"  // a scanned PDF page read by OCR, columns from alignment
)

// Source says where a table lives inside its document.
type Source struct {
	Document string `json:"document"`        // document id (sha256) or file name
	Format   string `json:"format"`          // "pdf", "xlsx", "csv", "docx", "html", "text"
	Page     int    `json:"page,omitempty"`  // 1-based PDF page where the table starts
	Sheet    string `json:"sheet,omitempty"` // spreadsheet sheet name
	Hidden   bool   `json:"hidden,omitempty"`
}

// Rect is a bounding box in PDF user space (points, origin bottom-left).
type Rect struct {
	X0 float64 `json:"x0"`
	Y0 float64 `json:"y0"`
	X1 float64 `json:"x1"`
	Y1 float64 `json:"y1"`
}

// Cell is one position of a table's grid. The grid is dense: a merged cell's
// origin carries RowSpan/ColSpan > 1, and the positions it covers carry the
// same Text with Covered set, so that readers may treat every row alike.
type Cell struct {
	Text    string   `json:"text"`
	Number  *float64 `json:"number,omitempty"` // typed numeric value when the source has one (XLSX)
	RowSpan int      `json:"row_span,omitempty"`
	ColSpan int      `json:"col_span,omitempty"`
	Covered bool     `json:"covered,omitempty"` // inside another cell's span
	Hidden  bool     `json:"hidden,omitempty"`  // hidden row or column in the source
	Ref     string   `json:"ref,omitempty"`     // "B7" for spreadsheets, "r3c2" for others
	Page    int      `json:"page,omitempty"`    // PDF page of this cell (tables may span pages)
	BBox    *Rect    `json:"bbox,omitempty"`    // PDF only
}

// Table is one table found in a document.
type Table struct {
	Index      int      `json:"index"` // 1-based position among the document's tables
	Source     Source   `json:"source"`
	Method     Method   `json:"method"`
	Title      string   `json:"title,omitempty"` // text just above the table
	Notes      []string `json:"notes,omitempty"` // text just below the table
	HeaderRows int      `json:"header_rows"`
	Rows       [][]Cell `json:"rows"`
	Confidence float64  `json:"confidence"` // 0..1
	Reasons    []string `json:"reasons,omitempty"`

	// compact, when set, holds the cells instead of Rows (a delimited
	// file read with Options.Compact): Rows is nil until Expand.
	compact *compactCells
}

// Compact reports whether the table keeps its cells in a compact store
// (Options.Compact) rather than in Rows: read them with NumRows, NumCols,
// Text, Row and Strings, or call Expand to fill Rows.
func (t *Table) Compact() bool { return t.compact != nil }

// Expand fills Rows from a compact table's store (a no-op otherwise); the
// table is an ordinary one afterwards. A cell of Rows costs about 80
// bytes, several times what the compact store spends on it.
func (t *Table) Expand() {
	cc := t.compact
	if cc == nil {
		return
	}
	rows := make([][]Cell, len(cc.idx))
	for r := range rows {
		rows[r] = cc.row(r, nil, true)
	}
	t.Rows, t.compact = rows, nil
}

// MarshalJSON encodes the table with its rows, expanding a compact one.
func (t *Table) MarshalJSON() ([]byte, error) {
	type plain Table
	if t.compact == nil {
		return json.Marshal((*plain)(t))
	}
	n := *t
	n.Expand()
	return json.Marshal((*plain)(&n))
}

// NumRows returns the number of grid rows.
func (t *Table) NumRows() int {
	if t.compact != nil {
		return len(t.compact.idx)
	}
	return len(t.Rows)
}

// NumCols returns the width of the widest row.
func (t *Table) NumCols() int {
	if t.compact != nil {
		return t.compact.w
	}
	n := 0
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	return n
}

// Text returns the text at row r, column c, or "" outside the grid.
func (t *Table) Text(r, c int) string {
	if t.compact != nil {
		return t.compact.text(r, c)
	}
	if r < 0 || r >= len(t.Rows) || c < 0 || c >= len(t.Rows[r]) {
		return ""
	}
	return t.Rows[r][c].Text
}

// Row returns row r's cells, or nil outside the grid: Rows[r] itself, or
// for a compact table a new slice built from its store (refs included).
func (t *Table) Row(r int) []Cell {
	if r < 0 || r >= t.NumRows() {
		return nil
	}
	if t.compact != nil {
		return t.compact.row(r, nil, true)
	}
	return t.Rows[r]
}

// Ref returns the Ref of the cell at row r, column c, as Row(r) gives
// it, or "" outside the grid. A compact table's is made for the call.
func (t *Table) Ref(r, c int) string {
	if cc := t.compact; cc != nil {
		if r < 0 || r >= len(cc.idx) || c < 0 || c >= cc.w {
			return ""
		}
		return cc.ref(r, c)
	}
	if r < 0 || r >= len(t.Rows) || c < 0 || c >= len(t.Rows[r]) {
		return ""
	}
	return t.Rows[r][c].Ref
}

// AppendRowJSON appends to dst the JSON of row r's cells, byte for byte
// what json.Marshal(t.Row(r)) gives. A compact table's row is written
// from its store, with nothing allocated beyond dst's growth.
func (t *Table) AppendRowJSON(dst []byte, r int) ([]byte, error) {
	cc := t.compact
	if cc == nil || r < 0 || r >= len(cc.idx) || cc.w == 0 {
		b, err := json.Marshal(t.Row(r))
		return append(dst, b...), err
	}
	i := int(cc.idx[r])
	var num [20]byte
	rowNum := strconv.AppendInt(num[:0], int64(cc.s.rows.at(i).row)+1, 10)
	k0, k1 := cc.s.rowSpan(i)
	k := k0
	dst = append(dst, '[')
	for j := range cc.w {
		// The row's cells are in column order: skip those left of the
		// table, take the one in column j if there is one.
		for k < k1 && int(cc.s.cells.at(k).col) < cc.c0+j {
			k++
		}
		text := ""
		if k < k1 && int(cc.s.cells.at(k).col) == cc.c0+j {
			text = cc.s.cellText(k)
		}
		if j > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"text":`...)
		dst = appendJSONString(dst, text)
		dst = append(dst, `,"ref":"`...)
		dst = appendColName(dst, cc.c0+j)
		dst = append(dst, rowNum...)
		dst = append(dst, `"}`...)
	}
	return append(dst, ']'), nil
}

// appendJSONString appends s as encoding/json writes a string with HTML
// escaping (json.Marshal's way): quotes, backslashes and control bytes
// escaped, "<", ">" and "&" as \u003c, \u003e and \u0026, bytes that are
// not UTF-8 as \ufffd, U+2028 and U+2029 as \u2028 and \u2029.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Strings returns the grid as plain text, one slice per row, padded to NumCols.
func (t *Table) Strings() [][]string {
	w := t.NumCols()
	out := make([][]string, t.NumRows())
	for i := range out {
		row := make([]string, w)
		for j := range row {
			row[j] = t.Text(i, j)
		}
		out[i] = row
	}
	return out
}

// rowAt returns row i for reading: Rows[i], or for a compact table its
// cells' texts written into buf (pass the result back in as buf). Refs
// are left out; cellRef gives them.
func (t *Table) rowAt(i int, buf []Cell) []Cell {
	if t.compact != nil {
		return t.compact.row(i, buf, false)
	}
	return t.Rows[i]
}

// width returns the number of cells of row i.
func (t *Table) width(i int) int {
	if t.compact != nil {
		return t.compact.w
	}
	return len(t.Rows[i])
}

// cellAt returns a copy of the cell at row i, column j (its Ref left out
// in a compact table), and false outside row i.
func (t *Table) cellAt(i, j int) (Cell, bool) {
	if t.compact != nil {
		if j < 0 || j >= t.compact.w {
			return Cell{}, false
		}
		return Cell{Text: t.compact.text(i, j)}, true
	}
	if j < 0 || j >= len(t.Rows[i]) {
		return Cell{}, false
	}
	return t.Rows[i][j], true
}

// NormaliseSpace collapses runs of white space (including NBSP) to single
// spaces and trims the ends. Cell text is stored this way. A string that
// is so already is returned as it is, without copying.
func NormaliseSpace(s string) string {
	if isNormalSpace(s) {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, isSpaceRune), " ")
}

func isSpaceRune(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' || r == '\f' || r == '\v'
}

// isNormalSpace reports whether s has no white space at its ends, no run
// of it, and none but single ASCII spaces.
func isNormalSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		case '\t', '\n', '\r', '\f', '\v':
			return false
		case 0xc2: // the first byte of U+00A0 in UTF-8
			if i+1 < len(s) && s[i+1] == 0xa0 {
				return false
			}
		}
	}
	return true
}
