package dataset

import (
	"cmp"
	"slices"
	"sort"

	"github.com/foidesk/foidesk/internal/normalise"
)

// Filter keeps the rows of a Data that match every field set: a force, a
// period, and a code for any of the dimensions.
type Filter struct {
	Force  string
	Period string
	Dims   map[string]string // dimension → code
}

// Empty reports whether the filter keeps every row.
func (f Filter) Empty() bool {
	if f.Force != "" || f.Period != "" {
		return false
	}
	for _, v := range f.Dims {
		if v != "" {
			return false
		}
	}
	return true
}

func (f Filter) keep(r Row) bool {
	if f.Force != "" && r.Force != f.Force {
		return false
	}
	if f.Period != "" && r.Period != f.Period {
		return false
	}
	for k, v := range f.Dims {
		if v != "" && r.Dims[k] != v {
			return false
		}
	}
	return true
}

// Filtered returns the data's rows that f keeps, with the same campaign
// and dimensions (d is not changed).
func (d *Data) Filtered(f Filter) *Data {
	out := &Data{Campaign: d.Campaign, Year: d.Year, Dims: d.Dims}
	if f.Empty() {
		out.Rows = d.Rows
		return out
	}
	for _, r := range d.Rows {
		if f.keep(r) {
			out.Rows = append(out.Rows, r)
		}
	}
	return out
}

// Option is one value a filter can take, with its label and how many rows
// have it.
type Option struct {
	Value string
	Label string
	N     int
}

// Facets lists, for the force, the period and each dimension, the values
// the rows have, labelled and in label order (periods in their own
// order). Keys: "force", "period", and the dimensions' names.
func (d *Data) Facets() map[string][]Option {
	counts := map[string]map[string]int{"force": {}, "period": {}}
	names := map[string]string{}
	for _, k := range d.Dims {
		counts[k] = map[string]int{}
	}
	for _, r := range d.Rows {
		counts["force"][r.Force]++
		names[r.Force] = r.ForceName
		counts["period"][r.Period]++
		for _, k := range d.Dims {
			if v := r.Dims[k]; v != "" {
				counts[k][v]++
			}
		}
	}
	out := map[string][]Option{}
	for facet, m := range counts {
		var opts []Option
		for v, n := range m {
			label := v
			switch facet {
			case "force":
				label = names[v]
			case "period":
			default:
				label = DimLabel(facet, v)
			}
			opts = append(opts, Option{Value: v, Label: label, N: n})
		}
		if facet == "period" {
			sort.Slice(opts, func(i, j int) bool { return opts[i].Value < opts[j].Value })
		} else {
			sort.Slice(opts, func(i, j int) bool {
				if opts[i].Label != opts[j].Label {
					return opts[i].Label < opts[j].Label
				}
				return opts[i].Value < opts[j].Value
			})
		}
		out[facet] = opts
	}
	return out
}

// vocabularies are the built-in vocabularies by dimension name.
func vocabulary(dim string) *normalise.Vocabulary {
	switch dim {
	case "nationality", "country", "citizenship":
		return normalise.Nationalities()
	case "offence_group", "offence", "offence_type":
		return normalise.OffenceGroups()
	}
	return nil
}

// DimLabel is a dimension code's name for people: "Poland" for
// nationality POL, "all" for figures not broken down by the dimension, the
// code itself where no vocabulary names it.
func DimLabel(dim, code string) string {
	if code == allCode {
		return "all"
	}
	if v := vocabulary(dim); v != nil && v.Has(code) {
		return v.Label(code)
	}
	return code
}

// LabelWithCode is a code's name with the code beside it where a reader
// meets the code itself in files and exports: "Poland (POL)". Codes that
// are words already ("theft_offences") are not repeated.
func LabelWithCode(dim, code string) string {
	label := DimLabel(dim, code)
	if label == code || !ShowCode(code) {
		return label
	}
	return label + " (" + code + ")"
}

// ShowCode reports whether a code is worth showing beside its name: a
// short upper-case code such as an ISO country code.
func ShowCode(code string) bool {
	if len(code) == 0 || len(code) > 4 {
		return false
	}
	for _, r := range code {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// Sorted orders rows by value, largest first (desc) or smallest first;
// rows without a value go last either way. Ties keep their order.
func Sorted(rows []Row, desc bool) []Row {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b Row) int {
		switch {
		case a.Value == nil && b.Value == nil:
			return 0
		case a.Value == nil:
			return 1
		case b.Value == nil:
			return -1
		}
		if desc {
			return cmp.Compare(*b.Value, *a.Value)
		}
		return cmp.Compare(*a.Value, *b.Value)
	})
	return out
}
