package extract

// mergeAcrossPages flattens the pages' tables in reading order, joining a
// table that ends one page with the first table of the next when it
// continues there: same column count, no body text in between, and either
// the same header rows repeated or no header at all.
func mergeAcrossPages(pages []*pageTables) []*Table {
	var out []*Table
	var prev *ptable
	var prevPage *pageTables
	for _, pg := range pages {
		for i, tb := range pg.tables {
			if i == 0 && prev != nil && prevPage != nil && prevPage.number+1 == pg.number &&
				!prevPage.textBelow && !pg.textAbove && continues(prev, tb) {
				appendContinuation(prev, tb)
				continue
			}
			out = append(out, tb.t)
			prev = tb
		}
		if len(pg.tables) == 0 {
			prev = nil
		}
		prevPage = pg
	}
	return out
}

// continues reports whether next is the continuation of t on the next page.
func continues(t, next *ptable) bool {
	a, b := t.t, next.t
	if a.Method != b.Method || a.NumCols() != b.NumCols() || len(b.Rows) == 0 {
		return false
	}
	if h := a.HeaderRows; h > 0 && b.HeaderRows == h && len(b.Rows) > h {
		for r := 0; r < h; r++ {
			for c := 0; c < a.NumCols(); c++ {
				if NormaliseSpace(a.Text(r, c)) != NormaliseSpace(b.Text(r, c)) {
					return false
				}
			}
		}
		return true
	}
	if b.HeaderRows != 0 {
		return false
	}
	// No header on the next page: the columns must line up.
	if len(t.colEdges) == len(next.colEdges) && len(t.colEdges) > 1 {
		for i := range t.colEdges {
			if d := t.colEdges[i] - next.colEdges[i]; d > 3*t.sizeHint() || d < -3*t.sizeHint() {
				return false
			}
		}
		return true
	}
	return a.Method == MethodPDFAligned
}

// appendContinuation adds next's body rows to t (dropping a repeated
// header) and takes over its notes.
func appendContinuation(t, next *ptable) {
	skip := next.t.HeaderRows
	base := len(t.t.Rows)
	for r, row := range next.t.Rows[skip:] {
		for c := range row {
			row[c].Ref = refOf(base+r, c)
		}
		t.t.Rows = append(t.t.Rows, row)
	}
	t.t.Notes = next.t.Notes
	t.noteLines = next.noteLines
	t.colEdges = next.colEdges
	t.t.Reasons = appendOnce(t.t.Reasons, "continues across pages")
}

func appendOnce(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
