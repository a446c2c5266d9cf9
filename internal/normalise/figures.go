package normalise

import "github.com/foidesk/foidesk/internal/extract"

// HasFigures reports whether a table holds anything that could be data: at
// least two cells outside its first row and column that read as numbers or
// as flagged figures ("<5", "*"). A key-value sheet of query parameters,
// a letterhead or a contents list has none, and is not data to review.
func HasFigures(t *extract.Table) bool {
	n := 0
	for r, row := range t.Rows {
		for c, cell := range row {
			if r == 0 || c == 0 || cell.Covered {
				continue
			}
			if v, err := ParseCell(cell); err == nil && (v.Number != nil || v.Flag == "suppressed" || v.Flag == "redacted") {
				if n++; n >= 2 {
					return true
				}
			}
		}
	}
	return false
}
