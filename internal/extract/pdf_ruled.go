package extract

import (
	"math"
	"sort"

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
		if t := gridTable(p, ch, cv, words); t != nil {
			out = append(out, t)
		}
	}
	return out
}

// gridTable turns one component of rulings into a table, or nil when it is
// not one (a frame, a single box).
func gridTable(p *pdf.Page, hs, vs []seg, words []*word) *ptable {
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
	if len(in) == 0 {
		return nil
	}
	// Rows without inner rulings but several aligned text lines are split.
	virtual := map[int]bool{} // indexes into ys of added boundaries
	ys, virtual = splitRowsByText(ys, xs, in, hs)

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
			return true
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
	for _, w := range in {
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
	var texts []string
	var boxes []pdf.Box
	owner := make([][]int, R)
	for r := range R {
		owner[r] = make([]int, C)
		for c := range C {
			root := uf.find(r*C + c)
			id, ok := ids[root]
			if !ok {
				id = len(texts)
				ids[root] = id
				texts = append(texts, cellText(cellWords[root]))
				boxes = append(boxes, pdf.Box{X0: xs[c], Y0: ys[r+1], X1: xs[c+1], Y1: ys[r]})
			}
			b := &boxes[id]
			b.X0, b.Y0 = math.Min(b.X0, xs[c]), math.Min(b.Y0, ys[r+1])
			b.X1, b.Y1 = math.Max(b.X1, xs[c+1]), math.Max(b.Y1, ys[r])
			owner[r][c] = id
		}
	}
	owner = dropEmpty(owner, texts)
	if len(owner) < 2 || len(owner[0]) < 2 {
		return nil
	}
	nonEmpty := 0
	for _, t := range texts {
		if t != "" {
			nonEmpty++
		}
	}
	if nonEmpty < 3 {
		return nil
	}
	for _, w := range in {
		w.used = true
	}
	t := makeTable(p, MethodPDFRuled, owner, texts, boxes)
	t.HeaderRows = headerRowsOf(t)
	t.Confidence = 0.9
	t.Reasons = append(t.Reasons, "cells from drawn ruling lines")
	return &ptable{t: t, box: box, colEdges: xs, size: medianWordSize(in)}
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
// or with rules every few rows). It returns the new ys (top to bottom) and
// the indexes of the added boundaries.
func splitRowsByText(ys, xs []float64, ws []*word, hs []seg) ([]float64, map[int]bool) {
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
		var shared []*anchor
		for _, a := range anchors {
			if len(a.cols) >= 2 {
				shared = append(shared, a)
			}
		}
		if len(shared) < 2 {
			continue
		}
		for i := 1; i < len(shared); i++ {
			// Boundary just above the line of this anchor's text top.
			y := shared[i].base + shared[i].size*0.85
			if y < ys[r] && y > ys[r+1] && y < shared[i-1].base {
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

// dropEmpty removes rows and columns that hold no text of their own (empty,
// or only the continuation of a span already kept).
func dropEmpty(owner [][]int, texts []string) [][]int {
	R := len(owner)
	if R == 0 {
		return owner
	}
	C := len(owner[0])
	kept := map[int]bool{}
	var rows [][]int
	for r := range R {
		keep := false
		for c := range C {
			id := owner[r][c]
			if texts[id] != "" && !kept[id] {
				keep = true
				break
			}
		}
		if keep {
			for c := range C {
				kept[owner[r][c]] = true
			}
			rows = append(rows, owner[r])
		}
	}
	if len(rows) == 0 {
		return nil
	}
	kept = map[int]bool{}
	var cols []int
	for c := range C {
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
