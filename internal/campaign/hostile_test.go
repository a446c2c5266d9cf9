package campaign

// A campaign spec is checked whole, its dataset included, before 44
// requests go out: each problem names its line. See "Hostile content" in
// the README.

import (
	"strings"
	"testing"
)

const specHead = `slug: cro
title: Community resolutions
period: {from: 2022, to: 2024}
requester: {name: Sam Reporter, email: sam@example.org}
targets: [durham]
subject: FOI request {{.Reference}}
body: Please send the figures.
`

const goodDataset = `dataset:
  measure: {name: community_resolutions}
  dimensions:
    - {name: period, kind: period}
    - {name: nationality, kind: nationality}
  periods: {from: 2022, to: 2024}
  review_threshold: 0.8
`

func TestParseChecksTheDataset(t *testing.T) {
	for _, tc := range []struct {
		name, dataset, want string
	}{
		{"no dataset", ``, "line 1: dataset: is required"},
		{"planet kind", strings.Replace(goodDataset, "kind: nationality", "kind: planet", 1), `line 12: dataset: dimension "nationality": kind "planet"`},
		{"threshold", strings.Replace(goodDataset, "0.8", "7", 1), "line 14: dataset: review_threshold 7 must be between 0 and 1"},
		{"negative threshold", strings.Replace(goodDataset, "0.8", "-0.5", 1), "line 14: dataset: review_threshold -0.5"},
		{"unknown key in dataset", goodDataset + "  colour: blue\n", "line 15: dataset.colour: unknown key"},
		{"unknown key in measure", strings.Replace(goodDataset, "{name: community_resolutions}", "{name: community_resolutions, formula: '=1+1'}", 1), "line 9: dataset.measure.formula: unknown key"},
		{"unknown key in a dimension", strings.Replace(goodDataset, "{name: period, kind: period}", "{name: period, kind: period, colour: red}", 1), "line 11: dataset.dimensions[0].colour: unknown key"},
		{"unknown key in periods", strings.Replace(goodDataset, "{from: 2022, to: 2024}", "{from: 2022, to: 2024, every: 2}", 1), "line 13: dataset.periods.every: unknown key"},
		{"no measure", strings.Replace(goodDataset, "  measure: {name: community_resolutions}\n", "", 1), "dataset: measure.name is missing"},
		{"bad measure", strings.Replace(goodDataset, "community_resolutions", "Community Resolutions", 1), "line 9: dataset: measure.name"},
		{"no period dimension", strings.Replace(goodDataset, "    - {name: period, kind: period}\n", "", 1), "exactly one dimension must be of kind period"},
		{"periods backwards", strings.Replace(goodDataset, "{from: 2022, to: 2024}", "{from: 2024, to: 2022}", 1), "line 13: dataset: periods: from 2024 is after to 2022"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(specHead + tc.dataset))
			if err == nil {
				t.Fatalf("spec accepted, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %q", err, tc.want)
			}
		})
	}
	if _, err := Parse(strings.NewReader(specHead + goodDataset)); err != nil {
		t.Errorf("a sound spec refused: %v", err)
	}
}
