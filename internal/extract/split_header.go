package extract

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// splitRepeatedHeaders cuts a table where its header comes again: blocks
// stacked on a sheet without a blank row between them (one per year, each
// under its own year row), or tables one under another on a scanned page,
// read as one. A body row that repeats one of the header rows, with the
// rows above it that match that row's depth in the header, starts the
// next table.
func splitRepeatedHeaders(t *Table) []*Table {
	h := t.HeaderRows
	if h == 0 || t.NumRows() < 2*h+2 {
		return []*Table{t}
	}
	header := t.Rows[:min(h, len(t.Rows))]
	if t.compact != nil {
		header = make([][]Cell, h)
		for r := range header {
			header[r] = t.rowAt(r, nil)
		}
	}
	var buf []Cell
	var out []*Table
	start := 0
	for r := h + 1; r < t.NumRows(); r++ {
		buf = t.rowAt(r, buf)
		k := repeatedHeaderRow(header, buf)
		if k < 0 || r-k < start+h+1 {
			continue
		}
		out = append(out, subTable(t, start, r-k))
		start = r - k
		r += h - 1 - k
	}
	if len(out) == 0 {
		return []*Table{t}
	}
	out = append(out, subTable(t, start, t.NumRows()))
	for i, p := range out {
		if i > 0 {
			p.Title = ""
		}
		if i < len(out)-1 {
			p.Notes = nil
		}
		p.Reasons = append(p.Reasons, fmt.Sprintf("one of %d tables set one under another, each under the same header", len(out)))
	}
	return out
}

// repeatedHeaderRow returns the index of the header row that row repeats,
// the last one first, or -1.
func repeatedHeaderRow(header [][]Cell, row []Cell) int {
	for k := len(header) - 1; k >= 0; k-- {
		if repeatsHeader(row, header[k]) {
			return k
		}
	}
	return -1
}

// subTable is rows [r0, r1) of t as a table of its own, with t's header
// depth, source and method; grid references (not a sheet's) renumbered.
func subTable(t *Table, r0, r1 int) *Table {
	n := *t
	if t.compact != nil {
		// A compact table's refs are its file's.
		n.compact = t.compact.sub(r0, r1)
		n.Reasons = append([]string(nil), t.Reasons...)
		n.Notes = append([]string(nil), t.Notes...)
		return &n
	}
	n.Rows = t.Rows[r0:r1]
	if len(n.Rows) > 0 && len(n.Rows[0]) > 0 && n.Rows[0][0].Ref == refOf(r0, 0) {
		// Grid references (r1c1) count from the new table's top.
		for r := range n.Rows {
			for c := range n.Rows[r] {
				n.Rows[r][c].Ref = refOf(r, c)
			}
		}
	}
	if p := firstPage(n.Rows); p > 0 {
		n.Source.Page = p
	}
	n.Reasons = append([]string(nil), t.Reasons...)
	n.Notes = append([]string(nil), t.Notes...)
	return &n
}

// repeatsHeader reports whether row holds, cell for cell, the texts of the
// header row hdr (white space and case aside): two or more, at least four
// in five of the header's own (not covered) texts, and nothing else.
func repeatsHeader(row, hdr []Cell) bool {
	own, same := 0, 0
	for c, hc := range hdr {
		if hc.Text != "" && !hc.Covered {
			own++
		}
		if c >= len(row) || row[c].Text == "" || row[c].Covered {
			continue
		}
		if !equalSqueezeFold(row[c].Text, hc.Text) {
			return false
		}
		same++
	}
	return same >= 2 && float64(same) >= 0.8*float64(own)
}

// squeezeFold is s without white space, in lower case.
func squeezeFold(s string) string { return strings.ToLower(squeeze(s)) }

// equalSqueezeFold reports whether squeezeFold(a) == squeezeFold(b),
// without building either.
func equalSqueezeFold(a, b string) bool {
	next := func(s string, i int) (rune, int) {
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !isSpaceRune(r) {
				return unicode.ToLower(r), i + n
			}
			i += n
		}
		return -1, i
	}
	i, j := 0, 0
	for {
		var ra, rb rune
		ra, i = next(a, i)
		rb, j = next(b, j)
		if ra != rb {
			return false
		}
		if ra < 0 {
			return true
		}
	}
}

// joinWrappedHeader joins the last header row of a table read by OCR to
// the row above when it only continues that row's headings: OCR gives a
// heading wrapped over two lines ("Meetings" over "Attended") as two
// rows. Every text of the lower row must stand under a heading of the
// upper one, and none may be a figure.
func joinWrappedHeader(t *Table) {
	h := t.HeaderRows
	if t.Method != MethodOCR || t.compact != nil || h < 2 || len(t.Rows) <= h {
		return
	}
	up, low := t.Rows[h-2], t.Rows[h-1]
	n := 0
	for c, cell := range low {
		if cell.Text == "" {
			continue
		}
		if c >= len(up) || up[c].Text == "" || up[c].Covered || cell.Covered || isNumeric(cell.Text) {
			return
		}
		n++
	}
	if n == 0 {
		return
	}
	for c, cell := range low {
		if cell.Text != "" {
			up[c].Text = NormaliseSpace(up[c].Text + " " + cell.Text)
		}
	}
	t.Rows = append(t.Rows[:h-1:h-1], t.Rows[h:]...)
	for r := h - 1; r < len(t.Rows); r++ {
		for c := range t.Rows[r] {
			t.Rows[r][c].Ref = refOf(r, c)
		}
	}
	t.HeaderRows--
	t.Reasons = append(t.Reasons, "a heading read as two lines by OCR joined into one header row")
}

// firstPage is the page of the first cell with one, or 0.
func firstPage(rows [][]Cell) int {
	for _, row := range rows {
		for _, c := range row {
			if c.Page > 0 {
				return c.Page
			}
		}
	}
	return 0
}
