package dataset

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/foidesk/foidesk/internal/extract"
)

// CellLabels returns the headings a cell of an extracted table is read
// under, as the force printed them: the text to its left on its row (the
// row's labels, joined with " / " when there are several) and the header
// rows' text above it (joined likewise, a merged heading once). A table
// without header rows takes its first row's text as the column's heading
// when it is not a number. Either is "" when the table has none.
func CellLabels(rows [][]extract.Cell, headerRows, row, col int) (rowLabel, colLabel string) {
	if row < 0 || row >= len(rows) || col < 0 {
		return "", ""
	}
	var rl []string
	for c := 0; c < col && c < len(rows[row]); c++ {
		cell := rows[row][c]
		if t := label(cell); t != "" && (len(rl) == 0 || rl[len(rl)-1] != t) {
			rl = append(rl, t)
		}
	}
	// Rows labelled by year ("2022", "2022/23") have a number for a label.
	if len(rl) == 0 && col > 0 && len(rows[row]) > 0 {
		if t := strings.TrimSpace(rows[row][0].Text); yearLabel.MatchString(t) {
			rl = append(rl, t)
		}
	}
	heads := headerRows
	if heads == 0 && row > 0 {
		heads = 1
	}
	var cl []string
	for r := 0; r < heads && r < row && r < len(rows); r++ {
		if col >= len(rows[r]) {
			continue
		}
		t := strings.TrimSpace(rows[r][col].Text)
		if headerRows == 0 && (t == "" || isNumber(rows[r][col])) {
			continue
		}
		if t != "" && (len(cl) == 0 || cl[len(cl)-1] != t) {
			cl = append(cl, t)
		}
	}
	return strings.Join(rl, " / "), strings.Join(cl, " / ")
}

// yearLabel is a row label that is a year or a span of years.
var yearLabel = regexp.MustCompile(`^(19|20)[0-9]{2}([/-][0-9]{2}([0-9]{2})?)?$`)

// IsLabel reports whether a cell reads as a label: text, not a figure.
func IsLabel(c extract.Cell) bool { return label(c) != "" }

// label is a cell's text when it reads as a label, not a figure.
func label(c extract.Cell) string {
	t := strings.TrimSpace(c.Text)
	if t == "" || isNumber(c) {
		return ""
	}
	return t
}

func isNumber(c extract.Cell) bool {
	if c.Number != nil {
		return true
	}
	t := strings.NewReplacer(",", "", " ", "", "%", "").Replace(strings.TrimSpace(c.Text))
	_, err := strconv.ParseFloat(t, 64)
	return err == nil
}

// Citation is where a figure sits, as printed and as a grid reference.
type Citation struct {
	Document string
	Sheet    string
	Page     int
	Table    int
	Row      string // the row's label as printed, "" without one
	Column   string // the column's heading as printed
	Ref      string // "B7" in a spreadsheet, "r3c2" elsewhere
}

// Printed is the citation in the document's own terms: "page 2, row
// 'Eritrean', column '2023'", falling back on the grid reference for a
// row or column without a label.
func (c Citation) Printed() string {
	var parts []string
	if c.Sheet != "" {
		parts = append(parts, "sheet "+quote(c.Sheet))
	}
	if c.Page > 0 {
		parts = append(parts, fmt.Sprintf("page %d", c.Page))
	}
	if c.Row != "" {
		parts = append(parts, "row "+quote(c.Row))
	}
	if c.Column != "" {
		parts = append(parts, "column "+quote(c.Column))
	}
	if c.Row == "" || c.Column == "" {
		parts = append(parts, "cell "+c.Ref)
	}
	return strings.Join(parts, ", ")
}

// Grid is the citation by grid reference: "table 1, cell r3c2".
func (c Citation) Grid() string {
	return fmt.Sprintf("table %d, cell %s", c.Table, c.Ref)
}

// quote puts a label in single quotes, shortened past 60 characters.
func quote(s string) string {
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return "'" + s + "'"
}
