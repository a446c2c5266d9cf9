package workflows

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"

	"github.com/foidesk/foidesk/internal/foi"
)

// Each event sets FoiState to the request's raw state and FoiCondition to
// its status in the shared words, the same the Temporal UI's summary, the
// board and the CLI show: a request that runs up the ladder unanswered
// ends "closed unanswered — complaint …" while FoiState stays "regulator".
func TestConditionSearchAttribute(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	var (
		mu         sync.Mutex
		states     []string
		conditions []string
	)
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		sa := args.Get(0).(temporal.SearchAttributes)
		mu.Lock()
		defer mu.Unlock()
		st, okState := sa.GetKeyword(AttrState)
		cond, okCond := sa.GetKeyword(AttrCondition)
		if !okState || !okCond {
			t.Errorf("an upsert without both attributes: state %q (%v), condition %q (%v)", st, okState, cond, okCond)
		}
		states, conditions = append(states, st), append(conditions, cond)
	})
	res := h.run(requestInput(englishForce()))
	if !res.Unanswered || res.State != foi.StateRegulator {
		t.Fatalf("result %+v, want closed unanswered at the regulator", res)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(states) != len(h.events) {
		t.Fatalf("%d upserts for %d events", len(states), len(h.events))
	}
	for i, e := range h.events {
		if states[i] != string(e.State) {
			t.Errorf("event %d (%s): FoiState %q, want %q", i, e.Kind, states[i], e.State)
		}
	}
	// The harness's sends all succeed: the complaint went.
	want := map[int]string{0: "sent", len(conditions) - 1: "closed unanswered — complaint sent"}
	for i, w := range want {
		if conditions[i] != w {
			t.Errorf("FoiCondition after event %d (%s) = %q, want %q", i, h.events[i].Kind, conditions[i], w)
		}
	}
	if states[len(states)-1] != string(foi.StateRegulator) {
		t.Errorf("FoiState at the end %q, want the raw state regulator", states[len(states)-1])
	}
	for i, c := range conditions {
		if c == "" || strings.Contains(c, "_") {
			t.Errorf("FoiCondition after event %d = %q: not the shared words", i, c)
		}
	}
}
