package normalise

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"0", "12", "1,204", "<5", "*", "-", "n/a", "[x]", "..", "12*", "1 234.5", "-3", "1-4", "", "redacted", "1e400", "9999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseValue(s)
		if err != nil {
			return
		}
		if v.Flag != "" && v.Number != nil {
			t.Fatalf("%q: flag %q with number %v", s, v.Flag, *v.Number)
		}
		if v.Flag == "" && v.Number == nil {
			t.Fatalf("%q: neither flag nor number", s)
		}
		if v.Number != nil && (math.IsNaN(*v.Number) || math.IsInf(*v.Number, 0)) {
			t.Fatalf("%q: %v", s, *v.Number)
		}
		if v.Confidence <= 0 || v.Confidence > 1 {
			t.Fatalf("%q: confidence %v", s, v.Confidence)
		}
	})
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2022", "2022/23", "FY 2022-23", "April 2022 - March 2023", "Jan 2023", "2023-01", "2024 (to date)", "2024 YTD", "2022-2024", "01/04/2022 - 31/03/2023", "2024 (Jan-Jun)", "year ending March 2023", "2024 (up to 30/06/2024)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			return
		}
		q := p.Period
		if q.End.Before(q.Start) {
			t.Fatalf("%q: %v ends before it starts", s, q)
		}
		if q.Label == "" || q.Kind == "" || !utf8.ValidString(q.Label) {
			t.Fatalf("%q: %+v", s, q)
		}
		if p.Confidence <= 0 || p.Confidence > 1 {
			t.Fatalf("%q: confidence %v", s, p.Confidence)
		}
		if p.Confidence < 1 && p.Reason == "" {
			t.Fatalf("%q: confidence %v without a reason", s, p.Confidence)
		}
	})
}

func FuzzMatchNationality(f *testing.F) {
	for _, s := range []string{"Polish", "Polsih", "Congo (DRC)", "U/K", "Yemen (Dem. Peoples Republic)", "((", "Korea)("} {
		f.Add(s)
	}
	v := Nationalities()
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 {
			return
		}
		m := v.Match(s)
		if m.OK() && (m.Confidence <= 0 || m.Confidence > 1 || !v.Has(m.Code)) {
			t.Fatalf("%q: %+v", s, m)
		}
		if !m.OK() && m.Confidence != 0 {
			t.Fatalf("%q: unmatched with confidence %v", s, m.Confidence)
		}
	})
}

// FuzzTable feeds arbitrary grids ("|" between cells, newline between
// rows, "^" and "<" for merges) to the mapper: it must never panic, and
// what it emits must keep its invariants.
func FuzzTable(f *testing.F) {
	f.Add("Nationality|2022|2023\nPolish|4|<5\nRomanian|-|0\nTotal|4|0", "Theft offences")
	f.Add("Offence|2022\n^|Polish\nTheft|3\nNote: x|<", "")
	f.Add("|2022|<|2023|<\nOffence|Polish|Romanian|Polish|Romanian\nTheft|1|2|3|4\nTotal|1|2|3|4", "")
	f.Add("Year|Nationality|Offence|Count\n2022|Polish|Theft|5\n||Drugs|6", "")
	s := testSchema(f)
	f.Fuzz(func(t *testing.T, grid, title string) {
		if len(grid) > 2000 {
			return
		}
		var rows [][]string
		for i, line := range strings.Split(grid, "\n") {
			cells := strings.Split(line, "|")
			for j, c := range cells {
				// Merge markers only where there is a cell to merge with.
				if (c == "^" && (i == 0 || j >= len(rows[i-1]))) || (c == "<" && j == 0) {
					cells[j] = ""
				}
			}
			rows = append(rows, cells)
		}
		r, err := Table(tableOf(title, rows...), s, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range r.Observations {
			if (o.Flag != "") == (o.Value != nil) {
				t.Fatalf("%s: flag %q value %v", o.Ref, o.Flag, o.Value)
			}
			if o.Period.IsZero() || o.Confidence < 0 || o.Confidence > 1 {
				t.Fatalf("%s: %+v", o.Ref, o)
			}
		}
		if r.Confidence < 0 || r.Confidence > 1 || (r.Confidence < s.ReviewThreshold && !r.NeedsReview) {
			t.Fatalf("confidence %v review %v", r.Confidence, r.NeedsReview)
		}
	})
}
