package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/normalise"
)

// docHarness runs a DocumentWorkflow whose ProcessDocument answers "review"
// until it is approved or given an override for table 1.
type docHarness struct {
	env      *testsuite.TestWorkflowEnvironment
	runs     []activities.DocumentInput
	resolved []activities.ReviewDecision
	told     []DocumentDone
	schema   *normalise.Schema // given back with "review", when set
}

func newDocHarness(t *testing.T) *docHarness {
	var ts testsuite.WorkflowTestSuite
	h := &docHarness{env: ts.NewTestWorkflowEnvironment()}
	acts := &activities.Activities{}
	h.env.RegisterWorkflow(DocumentWorkflow)
	h.env.RegisterActivity(acts)
	h.env.OnActivity(acts.AttachDocument, mock.Anything, mock.Anything).Return(nil)
	h.env.OnActivity(acts.ProcessDocument, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.DocumentInput) (*activities.DocumentOutput, error) {
			h.runs = append(h.runs, in)
			remapped := len(in.Remaps) > 0 && in.Remaps[len(in.Remaps)-1][1] != nil &&
				in.Remaps[len(in.Remaps)-1][1].Headers["Country"] == "nationality"
			if in.Approve || remapped {
				return &activities.DocumentOutput{Status: "loaded", Tables: 1, Observations: 6}, nil
			}
			return &activities.DocumentOutput{Status: "review", Tables: 1, Schema: h.schema,
				Review: []activities.ReviewTable{{Index: 1, Reasons: []string{`heading "Country" placed on no dimension`}}}}, nil
		})
	h.env.OnActivity(acts.ResolveReview, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, d activities.ReviewDecision) error {
			h.resolved = append(h.resolved, d)
			return nil
		})
	h.env.OnSignalExternalWorkflow(mock.Anything, "request/cro/2025/durham", "", SignalDocumentDone, mock.Anything).Return(
		func(ns, id, run, name string, arg any) error {
			h.told = append(h.told, arg.(DocumentDone))
			return nil
		})
	return h
}

func (h *docHarness) update(t *testing.T, after time.Duration, r ReviewInput, wantErr bool) {
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(UpdateReview, "", &testsuite.TestUpdateCallback{
			OnReject: func(err error) {
				if !wantErr {
					t.Errorf("update %+v rejected: %v", r, err)
				}
			},
			OnAccept: func() {
				if wantErr {
					t.Errorf("update %+v accepted, want it rejected", r)
				}
			},
			OnComplete: func(any, error) {},
		}, r)
	}, after)
}

func (h *docHarness) run(t *testing.T) *DocumentStatus {
	h.env.ExecuteWorkflow(DocumentWorkflow, DocumentInput{RequestID: 7, RequestWorkflowID: "request/cro/2025/durham",
		Document: activities.DocumentRef{ID: 11, SHA256: "ab", Filename: "figures.xlsx"}})
	if !h.env.IsWorkflowCompleted() {
		t.Fatal("document workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var st DocumentStatus
	if err := h.env.GetWorkflowResult(&st); err != nil {
		t.Fatal(err)
	}
	return &st
}

func TestDocumentRemapThenLoad(t *testing.T) {
	h := newDocHarness(t)
	h.update(t, time.Hour, ReviewInput{Action: "remap", By: "desk"}, true) // no overrides
	h.update(t, time.Hour, ReviewInput{Action: "shrug", By: "desk"}, true)
	h.update(t, time.Hour, ReviewInput{Action: "remap", By: "desk", Overrides: map[int]*normalise.Overrides{
		1: {Headers: map[string]string{"Country": "nationality"}}}}, false)
	h.update(t, 2*time.Hour, ReviewInput{Action: "approve", By: "desk"}, true) // no longer in review
	st := h.run(t)
	if st.Status != "loaded" || st.Runs != 2 || st.Result.Observations != 6 {
		t.Errorf("status %+v, want loaded on the second run", st)
	}
	if len(h.resolved) != 1 || h.resolved[0].Status != "remapped" {
		t.Errorf("resolved %+v, want one remap", h.resolved)
	}
	if len(h.told) != 1 || h.told[0] != (DocumentDone{DocumentID: 11, Status: "loaded"}) {
		t.Errorf("request told %+v", h.told)
	}
}

func TestDocumentApproveAndReject(t *testing.T) {
	for _, tc := range []struct {
		action string
		want   foi.DocumentStatus
	}{{"approve", foi.DocLoaded}, {"reject", foi.DocRejected}} {
		t.Run(tc.action, func(t *testing.T) {
			h := newDocHarness(t)
			h.update(t, time.Hour, ReviewInput{Action: tc.action}, true) // nobody named
			h.update(t, time.Hour, ReviewInput{Action: tc.action, By: "desk"}, false)
			st := h.run(t)
			if st.Status != tc.want {
				t.Errorf("status %s, want %s", st.Status, tc.want)
			}
			wantRuns := map[string]int{"approve": 2, "reject": 1}[tc.action]
			if len(h.runs) != wantRuns {
				t.Errorf("%d processing runs, want %d", len(h.runs), wantRuns)
			}
			if len(h.told) != 1 || h.told[0].Status != tc.want {
				t.Errorf("request told %+v", h.told)
			}
		})
	}
}
