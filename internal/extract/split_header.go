package extract

import "fmt"

// splitRepeatedHeaders cuts a spreadsheet table where its header comes
// again: blocks stacked on a sheet without a blank row between them (one
// per year, each under its own year row) read as one block, and a body
// row that repeats the last header row, with the rows above it that
// match the header's depth, starts the next table. Other tables are
// returned as they are.
func splitRepeatedHeaders(t *Table) []*Table {
	h := t.HeaderRows
	if t.Method != MethodXLSX || h == 0 || len(t.Rows) < 2*h+2 {
		return []*Table{t}
	}
	hdr := t.Rows[h-1]
	var out []*Table
	start := 0
	for r := h + 1; r < len(t.Rows); r++ {
		s := r - (h - 1)
		if s < start+h+1 || !repeatsHeader(t.Rows[r], hdr) {
			continue
		}
		out = append(out, subTable(t, start, s))
		start = s
	}
	if len(out) == 0 {
		return []*Table{t}
	}
	out = append(out, subTable(t, start, len(t.Rows)))
	for i, p := range out {
		if i > 0 {
			p.Title = ""
		}
		if i < len(out)-1 {
			p.Notes = nil
		}
		p.Reasons = append(p.Reasons, fmt.Sprintf("one of %d tables stacked on the sheet, each under the same header", len(out)))
	}
	return out
}

// subTable is rows [r0, r1) of t as a table of its own, with t's header
// depth, source and method.
func subTable(t *Table, r0, r1 int) *Table {
	n := *t
	n.Rows = t.Rows[r0:r1]
	n.Reasons = append([]string(nil), t.Reasons...)
	n.Notes = append([]string(nil), t.Notes...)
	return &n
}

// repeatsHeader reports whether row holds, cell for cell, the texts of the
// header row hdr: two or more, at least four in five of the header's own
// (not covered) texts, and nothing else.
func repeatsHeader(row, hdr []Cell) bool {
	own, same := 0, 0
	for c, hc := range hdr {
		if hc.Text != "" && !hc.Covered {
			own++
		}
		if c >= len(row) || row[c].Text == "" || row[c].Covered {
			continue
		}
		if row[c].Text != hc.Text {
			return false
		}
		same++
	}
	return same >= 2 && float64(same) >= 0.8*float64(own)
}
