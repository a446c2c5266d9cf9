package normalise

import (
	"errors"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The campaign example's dataset section decodes into a schema.
func TestSchemaFromExampleCampaign(t *testing.T) {
	b, err := os.ReadFile("../../examples/cro-foreign-nationals.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Dataset map[string]any `yaml:"dataset"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	s, err := SchemaFrom(doc.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	if s.Measure.Name != "community_resolutions" || s.Measure.Unit != "count" || len(s.Dimensions) != 3 ||
		s.PeriodDimension() != "period" || s.Periods == nil || s.Periods.From != 2022 || s.Periods.To != 2024 ||
		s.Periods.Kind != "calendar" || s.ReviewThreshold != 0.8 {
		t.Errorf("schema %+v", s)
	}
}

func TestSchemaSynonymsAndValues(t *testing.T) {
	s, err := ParseSchema([]byte(`
measure: {name: community_resolutions}
dimensions:
  - {name: period, kind: period}
  - name: nationality
    kind: nationality
    synonyms: {POL: [Polnisch, "Polish (EU)"], OTHER: [Rest]}
    values: [POL, ROU, OTHER]
`))
	if err != nil {
		t.Fatal(err)
	}
	if s.ReviewThreshold != DefaultReviewThreshold || s.Measure.Unit != "count" {
		t.Errorf("defaults not filled: %+v", s)
	}
	r, err := Table(tableOf("2023",
		[]string{"Nationality", "Count"},
		[]string{"Polnisch", "4"},
		[]string{"Romanian", "5"},
		[]string{"Rest", "6"},
		[]string{"German", "7"}), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := obsSet(r.Observations)
	want := "2023|nationality=OTHER|6 2023|nationality=POL|4 2023|nationality=ROU|5"
	if strings.Join(got, " ") != want {
		t.Errorf("got %q", got)
	}
	// German is a nationality, but not one the campaign allows: reported.
	if !r.NeedsReview || !hasReason(r, "German") {
		t.Errorf("disallowed value not reported: %q", r.ReviewReasons)
	}
}

func TestSchemaErrors(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want string
	}{
		{`dimensions: [{name: period, kind: period}]`, "measure.name is missing"},
		{`measure: {name: CRs}
dimensions: [{name: period, kind: period}]`, "lower_snake_case"},
		{`measure: {name: n}
dimensions: [{name: period, kind: period}, {name: nat, kind: colour}]`, `kind "colour"`},
		{`measure: {name: n}
dimensions: [{name: period, kind: period}, {name: period, kind: nationality}]`, "declared twice"},
		{`measure: {name: n}
dimensions: [{name: nat, kind: nationality}]`, "exactly one dimension must be of kind period"},
		{`measure: {name: n}
dimensions: [{name: p, kind: period}]
colour: blue`, "colour"},
		{`measure: {name: n}
dimensions: [{name: p, kind: period}, {name: nat, kind: nationality, synonyms: {Poland: [Polnisch]}}]`, `"Poland", which is not a nationality code (did you mean POL?)`},
		{`measure: {name: n}
dimensions: [{name: p, kind: period}, {name: nat, kind: nationality, values: [POL, Narnia]}]`, `value "Narnia"`},
		{`measure: {name: n}
dimensions: [{name: p, kind: period}, {name: nat, kind: nationality, values: [POL], synonyms: {ROU: [Rumänisch]}}]`, "not among its values"},
		{`measure: {name: n}
dimensions: [{name: p, kind: period, values: ["2022"]}]`, "takes no synonyms or values"},
		{`measure: {name: n}
dimensions: [{name: p, kind: period}, {name: age, kind: category}]`, "needs values or synonyms"},
		{`measure: {name: n}
dimensions: [{name: p, kind: period}]
periods: {from: 2024, to: 2022}`, "after"},
		{`measure: {name: n}
dimensions: [{name: p, kind: period}]
periods: {from: 2022, to: 2024, kind: lunar}`, "calendar or financial"},
		{`measure: {name: n}
dimensions: [{name: p, kind: period}]
review_threshold: 1.5`, "between 0 and 1"},
		{`measure: {name: n}
dimensions: [{name: p}]`, "kind is missing"},
	} {
		_, err := ParseSchema([]byte(tc.yaml))
		var se *SchemaError
		if !errors.As(err, &se) {
			t.Errorf("%s: error %v is not a *SchemaError", tc.yaml, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n got %v\nwant …%s…", tc.yaml, err, tc.want)
		}
	}
	if _, err := SchemaFrom(nil); err == nil {
		t.Error("empty dataset accepted")
	}
}
