package extract

import (
	"math"
	"sort"
	"strings"

	"github.com/foidesk/foidesk/internal/extract/pdf"
)

// verticalWords joins the glyphs that run upwards or downwards (a column
// heading or a merged cell set sideways) into one word per run of text:
// glyphs on one vertical baseline, in reading order, a gap wider than a
// line's height ending the run. Each word's box covers its whole run, so
// that it falls in the cell that holds it.
func verticalWords(p *pdf.Page) []*word {
	var gs []pdf.Glyph
	for _, g := range p.Glyphs {
		if g.Dir == 1 || g.Dir == 3 {
			gs = append(gs, g)
		}
	}
	if len(gs) == 0 || len(gs) > 20000 {
		return nil
	}
	cx := func(g pdf.Glyph) float64 { return (g.X0 + g.X1) / 2 }
	sort.SliceStable(gs, func(i, j int) bool { return cx(gs[i]) < cx(gs[j]) })
	var out []*word
	for i := 0; i < len(gs); {
		j := i + 1
		for j < len(gs) && gs[j].Dir == gs[i].Dir && cx(gs[j])-cx(gs[i]) <= 0.3*math.Max(gs[i].Size, gs[j].Size) {
			j++
		}
		out = append(out, verticalRuns(gs[i:j])...)
		i = j
	}
	return out
}

// verticalRuns splits the glyphs of one vertical baseline into runs of
// text, each a word whose text joins the run's words with spaces.
func verticalRuns(col []pdf.Glyph) []*word {
	up := col[0].Dir == 1
	sort.SliceStable(col, func(a, b int) bool {
		if up {
			return col[a].Y0 < col[b].Y0
		}
		return col[a].Y0 > col[b].Y0
	})
	var out []*word
	var cur *word
	var sb strings.Builder
	flush := func() {
		if cur != nil {
			cur.text = NormaliseSpace(sb.String())
			if cur.text != "" {
				cur.base = (cur.y0 + cur.y1) / 2
				out = append(out, cur)
			}
		}
		cur = nil
		sb.Reset()
	}
	var prev pdf.Glyph
	for _, g := range col {
		if cur != nil {
			gap := g.Y0 - prev.Y1
			if !up {
				gap = prev.Y0 - g.Y1
			}
			if gap > 1.2*math.Max(g.Size, prev.Size) {
				flush()
			} else if gap > 0.13*g.Size && !prev.Space && !g.Space {
				sb.WriteByte(' ')
			}
		}
		if cur == nil {
			cur = &word{x0: g.X0, y0: g.Y0, x1: g.X1, y1: g.Y1, size: g.Size, vertical: true, up: up}
		}
		if g.Space {
			sb.WriteByte(' ')
		} else {
			sb.WriteString(g.Text)
		}
		cur.x0, cur.y0 = math.Min(cur.x0, g.X0), math.Min(cur.y0, g.Y0)
		cur.x1, cur.y1 = math.Max(cur.x1, g.X1), math.Max(cur.y1, g.Y1)
		prev = g
	}
	flush()
	return out
}

// addVerticalHeadings gives an aligned table the headings set sideways
// just above its columns (narrow columns under tall rotated headings):
// each becomes the heading of the column beneath its middle. A heading
// of two or more lines is read line by line. A text line just beside the
// rotated headings, over the first column (the stub's heading), joins
// them. tables are top to bottom; lines are the page's text lines not in
// a table.
func addVerticalHeadings(p *pdf.Page, tables []*ptable, lines []*tline) {
	side := verticalWords(p)
	if len(side) == 0 {
		return
	}
	for ti, tb := range tables {
		if tb.t.Method != MethodPDFAligned || len(tb.colEdges) != tb.t.NumCols()+1 {
			continue
		}
		size := tb.sizeHint()
		edges := tb.colEdges
		byCol := map[int][]*word{}
		top := tb.box.Y1
		for _, w := range side {
			if w.y0 < tb.box.Y1-0.3*size || w.y0-tb.box.Y1 > 1.5*size {
				continue
			}
			if ti > 0 && w.y1 > tables[ti-1].box.Y0 && overlapX(w.x0, w.x1, tables[ti-1].box.X0, tables[ti-1].box.X1) {
				continue
			}
			cx := w.cx()
			c := sort.SearchFloat64s(edges, cx) - 1
			if c < 1 || c >= len(edges)-1 {
				continue
			}
			byCol[c] = append(byCol[c], w)
			top = math.Max(top, w.y1)
		}
		if len(byCol) < 2 {
			continue
		}
		texts := make([]string, len(edges)-1)
		boxes := make([]*pdf.Box, len(edges)-1)
		for c, ws := range byCol {
			up := ws[0].up
			sort.Slice(ws, func(i, j int) bool {
				if up {
					return ws[i].x0 < ws[j].x0
				}
				return ws[i].x0 > ws[j].x0
			})
			parts := make([]string, len(ws))
			for i, w := range ws {
				parts[i] = w.text
			}
			texts[c] = NormaliseSpace(strings.Join(parts, " "))
			b := wordsBox(ws)
			boxes[c] = &b
		}
		// The stub's heading: a line over the first column, beside the
		// rotated headings.
		for _, l := range lines {
			if l.y0 >= tb.box.Y1-0.3*size && l.y1 <= top+0.5*size && l.x1 <= edges[1]+0.5*size && l.x0 >= edges[0]-2*size {
				texts[0] = NormaliseSpace(l.text())
				b := pdf.Box{X0: l.x0, Y0: l.y0, X1: l.x1, Y1: l.y1}
				boxes[0] = &b
				for _, w := range l.words {
					w.used = true
				}
				if tb.titleLine == l {
					tb.titleLine, tb.t.Title = nil, ""
				}
				break
			}
		}
		row := make([]Cell, len(texts))
		for c := range row {
			row[c] = Cell{Text: texts[c], Page: p.Number}
			if b := boxes[c]; b != nil {
				x0, y0, x1, y1 := p.ToUser(b.X0, b.Y0, b.X1, b.Y1)
				row[c].BBox = &Rect{X0: round2(x0), Y0: round2(y0), X1: round2(x1), Y1: round2(y1)}
			}
		}
		tb.t.Rows = append([][]Cell{row}, tb.t.Rows...)
		for r := range tb.t.Rows {
			for c := range tb.t.Rows[r] {
				tb.t.Rows[r][c].Ref = refOf(r, c)
			}
		}
		tb.t.HeaderRows++
		tb.box.Y1 = math.Max(tb.box.Y1, top)
		tb.t.Reasons = append(tb.t.Reasons, "column headings set sideways")
	}
}
