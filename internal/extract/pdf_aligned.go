package extract

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/foidesk/foidesk/internal/extract/pdf"
)

const (
	chunkGap    = 0.5 // em: words further apart than this are in different cells
	regionGap   = 1.6 // em: lines further apart than this end a table
	headerGap   = 0.7 // em: wrapped header lines are closer than this
	maxLoneRuns = 2   // single-cell lines allowed in a row inside a table
)

// chunk is a run of words of one line with narrow gaps: one cell's text.
type chunk struct {
	words  []*word
	x0, x1 float64
}

func (c *chunk) text() string {
	parts := make([]string, len(c.words))
	for i, w := range c.words {
		parts[i] = w.text
	}
	return strings.Join(parts, " ")
}

type aline struct {
	*tline
	chunks  []*chunk
	numeric bool // has a figure after its first chunk
}

func chunksOf(l *tline) []*chunk {
	var out []*chunk
	var cur *chunk
	for _, w := range l.words {
		if cur != nil && w.x0-cur.x1 <= chunkGap*math.Max(w.size, l.size) && !cellBreak(cur.words[len(cur.words)-1], w) {
			cur.words = append(cur.words, w)
			cur.x1 = math.Max(cur.x1, w.x1)
			continue
		}
		cur = &chunk{words: []*word{w}, x0: w.x0, x1: w.x1}
		out = append(out, cur)
	}
	return out
}

// cellBreak reports whether two neighbouring words of a line, close
// enough to be one cell's text, are nonetheless the texts of two cells:
// the first was cut short by a clip (a spreadsheet cell too narrow for
// its text), the producer wrote them as separate texts (word.apart), or
// the first is a figure and the second follows it without a space
// character, closer than a space would set it (a right-aligned figure
// beside the left-aligned text of the next cell).
func cellBreak(prev, w *word) bool {
	if prev.cut || w.apart {
		return true
	}
	size := math.Max(prev.size, w.size)
	return !w.spaced && w.x0-prev.x1 < 0.23*size && isNumeric(prev.text)
}

// findAlignedTables finds tables whose columns are set by alignment and
// white space only.
func findAlignedTables(p *pdf.Page, lines []*tline) []*ptable {
	als := make([]*aline, len(lines))
	for i, l := range lines {
		als[i] = newAline(l, chunksOf(l))
	}
	hs, _ := mergeRulings(p.Rulings)
	return alignedTablesIn(p, als, hs, 0)
}

// newAline is line l cut into chunks, marked numeric when it has a
// figure after its first chunk.
func newAline(l *tline, chunks []*chunk) *aline {
	a := &aline{tline: l, chunks: chunks}
	for j, c := range a.chunks {
		if t := c.text(); j > 0 && isNumeric(t) && !isYearLike(t) {
			a.numeric = true
		}
	}
	return a
}

// alignedTablesIn finds the aligned tables among lines als: runs of lines
// of two or more chunks grown into regions, each a table, or two set side
// by side (splitSideBySide), each then read on its own.
func alignedTablesIn(p *pdf.Page, als []*aline, hs []seg, depth int) []*ptable {
	var out []*ptable
	for i := 0; i < len(als); {
		if len(als[i].chunks) < 2 {
			i++
			continue
		}
		// Grow a region downwards.
		j := i + 1
		lone := 0
		for j < len(als) {
			prev, l := als[j-1], als[j]
			size := math.Max(prev.size, l.size)
			if prev.y0-l.y1 > regionGap*size && !(prev.y0-l.y1 < 3.2*size && continuesBelowGap(prev, l)) {
				break
			}
			if j+1 < len(als) && startsNewTable(prev, l, als[j+1]) {
				break
			}
			if len(l.chunks) < 2 {
				lone++
				if lone > maxLoneRuns {
					break
				}
			} else {
				lone = 0
			}
			j++
		}
		// Trailing single-cell lines are notes, not rows, unless they
		// continue the line above (tight, starting lower-case).
		for j > i && len(als[j-1].chunks) < 2 {
			l, prev := als[j-1], als[j-2]
			if j-2 >= i && prev.y0-l.y1 < 0.4*l.size && startsLowerText(l.text()) {
				break
			}
			j--
		}
		region := als[i:j]
		if depth < 3 {
			if left, right := splitSideBySide(region); left != nil {
				out = append(out, alignedTablesIn(p, left, hs, depth+1)...)
				out = append(out, alignedTablesIn(p, right, hs, depth+1)...)
				i = j
				continue
			}
		}
		// Spanning header lines just above (not in the first column) join.
		start := i
		if t := alignedTable(p, region, als, &start, hs); t != nil {
			out = append(out, t)
		}
		i = j
	}
	return out
}

// splitSideBySide cuts a region holding two tables set side by side
// into the lines of each, or returns nils. The cut is a gutter: a band
// of white space between two of the region's columns that no chunk of
// any of its lines crosses, from its top line to its bottom one, at
// least an em wide, with a column of figures to its left and a column of
// labels to its right, and two columns or more with figures on either
// side. One table's columns of figures are never followed by a column of
// labels that heads more figures; two tables' are. A line's chunks on
// either side of the gutter go to that side's table, so a title or note
// beside the other table stays out of it.
func splitSideBySide(region []*aline) (left, right []*aline) {
	firstBody := alignedFirstBody(region)
	cols := alignedColumns(region, firstBody)
	if len(cols) < 4 {
		return nil, nil
	}
	size := 0.0
	for _, l := range region {
		size = math.Max(size, l.size)
	}
	body := region[firstBody:]
	// The white bands that run the region's full height: gaps in the
	// union of its chunks' extents.
	var spans [][2]float64
	for _, l := range region {
		for _, c := range l.chunks {
			spans = append(spans, [2]float64{c.x0, c.x1})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	best, bestW, g0 := -1, 0.0, 0.0
	reach := spans[0][1]
	for _, sp := range spans[1:] {
		a, b := reach, sp[0]
		reach = math.Max(reach, sp[1])
		if b-a < size || b-a <= bestW {
			continue
		}
		// The columns on either side of the band.
		k := -1
		for i := range cols {
			if cols[i].x1 <= a+0.5 {
				k = i
			}
		}
		if k < 1 || k+2 >= len(cols) || cols[k+1].x0 < b-0.5 {
			continue
		}
		if columnKind(body, cols, k) != kindFigures || columnKind(body, cols, k+1) != kindLabels {
			continue
		}
		if !hasFigureRows(body, cols[0].x0, a) || !hasFigureRows(body, b, cols[len(cols)-1].x1) {
			continue
		}
		if !independentSides(region, firstBody, a, b) {
			continue
		}
		best, bestW, g0 = k, b-a, a
	}
	if best < 0 {
		return nil, nil
	}
	for _, l := range region {
		var lc, rc []*chunk
		for _, c := range l.chunks {
			if c.x1 <= g0 {
				lc = append(lc, c)
			} else {
				rc = append(rc, c)
			}
		}
		if len(lc) > 0 {
			left = append(left, subAline(l, lc))
		}
		if len(rc) > 0 {
			right = append(right, subAline(l, rc))
		}
	}
	return left, right
}

// independentSides reports whether the parts of a region left of x0
// and right of x1 read as tables of their own rather than as the columns
// of one: a body line has figures on one side and nothing on the other
// (tables of different lengths or row pitches), or a header text over
// the figures of one side comes again on the other (the same years), or
// a line above the header has a title on each side.
func independentSides(region []*aline, firstBody int, x0, x1 float64) bool {
	for _, l := range region[firstBody:] {
		var left, right, lfig, rfig bool
		for j, c := range l.chunks {
			fig := j > 0 && isNumeric(c.text())
			if c.x1 <= x0 {
				left, lfig = true, lfig || fig
			} else {
				right, rfig = true, rfig || fig && c.x0 > l.chunks[0].x0
			}
		}
		if lfig && !right || !left && rfig && len(l.chunks) >= 2 {
			return true
		}
	}
	head := map[string]bool{}
	for _, l := range region[:firstBody] {
		for j, c := range l.chunks {
			if j > 0 && c.x1 <= x0 {
				head[squeezeFold(c.text())] = true
			}
		}
	}
	for k, l := range region[:firstBody] {
		n, titles := 0, 0
		for _, c := range l.chunks {
			if c.x0 >= x1 && c.x0 > l.chunks[0].x1 && head[squeezeFold(c.text())] {
				n++
			}
			if isCaption(c.text()) {
				titles++
			}
		}
		if n > 0 || k+1 < firstBody && titles == 2 && len(l.chunks) == 2 {
			return true
		}
	}
	return false
}

type colKind int

const (
	kindMixed colKind = iota
	kindFigures
	kindLabels
)

// columnKind tells a column of figures from one of labels by the body
// lines' chunks that lie in it alone: at least two, and four in five of
// one kind.
func columnKind(body []*aline, cols []column, k int) colKind {
	figs, labels := 0, 0
	for _, l := range body {
		for _, c := range l.chunks {
			if ov := colsOverlapped(cols, c); len(ov) != 1 || ov[0] != k {
				continue
			}
			if t := c.text(); isNumeric(t) || isSuppressed(t) {
				figs++
			} else {
				labels++
			}
		}
	}
	switch n := figs + labels; {
	case n < 2:
		return kindMixed
	case figs*5 >= n*4:
		return kindFigures
	case labels*5 >= n*4:
		return kindLabels
	}
	return kindMixed
}

// hasFigureRows reports whether two or more body lines have a figure
// between x0 and x1 after a chunk there.
func hasFigureRows(body []*aline, x0, x1 float64) bool {
	n := 0
	for _, l := range body {
		in := 0
		for _, c := range l.chunks {
			if c.x0 >= x0 && c.x1 <= x1 {
				if in > 0 && isNumeric(c.text()) {
					n++
					break
				}
				in++
			}
		}
	}
	return n >= 2
}

// subAline is the part of line l made of chunks cs.
func subAline(l *aline, cs []*chunk) *aline {
	t := &tline{}
	for _, c := range cs {
		t.words = append(t.words, c.words...)
	}
	t.bounds()
	return newAline(t, cs)
}

// startsNewTable reports whether l, between rows of figures, is the
// header of a second table stacked under the first: a line of three or
// more cells without figures after a row of figures and before another,
// set further from the row above than from the row below.
func startsNewTable(prev, l, next *aline) bool {
	if l.numeric || !prev.numeric || !next.numeric || len(l.chunks) < 3 || len(l.chunks) < len(next.chunks)-1 {
		return false
	}
	for _, c := range l.chunks {
		if isNumeric(c.text()) {
			return false
		}
	}
	size := math.Max(l.size, next.size)
	return prev.y0-l.y1 > l.y0-next.y1+0.25*size
}

// isContentsList reports lines most of which end in dot leaders and a
// page number ("Results by region ........ 15"): a list of contents, not
// a table.
func isContentsList(region []*aline) bool {
	n, leaders := 0, 0
	for _, l := range region {
		if len(l.chunks) < 2 {
			continue
		}
		n++
		last := l.chunks[len(l.chunks)-1].text()
		if !isPageNumber(last) {
			continue
		}
		rest := strings.ReplaceAll(l.text(), " ", "")
		if strings.Contains(rest, "....") || strings.Contains(rest, "……") || strings.Contains(rest, "····") {
			leaders++
		}
	}
	return n > 0 && 2*leaders > n
}

// isPageNumber reports a page number: figures, or a small roman numeral.
func isPageNumber(s string) bool {
	s = strings.Trim(strings.TrimSpace(s), ".… ")
	if s == "" || len(s) > 6 {
		return false
	}
	if strings.Trim(s, "0123456789") == "" {
		return true
	}
	return strings.Trim(strings.ToLower(s), "ivxl") == ""
}

// continuesBelowGap reports whether l, below a blank line or two, is a
// row of the table that prev ends: a row of figures whose cells line up,
// edge for edge, with prev's (a total row set apart).
func continuesBelowGap(prev, l *aline) bool {
	if !l.numeric || len(l.chunks) < 3 || len(l.chunks) > len(prev.chunks) {
		return false
	}
	tol := 0.15 * math.Max(prev.size, l.size)
	n := 0
	for _, c := range l.chunks {
		for _, p := range prev.chunks {
			if math.Abs(c.x0-p.x0) < tol || math.Abs(c.x1-p.x1) < tol {
				n++
				break
			}
		}
	}
	return n == len(l.chunks)
}

// alignedTable builds a table from a run of lines, or nil if the lines do
// not form one. all and start let it take header lines just above; hs
// are the page's horizontal rules.
//
// Its steps: the header zone and the columns the body's chunks line up
// in; spanning header lines just above; lines to rows of cells; wrapped
// header lines and wrapped body cells joined; the grid of cell owners;
// validation; the table.
func alignedTable(p *pdf.Page, region []*aline, all []*aline, start *int, hs []seg) *ptable {
	multi := 0
	for _, l := range region {
		if len(l.chunks) >= 2 {
			multi++
		}
	}
	if multi < 2 || isContentsList(region) {
		return nil
	}
	firstBody := alignedFirstBody(region)
	cols := alignedColumns(region, firstBody)
	if len(cols) < 2 {
		return nil
	}
	region, firstBody = takeSpanningHeaders(region, all, start, cols, firstBody)
	rows := make([]*row, 0, len(region))
	for k, l := range region {
		rows = append(rows, alignedRow(l, k < firstBody, cols, hs))
	}
	rows = joinWrappedHeaders(rows, hs)
	rows = joinWrappedCells(rows, len(cols), hs)
	g := alignedOwners(rows, len(cols))
	g.owner = dropEmptyCols(g.owner, g.texts)
	if len(g.owner) < 2 || len(g.owner[0]) < 2 {
		return nil
	}
	spanGroupHeadings(g.owner, g.texts, g.headerRows)
	hasFigures, ok := validAligned(g, rows)
	if !ok {
		return nil
	}
	return g.table(p, rows, cols, hasFigures)
}

// alignedFirstBody is the index of the first body line: the header zone is
// the lines before the first with figures, less the label lines set tight
// above it (the start of a wrapped label, not header).
func alignedFirstBody(region []*aline) int {
	firstBody := 0
	for k, l := range region {
		if l.numeric {
			firstBody = k
			break
		}
	}
	for firstBody > 0 {
		l, next := region[firstBody-1], region[firstBody]
		if len(l.chunks) != 1 || next.y1 > l.y0 || l.y0-next.y1 > 0.4*l.size || l.chunks[0].x0 > next.chunks[0].x1 {
			break
		}
		firstBody--
	}
	return firstBody
}

// alignedColumns projects the chunks of the body's lines of two or more
// chunks (of all the region's when the body has fewer than two) into
// columns, marker columns merged, alignment set.
func alignedColumns(region []*aline, firstBody int) []column {
	body := region[firstBody:]
	var proj []*aline
	for _, l := range body {
		if len(l.chunks) >= 2 {
			proj = append(proj, l)
		}
	}
	if len(proj) < 2 {
		proj = nil
		for _, l := range region {
			if len(l.chunks) >= 2 {
				proj = append(proj, l)
			}
		}
	}
	cols := projectColumns(proj)
	cols = mergeMarkerColumns(cols, proj)
	if len(cols) < 2 {
		return cols
	}
	setAlignment(cols, proj)
	return cols
}

// takeSpanningHeaders takes the header lines just above the region whose
// chunks span columns, moving *start up; it returns the region and the
// first body line's index grown by them.
func takeSpanningHeaders(region, all []*aline, start *int, cols []column, firstBody int) ([]*aline, int) {
	for *start > 0 {
		above := all[*start-1]
		top := region[0]
		size := math.Max(above.size, top.size)
		if above.y0-top.y1 > headerGap*size*1.5 || len(above.chunks) > len(cols) {
			break
		}
		if above.x0 < cols[0].x1 { // starts in the first column: a title
			break
		}
		spans := false
		for _, c := range above.chunks {
			if len(colsOverlapped(cols, c)) > 1 {
				spans = true
			}
		}
		if !spans {
			break
		}
		region = append([]*aline{above}, region...)
		firstBody++
		*start--
	}
	return region, firstBody
}

// alignedRow makes a line into a row of cells, each chunk spanning the
// columns it overlaps.
func alignedRow(l *aline, header bool, cols []column, hs []seg) *row {
	r := &row{l: l, header: header, y0: l.y0, y1: l.y1}
	for _, c := range l.chunks {
		ov := colsOverlapped(cols, c)
		c0, c1 := ov[0], ov[len(ov)-1]
		if !overlapsAny(cols, c) {
			k := wordCol(cols, &word{x0: c.x0, x1: c.x1})
			c0, c1 = k, k
		}
		if !r.header && len(c.words) > 1 {
			// In the body, split a chunk whose words sit in separate columns.
			byCol := map[int][]*word{}
			for _, w := range c.words {
				k := wordCol(cols, w)
				byCol[k] = append(byCol[k], w)
			}
			if len(byCol) > 1 {
				for k, ws := range byCol {
					r.cells = append(r.cells, &rcell{c0: k, c1: k, words: ws})
				}
				continue
			}
		}
		if a, b, ok := underlined(r.header, hs, c, l.size); ok && spanUnder(cols, a, b, &c0, &c1) {
			r.cells = append(r.cells, &rcell{c0: c0, c1: c1, words: c.words})
			continue
		}
		if r.header && c1 > c0 {
			c0, c1 = centreSpan(l, cols, c, c0, c1)
		}
		r.cells = append(r.cells, &rcell{c0: c0, c1: c1, words: c.words})
	}
	return r
}

// centreSpan widens the span c0..c1 of a spanning header chunk c of line l
// while that brings the span's centre closer to the chunk's: a spanning
// header is centred over its columns.
func centreSpan(l *aline, cols []column, c *chunk, c0, c1 int) (int, int) {
	mid := (c.x0 + c.x1) / 2
	edge := func(k int) float64 { // left boundary of column k's cells
		switch {
		case k <= 0:
			return cols[0].x0
		case k >= len(cols):
			return cols[len(cols)-1].x1
		}
		return (cols[k-1].x1 + cols[k].x0) / 2
	}
	centre := func(a, b int) float64 { return (edge(a) + edge(b+1)) / 2 }
	for c1+1 < len(cols) && math.Abs(centre(c0, c1+1)-mid) < math.Abs(centre(c0, c1)-mid) && !lineUses(l, cols, c1+1, c) {
		c1++
	}
	for c0 > 1 && math.Abs(centre(c0-1, c1)-mid) < math.Abs(centre(c0, c1)-mid) && !lineUses(l, cols, c0-1, c) {
		c0--
	}
	return c0, c1
}

// singleColRow reports whether every cell of r sits in one column.
func singleColRow(r *row) bool {
	for _, c := range r.cells {
		if c.c0 != c.c1 {
			return false
		}
	}
	return true
}

// rowCols is the set of columns r's cells cover.
func rowCols(r *row) map[int]bool {
	m := map[int]bool{}
	for _, c := range r.cells {
		for k := c.c0; k <= c.c1; k++ {
			m[k] = true
		}
	}
	return m
}

// mergeRow joins src's cells into dst's: a cell over the same columns takes
// src's words after its own, others are added.
func mergeRow(dst, src *row) {
	for _, sc := range src.cells {
		merged := false
		for _, dc := range dst.cells {
			if dc.c0 == sc.c0 && dc.c1 == sc.c1 {
				dc.words = append(dc.words, sc.words...)
				merged = true
				break
			}
		}
		if !merged {
			dst.cells = append(dst.cells, sc)
		}
	}
	dst.y0, dst.y1 = math.Min(dst.y0, src.y0), math.Max(dst.y1, src.y1)
}

// joinWrappedHeaders joins a header line into the header line below when
// both hold single-column cells that line up, the lower covering the upper's
// columns, set close: one heading wrapped over two lines.
func joinWrappedHeaders(rows []*row, hs []seg) []*row {
	for k := 0; k+1 < len(rows); {
		a, b := rows[k], rows[k+1]
		if !a.header || !b.header {
			k++
			continue
		}
		size := math.Max(a.l.size, b.l.size)
		ua, ub := rowCols(a), rowCols(b)
		sub := true
		for c := range ua {
			if !ub[c] {
				sub = false
			}
		}
		if a.y0-b.y1 <= headerGap*size && singleColRow(a) && singleColRow(b) && sub && sameCells(a, b) && !ruleBetween(hs, a, b) {
			mergeRow(b, a)
			rows = append(rows[:k], rows[k+1:]...)
			continue
		}
		k++
	}
	return rows
}

// joinWrappedCells joins the continuation lines of wrapped body cells (text
// only, in text columns) into the row above or below, whichever they are
// set tight to.
func joinWrappedCells(rows []*row, nc int, hs []seg) []*row {
	// Text columns: those where most body cells are not figures.
	numCount := make([]int, nc)
	txtCount := make([]int, nc)
	for _, r := range rows {
		if r.header {
			continue
		}
		for _, c := range r.cells {
			t := cellText(c.words)
			if isNumeric(t) {
				numCount[c.c0]++
			} else {
				txtCount[c.c0]++
			}
		}
	}
	medGap := medianFigureGap(rows)
	for k := 0; k < len(rows); k++ {
		r := rows[k]
		if r.header || r.l.numeric {
			continue
		}
		textOnly := true
		for _, c := range r.cells {
			if c.c0 != c.c1 || numCount[c.c0] > txtCount[c.c0] {
				textOnly = false
			}
		}
		if !textOnly {
			continue
		}
		var up, down *row
		gapUp, gapDown := math.Inf(1), math.Inf(1)
		// A rule drawn between two lines is a row boundary: they are
		// never one cell's wrapped text.
		if k > 0 && !rows[k-1].header && !ruleBetween(hs, rows[k-1], r) {
			up = rows[k-1]
			gapUp = up.y0 - r.y1
		}
		if k+1 < len(rows) && !ruleBetween(hs, r, rows[k+1]) {
			down = rows[k+1]
			gapDown = r.y0 - down.y1
		}
		lower := startsLower(r)
		tight := func(g float64) bool {
			if medGap > 0 {
				return g < 0.75*medGap
			}
			return g < 0.3*r.l.size
		}
		switch {
		case up != nil && (tight(gapUp) || lower && gapUp < 0.6*r.l.size) && (lower || !hasTextIn(up, r)) && gapUp <= gapDown*1.1:
			mergeRow(up, r)
			rows = append(rows[:k], rows[k+1:]...)
			k--
		case down != nil && tight(gapDown) && gapDown < gapUp && (startsLower(down) || !hasTextIn(down, r)):
			mergeRow(down, r)
			rows = append(rows[:k], rows[k+1:]...)
			k--
		case down != nil && gapDown < 0.6*r.l.size && startsLower(down) && hyphenEnd(firstCellText(r)):
			// A label broken at a hyphen ("Co-" over "ordinator"), its
			// figures set on the last line.
			mergeRow(down, r)
			rows = append(rows[:k], rows[k+1:]...)
			k--
		}
	}
	return rows
}

// ruleBetween reports whether a horizontal rule runs between row a and
// row b below it (within a fifth of an em of their text), under half or
// more of the narrower one's width.
func ruleBetween(hs []seg, a, b *row) bool {
	size := math.Max(a.l.size, b.l.size)
	lo, hi := b.y1-0.2*size, a.y0+0.2*size
	x0, x1 := math.Max(a.l.x0, b.l.x0), math.Min(a.l.x1, b.l.x1)
	if x1 <= x0 {
		x0, x1 = math.Min(a.l.x0, b.l.x0), math.Max(a.l.x1, b.l.x1)
	}
	for _, h := range hs {
		if h.at < lo || h.at > hi {
			continue
		}
		if ov := math.Min(h.b, x1) - math.Max(h.a, x0); ov >= 0.5*(x1-x0) {
			return true
		}
	}
	return false
}

// medianFigureGap is the typical gap between body rows that carry
// figures, -1 when there are none.
func medianFigureGap(rows []*row) float64 {
	var gaps []float64
	for k := 1; k < len(rows); k++ {
		if !rows[k].header && !rows[k-1].header && rows[k].l.numeric && rows[k-1].l.numeric {
			gaps = append(gaps, rows[k-1].y0-rows[k].y1)
		}
	}
	sort.Float64s(gaps)
	medGap := -1.0
	if len(gaps) > 0 {
		medGap = gaps[len(gaps)/2]
	}
	return medGap
}

// ownerGrid is an aligned table as a grid: each position holds the id of
// the cell that owns it (-1 for none), ids index texts and boxes.
type ownerGrid struct {
	owner      [][]int
	texts      []string
	boxes      []pdf.Box
	headerRows int
	cut        map[int]bool // cells with words cut by the page's clip
}

// alignedOwners lays the rows' cells out on the grid of nc columns; two
// chunks in one column become one cell.
func alignedOwners(rows []*row, nc int) *ownerGrid {
	g := &ownerGrid{owner: make([][]int, len(rows)), cut: map[int]bool{}}
	for ri, r := range rows {
		if r.header {
			g.headerRows++
		}
		g.owner[ri] = make([]int, nc)
		for k := range g.owner[ri] {
			g.owner[ri][k] = -1
		}
		sort.Slice(r.cells, func(a, b int) bool { return r.cells[a].c0 < r.cells[b].c0 })
		for _, c := range r.cells {
			id := -1
			for k := c.c0; k <= c.c1; k++ {
				if g.owner[ri][k] >= 0 {
					id = g.owner[ri][k]
				}
			}
			if id >= 0 {
				// Two chunks in one column: join them.
				g.texts[id] = NormaliseSpace(g.texts[id] + " " + cellText(c.words))
				g.boxes[id] = unionBox(g.boxes[id], wordsBox(c.words))
			} else {
				id = len(g.texts)
				g.texts = append(g.texts, cellText(c.words))
				g.boxes = append(g.boxes, wordsBox(c.words))
			}
			for k := c.c0; k <= c.c1; k++ {
				g.owner[ri][k] = id
			}
			if anyCut(c.words) {
				g.cut[id] = true
			}
		}
	}
	return g
}

// validAligned reports whether the grid is a table: two rows or more with
// two cells or more, and, with two columns, figures in three rows or
// more. hasFigures tells whether a body row carries figures.
func validAligned(g *ownerGrid, rows []*row) (hasFigures, ok bool) {
	full := 0
	for _, row := range g.owner {
		n := 0
		last := -2
		for _, id := range row {
			if id >= 0 && id != last && g.texts[id] != "" {
				n++
			}
			last = id
		}
		if n >= 2 {
			full++
		}
	}
	if full < 2 {
		return false, false
	}
	for _, r := range rows {
		if !r.header && r.l.numeric {
			hasFigures = true
		}
	}
	if len(g.owner[0]) == 2 && (!hasFigures || len(g.owner) < 3) {
		return hasFigures, false
	}
	return hasFigures, true
}

// table makes the grid into the page's table, its words marked used.
func (g *ownerGrid) table(p *pdf.Page, rows []*row, cols []column, hasFigures bool) *ptable {
	var allWords []*word
	box := pdf.Box{X0: math.Inf(1), Y0: math.Inf(1), X1: math.Inf(-1), Y1: math.Inf(-1)}
	for _, r := range rows {
		for _, c := range r.cells {
			for _, w := range c.words {
				w.used = true
				allWords = append(allWords, w)
				box = unionBox(box, pdf.Box{X0: w.x0, Y0: w.y0, X1: w.x1, Y1: w.y1})
			}
		}
	}
	t := makeTable(p, MethodPDFAligned, g.owner, g.texts, g.boxes)
	t.HeaderRows = g.headerRows
	if !hasFigures {
		t.HeaderRows = min(1, len(t.Rows))
	}
	t.Confidence = 0.75
	t.Reasons = append(t.Reasons, "columns inferred from text alignment")
	noteCutCells(t, g.owner, g.cut)
	edges := []float64{cols[0].x0}
	for k := 1; k < len(cols); k++ {
		edges = append(edges, (cols[k-1].x1+cols[k].x0)/2)
	}
	edges = append(edges, cols[len(cols)-1].x1)
	return &ptable{t: t, box: box, colEdges: edges, size: medianWordSize(allWords)}
}

// underlined returns the extent of a rule drawn just below a header
// chunk and under its middle: a group heading's underline, which spans
// the columns it heads.
func underlined(header bool, hs []seg, c *chunk, size float64) (float64, float64, bool) {
	if !header {
		return 0, 0, false
	}
	y0 := math.Inf(1)
	for _, w := range c.words {
		y0 = math.Min(y0, w.y0)
	}
	mid := (c.x0 + c.x1) / 2
	for _, h := range hs {
		if h.at <= y0+0.2*size && h.at >= y0-0.6*size && h.a <= mid && h.b >= mid && h.b-h.a > c.x1-c.x0 {
			return h.a, h.b, true
		}
	}
	return 0, 0, false
}

// spanUnder sets c0..c1 to the columns whose middles lie between a and b,
// when they are two or more but not all of them (a rule under the whole
// header row heads no group).
func spanUnder(cols []column, a, b float64, c0, c1 *int) bool {
	lo, hi := -1, -1
	for k, col := range cols {
		if m := (col.x0 + col.x1) / 2; m >= a && m <= b {
			if lo < 0 {
				lo = k
			}
			hi = k
		}
	}
	if lo < 0 || hi == lo || hi-lo+1 == len(cols) {
		return false
	}
	*c0, *c1 = lo, hi
	return true
}

type rcell struct {
	c0, c1 int
	words  []*word
}

// row is one row of an aligned table under construction.
type row struct {
	l      *aline
	cells  []*rcell
	header bool
	y0, y1 float64
}

// sameCells reports whether every cell of a lines up with the cell of b
// in its column, flush left, flush right or centred alike: the lines of
// wrapped cells do, a group heading over the headings below it need not.
func sameCells(a, b *row) bool {
	for _, ca := range a.cells {
		ok := false
		for _, cb := range b.cells {
			if cb.c0 != ca.c0 {
				continue
			}
			ba, bb := wordsBox(ca.words), wordsBox(cb.words)
			tol := 0.15 * math.Max(a.l.size, b.l.size)
			if math.Abs(ba.X0-bb.X0) < tol || math.Abs(ba.X1-bb.X1) < tol || math.Abs(ba.X0+ba.X1-bb.X0-bb.X1) < 2*tol {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// hasTextIn reports whether r has text in a column where other has text.
func hasTextIn(r, other *row) bool {
	for _, a := range r.cells {
		for _, b := range other.cells {
			if a.c0 <= b.c1 && b.c0 <= a.c1 && len(a.words) > 0 {
				return true
			}
		}
	}
	return false
}

// startsLower reports whether the row's first cell begins with a
// lower-case letter (the continuation of a wrapped cell).
// lineUses reports whether a chunk of l other than self lies in column k.
func lineUses(l *aline, cols []column, k int, self *chunk) bool {
	for _, c := range l.chunks {
		if c != self && c.x0 < cols[k].x1 && cols[k].x0 < c.x1 {
			return true
		}
	}
	return false
}

func startsLowerText(t string) bool {
	for _, ch := range t {
		return unicode.IsLower(ch)
	}
	return false
}

func startsLower(r *row) bool {
	for _, ch := range firstCellText(r) {
		return unicode.IsLower(ch)
	}
	return false
}

// firstCellText returns the text of the row's leftmost cell.
func firstCellText(r *row) string {
	best := -1
	var first *rcell
	for _, c := range r.cells {
		if best < 0 || c.c0 < best {
			best, first = c.c0, c
		}
	}
	if first == nil || len(first.words) == 0 {
		return ""
	}
	return cellText(first.words)
}

// column is the horizontal extent of one column's text, and whether its
// text is flush right or flush left.
type column struct {
	x0, x1      float64
	right, left bool
	edge        bool // text cut short at x1: a cell's right edge
}

// setAlignment marks columns whose chunks mostly share a right (left) edge.
func setAlignment(cols []column, lines []*aline) {
	for k := range cols {
		var n, nr, nl, nnum int
		for _, l := range lines {
			for _, c := range l.chunks {
				ov := colsOverlapped(cols, c)
				if len(ov) != 1 || ov[0] != k {
					continue
				}
				n++
				if math.Abs(c.x1-cols[k].x1) < 1 {
					nr++
				}
				if math.Abs(c.x0-cols[k].x0) < 1 {
					nl++
				}
				if last := c.words[len(c.words)-1]; last.cut && math.Abs(c.x1-cols[k].x1) < 1 {
					cols[k].edge = true
				}
				if isNumeric(c.text()) {
					nnum++
				}
			}
		}
		cols[k].right = cols[k].right || n >= 2 && float64(nr) >= 0.7*float64(n)
		cols[k].left = n >= 2 && float64(nl) >= 0.7*float64(n)
		if cols[k].right && cols[k].left {
			// Text of one width (figures of as many digits) sits flush
			// both ways: figures are set flush right, words flush left.
			if 2*nnum >= n {
				cols[k].left = false
			} else {
				cols[k].right = false
			}
		}
	}
}

// wordCol places a word: in the column whose extent holds its centre, or,
// in a gap, after a flush-right column or before a flush-left one.
func wordCol(cols []column, w *word) int {
	x := w.cx()
	for k, c := range cols {
		if x >= c.x0 && x <= c.x1 {
			return k
		}
	}
	for k := 0; k+1 < len(cols); k++ {
		if x > cols[k].x1 && x < cols[k+1].x0 {
			if (cols[k].right || cols[k].edge) && w.x0 >= cols[k].x1-0.5 && !cols[k+1].right {
				return k + 1
			}
			if (cols[k].right || cols[k].edge) && w.x0 >= cols[k].x1-0.5 && cols[k+1].right {
				return k + 1
			}
			if cols[k+1].left && w.x1 <= cols[k+1].x0+0.5 {
				return k
			}
		}
	}
	return colAt(cols, x)
}

// projectColumns finds columns as the runs of x covered by the chunks of
// more than a few lines; a run of x covered by at most tol lines (a long
// label or two touching cells now and then) and wider than a narrow gap
// separates columns.
func projectColumns(lines []*aline) []column {
	type ev struct {
		x float64
		d int
	}
	var evs []ev
	size := 0.0
	for _, l := range lines {
		size = math.Max(size, l.size)
		for _, c := range l.chunks {
			evs = append(evs, ev{c.x0, 1}, ev{c.x1, -1})
		}
	}
	if len(evs) == 0 {
		return nil
	}
	tol := len(lines) / 6
	sort.Slice(evs, func(i, j int) bool {
		if evs[i].x != evs[j].x {
			return evs[i].x < evs[j].x
		}
		return evs[i].d > evs[j].d
	})
	// Runs where coverage exceeds tol.
	var runs []column
	cov := 0
	inRun := false
	var cur column
	for _, e := range evs {
		cov += e.d
		switch {
		case !inRun && cov > tol:
			inRun = true
			cur = column{x0: e.x}
		case inRun && cov <= tol:
			inRun = false
			cur.x1 = e.x
			// A sliver where a few chunks happen to overlap is no column:
			// no text is that narrow.
			if cur.x1-cur.x0 >= 0.25*size {
				runs = append(runs, cur)
			}
		}
	}
	if len(runs) == 0 {
		return nil
	}
	// Join runs separated by a gap too narrow to part columns, unless a
	// line has text in both: two cells side by side.
	minGap := chunkGap * size
	cols := []column{runs[0]}
	for _, r := range runs[1:] {
		last := &cols[len(cols)-1]
		if r.x0-last.x1 < minGap && !sideBySide(lines, *last, r) {
			last.x1 = r.x1
			continue
		}
		cols = append(cols, r)
	}
	// Extend the outer columns to the text they hold.
	for _, l := range lines {
		for _, c := range l.chunks {
			if c.x0 < cols[0].x0 && c.x1 > cols[0].x0 {
				cols[0].x0 = c.x0
			}
			if k := len(cols) - 1; c.x1 > cols[k].x1 && c.x0 < cols[k].x1 {
				cols[k].x1 = c.x1
			}
		}
	}
	return cols
}

// sideBySide reports whether some line has a chunk within column a and
// another within column b.
func sideBySide(lines []*aline, a, b column) bool {
	for _, l := range lines {
		inA, inB := false, false
		for _, c := range l.chunks {
			oa := c.x0 < a.x1 && a.x0 < c.x1
			ob := c.x0 < b.x1 && b.x0 < c.x1
			inA = inA || (oa && !ob)
			inB = inB || (ob && !oa)
		}
		if inA && inB {
			return true
		}
	}
	return false
}

// mergeMarkerColumns joins a column of markers and figures set flush
// left ("-", "*", "<5": a spreadsheet's text cells) with the column of
// flush-right figures just right of it, when no line has text in both:
// they are one column whose text cells and number cells a spreadsheet
// aligns to opposite edges.
func mergeMarkerColumns(cols []column, lines []*aline) []column {
	for k := 0; k+1 < len(cols); k++ {
		a, b := cols[k], cols[k+1]
		var na, nb, nbRight int
		ok := true
		for _, l := range lines {
			inA, inB := false, false
			for _, c := range l.chunks {
				oa := c.x0 < a.x1 && a.x0 < c.x1
				ob := c.x0 < b.x1 && b.x0 < c.x1
				if oa && ob && math.Abs(c.x1-b.x1) < 1 {
					oa = false // a wide figure of b's reaching under a
				}
				switch {
				case oa && ob:
					ok = false
				case oa:
					inA = true
					na++
					if !isNumeric(c.text()) || math.Abs(c.x0-a.x0) > 1 {
						ok = false
					}
				case ob:
					inB = true
					nb++
					if !isNumeric(c.text()) {
						ok = false
					}
					if math.Abs(c.x1-b.x1) < 1 {
						nbRight++
					}
				}
			}
			if inA && inB {
				ok = false
			}
			if !ok {
				break
			}
		}
		if !ok || na == 0 || nb < 2 || float64(nbRight) < 0.7*float64(nb) {
			continue
		}
		cols[k].x1, cols[k].right = b.x1, true
		cols = append(cols[:k+1], cols[k+2:]...)
	}
	return cols
}

// colsOverlapped returns the columns a chunk's extent overlaps; when it
// falls wholly in a gap, the nearest column.
func colsOverlapped(cols []column, c *chunk) []int {
	var out []int
	for k, col := range cols {
		if c.x0 < col.x1 && col.x0 < c.x1 {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		out = append(out, colAt(cols, (c.x0+c.x1)/2))
	}
	return out
}

// colAt returns the column nearest to x.
func colAt(cols []column, x float64) int {
	best, bd := 0, math.Inf(1)
	for k, col := range cols {
		d := 0.0
		if x < col.x0 {
			d = col.x0 - x
		} else if x > col.x1 {
			d = x - col.x1
		}
		if d < bd {
			best, bd = k, d
		}
	}
	return best
}

func wordsBox(ws []*word) pdf.Box {
	b := pdf.Box{X0: math.Inf(1), Y0: math.Inf(1), X1: math.Inf(-1), Y1: math.Inf(-1)}
	for _, w := range ws {
		b = unionBox(b, pdf.Box{X0: w.x0, Y0: w.y0, X1: w.x1, Y1: w.y1})
	}
	return b
}

func unionBox(a, b pdf.Box) pdf.Box {
	return pdf.Box{X0: math.Min(a.X0, b.X0), Y0: math.Min(a.Y0, b.Y0), X1: math.Max(a.X1, b.X1), Y1: math.Max(a.Y1, b.Y1)}
}

// dropEmptyCols removes columns without any text.
func dropEmptyCols(owner [][]int, texts []string) [][]int {
	if len(owner) == 0 {
		return owner
	}
	var keep []int
	for c := range owner[0] {
		for _, row := range owner {
			if id := row[c]; id >= 0 && texts[id] != "" {
				keep = append(keep, c)
				break
			}
		}
	}
	out := make([][]int, len(owner))
	for r, row := range owner {
		out[r] = make([]int, len(keep))
		for i, c := range keep {
			out[r][i] = row[c]
		}
	}
	return out
}

func overlapsAny(cols []column, c *chunk) bool {
	for _, col := range cols {
		if c.x0 < col.x1 && col.x0 < c.x1 {
			return true
		}
	}
	return false
}

// spanGroupHeadings widens the group headings of a header of two or more
// rows. A heading row that fills at most half its columns heads groups:
// each of its headings spans the empty positions to its right that have a
// heading below them, as a spreadsheet's merged cell set flush left
// shows. The stub column's heading, shown in the last header row only,
// then spans the header rows above it.
func spanGroupHeadings(owner [][]int, texts []string, headerRows int) {
	if headerRows < 2 || headerRows > len(owner) {
		return
	}
	nc := len(owner[0])
	filled := func(r, c int) bool { id := owner[r][c]; return id >= 0 && texts[id] != "" }
	grouped := false
	for h := 0; h+1 < headerRows; h++ {
		n := 0
		for c := range nc {
			if filled(h, c) {
				n++
			}
		}
		if n == 0 || 2*n > nc || filled(h, 0) {
			continue
		}
		for c := 1; c < nc; c++ {
			if !filled(h, c) {
				continue
			}
			id := owner[h][c]
			for c+1 < nc && owner[h][c+1] == id {
				c++
			}
			for c+1 < nc && !filled(h, c+1) && filled(h+1, c+1) {
				owner[h][c+1] = id
				grouped = true
				c++
			}
		}
	}
	last := headerRows - 1
	if !grouped || !filled(last, 0) {
		return
	}
	for h := last - 1; h >= 0 && !filled(h, 0); h-- {
		owner[h][0] = owner[last][0]
	}
}
