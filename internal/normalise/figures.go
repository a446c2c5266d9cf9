package normalise

import "github.com/foidesk/foidesk/internal/extract"

// HasFigures reports whether a table holds anything that could be data: at
// least two cells outside its first row and column that read as numbers or
// as flagged figures ("<5", "*"). A key-value sheet of query parameters,
// a letterhead or a contents list has none, and is not data to review.
func HasFigures(t *extract.Table) bool {
	n := 0
	compact, w := t.Compact(), 0
	if compact {
		w = t.NumCols() // every row of a compact table is as wide
	}
	var cell extract.Cell
	for r := 1; r < t.NumRows(); r++ {
		if !compact {
			w = len(t.Rows[r])
		}
		for c := 1; c < w; c++ {
			if compact {
				// A compact table's cells are text only.
				cell = extract.Cell{Text: t.Text(r, c)}
			} else {
				cell = t.Rows[r][c]
			}
			if cell.Covered {
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
