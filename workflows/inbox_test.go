package workflows

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/foi"
)

// inboxHarness runs an InboxWorkflow in Temporal's test environment: the
// mailbox holds the messages given, each processed into the replies given,
// and the inbox stops (its sync fails for good) once they are done.
type inboxHarness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment

	mu        sync.Mutex
	signalled []string                      // request workflow IDs signalled a reply
	returned  []activities.UndeliveredInput // ReturnToTriage calls
	reopened  []*Reply                      // the reply each request run the inbox started was given
}

const durhamRequest = "request/cro/2025/durham"

func newInboxHarness(t *testing.T, pending map[int64]*activities.ProcessOutput, deliverable bool) *inboxHarness {
	t.Helper()
	var ts testsuite.WorkflowTestSuite
	h := &inboxHarness{t: t, env: ts.NewTestWorkflowEnvironment()}
	acts := &activities.Activities{}
	h.env.RegisterActivity(acts)
	h.env.RegisterWorkflow(RequestWorkflow)
	syncs := 0
	h.env.OnActivity(acts.SyncMailbox, mock.Anything, mock.Anything).After(time.Hour).Return(
		func(ctx context.Context, in activities.SyncInput) (*activities.SyncOutput, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			syncs++
			switch syncs {
			case 1:
				ids := slices.Sorted(maps.Keys(pending))
				return &activities.SyncOutput{Pending: ids}, nil
			case 2:
				return &activities.SyncOutput{}, nil
			}
			return nil, temporal.NewNonRetryableApplicationError("no more mail in this test", "TestStop", nil)
		})
	h.env.OnActivity(acts.ProcessInbound, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, id int64) (*activities.ProcessOutput, error) {
			return pending[id], nil
		})
	// No run of the request is running: a signal finds none, unless the
	// request can take replies.
	h.env.OnSignalExternalWorkflow(mock.Anything, durhamRequest, "", SignalReply, mock.Anything).Return(
		func(namespace, workflowID, runID, signal string, arg any) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.signalled = append(h.signalled, workflowID)
			if deliverable {
				return nil
			}
			return errors.New("unknown external workflow execution")
		})
	// A reopened run ends at once: a reply signalled after its start
	// finds it ended.
	h.env.OnWorkflow(RequestWorkflow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in RequestInput) (*RequestResult, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.reopened = append(h.reopened, in.Reopen.Reply)
			return &RequestResult{Force: "durham", State: foi.StateRefused}, nil
		})
	h.env.OnActivity(acts.ReturnToTriage, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.UndeliveredInput) (bool, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.returned = append(h.returned, in)
			return true, nil
		})
	return h
}

// run runs the inbox until its sync stops it, and returns its status.
func (h *inboxHarness) run() InboxStatus {
	h.t.Helper()
	h.env.ExecuteWorkflow(InboxWorkflow, InboxInput{Mailbox: "INBOX"})
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("the inbox did not stop")
	}
	if err := h.env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), "no more mail in this test") {
		h.t.Fatalf("inbox ended with %v, want the test's stop", err)
	}
	v, err := h.env.QueryWorkflow(QueryStatus)
	if err != nil {
		h.t.Fatal(err)
	}
	var st InboxStatus
	if err := v.Get(&st); err != nil {
		h.t.Fatal(err)
	}
	return st
}

func responseFor(inboundID int64) *activities.ProcessOutput {
	return &activities.ProcessOutput{Status: foi.InboundMatched, Kind: foi.KindResponse,
		Replies: []activities.InboundReply{{WorkflowID: durhamRequest, InboundID: inboundID, Kind: foi.KindResponse,
			Subject: "RE: FOI request"}}}
}

// A reply whose request has no run reopens it, the reply given with the
// start: the run has it even if it ends before any signal could reach it,
// and nothing goes back to triage.
func TestLateReplyReopensWithItsReply(t *testing.T) {
	h := newInboxHarness(t, map[int64]*activities.ProcessOutput{41: responseFor(41)}, false)
	st := h.run()
	if len(h.reopened) != 1 || h.reopened[0] == nil || h.reopened[0].InboundID != 41 || h.reopened[0].Kind != foi.KindResponse {
		t.Fatalf("request runs started with replies %+v, want one, with message 41", h.reopened)
	}
	if len(h.returned) != 0 || st.Triage != 0 {
		t.Errorf("ReturnToTriage calls = %+v, status %+v; want none in triage", h.returned, st)
	}
}

// oldReopen makes the inbox reopen requests as runs recorded before the
// reply went with the start did: start, then signal.
func (h *inboxHarness) oldReopen() {
	h.env.OnGetVersion(changeReopenWithReply, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
}

// A reply that cannot be delivered even by reopening its request (here, by
// a run recorded before the reply went with the start, which signalled a
// run that had ended) is not only logged: the message goes back to
// triage, named with its request and why it could not be delivered.
func TestUndeliveredReplyGoesBackToTriage(t *testing.T) {
	h := newInboxHarness(t, map[int64]*activities.ProcessOutput{41: responseFor(41)}, false)
	h.oldReopen()
	st := h.run()
	if len(h.reopened) != 1 || h.reopened[0] != nil {
		t.Errorf("request runs started with replies %+v, want one, signalled its reply", h.reopened)
	}
	if len(h.returned) != 1 {
		t.Fatalf("ReturnToTriage calls = %+v, want one", h.returned)
	}
	in := h.returned[0]
	if in.InboundID != 41 || in.RequestWorkflowID != durhamRequest {
		t.Errorf("ReturnToTriage(%d, %s), want message 41 to %s", in.InboundID, in.RequestWorkflowID, durhamRequest)
	}
	t.Logf("delivery error: %s", in.Error)
	if in.Error == "" || in.At.IsZero() {
		t.Errorf("ReturnToTriage input %+v: want the delivery's error and time", in)
	}
	if st.Processed != 1 || st.Triage != 1 {
		t.Errorf("status = %+v, want 1 processed, 1 in triage", st)
	}
}

// A reply its request takes is not put back in triage.
func TestDeliveredReplyStaysMatched(t *testing.T) {
	h := newInboxHarness(t, map[int64]*activities.ProcessOutput{42: responseFor(42)}, true)
	st := h.run()
	if len(h.signalled) != 1 || len(h.reopened) != 0 || len(h.returned) != 0 {
		t.Errorf("signalled %v, reopened %d, returned %+v; want one signal and nothing else", h.signalled, len(h.reopened), h.returned)
	}
	if st.Triage != 0 {
		t.Errorf("status = %+v, want none in triage", st)
	}
}

// A person assigns a message from triage to a request that cannot take it
// either (as above): the message goes back to triage, and the person is
// told so.
func TestAssignedReplyUndeliveredGoesBackToTriage(t *testing.T) {
	h := newInboxHarness(t, nil, false)
	h.oldReopen()
	acts := &activities.Activities{}
	assign := activities.AssignInput{InboundID: 43, RequestWorkflowID: durhamRequest, By: "ed"}
	h.env.OnActivity(acts.AssignInbound, mock.Anything, assign).Return(responseFor(43), nil)
	var result string
	var updateErr error
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(UpdateAssign, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { updateErr = err },
			OnComplete: func(v any, err error) {
				if err != nil {
					updateErr = err
					return
				}
				result, _ = v.(string)
			},
		}, assign)
	}, 30*time.Minute)
	st := h.run()
	if updateErr != nil {
		t.Fatalf("assign: %v", updateErr)
	}
	if !strings.Contains(result, "back in triage") {
		t.Errorf("assign answered %q, want it to say the message is back in triage", result)
	}
	if len(h.returned) != 1 || h.returned[0].InboundID != 43 || h.returned[0].RequestWorkflowID != durhamRequest {
		t.Errorf("ReturnToTriage calls = %+v, want message 43 to %s", h.returned, durhamRequest)
	}
	if st.Triage != 0 {
		t.Errorf("status = %+v: the message assigned and returned leaves the count as it was", st)
	}
}
