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
			cur = &word{x0: g.X0, y0: g.Y0, x1: g.X1, y1: g.Y1, size: g.Size, vertical: true}
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
