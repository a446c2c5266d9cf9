// Package extract turns documents (PDF, XLSX, CSV, DOCX, HTML and plain-text
// email bodies) into tables whose every cell knows where it came from.
package extract

import "strings"

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
}

// NumRows returns the number of grid rows.
func (t *Table) NumRows() int { return len(t.Rows) }

// NumCols returns the width of the widest row.
func (t *Table) NumCols() int {
	n := 0
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	return n
}

// Text returns the text at row r, column c, or "" outside the grid.
func (t *Table) Text(r, c int) string {
	if r < 0 || r >= len(t.Rows) || c < 0 || c >= len(t.Rows[r]) {
		return ""
	}
	return t.Rows[r][c].Text
}

// Strings returns the grid as plain text, one slice per row, padded to NumCols.
func (t *Table) Strings() [][]string {
	w := t.NumCols()
	out := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		row := make([]string, w)
		for j, c := range r {
			row[j] = c.Text
		}
		out[i] = row
	}
	return out
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
