package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// mergeAcrossPages flattens the pages' tables in reading order, joining a
// table that ends one page with the first table of the next when it
// continues there: same column count, no body text in between, and either
// the same header rows repeated, no header at all, or a first row that is
// the rest of the row the page before ends with. A fragment of a ruled
// table that continues nothing is dropped.
func mergeAcrossPages(pages []*pageTables) []*Table {
	var out []*Table
	var prev *ptable
	var prevPage *pageTables
	for _, pg := range pages {
		for i, tb := range pg.tables {
			if i == 0 && prev != nil && prevPage != nil && prevPage.number+1 == pg.number &&
				(!prevPage.textBelow && !pg.textAbove || splitsRow(prev, tb)) && continues(prev, tb) {
				appendContinuation(prev, tb)
				continue
			}
			if tb.fragment {
				prev = nil
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
	if splitsRow(t, next) {
		return true
	}
	if h := a.HeaderRows; h > 0 && len(b.Rows) > h &&
		(b.HeaderRows == h || b.HeaderRows == h+1 && splitRemainder(a.Rows[len(a.Rows)-1], b.Rows[h])) {
		for r := 0; r < h; r++ {
			for c := 0; c < a.NumCols(); c++ {
				// Words of a repeated heading may wrap otherwise.
				if squeeze(a.Text(r, c)) != squeeze(b.Text(r, c)) {
					return false
				}
			}
		}
		return true
	}
	aligned := sameEdges(t, next)
	if b.HeaderRows != 0 && !splitsRow(t, next) {
		return false
	}
	// No header on the next page: the columns must line up.
	if len(t.colEdges) == len(next.colEdges) && len(t.colEdges) > 1 {
		return aligned
	}
	return a.Method == MethodPDFAligned || a.Method == MethodOCR
}

// splitsRow reports whether next, first on its page, begins with the rest
// of the row that t ends with, in the same columns: the page break fell
// inside a row, so whatever lies between (a footer, a letterhead) is not
// between two tables.
func splitsRow(t, next *ptable) bool {
	a := t.t
	return len(next.t.Rows) > 0 && len(a.Rows) > a.HeaderRows && sameEdges(t, next) &&
		splitRemainder(a.Rows[len(a.Rows)-1], next.t.Rows[0])
}

// sameEdges reports whether two tables' column edges line up.
func sameEdges(t, next *ptable) bool {
	if len(t.colEdges) != len(next.colEdges) || len(t.colEdges) < 2 {
		return false
	}
	for i := range t.colEdges {
		if d := t.colEdges[i] - next.colEdges[i]; d > 3*t.sizeHint() || d < -3*t.sizeHint() {
			return false
		}
	}
	return true
}

// appendContinuation adds next's body rows to t (dropping a repeated
// header) and takes over its notes.
func appendContinuation(t, next *ptable) {
	skip := min(next.t.HeaderRows, t.t.HeaderRows)
	if skip > 0 && len(t.t.Rows) > t.t.HeaderRows && splitRemainder(t.t.Rows[len(t.t.Rows)-1], next.t.Rows[0]) {
		skip = 0 // no header repeated: the first row was taken for one
	}
	if skip < len(next.t.Rows) && len(t.t.Rows) > t.t.HeaderRows && splitRemainder(t.t.Rows[len(t.t.Rows)-1], next.t.Rows[skip]) {
		joinRemainder(t.t.Rows[len(t.t.Rows)-1], next.t.Rows[skip])
		t.t.Reasons = appendOnce(t.t.Reasons, "a row split across pages joined")
		skip++
	}
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

func squeeze(s string) string { return strings.ReplaceAll(NormaliseSpace(s), " ", "") }

// splitRemainder reports whether row rem, first on a page after the
// repeated header, is the rest of row last that ends the page before: a
// word processor breaks a row whose cells run over the page foot, so the
// rest of a wrapped label or paragraph starts the next page. rem holds
// only text that goes on in lower case (or after an opening bracket),
// each piece under a cell of last that has text, and last has its
// figures already or holds a wrapped paragraph.
func splitRemainder(last, rem []Cell) bool {
	if len(last) != len(rem) {
		return false
	}
	pieces, figures, prose := 0, false, false
	for c, cell := range last {
		if !cell.Covered && isNumeric(cell.Text) {
			figures = true
		}
		if !cell.Covered && len(strings.Fields(cell.Text)) >= 8 {
			prose = true
		}
		t := rem[c].Text
		if t == "" || rem[c].Covered {
			continue
		}
		r, _ := utf8.DecodeRuneInString(t)
		if cell.Text == "" || cell.Covered || !(unicode.IsLower(r) || r == '(') || isNumeric(t) {
			return false
		}
		pieces++
	}
	return pieces > 0 && (figures || prose)
}

// joinRemainder appends the text of a split row's rest to its cells: with
// a space, unless the rest begins with a piece of a word too short, or
// too short of vowels, to be a word (a word broken at the page foot) or
// the text before ends in a hyphen.
func joinRemainder(last, rem []Cell) {
	for c := range last {
		t := rem[c].Text
		if t == "" || rem[c].Covered {
			continue
		}
		first, _, _ := strings.Cut(t, " ")
		letters := strings.ToLower(strings.TrimRightFunc(first, func(r rune) bool { return !unicode.IsLetter(r) }))
		sep := " "
		if hyphenEnd(last[c].Text) || !strings.ContainsAny(letters, "aeiouy") ||
			utf8.RuneCountInString(letters) <= 2 && !shortWords[letters] {
			sep = ""
		}
		last[c].Text = NormaliseSpace(last[c].Text + sep + t)
	}
}
