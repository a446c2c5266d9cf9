package normalise

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/extract"
)

func hasReason(r *Result, sub string) bool {
	for _, s := range r.ReviewReasons {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestTotalsMismatchDetected(t *testing.T) {
	s := testSchema(t)
	tb := tableOf("Community resolutions for Polish nationals",
		[]string{"Offence group", "2022", "2023", "Total"},
		[]string{"Theft offences", "10", "20", "30"},
		[]string{"Drug offences", "5", "6", "12"}, // 11 really
		[]string{"Total", "15", "26", "42"},
	)
	r, err := Table(tb, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.NeedsReview || !hasReason(r, "D3") {
		t.Fatalf("mismatch not reported: %q", r.ReviewReasons)
	}
	// The row total D3 is wrong, and so the grand total D4, which the
	// force computed from it, no longer matches the figures either.
	var bad []string
	for _, tc := range r.Totals {
		if !tc.OK {
			bad = append(bad, tc.Ref)
			if tc.Ref == "D3" && (*tc.Stated != 12 || tc.Sum != 11) {
				t.Errorf("wrong failing check %+v", tc)
			}
		}
	}
	if strings.Join(bad, ",") != "D3,D4" || len(r.Totals) != 5 {
		t.Errorf("failing %v of %d checks; want D3,D4 of 5", bad, len(r.Totals))
	}
	if len(r.Observations) != 4 {
		t.Errorf("totals were loaded as data: %d observations", len(r.Observations))
	}
}

func TestSuppressedCellsStayFlagsInTables(t *testing.T) {
	s := testSchema(t)
	tb := tableOf("Polish nationals",
		[]string{"Offence", "2022", "2023", "2024"},
		[]string{"Theft", "<5", "*", "0"},
		[]string{"Drugs", "redacted", "[x]", "n/a"},
		[]string{"Robbery", "..", "-", "not recorded"},
	)
	r, err := Table(tb, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Observations) != 9 {
		t.Fatalf("%d observations", len(r.Observations))
	}
	zeros := 0
	for _, o := range r.Observations {
		if o.Raw == "0" {
			if o.Value == nil || *o.Value != 0 || o.Flag != "" {
				t.Errorf("0 became %+v", o)
			}
			zeros++
			continue
		}
		if o.Value != nil || o.Flag == "" {
			t.Errorf("%s %q → value %v flag %q", o.Ref, o.Raw, o.Value, o.Flag)
		}
	}
	if zeros != 1 {
		t.Errorf("zeros %d", zeros)
	}
}

func TestUnplaceableTableNeedsReview(t *testing.T) {
	s := testSchema(t)
	for name, tb := range map[string]*extract.Table{
		"unknown headings": tableOf("Polish nationals, 2023",
			[]string{"Offence", "Adult", "Youth"},
			[]string{"Theft", "4", "5"},
			[]string{"Drugs", "6", "7"}),
		"unknown labels": tableOf("",
			[]string{"Category", "2022", "2023"},
			[]string{"Alpha", "1", "2"},
			[]string{"Beta", "3", "4"}),
		"no period": tableOf("Polish nationals",
			[]string{"Offence", "Count"},
			[]string{"Theft", "4"},
			[]string{"Drugs", "6"}),
		"no figures": tableOf("",
			[]string{"Nationality", "Offence"},
			[]string{"Polish", "Theft"}),
		"text where figures belong": tableOf("Polish nationals",
			[]string{"Offence", "2022", "2023"},
			[]string{"Theft", "4", "see note"},
			[]string{"Drugs", "6", "7"}),
		"ambiguous nationality": tableOf("Theft offences",
			[]string{"Nationality", "2022"},
			[]string{"Congolese", "4"},
			[]string{"Polish", "6"}),
		"title names two nationalities": tableOf("Polish and Romanian nationals",
			[]string{"Offence", "2022"},
			[]string{"Theft", "4"},
			[]string{"Drugs", "6"}),
		"a breakdown the dataset lacks": tableOf("",
			[]string{"Nationality", "Gender", "2022"},
			[]string{"Polish", "Male", "4"},
			[]string{"Polish", "Female", "6"}),
		"country of birth": tableOf("Theft offences",
			[]string{"Country of birth", "2022"},
			[]string{"Poland", "4"},
			[]string{"Romania", "6"}),
		"financial years": tableOf("Theft offences",
			[]string{"Nationality", "2022/23", "2023/24"},
			[]string{"Polish", "4", "5"},
			[]string{"Romanian", "6", "7"}),
		"typo two edits away": tableOf("Theft offences",
			[]string{"Nationality", "2022"},
			[]string{"Albenain", "4"},
			[]string{"Polish", "6"}),
	} {
		t.Run(name, func(t *testing.T) {
			r, err := Table(tb, s, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !r.NeedsReview || len(r.ReviewReasons) == 0 {
				dumpResult(t, r)
				t.Fatal("not sent to review")
			}
			t.Logf("reasons: %q", r.ReviewReasons)
		})
	}
}

func TestTypoMapsWithLowerConfidence(t *testing.T) {
	s := testSchema(t)
	r, err := Table(tableOf("Theft offences",
		[]string{"Nationality", "2022"},
		[]string{"Polsih", "4"},
		[]string{"Romanian", "6"}), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	var pol *Observation
	for i := range r.Observations {
		if r.Observations[i].Dims["nationality"] == "POL" {
			pol = &r.Observations[i]
		}
	}
	if pol == nil || pol.Confidence >= 0.9 || len(pol.Reasons) == 0 || !strings.Contains(strings.Join(pol.Reasons, " "), "edit") {
		t.Fatalf("typo observation %+v", pol)
	}
	if r.Confidence != pol.Confidence || r.NeedsReview {
		t.Errorf("table confidence %.2f review %v (%q)", r.Confidence, r.NeedsReview, r.ReviewReasons)
	}
	found := false
	for _, d := range r.Decisions {
		if d.Kind == "value" && d.Text == "Polsih" && d.Code == "POL" && d.Confidence < 1 && d.Reason != "" {
			found = true
		}
	}
	if !found {
		t.Error("no decision recorded for the typo")
	}
}

func TestOverrides(t *testing.T) {
	s := testSchema(t)
	tb := tableOf("Theft offences",
		[]string{"Country of birth", "2022", "Adults only"},
		[]string{"Wakandan", "4", "1"},
		[]string{"Romanian", "6", "2"},
		[]string{"Checked by", "9", "9"},
	)
	r, err := Table(tb, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.NeedsReview {
		t.Fatal("should need review before overrides")
	}
	r, err = Table(tb, s, &Options{Overrides: &Overrides{
		Headers:    map[string]string{"country of birth": "nationality", "Adults only": "ignore"},
		Values:     map[string]map[string]string{"nationality": {"Wakandan": NationalityOther}},
		IgnoreRows: []int{3},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if r.NeedsReview {
		dumpResult(t, r)
		t.Fatalf("still needs review: %q", r.ReviewReasons)
	}
	got := obsSet(r.Observations)
	want := []string{"2022|nationality=OTHER,offence_group=theft_offences|4", "2022|nationality=ROU,offence_group=theft_offences|6"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q", got)
	}
	// Constants fill a dimension the table does not show.
	r, err = Table(tableOf("",
		[]string{"Nationality", "Count"},
		[]string{"Polish", "4"}), s, &Options{Overrides: &Overrides{Constants: map[string]string{"period": "2023", "offence_group": "drug_offences"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := obsSet(r.Observations); len(got) != 1 || got[0] != "2023|nationality=POL,offence_group=drug_offences|4" || r.NeedsReview {
		t.Errorf("constants: %q %q", got, r.ReviewReasons)
	}
	for _, bad := range []*Overrides{
		{Headers: map[string]string{"x": "colour"}},
		{Values: map[string]map[string]string{"colour": {"x": "y"}}},
		{Constants: map[string]string{"period": "whenever"}},
	} {
		if _, err := Table(tb, s, &Options{Overrides: bad}); err == nil {
			t.Errorf("override %+v accepted", bad)
		}
	}
}

func TestTotalsOnlyByNationality(t *testing.T) {
	// A force that answered only the totals by year and nationality.
	s := testSchema(t)
	r, err := Table(tableOf("Community resolutions issued to foreign nationals",
		[]string{"Nationality", "2022", "2023", "2024"},
		[]string{"Polish", "12", "14", "9"},
		[]string{"Romanian", "8", "<5", "3"},
		[]string{"All nationalities", "20", "17", "12"}), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.NeedsReview {
		dumpResult(t, r)
		t.Fatal(r.ReviewReasons)
	}
	for _, o := range r.Observations {
		if o.Dims["offence_group"] != AllCode {
			t.Errorf("%s offence %q, want %s", o.Ref, o.Dims["offence_group"], AllCode)
		}
	}
	if len(r.Observations) != 6 || len(r.Totals) != 3 {
		t.Errorf("%d observations, %d totals", len(r.Observations), len(r.Totals))
	}
}

func TestNestedOffenceGroups(t *testing.T) {
	// Sub-groups listed under their group: the total counts each figure once.
	s := testSchema(t)
	r, err := Table(tableOf("Polish nationals 2023",
		[]string{"Offence", "Count"},
		[]string{"Sexual offences", "7"},
		[]string{"Rape", "2"},
		[]string{"Other sexual offences", "5"},
		[]string{"Theft offences", "10"},
		[]string{"Shoplifting", "8"},
		[]string{"Total", "17"}), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.NeedsReview || len(r.Totals) != 1 || !r.Totals[0].OK || r.Totals[0].Parts != 2 {
		dumpResult(t, r)
		t.Fatalf("nested total: %+v %q", r.Totals, r.ReviewReasons)
	}
	if len(r.Observations) != 5 {
		t.Errorf("%d observations; groups and sub-groups are all kept", len(r.Observations))
	}
}

func TestPartialYearAndNotes(t *testing.T) {
	s := testSchema(t)
	r, err := Table(tableOf("Albanian nationals",
		[]string{"Offence", "2023", "2024 (to date)"},
		[]string{"Theft", "4", "2"},
		[]string{"* 2024 figures are to 30 June.", "", ""}), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[PeriodKind]int{}
	for _, o := range r.Observations {
		kinds[o.Period.Kind]++
	}
	if kinds[KindPartial] != 1 || kinds[KindCalendarYear] != 1 || r.NeedsReview {
		t.Errorf("kinds %v review %q", kinds, r.ReviewReasons)
	}
}

func TestProvenanceWithoutRefs(t *testing.T) {
	s := testSchema(t)
	tb := tableOf("Theft offences", []string{"Nationality", "2022"}, []string{"Polish", "4"})
	for i := range tb.Rows {
		for j := range tb.Rows[i] {
			tb.Rows[i][j].Ref = ""
			tb.Rows[i][j].Page = 3
		}
	}
	r, err := Table(tb, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Observations) != 1 || r.Observations[0].Ref != "r2c2" || r.Observations[0].Row != 1 || r.Observations[0].Col != 1 || r.Observations[0].Page != 3 {
		t.Errorf("provenance %+v", r.Observations)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Error(err)
	}
}

func TestHiddenRowsNeedReview(t *testing.T) {
	s := testSchema(t)
	tb := tableOf("Theft offences", []string{"Nationality", "2022"}, []string{"Polish", "4"}, []string{"Romanian", "5"})
	for j := range tb.Rows[2] {
		tb.Rows[2][j].Hidden = true
	}
	r, err := Table(tb, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Observations) != 1 || !hasReason(r, "hidden") {
		t.Errorf("hidden row: %d observations, %q", len(r.Observations), r.ReviewReasons)
	}
}

func TestTableErrors(t *testing.T) {
	s := testSchema(t)
	tb := tableOf("", []string{"a"})
	if _, err := Table(nil, s, nil); err == nil {
		t.Error("nil table accepted")
	}
	if _, err := Table(tb, nil, nil); err == nil {
		t.Error("nil schema accepted")
	}
	var se *SchemaError
	if _, err := Table(tb, &Schema{}, nil); !errors.As(err, &se) {
		t.Errorf("invalid schema: %v", err)
	}
	big := tableOf("", make([][]string, 0)...)
	big.Rows = make([][]extract.Cell, 2000)
	for i := range big.Rows {
		big.Rows[i] = make([]extract.Cell, 2000)
	}
	if _, err := Table(big, s, nil); !errors.Is(err, ErrTableTooLarge) {
		t.Errorf("large table: %v", err)
	}
	r, err := Table(tb, s, nil)
	if err != nil || !r.NeedsReview || r.Confidence != 0 {
		t.Errorf("one-cell table: %+v %v", r, err)
	}
}

func TestCategoryDimension(t *testing.T) {
	s, err := ParseSchema([]byte(`
measure: {name: arrests}
dimensions:
  - {name: year, kind: period}
  - name: age_band
    kind: category
    values: [under_18, adult]
    synonyms: {under_18: ["0-17", "Youth", "Juvenile"], adult: ["18+", "Adult"]}
    headers: [Age group]
`))
	if err != nil {
		t.Fatal(err)
	}
	// West Midlands Police's reply 709_15 (shared/fixtures/replies): the
	// age bands do not add up to the force's own totals, and foidesk says so.
	wmp := tableOf("",
		[]string{"Datum", "Community Resolutions", "Offender 0-17 years", "Offender 18+ years"},
		[]string{"2013", "9522", "2455", "6999"},
		[]string{"2014", "7820", "2063", "5725"})
	r, err := Table(wmp, s, &Options{Overrides: &Overrides{
		Headers: map[string]string{"Community Resolutions": "total"},
		Values:  map[string]map[string]string{"age_band": {"Offender 0-17 years": "under_18", "Offender 18+ years": "adult"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Observations) != 4 || len(r.Totals) != 2 || r.Totals[0].OK || r.Totals[1].OK || !hasReason(r, "B2") {
		dumpResult(t, r)
		t.Fatalf("West Midlands totals: %q", r.ReviewReasons)
	}
	r, err = Table(tableOf("",
		[]string{"Year", "Youth", "Adult", "Total"},
		[]string{"2013", "2455", "6999", "9454"},
		[]string{"2014", "2063", "5725", "7788"}), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.NeedsReview || len(r.Observations) != 4 || len(r.Totals) != 2 {
		dumpResult(t, r)
		t.Fatalf("category table: %q", r.ReviewReasons)
	}
	for _, o := range r.Observations {
		if o.Dims["age_band"] != "under_18" && o.Dims["age_band"] != "adult" {
			t.Errorf("age band %q", o.Dims["age_band"])
		}
	}
}

func TestGroupHeadingRows(t *testing.T) {
	s := testSchema(t)
	r, err := Table(tableOf("",
		[]string{"Nationality", "Offence", "2023"},
		[]string{"Polish", "", ""},
		[]string{"", "Theft", "4"},
		[]string{"", "Drugs", "5"},
		[]string{"", "Total", "9"},
		[]string{"Romanian", "", ""},
		[]string{"", "Theft", "1"},
		[]string{"Romanian Total", "", "1"},
		[]string{"Grand total", "", "10"},
	), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "2023|nationality=POL,offence_group=drug_offences|5 2023|nationality=POL,offence_group=theft_offences|4 2023|nationality=ROU,offence_group=theft_offences|1"
	if got := strings.Join(obsSet(r.Observations), " "); got != want || r.NeedsReview || len(r.Totals) != 3 {
		dumpResult(t, r)
		t.Fatalf("got %s", got)
	}
	for _, tc := range r.Totals {
		if !tc.OK {
			t.Errorf("total %s: %s", tc.Ref, tc.Reason)
		}
	}
}

// Norfolk Constabulary's reply FOI 002559/17 (shared/fixtures/replies):
// years 2007–2016 across, nationalities down, one spelt the old way.
func TestNorfolkCrossTab(t *testing.T) {
	s := testSchema(t)
	r, err := Table(tableOf("",
		[]string{"Year Nationality", "2007", "2008", "2009", "2010", "2011", "2012", "2013", "2014", "2015", "2016"},
		[]string{"Iran", "7", "13", "21", "10", "17", "10", "10", "12", "21", "18"},
		[]string{"Iraq", "24", "14", "36", "30", "27", "24", "20", "24", "31", "25"},
		[]string{"Libya", "0", "1", "4", "5", "3", "1", "3", "3", "6", "1"},
		[]string{"Somalia", "0", "0", "2", "0", "3", "0", "4", "17", "0", "5"},
		[]string{"Sudan", "1", "1", "0", "3", "1", "1", "1", "5", "4", "0"},
		[]string{"Syria", "0", "0", "0", "0", "0", "0", "0", "0", "0", "1"},
		[]string{"Yemen (Dem. Peoples Republic)", "0", "0", "0", "0", "0", "0", "0", "0", "0", "1"},
	), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Observations) != 70 || r.NeedsReview {
		dumpResult(t, r)
		t.Fatalf("%d observations, review %q", len(r.Observations), r.ReviewReasons)
	}
	n := 0
	for _, o := range r.Observations {
		if o.Dims["nationality"] == "YEM" {
			n++
			if o.Confidence != 0.95 {
				t.Errorf("Yemen confidence %.2f", o.Confidence)
			}
		}
		if o.Dims["offence_group"] != AllCode {
			t.Errorf("offence %q", o.Dims["offence_group"])
		}
	}
	if n != 10 {
		t.Errorf("%d Yemen figures", n)
	}
	outside := 0
	for _, d := range r.Decisions {
		if strings.Contains(d.Reason, "outside the span") {
			outside++
		}
	}
	if outside != 10 {
		t.Errorf("%d out-of-span decisions, want 10", outside)
	}
}

func TestFindPeriodsInTitles(t *testing.T) {
	for _, tc := range []struct {
		title string
		want  []string
	}{
		{"Community resolutions for Polish nationals, 2023", []string{"2023"}},
		{"Community resolutions 1 April 2022 to 31 March 2023", []string{"2022/23"}},
		{"Figures for 2022 to 2024 (FOI 2025/123)", []string{"2022-01-01/2024-12-31"}},
		{"Data extracted 14 February 2025", nil},
		{"Calendar years 2022, 2023 and 2024", []string{"2022", "2023", "2024"}},
		{"Reference 002559/17", nil},
		{"Community resolutions, financial year 2023/24 (to date)", []string{"2023/24 (partial)"}},
	} {
		var got []string
		for _, p := range findPeriods(tc.title) {
			got = append(got, p.Period.Label)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.title, got, tc.want)
		}
	}
}

// Tables are mapped concurrently by the document workflow: the shared
// vocabularies and caches must allow it.
func TestConcurrentTables(t *testing.T) {
	s := testSchema(t)
	ls := layouts()
	done := make(chan error, len(ls))
	for _, l := range ls {
		go func() {
			for _, tb := range l.tables {
				if _, err := Table(tb, s, nil); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range ls {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
