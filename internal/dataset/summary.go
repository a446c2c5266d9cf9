package dataset

import (
	"context"
	"sort"
	"strings"

	"github.com/foidesk/foidesk/internal/store"
)

// allCode is the code a dimension has on figures that are not broken down
// by it (normalise.AllCode).
const allCode = "_all"

// Summary adds up a campaign run's figures without counting anything twice.
//
// A force may give the same people in more than one breakdown (totals by
// nationality in one table, by offence group in another) and may send the
// same table twice (a PDF and its spreadsheet). So for each force and
// period, figures are grouped by the set of dimensions they are broken
// down by; within a group the same breakdown cell counts once (its largest
// value); the force's total for the period is the largest group's sum.
// Totals by a dimension use, for each force and period, the most
// aggregated group that is broken down by it. Suppressed, redacted and
// unrecorded cells have no value and add nothing.
type Summary struct {
	Measure      string
	Observations int // rows of the measure
	Flagged      int // of which without a value (suppressed, redacted, ...)
	Forces       []ForceTotal
	Periods      []Total
	Dims         []DimTotals
}

// ForceTotal is one force's total over every period.
type ForceTotal struct {
	Force   string
	Name    string
	Total   float64
	Figures int // observations with a value
	Flagged int
}

// Total is one labelled sum.
type Total struct {
	Label string
	Value float64
}

// DimTotals is the totals by one dimension's codes, largest first.
type DimTotals struct {
	Name   string
	Totals []Total
}

// cellGroup holds one force-period's figures of one breakdown pattern,
// each breakdown cell once.
type cellGroup struct {
	dims  []string           // the dimensions broken down, sorted
	cells map[string]float64 // breakdown key → value
	codes map[string]map[string]string
}

func (g *cellGroup) sum() float64 {
	s := 0.0
	for _, v := range g.cells {
		s += v
	}
	return s
}

// Summarise computes a Summary of d's most common measure.
func Summarise(d *Data) *Summary {
	s := &Summary{}
	measures := map[string]int{}
	for _, r := range d.Rows {
		measures[r.Measure]++
	}
	for m, n := range measures {
		if n > measures[s.Measure] || (n == measures[s.Measure] && m < s.Measure) {
			s.Measure = m
		}
	}
	type fp struct{ force, period string }
	groups := map[fp]map[string]*cellGroup{}
	forces := map[string]*ForceTotal{}
	var order []string
	for _, r := range d.Rows {
		if r.Measure != s.Measure {
			continue
		}
		s.Observations++
		ft := forces[r.Force]
		if ft == nil {
			ft = &ForceTotal{Force: r.Force, Name: r.ForceName}
			forces[r.Force] = ft
			order = append(order, r.Force)
		}
		if r.Value == nil {
			s.Flagged++
			ft.Flagged++
			continue
		}
		ft.Figures++
		var broken []string
		for _, k := range d.Dims {
			if v := r.Dims[k]; v != "" && v != allCode {
				broken = append(broken, k)
			}
		}
		pattern := strings.Join(broken, "\x00")
		var key strings.Builder
		for _, k := range broken {
			key.WriteString(k + "=" + r.Dims[k] + "\x00")
		}
		k := fp{r.Force, r.Period}
		if groups[k] == nil {
			groups[k] = map[string]*cellGroup{}
		}
		g := groups[k][pattern]
		if g == nil {
			g = &cellGroup{dims: broken, cells: map[string]float64{}, codes: map[string]map[string]string{}}
			groups[k][pattern] = g
		}
		ck := key.String()
		if old, ok := g.cells[ck]; !ok || *r.Value > old {
			g.cells[ck] = *r.Value
			g.codes[ck] = r.Dims
		}
	}

	periods := map[string]float64{}
	dimTotals := map[string]map[string]float64{}
	for k, pats := range groups {
		best := 0.0
		for _, g := range pats {
			best = max(best, g.sum())
		}
		forces[k.force].Total += best
		periods[k.period] += best
		for _, dim := range d.Dims {
			var pick *cellGroup
			for _, g := range pats {
				if !containsString(g.dims, dim) {
					continue
				}
				if pick == nil || len(g.dims) < len(pick.dims) || (len(g.dims) == len(pick.dims) && g.sum() > pick.sum()) {
					pick = g
				}
			}
			if pick == nil {
				continue
			}
			if dimTotals[dim] == nil {
				dimTotals[dim] = map[string]float64{}
			}
			for ck, v := range pick.cells {
				dimTotals[dim][pick.codes[ck][dim]] += v
			}
		}
	}
	for _, f := range order {
		s.Forces = append(s.Forces, *forces[f])
	}
	sort.SliceStable(s.Forces, func(i, j int) bool { return s.Forces[i].Name < s.Forces[j].Name })
	for p, v := range periods {
		s.Periods = append(s.Periods, Total{p, v})
	}
	sort.Slice(s.Periods, func(i, j int) bool { return s.Periods[i].Label < s.Periods[j].Label })
	for _, dim := range d.Dims {
		if dimTotals[dim] == nil {
			continue
		}
		dt := DimTotals{Name: dim}
		for code, v := range dimTotals[dim] {
			dt.Totals = append(dt.Totals, Total{code, v})
		}
		sort.Slice(dt.Totals, func(i, j int) bool {
			if dt.Totals[i].Value != dt.Totals[j].Value {
				return dt.Totals[i].Value > dt.Totals[j].Value
			}
			return dt.Totals[i].Label < dt.Totals[j].Label
		})
		s.Dims = append(s.Dims, dt)
	}
	return s
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Change is one force's totals in two runs of a campaign.
type Change struct {
	Force  string   `json:"force"`
	Name   string   `json:"force_name"`
	Before *float64 `json:"before"` // nil: no figures in the earlier run
	After  *float64 `json:"after"`  // nil: no figures in the later run
	Change *float64 `json:"change,omitempty"`
	// Percent is the change relative to Before; nil when either run has no
	// figures or Before is 0.
	Percent *float64 `json:"percent,omitempty"`
}

// Compare lines up two runs' force totals, in force-name order.
func Compare(before, after *Summary) []Change {
	byForce := map[string]*Change{}
	var out []*Change
	get := func(f ForceTotal) *Change {
		c := byForce[f.Force]
		if c == nil {
			c = &Change{Force: f.Force, Name: f.Name}
			byForce[f.Force] = c
			out = append(out, c)
		}
		return c
	}
	for _, f := range before.Forces {
		v := f.Total
		get(f).Before = &v
	}
	for _, f := range after.Forces {
		v := f.Total
		get(f).After = &v
	}
	res := make([]Change, 0, len(out))
	for _, c := range out {
		if c.Before != nil && c.After != nil {
			d := *c.After - *c.Before
			c.Change = &d
			if *c.Before != 0 {
				p := 100 * d / *c.Before
				c.Percent = &p
			}
		}
		res = append(res, *c)
	}
	sort.SliceStable(res, func(i, j int) bool { return res[i].Name < res[j].Name })
	return res
}

// Comparison is a campaign's force totals in two runs.
type Comparison struct {
	Campaign string `json:"campaign"`
	Before   int    `json:"before_year"`
	After    int    `json:"after_year"`
	// Period, when set, limits both runs to figures for that period.
	Period  string   `json:"period,omitempty"`
	Measure string   `json:"measure"`
	Forces  []Change `json:"forces"`
	// Like for like: the forces with figures in both runs.
	Both        int      `json:"forces_in_both"`
	TotalBefore float64  `json:"total_before"`
	TotalAfter  float64  `json:"total_after"`
	Change      float64  `json:"change"`
	Percent     *float64 `json:"percent,omitempty"`
	OnlyBefore  []string `json:"only_before,omitempty"` // forces with figures in the earlier run only
	OnlyAfter   []string `json:"only_after,omitempty"`
}

// CompareRuns loads two runs of a campaign and compares their force
// totals (see Summary for how a total is made). A run that does not exist
// is a *ErrNoCampaign.
func CompareRuns(ctx context.Context, st *store.Store, slug string, before, after int, period string) (*Comparison, error) {
	load := func(year int) (*Summary, error) {
		d, err := Load(ctx, st, slug, year)
		if err != nil {
			return nil, err
		}
		if period != "" {
			rows := d.Rows[:0]
			for _, r := range d.Rows {
				if r.Period == period {
					rows = append(rows, r)
				}
			}
			d.Rows = rows
		}
		return Summarise(d), nil
	}
	b, err := load(before)
	if err != nil {
		return nil, err
	}
	a, err := load(after)
	if err != nil {
		return nil, err
	}
	c := &Comparison{Campaign: slug, Before: before, After: after, Period: period, Measure: a.Measure,
		Forces: Compare(b, a)}
	if c.Measure == "" {
		c.Measure = b.Measure
	}
	for _, f := range c.Forces {
		switch {
		case f.Before != nil && f.After != nil:
			c.Both++
			c.TotalBefore += *f.Before
			c.TotalAfter += *f.After
		case f.Before != nil:
			c.OnlyBefore = append(c.OnlyBefore, f.Force)
		default:
			c.OnlyAfter = append(c.OnlyAfter, f.Force)
		}
	}
	c.Change = c.TotalAfter - c.TotalBefore
	if c.TotalBefore != 0 {
		p := 100 * c.Change / c.TotalBefore
		c.Percent = &p
	}
	return c, nil
}
