package dataset_test

import (
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/dataset"
)

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
	s := dataset.Summarise(d)
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
	before := &dataset.Summary{Forces: []dataset.ForceTotal{{Force: "a", Name: "A", Total: 40}, {Force: "b", Name: "B", Total: 0}, {Force: "c", Name: "C", Total: 5}}}
	after := &dataset.Summary{Forces: []dataset.ForceTotal{{Force: "a", Name: "A", Total: 50}, {Force: "b", Name: "B", Total: 4}, {Force: "d", Name: "D", Total: 9}}}
	got := dataset.Compare(before, after)
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
