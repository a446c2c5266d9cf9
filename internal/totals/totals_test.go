package totals

import (
	"math"
	"strings"
	"testing"
)

// simpleKey stands in for a vocabulary's key: lower case, single spaces.
func simpleKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// TestRules lists labels the two rules read differently, and labels both
// read alike.
func TestRules(t *testing.T) {
	keyed := NewKeyed(simpleKey)
	for _, c := range []struct {
		label          string
		leading, keyed bool
		rest           string
	}{
		{"Total", true, true, ""},
		{"Grand total", true, true, ""},
		{"TOTALS", true, true, ""},
		{"Sub-total", true, false, ""}, // the key keeps "sub-total" one word here
		{"Total 2022", true, true, "2022"},
		{"Polish total", false, true, "polish"},
		{"All", true, true, ""},
		{"All offences", true, true, ""},
		{"All staff", true, false, ""},
		{"All other offences", false, false, ""},
		{"Overall", true, true, ""},
		{"Sum", true, true, ""},
		{"Combined", false, true, ""},
		{"Totally", false, false, ""},
		{"Allerdale", false, false, ""},
		{"", false, false, ""},
	} {
		if got := Leading(c.label); got != c.leading {
			t.Errorf("Leading(%q) = %v, want %v", c.label, got, c.leading)
		}
		total, whole := keyed.Match(simpleKey(c.label))
		rest := ""
		if total && !whole {
			rest = Rest(simpleKey(c.label))
		}
		if total != c.keyed || rest != c.rest {
			t.Errorf("keyed %q = %v %q, want %v %q", c.label, total, rest, c.keyed, c.rest)
		}
		if (c.leading || c.keyed) && !MayBe(c.label) {
			t.Errorf("MayBe(%q) = false for a total", c.label)
		}
	}
}

func TestCheck(t *testing.T) {
	var p Parts
	p.Add(10, 0)
	p.Add(5, 0)
	for _, c := range []struct {
		stated float64
		tol    Tolerance
		want   Verdict
	}{
		{15, Shown, Equal}, {16, Shown, Differs}, {15, Relative, Equal}, {15.000001, Relative, Equal}, {15.000001, Shown, Differs},
	} {
		if got := p.Check(c.stated, 0, c.tol); got != c.want {
			t.Errorf("Check(%v, %v) = %v, want %v", c.stated, c.tol, got, c.want)
		}
	}
	// Rounded figures: 0.5 per figure shown with one decimal less.
	var r Parts
	r.Add(1.2, 1)
	r.Add(2.3, 1)
	if got := r.Check(3.6, 1, Shown); got != Equal {
		t.Errorf("rounded: %v, want Equal", got)
	}
	// Hidden parts: a bound under Shown, a floor under Relative.
	var h Parts
	h.Add(10, 0)
	h.AddHidden(4)
	for _, c := range []struct {
		stated float64
		tol    Tolerance
		want   Verdict
	}{
		{12, Shown, Bounded}, {15, Shown, Differs}, {9, Shown, Differs}, {15, Relative, Bounded}, {9, Relative, Differs},
	} {
		if got := h.Check(c.stated, 0, c.tol); got != c.want {
			t.Errorf("hidden: Check(%v, %v) = %v, want %v", c.stated, c.tol, got, c.want)
		}
	}
	h.AddHidden(math.Inf(1))
	if got := h.Check(1e9, 0, Shown); got != Bounded {
		t.Errorf("unbounded: %v, want Bounded", got)
	}
}
