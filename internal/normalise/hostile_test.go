package normalise

// Hostile content in review decisions: a remap may only name the
// campaign's dimensions and codes of their vocabularies. See "Hostile
// content" in the README.

import (
	"errors"
	"strings"
	"testing"
)

var hostileCodes = []string{
	"+1", "-1+2", "@SUM(1)", `=HYPERLINK("evil.example","Click for source")`,
	"X'); DROP TABLE observations;--", "<img src=x onerror=alert(1)>", "-", "", " ", "gbr", "GBR\n",
}

func TestRemapRefusesCodesOutsideTheVocabulary(t *testing.T) {
	s := testSchema(t)
	for _, dim := range []string{"nationality", "offence_group"} {
		for _, code := range hostileCodes {
			err := s.CheckOverrides(&Overrides{Values: map[string]map[string]string{dim: {"Elsewhere": code}}})
			var oe *OverrideError
			if !errors.As(err, &oe) {
				t.Errorf("%s remapped to %q: accepted (err %v)", dim, code, err)
				continue
			}
			if !strings.Contains(err.Error(), `"Elsewhere"`) || (strings.TrimSpace(code) != "" && !strings.Contains(err.Error(), strings.TrimSpace(code)[:1])) {
				t.Errorf("%s remapped to %q: the error %q does not name the value", dim, code, err)
			}
		}
		for _, code := range hostileCodes {
			if err := s.CheckOverrides(&Overrides{Constants: map[string]string{dim: code}}); err == nil {
				t.Errorf("%s constant %q accepted", dim, code)
			}
		}
	}
	if err := s.CheckOverrides(&Overrides{Constants: map[string]string{"period": "=1+1"}}); err == nil {
		t.Error(`period constant "=1+1" accepted`)
	}
}

func TestRemapAcceptsVocabularyCodesAndSpecialValues(t *testing.T) {
	s := testSchema(t)
	o := &Overrides{
		Headers: map[string]string{"Country of birth": "nationality", "Notes": "ignore", "Number": "measure", "All": "total"},
		Values: map[string]map[string]string{
			"nationality":   {"Polish": "POL", "n/k": NationalityUnknown, "blank": NationalityNotRecorded, "none": NationalityStateless, "rest": NationalityOther},
			"offence_group": {"Violence": OffenceGroups().Codes()[0]},
		},
		Constants:  map[string]string{"period": "2023", "nationality": "GBR"},
		IgnoreRows: []int{0, 3},
	}
	if err := s.CheckOverrides(o); err != nil {
		t.Fatalf("a sound remap refused: %v", err)
	}
}

func TestRemapRefusesHeadersNamingNoDimension(t *testing.T) {
	s := testSchema(t)
	for _, target := range []string{"planet", "Nationality", "=1+1", "", "nationality; DROP TABLE x"} {
		err := s.CheckOverrides(&Overrides{Headers: map[string]string{"Country": target}})
		if err == nil {
			t.Errorf("header mapped to %q accepted", target)
			continue
		}
		if !strings.Contains(err.Error(), `"Country"`) || !strings.Contains(err.Error(), "not a dimension") {
			t.Errorf("header mapped to %q: error %q does not name the heading and say why", target, err)
		}
	}
	if err := s.CheckOverrides(&Overrides{Values: map[string]map[string]string{"planet": {"Mars": "MAR"}}}); err == nil {
		t.Error("values for a dimension the campaign does not have accepted")
	}
	if err := s.CheckOverrides(&Overrides{IgnoreRows: []int{-1}}); err == nil {
		t.Error("a negative row position accepted")
	}
}

func TestRemapKeepsToTheCampaignsListedValues(t *testing.T) {
	s, err := ParseSchema([]byte(`
measure: {name: stops}
dimensions:
  - {name: period, kind: period}
  - {name: outcome, kind: category, values: [arrest, no_further_action]}
  - {name: nationality, kind: nationality, values: [GBR, POL]}
`))
	if err != nil {
		t.Fatal(err)
	}
	for dim, codes := range map[string][]string{"outcome": {"arrest", "no_further_action"}, "nationality": {"GBR", "POL"}} {
		for _, c := range codes {
			if err := s.CheckOverrides(&Overrides{Values: map[string]map[string]string{dim: {"x": c}}}); err != nil {
				t.Errorf("%s %q refused: %v", dim, c, err)
			}
		}
	}
	for dim, code := range map[string]string{"outcome": "=1+1", "nationality": "FRA"} {
		err := s.CheckOverrides(&Overrides{Values: map[string]map[string]string{dim: {"x": code}}})
		if err == nil || !strings.Contains(err.Error(), code) {
			t.Errorf("%s %q: err %v, want a refusal naming it", dim, code, err)
		}
	}
}
