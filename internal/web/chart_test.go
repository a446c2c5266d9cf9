package web

import (
	"math"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/dataset"
)

func TestBarChartIsValidAndProportional(t *testing.T) {
	bars := []bar{
		{Label: "Durham Constabulary", Value: 120, Href: "/campaigns/x/2025/forces/durham"},
		{Label: `Kent <Police> & "Friends"`, Value: 30},
		{Label: "Essex Police", Value: 60},
		{Label: "Dorset Police", Value: 0},
		{Label: "Suffolk", Value: 7.5},
	}
	svg := string(barChart(`Totals <by> force & "all"`, bars))
	got := parseBars(t, svg)
	if len(got) != len(bars) {
		t.Fatalf("%d bars, want %d", len(got), len(bars))
	}
	for i, b := range got {
		if b.value != bars[i].Value {
			t.Errorf("bar %d value %v, want %v", i, b.value, bars[i].Value)
		}
		want := bars[i].Value / 120 * chartBarMaxW
		if math.Abs(b.width-want) > 0.01 {
			t.Errorf("bar %d (%v) is %v wide, want %v: bars must be proportional to values", i, b.value, b.width, want)
		}
	}
	if got[0].width != chartBarMaxW {
		t.Errorf("the largest bar is %v wide, want the full %d", got[0].width, chartBarMaxW)
	}
	for _, raw := range []string{"<Police>", "<by>", `"Friends"`} {
		if strings.Contains(svg, raw) {
			t.Errorf("%q not escaped", raw)
		}
	}
	if !strings.Contains(svg, `<a href="/campaigns/x/2025/forces/durham">`) {
		t.Error("bar label is not a link")
	}
}

func TestBarChartEdges(t *testing.T) {
	empty := string(barChart("Nothing", nil))
	if len(parseBars(t, empty)) != 0 || !strings.Contains(empty, "No figures.") {
		t.Errorf("empty chart: %s", empty)
	}
	zeros := parseBars(t, string(barChart("Zeros", []bar{{Label: "a"}, {Label: "b"}})))
	for _, b := range zeros {
		if b.width != 0 {
			t.Errorf("zero value drawn %v wide", b.width)
		}
	}
	many := make([]bar, chartMaxBars+5)
	for i := range many {
		many[i] = bar{Label: "f", Value: float64(i + 1)}
	}
	svg := string(barChart("Many", many))
	if n := len(parseBars(t, svg)); n != chartMaxBars {
		t.Errorf("%d bars drawn, want %d", n, chartMaxBars)
	}
	if !strings.Contains(svg, "… and 5 more") {
		t.Error("bars left out are not counted")
	}
}

func TestFormatNumber(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 7: "7", 1234: "1,234", 1234567.5: "1,234,567.5", -42: "-42",
		2.999: "3", 0.25: "0.25", 999.999: "1,000"} {
		if got := formatNumber(in); got != want {
			t.Errorf("formatNumber(%v) = %q, want %q", in, got, want)
		}
	}
}

func f64(v float64) *float64 { return &v }

func row(force, period string, dims map[string]string, v *float64) dataset.Row {
	return dataset.Row{Force: force, ForceName: strings.ToUpper(force), Period: period, Dims: dims, Measure: "count", Value: v}
}

// A force that gives its figures by nationality and, separately, by
// offence group — and sends one table twice — is counted once.
func TestSummariseCountsEachPopulationOnce(t *testing.T) {
	d := &dataset.Data{Dims: []string{"nationality", "offence_group"}, Rows: []dataset.Row{
		// Force a, 2023: by nationality (10 + 20) and by offence (25 + 5), the same 30 people.
		row("a", "2023", map[string]string{"nationality": "POL", "offence_group": "_all"}, f64(10)),
		row("a", "2023", map[string]string{"nationality": "ROU", "offence_group": "_all"}, f64(20)),
		row("a", "2023", map[string]string{"nationality": "_all", "offence_group": "theft"}, f64(25)),
		row("a", "2023", map[string]string{"nationality": "_all", "offence_group": "drugs"}, f64(5)),
		// The same nationality table again, from the PDF copy of the spreadsheet.
		row("a", "2023", map[string]string{"nationality": "POL", "offence_group": "_all"}, f64(10)),
		row("a", "2023", map[string]string{"nationality": "ROU", "offence_group": "_all"}, f64(20)),
		// 2024: nationality × offence, one cell suppressed.
		row("a", "2024", map[string]string{"nationality": "POL", "offence_group": "theft"}, f64(4)),
		row("a", "2024", map[string]string{"nationality": "POL", "offence_group": "drugs"}, nil),
		row("a", "2024", map[string]string{"nationality": "ROU", "offence_group": "theft"}, f64(6)),
		// Force b, 2023: totals by nationality only.
		row("b", "2023", map[string]string{"nationality": "POL", "offence_group": "_all"}, f64(3)),
	}}
	s := Summarise(d)
	if s.Measure != "count" || s.Observations != 10 || s.Flagged != 1 {
		t.Errorf("measure %q, %d observations, %d flagged", s.Measure, s.Observations, s.Flagged)
	}
	totals := map[string]float64{}
	for _, f := range s.Forces {
		totals[f.Force] = f.Total
	}
	if totals["a"] != 40 || totals["b"] != 3 {
		t.Errorf("force totals %v, want a 40 (30 in 2023 + 10 in 2024), b 3", totals)
	}
	periods := map[string]float64{}
	for _, p := range s.Periods {
		periods[p.Label] = p.Value
	}
	if periods["2023"] != 33 || periods["2024"] != 10 {
		t.Errorf("period totals %v", periods)
	}
	byDim := map[string]map[string]float64{}
	for _, dt := range s.Dims {
		byDim[dt.Name] = map[string]float64{}
		for _, tt := range dt.Totals {
			byDim[dt.Name][tt.Label] = tt.Value
		}
	}
	if n := byDim["nationality"]; n["POL"] != 17 || n["ROU"] != 26 || len(n) != 2 {
		t.Errorf("by nationality %v, want POL 17 (10+4+3), ROU 26 (20+6)", n)
	}
	if o := byDim["offence_group"]; o["theft"] != 35 || o["drugs"] != 5 || len(o) != 2 {
		t.Errorf("by offence group %v, want theft 35 (25+10), drugs 5", o)
	}
}

func TestCompare(t *testing.T) {
	before := &Summary{Forces: []ForceTotal{{Force: "a", Name: "A", Total: 40}, {Force: "b", Name: "B", Total: 0}, {Force: "c", Name: "C", Total: 5}}}
	after := &Summary{Forces: []ForceTotal{{Force: "a", Name: "A", Total: 50}, {Force: "b", Name: "B", Total: 4}, {Force: "d", Name: "D", Total: 9}}}
	got := Compare(before, after)
	if len(got) != 4 {
		t.Fatalf("%d lines, want 4", len(got))
	}
	a, b, c, d := got[0], got[1], got[2], got[3]
	if *a.Change != 10 || *a.Percent != 25 {
		t.Errorf("a: %+v", a)
	}
	if *b.Change != 4 || b.Percent != nil {
		t.Errorf("b: change from 0 has no percentage: %+v", b)
	}
	if c.After != nil || c.Change != nil || *c.Before != 5 {
		t.Errorf("c (earlier run only): %+v", c)
	}
	if d.Before != nil || d.Change != nil || *d.After != 9 {
		t.Errorf("d (later run only): %+v", d)
	}
}

// Working days overdue follow each force's law: Police Scotland (FOISA)
// counts Scottish holidays only, an English force every UK bank holiday.
func TestOverdueByRegime(t *testing.T) {
	cal, err := calendar.New(&calendar.Options{AllowEstimate: true})
	must(t, err)
	s := &server{cal: cal}
	due := calendar.MustParseDate("2025-03-14")   // a Friday
	today := calendar.MustParseDate("2025-03-18") // the Tuesday after St Patrick's Day
	eng := boardRow{Force: "durham", State: "sent", Due: &due}
	sco := boardRow{Force: "police-scotland", State: "sent", Due: &due}
	if n := s.overdue(&eng, today); n != 1 {
		t.Errorf("Durham (FOIA): %d working days overdue, want 1 (17 March is a Northern Irish bank holiday)", n)
	}
	if n := s.overdue(&sco, today); n != 2 {
		t.Errorf("Police Scotland (FOISA): %d working days overdue, want 2", n)
	}
	answered := boardRow{Force: "durham", State: "answered", Due: &due}
	if n := s.overdue(&answered, today); n != 0 {
		t.Errorf("an answered request is %d days overdue", n)
	}
	if n := s.overdue(&eng, due); n != 0 {
		t.Errorf("on its due date a request is %d days overdue", n)
	}
}
