package workflows

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/normalise"
)

// DocumentInput starts a DocumentWorkflow.
type DocumentInput struct {
	RequestID         int64                  `json:"request_id"`
	RequestWorkflowID string                 `json:"request_workflow_id"`
	Document          activities.DocumentRef `json:"document"`
}

// ReviewInput is the UpdateReview argument: an operator's decision on a
// document waiting in review.
type ReviewInput struct {
	// Action is approve (load as proposed), reject (load nothing) or remap
	// (run again with Overrides).
	Action string `json:"action"`
	// Overrides, for remap, by table index.
	Overrides map[int]*normalise.Overrides `json:"overrides,omitempty"`
	By        string                       `json:"by"`
	Note      string                       `json:"note,omitempty"`
}

// UpdateReview answers a DocumentWorkflow in review.
const UpdateReview = "review"

// DocumentStatus answers QueryStatus on a DocumentWorkflow.
type DocumentStatus struct {
	Document activities.DocumentRef     `json:"document"`
	Status   foi.DocumentStatus         `json:"status"` // processing | review | loaded | rejected | no_tables | failed
	Review   []activities.ReviewTable   `json:"review,omitempty"`
	Result   *activities.DocumentOutput `json:"result,omitempty"`
	Runs     int                        `json:"runs"`
}

// DocumentWorkflow extracts a document's tables, normalises them and loads
// the figures; a document the normaliser is unsure of waits in review for
// an operator's Update (approve, reject, or remap and run again). At the
// end it tells its RequestWorkflow.
func DocumentWorkflow(ctx workflow.Context, in DocumentInput) (*DocumentStatus, error) {
	st := &DocumentStatus{Document: in.Document, Status: foi.DocProcessing}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (DocumentStatus, error) { return *st, nil }); err != nil {
		return nil, err
	}
	var pending []ReviewInput
	err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateReview,
		func(ctx workflow.Context, r ReviewInput) (string, error) {
			pending = append(pending, r)
			return "accepted", nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, r ReviewInput) error {
			if st.Status != foi.DocReview || len(pending) > 0 {
				return fmt.Errorf("document %s is %s, not waiting for review", in.Document.Filename, st.Status)
			}
			switch r.Action {
			case "approve", "reject":
			case "remap":
				if len(r.Overrides) == 0 {
					return errors.New("remap needs overrides: header or value mappings for a table")
				}
				if err := checkRemap(st.Result, r.Overrides); err != nil {
					return err
				}
			default:
				return fmt.Errorf("unknown review action %q (want approve, reject or remap)", r.Action)
			}
			if r.By == "" {
				return errors.New("say who decides (by)")
			}
			return nil
		}})
	if err != nil {
		return nil, err
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		// Every activity heartbeats (activities.HeartbeatInterceptor): an
		// attempt on a crashed worker is retried within 20 s. (Timeouts
		// are not replayed: no version.)
		HeartbeatTimeout: 20 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
			MaximumAttempts: 10, NonRetryableErrorTypes: []string{activities.ErrTypeInvalid, activities.ErrTypeNotFound}},
	})
	act := activities.DocumentInput{RequestID: in.RequestID, DocumentID: in.Document.ID, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID,
		InboundID: in.Document.InboundID, Filename: in.Document.Filename}
	if err := workflow.ExecuteActivity(ctx, (*activities.Activities).AttachDocument, act).Get(ctx, nil); err != nil {
		return nil, err
	}
	for {
		st.Runs++
		var out activities.DocumentOutput
		if err := workflow.ExecuteActivity(ctx, (*activities.Activities).ProcessDocument, act).Get(ctx, &out); err != nil {
			out = activities.DocumentOutput{Status: foi.DocFailed, Error: err.Error()}
		}
		st.Result, st.Status, st.Review = &out, out.Status, out.Review
		if out.Status != foi.DocReview {
			break
		}
		if err := workflow.Await(ctx, func() bool { return len(pending) > 0 }); err != nil {
			return nil, err
		}
		r := pending[0]
		pending = pending[1:]
		status := map[string]foi.ReviewStatus{"approve": foi.ReviewApproved, "reject": foi.ReviewRejected,
			"remap": foi.ReviewRemapped}[r.Action]
		if err := workflow.ExecuteActivity(ctx, (*activities.Activities).ResolveReview, activities.ReviewDecision{
			RequestID: in.RequestID, DocumentID: in.Document.ID, Status: status, Resolution: r, By: r.By,
		}).Get(ctx, nil); err != nil {
			return nil, err
		}
		if r.Action == "reject" {
			st.Status = foi.DocRejected
			break
		}
		act.Approve = r.Action == "approve"
		if r.Action == "remap" {
			// Later remaps win, table by table; the activity merges them.
			act.Remaps = append(act.Remaps, r.Overrides)
		}
	}
	err = workflow.SignalExternalWorkflow(ctx, in.RequestWorkflowID, "", SignalDocumentDone,
		DocumentDone{DocumentID: in.Document.ID, Status: st.Status}).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Warn("request not told of its document", "request", in.RequestWorkflowID, "error", err)
	}
	return st, nil
}

// checkRemap checks an operator's remap against the campaign's dataset the
// document's last run gave back (runs recorded before it gave one are not
// checked here; the activity checks again). It runs in the update's
// validator, whose rejections are not recorded in the history, so the
// order in which it finds a fault need not be deterministic.
//
//workflowcheck:ignore
func checkRemap(out *activities.DocumentOutput, overrides map[int]*normalise.Overrides) error {
	if out == nil || out.Schema == nil {
		return nil
	}
	for _, i := range slices.Sorted(maps.Keys(overrides)) {
		if err := out.Schema.CheckOverrides(overrides[i]); err != nil {
			return fmt.Errorf("table %d: %w", i, err)
		}
	}
	return nil
}
