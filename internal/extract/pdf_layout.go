package extract

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/foidesk/foidesk/internal/extract/pdf"
	"github.com/foidesk/foidesk/internal/lazyre"
)

// word is a run of glyphs on one baseline without a space between them.
type word struct {
	text           string
	x0, y0, x1, y1 float64
	base, size     float64
	bold           bool
	cut            bool    // its text runs on beyond a clip: the next word is another cell's
	spaced         bool    // a space glyph separates it from the word before
	firstW         float64 // width of its first glyph
	apart          bool    // close to the word before but written as a separate text (buildWords)
	used           bool    // taken by a table
	vertical       bool    // text set sideways (verticalWords); its box covers the whole run
	up             bool    // text set sideways reads upwards
}

func (w *word) cx() float64 { return (w.x0 + w.x1) / 2 }
func (w *word) cy() float64 { return (w.y0 + w.y1) / 2 }

// tline is a text line: words sharing a baseline, left to right.
type tline struct {
	words          []*word
	x0, y0, x1, y1 float64
	base, size     float64
}

func (l *tline) text() string {
	parts := make([]string, len(l.words))
	for i, w := range l.words {
		parts[i] = w.text
	}
	return strings.Join(parts, " ")
}

func (l *tline) bounds() {
	l.x0, l.y0, l.x1, l.y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	s := 0.0
	for _, w := range l.words {
		l.x0, l.y0 = math.Min(l.x0, w.x0), math.Min(l.y0, w.y0)
		l.x1, l.y1 = math.Max(l.x1, w.x1), math.Max(l.y1, w.y1)
		s = math.Max(s, w.size)
	}
	l.size = s
	if len(l.words) > 0 {
		l.base = l.words[0].base
	}
}

// buildWords groups upright glyphs into words.
func buildWords(p *pdf.Page) []*word {
	gs := make([]pdf.Glyph, 0, len(p.Glyphs))
	for _, g := range p.Glyphs {
		if g.Upright {
			gs = append(gs, g)
		}
	}
	// Cluster by baseline.
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].BaseY > gs[j].BaseY })
	var words, unspaced []*word
	spaced := 0
	for i := 0; i < len(gs); {
		j := i + 1
		ref := gs[i]
		for j < len(gs) && ref.BaseY-gs[j].BaseY <= 0.3*math.Max(ref.Size, gs[j].Size) {
			j++
		}
		row := gs[i:j]
		sort.SliceStable(row, func(a, b int) bool { return row[a].X0 < row[b].X0 })
		rw := rowWords(row)
		for k := 1; k < len(rw); k++ {
			if rw[k].x0-rw[k-1].x1 > chunkGap*math.Max(rw[k].size, rw[k-1].size) {
				continue
			}
			if rw[k].spaced {
				spaced++
			} else {
				unspaced = append(unspaced, rw[k])
			}
		}
		words = append(words, rw...)
		i = j
	}
	// A producer that writes a space character between the words of a
	// text sets words that follow each other closely without one as
	// separate texts: the cells of a spreadsheet without gridlines.
	if spaced >= 3 && spaced >= 2*len(unspaced) {
		for _, w := range unspaced {
			w.apart = true
		}
	}
	return words
}

func rowWords(row []pdf.Glyph) []*word {
	var out []*word
	var cur *word
	var sb strings.Builder
	var prev pdf.Glyph
	spaced := false
	flush := func() {
		if cur != nil {
			cur.text = sb.String()
			if strings.TrimSpace(cur.text) != "" {
				cur.text = strings.TrimSpace(cur.text)
				out = append(out, cur)
			}
		}
		cur = nil
		sb.Reset()
	}
	for i, g := range row {
		if g.Space {
			flush()
			spaced = true
			continue
		}
		if cur != nil {
			gap := g.X0 - prev.X1
			// Overprinted duplicate (fake bold, shadow): skip.
			if g.Text == prev.Text && math.Abs(g.X0-prev.X0) < 0.08*g.Size && i > 0 {
				continue
			}
			if gap > 0.13*math.Max(g.Size, prev.Size) || gap < -0.6*g.Size || prev.Cut {
				flush()
			}
		}
		if cur == nil {
			cur = &word{x0: g.X0, y0: g.Y0, x1: g.X1, y1: g.Y1, base: g.BaseY, size: g.Size, bold: g.Bold, spaced: spaced, firstW: g.X1 - g.X0}
		}
		spaced = false
		sb.WriteString(g.Text)
		cur.x0, cur.y0 = math.Min(cur.x0, g.X0), math.Min(cur.y0, g.Y0)
		cur.x1, cur.y1 = math.Max(cur.x1, g.X1), math.Max(cur.y1, g.Y1)
		cur.size = math.Max(cur.size, g.Size)
		cur.bold = cur.bold && g.Bold
		cur.cut = g.Cut
		prev = g
	}
	flush()
	return out
}

// buildLines groups words into text lines (top to bottom).
func buildLines(words []*word) []*tline {
	ws := make([]*word, 0, len(words))
	for _, w := range words {
		if !w.used {
			ws = append(ws, w)
		}
	}
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].base > ws[j].base })
	var lines []*tline
	for i := 0; i < len(ws); {
		j := i + 1
		for j < len(ws) && ws[i].base-ws[j].base <= 0.3*math.Max(ws[i].size, ws[j].size) {
			j++
		}
		l := &tline{words: slices.Clone(ws[i:j])}
		sort.SliceStable(l.words, func(a, b int) bool { return l.words[a].x0 < l.words[b].x0 })
		l.bounds()
		lines = append(lines, l)
		i = j
	}
	return lines
}

// cellText joins words into cell text: lines top to bottom, words left to
// right, single spaces. A word broken at a line break with a hyphen
// ("Co-" over "ordinator") or a soft hyphen is joined up again, keeping
// a visible hyphen.
func cellText(ws []*word) string {
	if len(ws) == 0 {
		return ""
	}
	s := slices.Clone(ws)
	newLine := func(a, b *word) bool { return math.Abs(a.base-b.base) > 0.3*math.Max(a.size, b.size) }
	sort.SliceStable(s, func(i, j int) bool {
		if newLine(s[i], s[j]) {
			return s[i].base > s[j].base
		}
		return s[i].x0 < s[j].x0
	})
	var b strings.Builder
	for i, w := range s {
		if i > 0 {
			prev := s[i-1]
			soft := strings.HasSuffix(prev.text, "\u00ad")
			broken := newLine(prev, w) && hyphenEnd(prev.text) && startsAlnum(w.text)
			if !soft && !broken {
				b.WriteByte(' ')
			}
		}
		b.WriteString(strings.TrimSuffix(w.text, "\u00ad"))
	}
	return NormaliseSpace(b.String())
}

func startsAlnum(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isNumeric reports whether s reads as a figure of a statistics table: a
// number (with separators, sign, percent or currency), or a suppression
// or not-available marker.
func isNumeric(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	switch strings.ToLower(s) {
	case "*", "**", "-", "–", "—", "..", "…", "x", "n/a", "na", "<5", "< 5", "<3", "<10", "[x]", "[c]", "[z]", "c", "z":
		return true
	}
	digits := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case strings.ContainsRune(",.%£$€<>≤≥+-−()* ", r):
		default:
			return false
		}
	}
	return digits > 0
}

// ptable is a table found on one page, in display space.
type ptable struct {
	t         *Table
	box       pdf.Box   // display space
	colEdges  []float64 // column boundaries, left to right
	size      float64   // median font size
	titleLine *tline
	noteLines []*tline
	// fragment marks a ruled box too small to be a table on its own (one
	// or two rows, text in one column): it is kept only as the end of a
	// table split by the page break above it.
	fragment bool
}

// findTables finds the tables of one page: ruled grids first, then tables
// aligned by whitespace among the remaining text, then titles and notes.
func findTables(p *pdf.Page) *pageTables {
	words := buildWords(p)
	pt := &pageTables{number: p.Number, height: p.Height}
	var tables []*ptable
	tables = append(tables, findRuledTables(p, words)...)
	lines := buildLines(words)
	tables = append(tables, findAlignedTables(p, lines)...)
	sort.SliceStable(tables, func(i, j int) bool { return tables[i].box.Y1 > tables[j].box.Y1 })
	tables = joinRuledHeaders(tables)
	tables = dropInnerFragments(tables)
	addVerticalHeadings(p, tables, buildLines(words))
	lines = buildLines(words) // what is left: titles, notes, prose
	lines = splitAtGutters(lines, tables)
	attachTitlesAndNotes(p, tables, lines, pt)
	pt.tables = tables
	return pt
}

// joinRuledHeaders joins a ruled box of one or two rows (a fragment) to
// the aligned table just below it when each of its cells heads one of the
// table's columns: a header row drawn as a box over a body set without
// rules, or ruled only by horizontal lines. tables are top to bottom.
func joinRuledHeaders(tables []*ptable) []*ptable {
	out := tables[:0]
	for i := 0; i < len(tables); i++ {
		h := tables[i]
		if i+1 < len(tables) && h.fragment && headsColumns(h, tables[i+1]) {
			b := tables[i+1]
			n := len(h.t.Rows)
			rows := append(h.t.Rows, b.t.Rows...)
			for r := range rows {
				for c := range rows[r] {
					rows[r][c].Ref = refOf(r, c)
				}
			}
			b.t.Rows = rows
			b.t.HeaderRows += n
			b.box = unionBox(b.box, h.box)
			b.t.Reasons = append(b.t.Reasons, "header row from the ruled box above")
			out = append(out, b)
			i++
			continue
		}
		out = append(out, h)
	}
	return out
}

// headsColumns reports whether fragment h sits just above aligned table b
// with one cell over each of b's columns, in order: every column's cells
// lie within the header cell above them.
func headsColumns(h, b *ptable) bool {
	if b.t.Method != MethodPDFAligned || h.t.NumCols() != b.t.NumCols() || len(b.t.Rows) < 2 {
		return false
	}
	size := b.sizeHint()
	if gap := h.box.Y0 - b.box.Y1; gap < -0.5*size || gap > 1.5*size {
		return false
	}
	last := h.t.Rows[len(h.t.Rows)-1]
	for c, hc := range last {
		if hc.BBox == nil || hc.Covered {
			return false
		}
		for _, row := range b.t.Rows {
			bb := row[c].BBox
			if bb == nil || row[c].Covered {
				continue
			}
			if m := (bb.X0 + bb.X1) / 2; m < hc.BBox.X0 || m > hc.BBox.X1 {
				return false
			}
		}
	}
	return true
}

// dropInnerFragments keeps a fragment of a ruled table only at the top of
// the page, where a table split by the page break goes on.
func dropInnerFragments(tables []*ptable) []*ptable {
	out := tables[:0]
	for i, tb := range tables {
		if !tb.fragment || i == 0 {
			out = append(out, tb)
		}
	}
	return out
}

// splitAtGutters cuts the lines that run across the gutter between two
// tables set side by side (their titles on one baseline, a note beside
// the other table's last rows) into a line on each side, so that each
// table takes its own title and notes. A line is cut only where none of
// its words reaches into the gutter, and only near the two tables.
func splitAtGutters(lines []*tline, tables []*ptable) []*tline {
	for _, a := range tables {
		for _, b := range tables {
			if a == b || a.box.X1 >= b.box.X0 || a.box.Y0 >= b.box.Y1 || b.box.Y0 >= a.box.Y1 {
				continue
			}
			// a is left of b, beside it.
			size := math.Max(a.sizeHint(), b.sizeHint())
			g0, g1 := a.box.X1, b.box.X0
			top := math.Max(a.box.Y1, b.box.Y1) + 4*size
			bottom := math.Min(a.box.Y0, b.box.Y0) - 4*size
			var out []*tline
			for _, l := range lines {
				if l.y0 > top || l.y1 < bottom || l.x0 >= g0 || l.x1 <= g1 {
					out = append(out, l)
					continue
				}
				var lw, rw []*word
				crosses := false
				for _, w := range l.words {
					switch {
					case w.x1 <= g0:
						lw = append(lw, w)
					case w.x0 >= g1-0.5*size:
						rw = append(rw, w)
					default:
						crosses = true
					}
				}
				if crosses || len(lw) == 0 || len(rw) == 0 {
					out = append(out, l)
					continue
				}
				left, right := &tline{words: lw}, &tline{words: rw}
				left.bounds()
				right.bounds()
				out = append(out, left, right)
			}
			lines = out
		}
	}
	return lines
}

// attachTitlesAndNotes gives each table the text line just above it as
// title and the lines just below as notes, and records whether body text
// surrounds the tables (which rules out merging across pages).
func attachTitlesAndNotes(p *pdf.Page, tables []*ptable, lines []*tline, pt *pageTables) {
	taken := map[*tline]bool{}
	for ti, tb := range tables {
		size := medianSize(tb)
		// Title: nearest line above, within 3 line heights, not below another table's top.
		var best *tline
		for _, l := range lines {
			if taken[l] || l.y0 < tb.box.Y1-0.5*size {
				continue
			}
			if l.x1 < tb.box.X0-size || l.x0 > tb.box.X1+size {
				continue
			}
			gap := l.y0 - tb.box.Y1
			if gap > 3.2*size {
				continue
			}
			if ti > 0 && l.y0 >= tables[ti-1].box.Y0 && overlapX(l.x0, l.x1, tables[ti-1].box.X0, tables[ti-1].box.X1) {
				continue
			}
			if best == nil || l.y0 < best.y0 {
				best = l
			}
		}
		if best != nil {
			taken[best] = true
			tb.titleLine = best
			tb.t.Title = NormaliseSpace(best.text())
		}
		// Notes: lines below, each within 2.2 line heights of the previous, at most 6.
		bottom := tb.box.Y0
		var next *ptable // the next table below (not one beside)
		for _, n := range tables[ti+1:] {
			if overlapX(n.box.X0, n.box.X1, tb.box.X0, tb.box.X1) {
				next = n
				break
			}
		}
		below := make([]*tline, 0)
		for _, l := range lines {
			if !taken[l] && l.y1 <= bottom+0.5*size && overlapX(l.x0, l.x1, tb.box.X0-size, tb.box.X1+size) {
				below = append(below, l)
			}
		}
		sort.SliceStable(below, func(i, j int) bool { return below[i].y1 > below[j].y1 })
		for _, l := range below {
			gap := bottom - l.y1
			if gap > 2.2*size || len(tb.noteLines) >= 6 {
				break
			}
			// After the first note, only the same paragraph or a new
			// marked note ("*", "Note", "Source", …) follows.
			if len(tb.noteLines) > 0 && gap > 0.6*size && !isNoteStart(l.text()) {
				break
			}
			if next != nil && l.y1 <= next.box.Y1+0.5*size {
				break
			}
			if next != nil && (l.y0+l.y1)/2 > next.box.Y1 && isCaption(l.text()) {
				break // the next table's title ("Table 2: …")
			}
			if next != nil && next.titleLine == nil && l.y0 > next.box.Y1 && l.y0-next.box.Y1 < 3.2*size {
				// This line may be the next table's title; notes of ours
				// must be nearer to us than to it.
				if l.y0-next.box.Y1 < bottom-l.y1 {
					break
				}
			}
			if isPageFurniture(p, l) {
				break
			}
			taken[l] = true
			tb.noteLines = append(tb.noteLines, l)
			tb.t.Notes = append(tb.t.Notes, NormaliseSpace(l.text()))
			bottom = l.y0
		}
	}
	// Body text around the tables blocks a merge across pages.
	if len(tables) > 0 {
		first, last := tables[0], tables[len(tables)-1]
		for _, l := range lines {
			if taken[l] || isPageFurniture(p, l) {
				continue
			}
			if l.y1 < last.box.Y0 {
				pt.textBelow = true
			}
			if l.y0 > first.box.Y1 {
				pt.textAbove = true
			}
		}
	}
}

// isPageFurniture reports lines in the top or bottom margin that look
// like running headers or footers ("Page 2 of 5", "OFFICIAL").
func isPageFurniture(p *pdf.Page, l *tline) bool {
	inMargin := l.y0 > p.Height*0.93 || l.y1 < p.Height*0.07
	if !inMargin {
		return false
	}
	t := strings.ToLower(l.text())
	return strings.Contains(t, "page") || strings.Contains(t, "official") || strings.Contains(t, "classification") ||
		isNumeric(t) || len(t) < 40
}

func overlapX(a0, a1, b0, b1 float64) bool { return a0 < b1 && b0 < a1 }

func medianSize(tb *ptable) float64 { return tb.sizeHint() }

// sizeHint is the typical font size of a table's text; 10 when unknown.
func (tb *ptable) sizeHint() float64 {
	if tb.size > 0 {
		return tb.size
	}
	return 10
}

// makeCells turns a grid of owner cells into the dense Table rows.
// owner[r][c] is an index into texts/boxes, or -1 for an empty position.
func makeTable(p *pdf.Page, method Method, owner [][]int, texts []string, boxes []pdf.Box) *Table {
	t := &Table{Method: method, Source: Source{Page: p.Number}}
	nr := len(owner)
	if nr == 0 {
		return t
	}
	nc := len(owner[0])
	seen := map[int]bool{}
	t.Rows = make([][]Cell, nr)
	for r := range nr {
		t.Rows[r] = make([]Cell, nc)
		for c := range nc {
			cell := &t.Rows[r][c]
			cell.Ref = fmt.Sprintf("r%dc%d", r+1, c+1)
			cell.Page = p.Number
			id := owner[r][c]
			if id < 0 {
				continue
			}
			cell.Text = texts[id]
			b := boxes[id]
			x0, y0, x1, y1 := p.ToUser(b.X0, b.Y0, b.X1, b.Y1)
			cell.BBox = &Rect{X0: round2(x0), Y0: round2(y0), X1: round2(x1), Y1: round2(y1)}
			if seen[id] {
				cell.Covered = true
				continue
			}
			seen[id] = true
			rs, cs := 1, 1
			for r+rs < nr && owner[r+rs][c] == id {
				rs++
			}
			for c+cs < nc && owner[r][c+cs] == id {
				cs++
			}
			if rs > 1 {
				cell.RowSpan = rs
			}
			if cs > 1 {
				cell.ColSpan = cs
			}
		}
	}
	return t
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// headerRowsOf counts the leading rows that hold no figures.
func headerRowsOf(t *Table) int {
	for r, row := range t.Rows {
		for c, cell := range row {
			if c > 0 && !cell.Covered && isNumeric(cell.Text) && !isYearLike(cell.Text) {
				return r
			}
		}
	}
	return min(1, len(t.Rows))
}

// isYearLike reports header figures such as "2021", "2019/20", "2020-21".
func isYearLike(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 4 {
		return false
	}
	y := s[:4]
	for _, r := range y {
		if r < '0' || r > '9' {
			return false
		}
	}
	if y < "1900" || y > "2100" {
		return false
	}
	rest := s[4:]
	if rest == "" {
		return true
	}
	if rest[0] == '/' || rest[0] == '-' || strings.HasPrefix(rest, "–") {
		return true
	}
	return false
}

func refOf(r, c int) string { return fmt.Sprintf("r%dc%d", r+1, c+1) }

// captionRE matches a numbered table or figure title.
var captionRE = lazyre.New(`(?i)^(table|figure|chart)\s+[0-9a-z]{1,3}[0-9]*\b`)

// isCaption reports text that opens a table's numbered title ("Table 2:
// Arrests by gender", "Table B").
func isCaption(s string) bool { return captionRE.MatchString(strings.TrimSpace(s)) }

// isNoteStart reports text that opens a table note or footnote.
func isNoteStart(s string) bool {
	s = strings.TrimSpace(strings.ToLower(s))
	for _, p := range []string{"*", "†", "‡", "note", "source", "figures", "data ", "<5", "[", "(", "please note", "n/a", "..", "x ", "c "} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	if s != "" && (s[0] >= '0' && s[0] <= '9') && len(s) > 1 && (s[1] == '.' || s[1] == ')' || s[1] == ' ') {
		return true
	}
	return false
}

func anyCut(ws []*word) bool {
	for _, w := range ws {
		if w.cut {
			return true
		}
	}
	return false
}

// noteCutCells records the cells whose text the document cuts short at
// the edge of a clip (a spreadsheet cell too narrow for its text and not
// wrapped): what the PDF shows of them is all it holds, so their text is
// incomplete. Each lowers the table's confidence a little.
func noteCutCells(t *Table, owner [][]int, cut map[int]bool) {
	if len(cut) == 0 {
		return
	}
	var refs []string
	seen := map[int]bool{}
	for r, row := range owner {
		for c, id := range row {
			if id >= 0 && cut[id] && !seen[id] {
				seen[id] = true
				refs = append(refs, refOf(r, c))
			}
		}
	}
	if len(refs) == 0 {
		return
	}
	shown := refs
	if len(shown) > 8 {
		shown = append(slices.Clone(shown[:8]), "…")
	}
	t.Reasons = append(t.Reasons, fmt.Sprintf("text of %d cells cut short in the document (%s)", len(refs), strings.Join(shown, ", ")))
	t.Confidence -= math.Min(0.3, 0.05*float64(len(refs)))
}
