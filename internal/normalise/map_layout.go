package normalise

// Phase 1, reading the headings: the grid without ignored, hidden and empty
// rows and columns, title and note rows peeled off, how many rows are
// headings (H) and columns labels (L), and what kind each body row is.

import (
	"fmt"
	"slices"

	"github.com/foidesk/foidesk/internal/extract"
)

// Kinds of body row.
const (
	rowData   = iota
	rowNote   // a note inside or below the table
	rowRepeat // the heading again, after a page break
	rowSingle // one text and no figures: a section heading or a label with blank figures
)

// buildGrid drops ignored, hidden and empty rows and columns.
func (m *mapper) buildGrid() {
	ignR, ignC := map[int]bool{}, map[int]bool{}
	m.ignoredRowsCols(ignR, ignC)
	hiddenCol := make([]bool, m.t.NumCols())
	m.hiddenColumns(hiddenCol)
	keepR := m.keptRows(ignR, ignC, hiddenCol)
	keepC := m.keptColumns(keepR, ignC, hiddenCol)
	m.fillGrid(keepR, keepC)
}

// ignoredRowsCols sets the rows and columns the operator ignores in ignR
// and ignC, each recorded as a decision.
func (m *mapper) ignoredRowsCols(ignR, ignC map[int]bool) {
	for _, r := range m.ov.IgnoreRows {
		ignR[r] = true
		m.decide(Decision{Kind: "skip", Subject: fmt.Sprintf("row %d", r+1), Confidence: 1, Reason: "operator override: ignore row"})
	}
	for _, c := range m.ov.IgnoreCols {
		ignC[c] = true
		m.decide(Decision{Kind: "skip", Subject: "column " + colName(c), Confidence: 1, Reason: "operator override: ignore column"})
	}
}

// hiddenColumns sets hiddenCol[c] for each column c whose every cell is
// hidden.
func (m *mapper) hiddenColumns(hiddenCol []bool) {
	t := m.t
	nr := t.NumRows()
	if t.Compact() {
		return // a compact table's cells are never hidden
	}
	for c := range hiddenCol {
		n, h := 0, 0
		for r := 0; r < nr; r++ {
			if c < len(t.Rows[r]) {
				n++
				if t.Rows[r][c].Hidden {
					h++
				}
			}
		}
		hiddenCol[c] = n > 0 && h == n
	}
}

// keptRows is the rows that are neither ignored, empty nor hidden (a
// hidden row is left out and asks for review), by their original position.
func (m *mapper) keptRows(ignR, ignC map[int]bool, hiddenCol []bool) []int {
	t := m.t
	nr := t.NumRows()
	compact := t.Compact()
	var keepR []int
	for r := 0; r < nr; r++ {
		if ignR[r] {
			continue
		}
		w := m.width(r)
		hidden, empty := w > 0, true
		for c := 0; c < w; c++ {
			if ignC[c] || hiddenCol[c] {
				continue
			}
			if compact || !t.Rows[r][c].Hidden {
				hidden = false
			}
			if normaliseSpace(m.text(r, c)) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		if hidden {
			m.decide(Decision{Kind: "skip", Subject: fmt.Sprintf("row %d", r+1), Confidence: 1, Reason: "hidden in the source"})
			m.review("row %d is hidden in the source and was left out; check it holds no figures", r+1)
			continue
		}
		keepR = append(keepR, r)
	}
	return keepR
}

// keptColumns is the columns that are neither ignored, empty in the kept
// rows nor hidden (a hidden column is left out and asks for review).
func (m *mapper) keptColumns(keepR []int, ignC map[int]bool, hiddenCol []bool) []int {
	t := m.t
	nc := t.NumCols()
	var keepC []int
	for c := 0; c < nc; c++ {
		if ignC[c] {
			continue
		}
		empty := true
		for _, r := range keepR {
			if c < m.width(r) && normaliseSpace(m.text(r, c)) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		if hiddenCol[c] {
			m.decide(Decision{Kind: "skip", Subject: "column " + colName(c), Confidence: 1, Reason: "hidden in the source"})
			m.review("column %s is hidden in the source and was left out; check it holds no figures", colName(c))
			continue
		}
		keepC = append(keepC, c)
	}
	return keepC
}

// fillGrid makes the grid of the kept rows and columns: their normalised
// texts and their cells. A compact table's cells are left out (m.cells is
// nil): they hold text only, and cellAt gives one when it is needed.
func (m *mapper) fillGrid(keepR, keepC []int) {
	t := m.t
	m.rows, m.cols = keepR, keepC
	m.g = make([][]string, 0, len(keepR))
	if t.Compact() {
		allTexts := make([]string, len(keepR)*len(keepC))
		for i, r := range keepR {
			texts := allTexts[i*len(keepC) : (i+1)*len(keepC) : (i+1)*len(keepC)]
			for j, c := range keepC {
				texts[j] = normaliseSpace(t.Text(r, c))
			}
			m.g = append(m.g, texts)
		}
		return
	}
	// One block for all rows' texts and one for their cells.
	allTexts := make([]string, len(keepR)*len(keepC))
	allCells := make([]*extract.Cell, len(keepR)*len(keepC))
	m.cells = make([][]*extract.Cell, 0, len(keepR))
	for i, r := range keepR {
		texts := allTexts[i*len(keepC) : (i+1)*len(keepC) : (i+1)*len(keepC)]
		cells := allCells[i*len(keepC) : (i+1)*len(keepC) : (i+1)*len(keepC)]
		for j, c := range keepC {
			if c < len(t.Rows[r]) {
				cell := &t.Rows[r][c]
				texts[j] = normaliseSpace(cell.Text)
				cells[j] = cell
				if cell.RowSpan > 1 || cell.ColSpan > 1 || cell.Covered {
					m.hasMerges = true
				}
			}
		}
		m.g = append(m.g, texts)
		m.cells = append(m.cells, cells)
	}
}

func (m *mapper) dropRow(i int) {
	m.g = slices.Delete(m.g, i, i+1)
	if m.cells != nil {
		m.cells = slices.Delete(m.cells, i, i+1)
	}
	m.rows = slices.Delete(m.rows, i, i+1)
}

// distinct returns the distinct non-empty texts of a grid row from column
// from on, and whether any is a strong figure. The slice is only good until
// the next call.
func (m *mapper) distinct(r, from int) ([]string, bool) {
	out := m.distinctBuf[:0]
	strong := false
	for c := from; c < len(m.g[r]); c++ {
		t := m.g[r][c]
		if t == "" {
			continue
		}
		if m.class(t).strong {
			strong = true
		}
		out = addUnique(out, t)
	}
	m.distinctBuf = out
	return out, strong
}

// peelTitleRows moves leading rows that hold a single text (a title, or a
// heading spanning the whole table) out of the grid.
func (m *mapper) peelTitleRows() {
	for len(m.g) > 2 {
		ts, strong := m.distinct(0, 0)
		if len(ts) != 1 || strong {
			return
		}
		m.titles = append(m.titles, ts[0])
		m.decide(Decision{Kind: "skip", Subject: m.rowName(0), Text: ts[0], Confidence: 1, Reason: "title row: one text across the table"})
		m.dropRow(0)
	}
}

// recognised reports whether a text names a value of some dimension, a
// period or a total.
func (m *mapper) recognised(text string) bool {
	cl := m.class(text)
	if cl.isPeriod || cl.total {
		return true
	}
	for _, name := range m.order {
		if name == m.pdim {
			continue
		}
		if mt := m.dims[name].match(text); mt.OK() && mt.Confidence >= 0.7 {
			return true
		}
	}
	return false
}

// peelNotes drops trailing rows of one text that is not a label.
func (m *mapper) peelNotes() {
	for len(m.g) > 1 {
		last := len(m.g) - 1
		ts, strong := m.distinct(last, 0)
		if len(ts) != 1 || strong || (m.recognised(ts[0]) && !isNoteText(ts[0])) {
			return
		}
		m.decide(Decision{Kind: "skip", Subject: m.rowName(last), Text: ts[0], Confidence: 1, Reason: "note below the table"})
		m.dropRow(last)
	}
}

func (m *mapper) isHeading(text string) bool {
	if text == "" {
		return false
	}
	if _, ok := m.ov.Headers[text]; ok {
		return true
	}
	return m.measureHeader(text) || m.namesDimension(text)
}

// findLayout decides which leading rows are headings (H) and which leading
// columns are labels (L).
func (m *mapper) findLayout() bool {
	nr, nc := len(m.g), len(m.g[0])
	first := -1
	for r := 0; r < nr && first < 0; r++ {
		for c := 0; c < nc; c++ {
			if m.class(m.g[r][c]).strong {
				first = r
				break
			}
		}
	}
	if first < 0 {
		m.review("no figures found in the table")
		return false
	}
	L := 0
	for c := 0; c < nc; c++ {
		strong, label := 0, 0
		for r := first; r < nr; r++ {
			cl := m.class(m.g[r][c])
			switch {
			case cl.empty:
			case cl.strong:
				strong++
			default:
				label++
			}
		}
		if label <= strong {
			break
		}
		L = c + 1
	}
	if L >= nc {
		m.review("every column holds labels; no column of figures was found")
		return false
	}
	H := -1
	for r := 0; r < nr && H < 0; r++ {
		for c := L; c < nc; c++ {
			if m.class(m.g[r][c]).strong {
				H = r
				break
			}
		}
	}
	if H < 0 {
		m.review("no figures found right of the label columns")
		return false
	}
	// Rows just above the first figures that have labels but nothing over
	// the figure columns are body rows with blank figures.
	for H > 0 {
		r := H - 1
		over, _ := m.distinct(r, L)
		labels := false
		heading := false
		for c := 0; c < L; c++ {
			if t := m.g[r][c]; t != "" {
				labels = true
				heading = heading || m.isHeading(t)
			}
		}
		if len(over) > 0 || !labels || heading {
			break
		}
		H--
	}
	m.H, m.L = H, L
	reason := fmt.Sprintf("%d heading row(s) and %d label column(s)", H, L)
	if m.t.HeaderRows > 0 && m.t.HeaderRows != H+len(m.titles) {
		reason += fmt.Sprintf(" (the extractor suggested %d heading rows)", m.t.HeaderRows)
	}
	m.decide(Decision{Kind: "layout", Subject: "table", Confidence: 1, Reason: reason})
	return true
}

// fillHeaders repeats an upper heading over the blank cells to its right
// when the source had no merge information (a two-level heading written as
// "2022,,,2023,,").
func (m *mapper) fillHeaders() {
	if m.hasMerges {
		return
	}
	for h := 0; h < m.H-1; h++ {
		for c := m.L + 1; c < len(m.g[h]); c++ {
			if m.g[h][c] == "" && m.g[h][c-1] != "" && !m.class(m.g[h][c-1]).total {
				m.g[h][c] = m.g[h][c-1]
			}
		}
	}
}

// kindRows sorts the body rows into data, notes, repeated headings and
// single-text rows.
func (m *mapper) kindRows() {
	m.rowKinds = make([]int, len(m.g))
	for r := m.H; r < len(m.g); r++ {
		// A row with a strong figure is data unless it repeats the
		// heading, whatever its other texts: it is read only that far.
		first, many, strong := "", false, false
		for _, t := range m.g[r] {
			if t == "" {
				continue
			}
			if first == "" {
				first = t
			} else if t != first {
				many = true
			}
			if m.class(t).strong {
				strong = true
				break
			}
		}
		if strong {
			if m.sameAsHeading(r) {
				m.rowKinds[r] = rowRepeat
			}
			continue
		}
		// No figure: first is the row's first text, many tells whether it
		// has others.
		switch {
		case first == "":
			m.rowKinds[r] = rowNote
		case isNoteText(first) && !m.recognised(first):
			m.rowKinds[r] = rowNote
		case m.sameAsHeading(r):
			m.rowKinds[r] = rowRepeat
		case !many:
			m.rowKinds[r] = rowSingle
		}
	}
}

// sameAsHeading reports whether a body row repeats the last heading row
// (a table continued on a new page).
func (m *mapper) sameAsHeading(r int) bool {
	if m.H == 0 {
		return false
	}
	h := m.H - 1
	any := false
	for c := m.L; c < len(m.g[r]); c++ {
		if m.g[r][c] != m.g[h][c] {
			return false
		}
		if m.g[r][c] != "" {
			any = true
		}
	}
	return any
}
