package normalise

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/extract"
)

// The ground truth every layout below writes out: three nationalities,
// three offence groups, three years, with a suppressed figure, a dash, a
// zero and a figure with a thousands separator among them.
var (
	truthNats = []struct{ code, name, demonym string }{
		{"POL", "Poland", "Polish"}, {"ROU", "Romania", "Romanian"}, {"ALB", "Albania", "Albanian"},
	}
	truthOffs = []struct{ code, label, alt string }{
		{"violence_against_the_person", "Violence against the person", "VAP"},
		{"theft_offences", "Theft offences", "Theft"},
		{"drug_offences", "Drug offences", "Drugs"},
	}
	truthYears = []string{"2022", "2023", "2024"}
)

// cellText is the figure a force wrote for nationality n, offence o, year y.
func cellText(n, o, y int) string {
	switch {
	case n == 0 && o == 0 && y == 1:
		return "<5"
	case n == 2 && o == 2 && y == 2:
		return "-"
	case n == 1 && o == 1 && y == 0:
		return "0"
	case n == 1 && o == 2 && y == 1:
		return "1,234"
	}
	return strconv.Itoa((n*9+o*3+y)*7%50 + 1)
}

// known is the number in a cell, 0 for flags (totals add 3 for each
// suppressed cell, as a force's own total would).
func known(n, o, y int) int {
	s := cellText(n, o, y)
	switch s {
	case "<5":
		return 3
	case "-":
		return 0
	}
	v, _ := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	return v
}

func truth() []string {
	var out []string
	for n, nat := range truthNats {
		for o, off := range truthOffs {
			for y, yr := range truthYears {
				v := cellText(n, o, y)
				switch v {
				case "<5":
					v = FlagSuppressed
				case "-":
					v = FlagDash
				default:
					v = strings.ReplaceAll(v, ",", "")
				}
				out = append(out, fmt.Sprintf("%s|nationality=%s,offence_group=%s|%s", yr, nat.code, off.code, v))
			}
		}
	}
	slices.Sort(out)
	return out
}

func sum(f func(n, o, y int) bool) string {
	t := 0
	for n := range truthNats {
		for o := range truthOffs {
			for y := range truthYears {
				if f(n, o, y) {
					t += known(n, o, y)
				}
			}
		}
	}
	return strconv.Itoa(t)
}

type layout struct {
	name   string
	tables []*extract.Table
}

func layouts() []layout {
	var ls []layout

	// A: long, one row per figure.
	{
		rows := [][]string{{"Year", "Nationality", "Offence Group", "Number of Community Resolutions"}}
		for y, yr := range truthYears {
			for n, nat := range truthNats {
				for o, off := range truthOffs {
					rows = append(rows, []string{yr, nat.demonym, off.label, cellText(n, o, y)})
				}
			}
		}
		ls = append(ls, layout{"long", []*extract.Table{tableOf("Community resolutions by nationality and offence group", rows...)}})
	}
	// B: long, other column order, labels written once per block (CSV
	// style), a grand total and notes below.
	{
		rows := [][]string{{"Nationality", "Offence", "Calendar Year", "Count"}}
		for n, nat := range truthNats {
			for o, off := range truthOffs {
				for y, yr := range truthYears {
					nt, ot := nat.name, off.alt
					if o > 0 || y > 0 {
						nt = ""
					}
					if y > 0 {
						ot = ""
					}
					rows = append(rows, []string{nt, ot, yr, cellText(n, o, y)})
				}
			}
		}
		rows = append(rows,
			[]string{"Grand Total", "", "", sum(func(int, int, int) bool { return true })},
			[]string{"Notes: figures are taken from the crime recording system and may change.", "", "", ""},
			[]string{"Source: Force Performance Unit", "", "", ""})
		ls = append(ls, layout{"long, filled down, totals and notes", []*extract.Table{tableOf("", rows...)}})
	}
	// C: rows nationality (merged down) × offence, columns years and a total.
	{
		rows := [][]string{{"Nationality", "Offence Group", "2022", "2023", "2024", "Total"}}
		for n, nat := range truthNats {
			for o, off := range truthOffs {
				first := nat.demonym
				if o > 0 {
					first = "^"
				}
				row := []string{first, off.label}
				for y := range truthYears {
					row = append(row, cellText(n, o, y))
				}
				row = append(row, sum(func(a, b, _ int) bool { return a == n && b == o }))
				rows = append(rows, row)
			}
		}
		ls = append(ls, layout{"nationality × offence rows, years as columns, merged first column, total column", []*extract.Table{tableOf("", rows...)}})
	}
	// D: years as rows, two-level heading nationality over offence (merged).
	{
		top := []string{"Year"}
		sub := []string{"^"}
		for range truthNats {
			for o := range truthOffs {
				if o == 0 {
					top = append(top, "")
				} else {
					top = append(top, "<")
				}
				sub = append(sub, truthOffs[o].alt)
			}
		}
		for n, nat := range truthNats {
			top[1+n*3] = nat.name
		}
		rows := [][]string{top, sub}
		for y, yr := range truthYears {
			row := []string{yr}
			for n := range truthNats {
				for o := range truthOffs {
					row = append(row, cellText(n, o, y))
				}
			}
			rows = append(rows, row)
		}
		ls = append(ls, layout{"years as rows, nationality over offence", []*extract.Table{tableOf("", rows...)}})
	}
	// E: offence rows, two-level heading year over nationality written
	// CSV-style (blanks right of each year), total row.
	{
		top := []string{""}
		sub := []string{"Offence"}
		for _, yr := range truthYears {
			for n, nat := range truthNats {
				if n == 0 {
					top = append(top, yr)
				} else {
					top = append(top, "")
				}
				sub = append(sub, strings.ToUpper(nat.demonym))
			}
		}
		rows := [][]string{top, sub}
		for o, off := range truthOffs {
			row := []string{off.label}
			for y := range truthYears {
				for n := range truthNats {
					row = append(row, cellText(n, o, y))
				}
			}
			rows = append(rows, row)
		}
		tot := []string{"Total"}
		for y := range truthYears {
			for n := range truthNats {
				tot = append(tot, sum(func(a, _, c int) bool { return a == n && c == y }))
			}
		}
		rows = append(rows, tot)
		ls = append(ls, layout{"offence rows, year over nationality (no merges), total row", []*extract.Table{tableOf("", rows...)}})
	}
	// F: one table per nationality, named in the title.
	{
		var ts []*extract.Table
		for n, nat := range truthNats {
			rows := [][]string{{"Offence group", "2022", "2023", "2024", "Total"}}
			for o, off := range truthOffs {
				row := []string{off.label}
				for y := range truthYears {
					row = append(row, cellText(n, o, y))
				}
				row = append(row, sum(func(a, b, _ int) bool { return a == n && b == o }))
				rows = append(rows, row)
			}
			tot := []string{"Total"}
			for y := range truthYears {
				tot = append(tot, sum(func(a, _, c int) bool { return a == n && c == y }))
			}
			tot = append(tot, sum(func(a, _, _ int) bool { return a == n }))
			rows = append(rows, tot)
			ts = append(ts, tableOf(fmt.Sprintf("Table %d: Community resolutions for %s nationals, 2022-2024", n+1, nat.demonym), rows...))
		}
		ls = append(ls, layout{"one table per nationality, nationality in the title", ts})
	}
	// G: section rows naming the nationality.
	{
		rows := [][]string{{"Offence", "2022", "2023", "2024"}}
		for n, nat := range truthNats {
			rows = append(rows, []string{nat.demonym + " nationals", "", "", ""})
			for o, off := range truthOffs {
				row := []string{off.label}
				for y := range truthYears {
					row = append(row, cellText(n, o, y))
				}
				rows = append(rows, row)
			}
		}
		ls = append(ls, layout{"section rows", []*extract.Table{tableOf("", rows...)}})
	}
	// H: one sheet per offence group, nationality rows × year columns.
	{
		var ts []*extract.Table
		for o, off := range truthOffs {
			rows := [][]string{{"Nationality", "2022", "2023", "2024"}}
			for n, nat := range truthNats {
				row := []string{nat.name}
				for y := range truthYears {
					row = append(row, cellText(n, o, y))
				}
				rows = append(rows, row)
			}
			t := tableOf("", rows...)
			t.Source.Sheet = off.label
			ts = append(ts, t)
		}
		ls = append(ls, layout{"one sheet per offence group", ts})
	}
	// I: one table per offence named in the title, years as rows,
	// nationalities as columns with an "All nationalities" column.
	{
		var ts []*extract.Table
		for o, off := range truthOffs {
			rows := [][]string{{"Year"}}
			for _, nat := range truthNats {
				rows[0] = append(rows[0], nat.demonym)
			}
			rows[0] = append(rows[0], "All nationalities")
			for y, yr := range truthYears {
				row := []string{yr}
				for n := range truthNats {
					row = append(row, cellText(n, o, y))
				}
				row = append(row, sum(func(_, b, c int) bool { return b == o && c == y }))
				rows = append(rows, row)
			}
			ts = append(ts, tableOf(off.label+" - community resolutions by nationality", rows...))
		}
		ls = append(ls, layout{"years as rows, one table per offence in the title", ts})
	}
	// J: long table with a title row inside the grid, a heading repeated
	// after a page break, and notes.
	{
		rows := [][]string{
			{"Community Resolutions - Foreign Nationals", "<", "<", "<"},
			{"Nationality", "Offence Group", "Year", "Total"},
		}
		i := 0
		for n, nat := range truthNats {
			for o, off := range truthOffs {
				for y, yr := range truthYears {
					rows = append(rows, []string{nat.demonym, off.label, yr, cellText(n, o, y)})
					i++
					if i == 14 {
						rows = append(rows, []string{"Nationality", "Offence Group", "Year", "Total"})
					}
				}
			}
		}
		rows = append(rows, []string{"* Figures below 5 are suppressed to protect identities.", "<", "<", "<"})
		ls = append(ls, layout{"title row, repeated heading, notes", []*extract.Table{tableOf("", rows...)}})
	}
	// K: nationality rows, year over offence with a total under each year
	// and a grand total column.
	{
		top := []string{"Nationality"}
		sub := []string{"^"}
		for _, yr := range truthYears {
			for o := 0; o <= len(truthOffs); o++ {
				if o == 0 {
					top = append(top, yr)
				} else {
					top = append(top, "<")
				}
				if o < len(truthOffs) {
					sub = append(sub, truthOffs[o].label)
				} else {
					sub = append(sub, "Total")
				}
			}
		}
		top = append(top, "Grand Total")
		sub = append(sub, "^")
		rows := [][]string{top, sub}
		for n, nat := range truthNats {
			row := []string{nat.demonym}
			for y := range truthYears {
				for o := range truthOffs {
					row = append(row, cellText(n, o, y))
				}
				row = append(row, sum(func(a, _, c int) bool { return a == n && c == y }))
			}
			row = append(row, sum(func(a, _, _ int) bool { return a == n }))
			rows = append(rows, row)
		}
		ls = append(ls, layout{"year over offence with subtotals", []*extract.Table{tableOf("", rows...)}})
	}
	return ls
}

func TestLayoutsGiveTheSameObservations(t *testing.T) {
	s := testSchema(t)
	want := truth()
	for _, l := range layouts() {
		t.Run(l.name, func(t *testing.T) {
			var got []Observation
			for _, tb := range l.tables {
				r, err := Table(tb, s, nil)
				if err != nil {
					t.Fatal(err)
				}
				if r.NeedsReview {
					dumpResult(t, r)
					t.Errorf("needs review: %q", r.ReviewReasons)
				}
				for _, tc := range r.Totals {
					if !tc.OK {
						t.Errorf("total %s: %s", tc.Ref, tc.Reason)
					}
				}
				for _, o := range r.Observations {
					if o.Ref == "" || o.Raw == "" {
						t.Errorf("observation without provenance: %+v", o)
					}
					if o.Flag != "" && o.Value != nil {
						t.Errorf("%s: flag %s with a value", o.Ref, o.Flag)
					}
				}
				got = append(got, r.Observations...)
			}
			gs := obsSet(got)
			if !slices.Equal(gs, want) {
				for _, g := range gs {
					if !slices.Contains(want, g) {
						t.Errorf("unexpected %s", g)
					}
				}
				for _, w := range want {
					if !slices.Contains(gs, w) {
						t.Errorf("missing %s", w)
					}
				}
			}
		})
	}
}
