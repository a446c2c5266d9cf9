package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// bar is one bar of a chart.
type bar struct {
	Label string
	Value float64
	Href  string // optional link
}

// chart layout, in SVG user units.
const (
	chartWidth   = 760
	chartLabelW  = 230 // label column
	chartBarMaxW = 420 // the largest bar
	chartRowH    = 22
	chartBarH    = 16
	chartTop     = 8
	chartMaxBars = 60
)

// barChart draws a horizontal bar chart as SVG: one row per bar, bar
// lengths proportional to the values (the largest spans chartBarMaxW),
// every text escaped. Rows past chartMaxBars are summarised in a last line.
func barChart(title string, bars []bar) template.HTML {
	shown := bars
	if len(shown) > chartMaxBars {
		shown = shown[:chartMaxBars]
	}
	maxV := 0.0
	for _, b := range shown {
		if b.Value > maxV && !math.IsInf(b.Value, 0) {
			maxV = b.Value
		}
	}
	rows := len(shown)
	if len(bars) > len(shown) {
		rows++
	}
	height := chartTop*2 + rows*chartRowH
	if rows == 0 {
		height = chartTop*2 + chartRowH
	}
	var b strings.Builder
	esc := html.EscapeString
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" font-family="system-ui, sans-serif" font-size="12">`,
		chartWidth, height, chartWidth, height, esc(title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(title))
	if len(shown) == 0 {
		fmt.Fprintf(&b, `<text x="0" y="%d" class="empty">No figures.</text>`, chartTop+chartBarH-3)
	}
	for i, br := range shown {
		y := chartTop + i*chartRowH
		w := 0.0
		if maxV > 0 && br.Value > 0 {
			w = br.Value / maxV * chartBarMaxW
		}
		label := br.Label
		if len([]rune(label)) > 34 {
			label = string([]rune(label)[:33]) + "…"
		}
		b.WriteString(`<g class="row">`)
		if br.Href != "" {
			fmt.Fprintf(&b, `<a href="%s">`, esc(br.Href))
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="label" text-anchor="end">%s</text>`,
			chartLabelW-8, y+chartBarH-3, esc(label))
		if br.Href != "" {
			b.WriteString(`</a>`)
		}
		fmt.Fprintf(&b, `<rect class="bar" fill="#0b5cad" x="%d" y="%d" width="%s" height="%d" data-value="%s"><title>%s: %s</title></rect>`,
			chartLabelW, y, svgNum(w), chartBarH, svgNum(br.Value), esc(br.Label), esc(formatNumber(br.Value)))
		fmt.Fprintf(&b, `<text x="%s" y="%d" class="value" fill="#66707a">%s</text>`,
			svgNum(float64(chartLabelW)+w+6), y+chartBarH-3, esc(formatNumber(br.Value)))
		b.WriteString(`</g>`)
	}
	if n := len(bars) - len(shown); n > 0 {
		y := chartTop + len(shown)*chartRowH
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="more">… and %d more</text>`, chartLabelW, y+chartBarH-3, n)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built above from escaped text only
}

// svgNum writes a coordinate with at most two decimals.
func svgNum(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "0"
	}
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// formatNumber writes a figure for people: thousands separated, at most
// two decimals.
func formatNumber(f float64) string {
	neg := f < 0
	f = math.Round(math.Abs(f)*100) / 100
	if f == 0 {
		neg = false
	}
	whole := math.Floor(f)
	frac := f - whole
	s := strconv.FormatFloat(whole, 'f', 0, 64)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if r := math.Round(frac * 100); r > 0 {
		out += strings.TrimRight(fmt.Sprintf(".%02d", int(r)), "0")
	}
	if neg {
		out = "-" + out
	}
	return out
}
