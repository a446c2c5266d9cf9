package web

import (
	"math"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/calendar"
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
