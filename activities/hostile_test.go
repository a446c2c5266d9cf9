package activities

// Hostile content in review decisions reaching the activity: a remap the
// schema does not allow is not applied. See "Hostile content" in the
// README.

import (
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/normalise"
)

func TestMergeOverridesLeavesOutHostileRemaps(t *testing.T) {
	schema, err := normalise.ParseSchema([]byte(`
measure: {name: community_resolutions}
dimensions:
  - {name: period, kind: period}
  - {name: nationality, kind: nationality}
`))
	if err != nil {
		t.Fatal(err)
	}
	good := &normalise.Overrides{Values: map[string]map[string]string{"nationality": {"Polish": "POL"}}}
	hostile := &normalise.Overrides{Values: map[string]map[string]string{"nationality": {"Elsewhere": "@SUM(1)"}}}
	in := DocumentInput{Remaps: []map[int]*normalise.Overrides{{1: good, 2: good}, {2: hostile, 3: hostile}}}
	got, refused := mergeOverrides(schema, in)
	if got[1] != good || got[2] != good || got[3] != nil {
		t.Errorf("merged %v, want table 1 and 2 remapped soundly and table 3 not at all", got)
	}
	for _, i := range []int{2, 3} {
		if err := refused[i]; err == nil || !strings.Contains(err.Error(), `"@SUM(1)"`) {
			t.Errorf("table %d: refusal %v, want one naming @SUM(1)", i, err)
		}
	}
	if refused[1] != nil {
		t.Errorf("table 1's sound remap refused: %v", refused[1])
	}
}
