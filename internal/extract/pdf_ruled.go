package extract

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/foidesk/foidesk/internal/extract/pdf"
)

const (
	ruleJoin  = 2.0 // points: collinear rulings closer than this are one
	ruleSnap  = 2.0 // points: coordinates closer than this are one grid line
	ruleCover = 0.6 // fraction of a cell edge a ruling must cover to separate cells
)

type seg struct {
	a, b float64 // extent along the line
	at   float64 // position across it (y for horizontal, x for vertical)
}

// mergeRulings splits rulings into horizontal and vertical segments and
// joins collinear ones that touch or overlap.
func mergeRulings(rs []pdf.Ruling) (hs, vs []seg) {
	for _, r := range rs {
		if r.Horizontal() {
			if r.X1-r.X0 >= 1 {
				hs = append(hs, seg{r.X0, r.X1, r.Y0})
			}
		} else if r.Y1-r.Y0 >= 1 {
			vs = append(vs, seg{r.Y0, r.Y1, r.X0})
		}
	}
	return joinSegs(hs), joinSegs(vs)
}

func joinSegs(ss []seg) []seg {
	if len(ss) == 0 {
		return nil
	}
	sort.Slice(ss, func(i, j int) bool {
		if math.Abs(ss[i].at-ss[j].at) > 0.5 {
			return ss[i].at < ss[j].at
		}
		return ss[i].a < ss[j].a
	})
	var out []seg
	// Group by position, then merge along the line.
	for i := 0; i < len(ss); {
		j := i + 1
		for j < len(ss) && ss[j].at-ss[j-1].at <= 1.0 {
			j++
		}
		group := append([]seg(nil), ss[i:j]...)
		at := 0.0
		for _, s := range group {
			at += s.at
		}
		at /= float64(len(group))
		sort.Slice(group, func(a, b int) bool { return group[a].a < group[b].a })
		cur := group[0]
		cur.at = at
		for _, s := range group[1:] {
			if s.a <= cur.b+ruleJoin {
				cur.b = math.Max(cur.b, s.b)
				continue
			}
			out = append(out, cur)
			cur = s
			cur.at = at
		}
		out = append(out, cur)
		i = j
	}
	return out
}

type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

func (u unionFind) union(a, b int) { u[u.find(a)] = u.find(b) }

// clusterCoords sorts values and merges those closer than tol.
func clusterCoords(vals []float64, tol float64) []float64 {
	if len(vals) == 0 {
		return nil
	}
	sort.Float64s(vals)
	var out []float64
	start, sum, n := vals[0], 0.0, 0
	for _, v := range vals {
		if v-start > tol && n > 0 {
			out = append(out, sum/float64(n))
			start, sum, n = v, 0, 0
		}
		sum += v
		n++
	}
	return append(out, sum/float64(n))
}

// findRuledTables builds tables from grids of ruling lines. Words placed
// in a table are marked used.
func findRuledTables(p *pdf.Page, words []*word) []*ptable {
	hs, vs := mergeRulings(p.Rulings)
	if len(hs) < 2 || len(vs) < 2 || len(hs)+len(vs) > 20000 {
		return nil
	}
	// Connected components of crossing segments.
	n := len(hs) + len(vs)
	uf := newUnionFind(n)
	sort.Slice(vs, func(i, j int) bool { return vs[i].at < vs[j].at })
	for i, h := range hs {
		lo := sort.Search(len(vs), func(k int) bool { return vs[k].at >= h.a-ruleSnap })
		for k := lo; k < len(vs) && vs[k].at <= h.b+ruleSnap; k++ {
			v := vs[k]
			if h.at >= v.a-ruleSnap && h.at <= v.b+ruleSnap {
				uf.union(i, len(hs)+k)
			}
		}
	}
	comps := map[int][]int{}
	for i := range n {
		r := uf.find(i)
		comps[r] = append(comps[r], i)
	}
	var roots []int
	for r := range comps {
		roots = append(roots, r)
	}
	sort.Ints(roots)
	var out []*ptable
	vocab := vocabulary(words)
	sideways := verticalWords(p)
	for _, r := range roots {
		var ch, cv []seg
		for _, i := range comps[r] {
			if i < len(hs) {
				ch = append(ch, hs[i])
			} else {
				cv = append(cv, vs[i-len(hs)])
			}
		}
		if len(ch) < 2 || len(cv) < 2 {
			continue
		}
		if t := gridTable(p, ch, cv, words, sideways, vocab); t != nil {
			out = append(out, t)
		}
	}
	return out
}

// gridTable turns one component of rulings into a table, or nil when it is
// not one (a frame, a single box). Text set sideways (sideways) goes into
// the cell that holds it; a row boundary inferred from text does not cut
// through it, so that a merged cell written sideways stays one cell.
func gridTable(p *pdf.Page, hs, vs []seg, words, sideways []*word, vocab map[string]int) *ptable {
	var xv, yv []float64
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		xv = append(xv, v.at)
		minY, maxY = math.Min(minY, v.a), math.Max(maxY, v.b)
	}
	for _, h := range hs {
		yv = append(yv, h.at)
		minX, maxX = math.Min(minX, h.a), math.Max(maxX, h.b)
	}
	minX, maxX = frameX(vs, minX, maxX, minY, maxY)
	xv = append(xv, minX, maxX)
	yv = append(yv, minY, maxY)
	xs := clusterCoords(xv, ruleSnap)
	ys := clusterCoords(yv, ruleSnap)
	// ys top to bottom.
	for i, j := 0, len(ys)-1; i < j; i, j = i+1, j-1 {
		ys[i], ys[j] = ys[j], ys[i]
	}
	if len(xs) < 2 || len(ys) < 2 || len(xs) > 400 || len(ys) > 2000 {
		return nil
	}
	box := pdf.Box{X0: xs[0], Y0: ys[len(ys)-1], X1: xs[len(xs)-1], Y1: ys[0]}

	// Words inside the grid.
	var in []*word
	for _, w := range words {
		if w.used {
			continue
		}
		cx, cy := w.cx(), w.cy()
		if cx > box.X0 && cx < box.X1 && cy > box.Y0 && cy < box.Y1 {
			in = append(in, w)
		}
	}
	in = dropOverprinted(in, words, vs, box)
	if len(in) == 0 {
		return nil
	}
	var side []*word
	for _, w := range sideways {
		if cx, cy := w.cx(), w.cy(); cx > box.X0 && cx < box.X1 && cy > box.Y0 && cy < box.Y1 {
			side = append(side, w)
		}
	}
	pad := cellPadding(xs, in)
	// Rows without inner rulings but several aligned text lines are split.
	// virtual: indexes into ys of added boundaries.
	ys, virtual := splitRowsByText(ys, xs, in, 2*pad, vocab)
	ys, virtual = splitRowsByGaps(ys, xs, in, virtual)

	R, C := len(ys)-1, len(xs)-1
	vCovers := func(x, ya, yb float64) bool { // ya > yb
		need := (ya - yb) * ruleCover
		got := 0.0
		for _, v := range vs {
			if math.Abs(v.at-x) <= ruleSnap {
				got += math.Max(0, math.Min(v.b, ya)-math.Max(v.a, yb))
			}
		}
		return got >= need
	}
	hCovers := func(yi int, xa, xb float64) bool {
		if virtual[yi] {
			return !crossesSideways(side, ys[yi], xa, xb)
		}
		y := ys[yi]
		need := (xb - xa) * ruleCover
		got := 0.0
		for _, h := range hs {
			if math.Abs(h.at-y) <= ruleSnap {
				got += math.Max(0, math.Min(h.b, xb)-math.Max(h.a, xa))
			}
		}
		return got >= need
	}
	uf := newUnionFind(R * C)
	for r := range R {
		for c := range C {
			if c+1 < C && !vCovers(xs[c+1], ys[r], ys[r+1]) {
				uf.union(r*C+c, r*C+c+1)
			}
			if r+1 < R && !hCovers(r+1, xs[c], xs[c+1]) {
				uf.union(r*C+c, (r+1)*C+c)
			}
		}
	}
	// Assign words to cells.
	cellWords := map[int][]*word{}
	for _, w := range append(in, side...) {
		c := sort.SearchFloat64s(xs, w.cx()) - 1
		r := sort.Search(len(ys), func(i int) bool { return ys[i] < w.cy() }) - 1
		if r < 0 || c < 0 || r >= R || c >= C {
			continue
		}
		id := uf.find(r*C + c)
		cellWords[id] = append(cellWords[id], w)
	}
	// Owner grid and cell texts/boxes.
	ids := map[int]int{}
	var roots []int
	var boxes []pdf.Box
	owner := make([][]int, R)
	for r := range R {
		owner[r] = make([]int, C)
		for c := range C {
			root := uf.find(r*C + c)
			id, ok := ids[root]
			if !ok {
				id = len(roots)
				ids[root] = id
				roots = append(roots, root)
				boxes = append(boxes, pdf.Box{X0: xs[c], Y0: ys[r+1], X1: xs[c+1], Y1: ys[r]})
			}
			b := &boxes[id]
			b.X0, b.Y0 = math.Min(b.X0, xs[c]), math.Min(b.Y0, ys[r+1])
			b.X1, b.Y1 = math.Max(b.X1, xs[c+1]), math.Max(b.Y1, ys[r])
			owner[r][c] = id
		}
	}
	texts := make([]string, len(roots))
	cut := map[int]bool{}
	for id, root := range roots {
		texts[id] = ruledCellText(cellWords[root], boxes[id].X1-boxes[id].X0-2*pad, vocab)
		if anyCut(cellWords[root]) {
			cut[id] = true
		}
	}
	rows := dropEmptyRows(owner, texts)
	owner = dropEmptyOwnerCols(rows, texts)
	nonEmpty := 0
	for _, t := range texts {
		if t != "" {
			nonEmpty++
		}
	}
	fragment := false
	if len(owner) < 2 || len(owner[0]) < 2 || nonEmpty < 3 {
		// Too little for a table of its own; kept, with all its columns,
		// as a possible end of the table on the page before.
		if len(rows) == 0 || len(rows) > 2 || len(rows[0]) < 2 {
			return nil
		}
		owner, fragment = rows, true
	}
	for _, w := range in {
		w.used = true
	}
	t := makeTable(p, MethodPDFRuled, owner, texts, boxes)
	t.HeaderRows = headerRowsOf(t)
	t.Confidence = 0.9
	t.Reasons = append(t.Reasons, "cells from drawn ruling lines")
	noteCutCells(t, owner, cut)
	return &ptable{t: t, box: box, colEdges: xs, size: medianWordSize(in), fragment: fragment}
}

// dropOverprinted removes from in the text lines that run across the
// grid's left or right frame: a page footer or letterhead printed over
// the table ("Simon Gilby – Chief Executive" reaching past its right
// border), which no cell can hold. A line is a run of words on one
// baseline set closer than a cell gap (from all, the page's words). The
// frame must be ruled where the line crosses it.
func dropOverprinted(in, all []*word, vs []seg, box pdf.Box) []*word {
	ruledAt := func(x, y float64) bool {
		for _, v := range vs {
			if math.Abs(v.at-x) <= ruleSnap && y >= v.a && y <= v.b {
				return true
			}
		}
		return false
	}
	var near []*word
	for _, w := range all {
		if cy := w.cy(); !w.used && !w.vertical && cy > box.Y0 && cy < box.Y1 {
			near = append(near, w)
		}
	}
	drop := map[*word]bool{}
	for _, l := range cellLines(near) {
		for i := 0; i < len(l); {
			j := i + 1
			for j < len(l) && l[j].x0-l[j-1].x1 < chunkGap*math.Max(l[j].size, l[j-1].size) {
				j++
			}
			run := l[i:j]
			x0, x1 := run[0].x0, run[len(run)-1].x1
			tol, y := 0.1*run[0].size, run[0].cy()
			if x0 < box.X1-tol && x1 > box.X1+tol && ruledAt(box.X1, y) ||
				x0 < box.X0-tol && x1 > box.X0+tol && ruledAt(box.X0, y) {
				for _, w := range run {
					drop[w] = true
				}
			}
			i = j
		}
	}
	if len(drop) == 0 {
		return in
	}
	out := in[:0:0]
	for _, w := range in {
		if !drop[w] {
			out = append(out, w)
		}
	}
	return out
}

// crossesSideways reports whether text set sideways between xa and xb
// runs across height y.
func crossesSideways(side []*word, y, xa, xb float64) bool {
	for _, w := range side {
		if cx := w.cx(); cx > xa && cx < xb && w.y0 < y && w.y1 > y {
			return true
		}
	}
	return false
}

// frameX bounds a grid by its outer vertical rulings when they run its
// whole height (a framed table): a horizontal rule that reaches beyond
// the frame on a side, such as a footer's rule touching the table's foot,
// is not part of the table. Open-sided tables keep the extent of their
// horizontal rules.
func frameX(vs []seg, minX, maxX, minY, maxY float64) (float64, float64) {
	left, right := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		left, right = math.Min(left, v.at), math.Max(right, v.at)
	}
	if right <= left {
		return minX, maxX
	}
	covers := func(x float64) bool {
		got := 0.0
		for _, v := range vs {
			if math.Abs(v.at-x) <= ruleSnap {
				got += v.b - v.a
			}
		}
		return got >= 0.8*(maxY-minY)
	}
	if minX < left-ruleSnap && covers(left) {
		minX = left
	}
	if maxX > right+ruleSnap && covers(right) {
		maxX = right
	}
	return minX, maxX
}

func medianWordSize(ws []*word) float64 {
	if len(ws) == 0 {
		return 10
	}
	s := make([]float64, len(ws))
	for i, w := range ws {
		s[i] = w.size
	}
	sort.Float64s(s)
	return s[len(s)/2]
}

// splitRowsByText adds boundaries inside grid rows that hold several text
// lines aligned across two or more columns (tables ruled only by columns,
// or with rules every few rows). A grid row whose lines read as wrapped
// cells (wrappedRow) is left whole. pad is the cells' horizontal padding,
// both sides together. It returns the new ys (top to bottom) and the
// indexes of the added boundaries.
func splitRowsByText(ys, xs []float64, ws []*word, pad float64, vocab map[string]int) ([]float64, map[int]bool) {
	type anchor struct {
		base float64
		cols map[int]bool
		size float64
	}
	var out []float64
	virtualY := map[float64]bool{}
	for r := 0; r+1 < len(ys); r++ {
		out = append(out, ys[r])
		var rowWords []*word
		for _, w := range ws {
			if cy := w.cy(); cy < ys[r] && cy > ys[r+1] {
				rowWords = append(rowWords, w)
			}
		}
		if len(rowWords) < 4 {
			continue
		}
		sort.Slice(rowWords, func(i, j int) bool { return rowWords[i].base > rowWords[j].base })
		var anchors []*anchor
		for _, w := range rowWords {
			c := sort.SearchFloat64s(xs, w.cx()) - 1
			var a *anchor
			if n := len(anchors); n > 0 && anchors[n-1].base-w.base <= 0.3*w.size {
				a = anchors[n-1]
			} else {
				a = &anchor{base: w.base, cols: map[int]bool{}, size: w.size}
				anchors = append(anchors, a)
			}
			a.cols[c] = true
		}
		var shared []map[int]bool
		var bases []*anchor
		for _, a := range anchors {
			if len(a.cols) >= 2 {
				shared = append(shared, a.cols)
				bases = append(bases, a)
			}
		}
		if len(shared) < 2 || wrappedRow(rowWords, shared, xs, pad, vocab) {
			continue
		}
		for i := 1; i < len(shared); i++ {
			// Boundary just above the line of this anchor's text top.
			y := bases[i].base + bases[i].size*0.85
			if y < ys[r] && y > ys[r+1] && y < bases[i-1].base {
				out = append(out, y)
				virtualY[y] = true
			}
		}
	}
	out = append(out, ys[len(ys)-1])
	virtual := map[int]bool{}
	for i, y := range out {
		if virtualY[y] {
			virtual[i] = true
		}
	}
	return out, virtual
}

// splitRowsByGaps adds a boundary inside a grid row at a blank line that
// runs across all its columns, when the row's first column with text has
// text on both sides of it and the row has text in two or more columns:
// rows of a box ruled only around its header, set apart by blank lines.
// virtual lists the indexes of ys already added; the result lists those
// of the new ys.
func splitRowsByGaps(ys, xs []float64, ws []*word, virtual map[int]bool) ([]float64, map[int]bool) {
	var out []float64
	outVirtual := map[int]bool{}
	for r := 0; r+1 < len(ys); r++ {
		if virtual[r] {
			outVirtual[len(out)] = true
		}
		out = append(out, ys[r])
		var row []*word
		for _, w := range ws {
			if cy := w.cy(); cy < ys[r] && cy > ys[r+1] {
				row = append(row, w)
			}
		}
		for _, y := range blankLineSplits(row, xs) {
			outVirtual[len(out)] = true
			out = append(out, y)
		}
	}
	if virtual[len(ys)-1] {
		outVirtual[len(out)] = true
	}
	out = append(out, ys[len(ys)-1])
	return out, outVirtual
}

// blankLineSplits returns, top to bottom, the middles of the blank lines
// that split one grid row's words (splitRowsByGaps).
func blankLineSplits(row []*word, xs []float64) []float64 {
	if len(row) < 4 {
		return nil
	}
	first, cols := len(xs), map[int]bool{}
	for _, w := range row {
		c := sort.SearchFloat64s(xs, w.cx()) - 1
		cols[c] = true
		first = min(first, c)
	}
	if len(cols) < 2 {
		return nil
	}
	s := slices.Clone(row)
	sort.Slice(s, func(i, j int) bool { return s[i].y1 > s[j].y1 })
	size := medianWordSize(s)
	var splits []float64
	bottom := s[0].y0
	firstAbove := false
	for i, w := range s {
		inFirst := sort.SearchFloat64s(xs, w.cx())-1 == first
		if i > 0 && bottom-w.y1 > 0.7*size && firstAbove && inFirst {
			splits = append(splits, (bottom+w.y1)/2)
			firstAbove = false
		}
		bottom = math.Min(bottom, w.y0)
		firstAbove = firstAbove || inFirst
	}
	return splits
}

// wrappedRow reports whether the text lines of one grid row are the
// wrapped lines of its cells rather than rows of their own: a line that
// has text in two or more columns leaves out some of the row's columns
// (a cell of one line beside cells of several; but three or more lines
// with text in every column are rows, of which the last may be short),
// or a cell's text is wrapped at its width or breaks a word from one line
// to the next. lines holds the column sets of the lines
// with text in two or more columns.
func wrappedRow(ws []*word, lines []map[int]bool, xs []float64, pad float64, vocab map[string]int) bool {
	byCol := map[int][]*word{}
	for _, w := range ws {
		c := sort.SearchFloat64s(xs, w.cx()) - 1
		byCol[c] = append(byCol[c], w)
	}
	full := 0
	for _, l := range lines {
		if len(l) >= len(byCol) {
			full++
		}
	}
	for _, l := range lines {
		if float64(len(l)) < 0.85*float64(len(byCol)) && full < 3 {
			return true
		}
	}
	for c, cw := range byCol {
		if c < 0 || c+1 >= len(xs) {
			continue
		}
		ls := cellLines(cw)
		if proseWrapped(ls, xs[c]+pad/2, xs[c+1]-xs[c]-pad) {
			return true
		}
		for i := 1; i < len(ls); i++ {
			prev := ls[i-1]
			st := lineBreak{acc: prev[len(prev)-1].text, inner: xs[c+1] - xs[c] - pad, vocab: vocab}
			if joinLines(st, prev, ls[i], i == len(ls)-1) {
				return true
			}
		}
	}
	return false
}

// proseWrapped reports whether a cell's lines read as text wrapped at the
// cell's width: at two or more line breaks, and at most of them, the next
// line's first word would not have fitted after the line before. Lines
// that are rows of their own are short of the width, or the next one's
// first word would have fitted. left and inner are where the cell's text
// starts and the width it has.
func proseWrapped(ls [][]*word, left, inner float64) bool {
	if len(ls) < 3 || inner <= 0 {
		return false
	}
	full := 0
	for i := 1; i < len(ls); i++ {
		prev, next := ls[i-1], ls[i]
		last, first := prev[len(prev)-1], next[0]
		space := 0.25 * last.size
		if !hasLetter(last.text) || !hasLetter(first.text) {
			continue
		}
		if last.x1-left+space+(first.x1-first.x0) > inner {
			full++
		}
	}
	return full >= 2 && 2*full >= len(ls)-1
}

func hasLetter(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// dropEmptyRows removes the rows that hold no text of their own.
func dropEmptyRows(owner [][]int, texts []string) [][]int {
	if len(owner) == 0 {
		return nil
	}
	kept := map[int]bool{}
	var rows [][]int
	for _, row := range owner {
		keep := false
		for _, id := range row {
			if texts[id] != "" && !kept[id] {
				keep = true
				break
			}
		}
		if keep {
			for _, id := range row {
				kept[id] = true
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// dropEmptyOwnerCols removes the columns that hold no text of their own.
func dropEmptyOwnerCols(rows [][]int, texts []string) [][]int {
	if len(rows) == 0 {
		return nil
	}
	kept := map[int]bool{}
	var cols []int
	for c := range rows[0] {
		keep := false
		for r := range rows {
			id := rows[r][c]
			if texts[id] != "" && !kept[id] {
				keep = true
				break
			}
		}
		if keep {
			for r := range rows {
				kept[rows[r][c]] = true
			}
			cols = append(cols, c)
		}
	}
	out := make([][]int, len(rows))
	for r, row := range rows {
		out[r] = make([]int, len(cols))
		for i, c := range cols {
			out[r][i] = row[c]
		}
	}
	return out
}

// cellPadding estimates the space a table leaves between its rulings and
// the text of a cell, on either side: the least offset of any word from
// its column's left ruling (flush-left text sits there; right-aligned
// and centred text further in). Producers pad both sides alike; text in
// merged cells makes offsets from the right rulings unreliable.
func cellPadding(xs []float64, ws []*word) float64 {
	pad := math.Inf(1)
	for _, w := range ws {
		c := sort.SearchFloat64s(xs, w.cx()) - 1
		if c < 0 || c+1 >= len(xs) {
			continue
		}
		if d := w.x0 - xs[c]; d >= 0 {
			pad = math.Min(pad, d)
		}
	}
	if math.IsInf(pad, 1) {
		return 0
	}
	return pad
}

// cellLines groups a cell's words into lines, top to bottom, each left
// to right.
func cellLines(ws []*word) [][]*word {
	s := slices.Clone(ws)
	sort.SliceStable(s, func(i, j int) bool { return s[i].base > s[j].base })
	var lines [][]*word
	for i := 0; i < len(s); {
		j := i + 1
		for j < len(s) && s[i].base-s[j].base <= 0.3*math.Max(s[i].size, s[j].size) {
			j++
		}
		l := slices.Clone(s[i:j])
		sort.SliceStable(l, func(a, b int) bool { return l[a].x0 < l[b].x0 })
		lines = append(lines, l)
		i = j
	}
	return lines
}

// lineBreak is the state of a cell's text at a line break: the token
// being built (the text since the last space), whether it already runs on
// from an earlier line, and the page's words as evidence of what is a word.
type lineBreak struct {
	acc    string
	joined bool
	inner  float64        // the cell's inner width
	vocab  map[string]int // lower-case words of the page, counted
}

// joinLines reports whether line a of a cell runs on into the line b
// below it without a space: the token so far ends in a hyphen joined to
// a word ("Jun-" over "22"), or the break falls inside a word. Word
// processors break a word too long for its cell wherever it reaches the
// edge ("Nationalit" over "y", "2,1" over "93"): line a then fills the
// cell's inner width, so that not even the first letter of b would have
// fitted after it. A full line ending a whole word looks the same, so the
// break must also read as one inside a word: a sign carried over, figures
// that do not yet make a well-formed number, or a lower-case tail that is
// not a word seen elsewhere on the page nor a common short word, after a
// head that is not one either.
func joinLines(st lineBreak, a, b []*word, last bool) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	if hyphenEnd(st.acc) {
		return true
	}
	first, end, next := a[0], a[len(a)-1], b[0]
	if st.inner <= 0 || end.x1-first.x0+next.firstW <= st.inner-0.05*end.size {
		return false // room was left on line a
	}
	tail := next.text
	r, _ := utf8.DecodeRuneInString(tail)
	lastRune, _ := utf8.DecodeLastRuneInString(st.acc)
	switch {
	case r == '-':
		return unicode.IsLetter(lastRune) || unicode.IsDigit(lastRune)
	case unicode.IsDigit(r), (r == ',' || r == '.') && len(tail) > 1 && tail[1] >= '0' && tail[1] <= '9':
		// Figures, a year range or a date run on: "2,1" over "93",
		// "15" over ",217", "2019/2" over "0".
		if !unicode.IsDigit(lastRune) && lastRune != ',' && lastRune != '.' && lastRune != '/' {
			return false
		}
		return st.joined || strings.Trim(st.acc, "0123456789,./") == ""
	case unicode.IsLower(r):
		if !unicode.IsLetter(lastRune) {
			return false
		}
		t := strings.ToLower(strings.TrimRightFunc(tail, func(r rune) bool { return !unicode.IsLetter(r) }))
		head := strings.ToLower(st.acc)
		if st.vocab[head+t] > 0 {
			return true
		}
		if !strings.ContainsAny(t, "aeiouy") {
			return true // "th", "st", "ntr": no word
		}
		// Fragments of other cells' broken words recur on a page too, so
		// only words of four letters or more count as seen elsewhere.
		if len(t) >= 4 && st.vocab[t] >= 2 {
			return false // a word seen elsewhere
		}
		if len(a) > 1 {
			// A line of several words is more often full by chance:
			// only a tail too short to be a word joins it, after a head
			// that is not a common word.
			return utf8.RuneCountInString(t) <= 3 && !shortWords[head] && !shortWords[t]
		}
		if shortWords[t] && len(head) >= 3 && !(last && len(b) == 1) {
			return false // "Neighbourhood" over "and": a cell does not end on "an" or "of"
		}
		return true
	}
	return false
}

// vocabulary counts the words of a page in lower case, letters only.
func vocabulary(ws []*word) map[string]int {
	v := make(map[string]int, len(ws))
	for _, w := range ws {
		for _, f := range strings.FieldsFunc(w.text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			v[strings.ToLower(f)]++
		}
	}
	return v
}

// shortWords are words of up to four letters that a cell's text may wrap
// before.
var shortWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "by": true,
	"for": true, "from": true, "in": true, "into": true, "is": true, "it": true, "its": true, "no": true,
	"not": true, "of": true, "on": true, "or": true, "per": true, "the": true, "to": true, "up": true,
	"upon": true, "was": true, "were": true, "with": true, "all": true, "any": true, "each": true,
	"over": true, "than": true, "that": true, "this": true, "who": true, "year": true, "age": true,
	"aged": true, "type": true, "case": true, "days": true, "time": true, "rate": true, "only": true,
	"more": true, "less": true, "data": true, "male": true, "area": true, "team": true, "unit": true,
	"code": true, "name": true, "date": true, "open": true, "hate": true, "use": true,
}

// wellFormedNumber reports a number written with thousands separators in
// their places, or none: "2,193", "15217", "3.5".
func wellFormedNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if i := strings.IndexByte(s, '.'); i >= 0 {
		frac := s[i+1:]
		if frac == "" || strings.Trim(frac, "0123456789") != "" {
			return false
		}
		s = s[:i]
	}
	if s == "" || strings.Trim(s, "0123456789,") != "" {
		return false
	}
	groups := strings.Split(s, ",")
	if len(groups[0]) == 0 || (len(groups) > 1 && len(groups[0]) > 3) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

// ruledCellText joins the words of a ruled cell into its text: lines top
// to bottom, words left to right, single spaces; but a line ending inside
// a word or just after a hyphen joined to a word (joinLines) runs on into
// the next without a space. inner is the cell's inner width.
func ruledCellText(ws []*word, inner float64, vocab map[string]int) string {
	if len(ws) == 0 {
		return ""
	}
	lines := cellLines(ws)
	var b strings.Builder
	st := lineBreak{inner: inner, vocab: vocab}
	for i, l := range lines {
		if i > 0 {
			if joinLines(st, lines[i-1], l, i == len(lines)-1) {
				st.joined = true
			} else {
				b.WriteByte(' ')
				st.acc, st.joined = "", false
			}
		}
		for j, w := range l {
			if j > 0 {
				b.WriteByte(' ')
				st.acc, st.joined = "", false
			}
			b.WriteString(w.text)
			st.acc += w.text
		}
	}
	return NormaliseSpace(strings.ReplaceAll(b.String(), "\u00ad", ""))
}

// hyphenEnd reports text ending in a hyphen joined to a letter or digit.
func hyphenEnd(s string) bool {
	t, ok := strings.CutSuffix(s, "-")
	if !ok {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
