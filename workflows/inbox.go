package workflows

import (
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/foi"
)

// InboxInput configures an InboxWorkflow.
type InboxInput struct {
	Mailbox string        `json:"mailbox"`
	MaxWait time.Duration `json:"max_wait"` // longest IDLE per sync (default 5m)
	Poll    time.Duration `json:"poll"`     // poll interval without IDLE (default 1m)
	// MaxHistory is the history length after which the workflow continues
	// as new (default 10,000 events).
	MaxHistory int `json:"max_history"`
	// Processed counts messages handled by earlier runs, for the summary.
	Processed int `json:"processed"`
}

// UpdateAssign assigns a message in triage to a request (AssignInput).
const UpdateAssign = "assign"

// InboxStatus answers QueryStatus on an InboxWorkflow.
type InboxStatus struct {
	Mailbox   string    `json:"mailbox"`
	Processed int       `json:"processed"`
	Triage    int       `json:"triage"`
	LastSync  time.Time `json:"last_sync"`
}

// InboxWorkflow takes in a mailbox's mail for as long as it runs: a sync
// activity stores each new message (raw bytes and checkpoint in one
// transaction), then each stored message is processed — parsed, matched,
// classified — by an activity keyed by the message, so a repeat is a
// no-op, and the requests it answers are signalled.
func InboxWorkflow(ctx workflow.Context, in InboxInput) error {
	if in.MaxWait <= 0 {
		in.MaxWait = 5 * time.Minute
	}
	if in.MaxHistory <= 0 {
		in.MaxHistory = 10000
	}
	st := InboxStatus{Mailbox: in.Mailbox, Processed: in.Processed}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (InboxStatus, error) { return st, nil }); err != nil {
		return err
	}
	syncCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: in.MaxWait + 2*time.Minute,
		// Every activity heartbeats (activities.HeartbeatInterceptor): a
		// sync on a crashed worker is taken up again within 20 s, and an
		// outage is retried at least every 15 s, so replies wait little
		// once it ends. (Timeouts and retry policies are not replayed: no
		// version.)
		HeartbeatTimeout: 20 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
			MaximumInterval: 15 * time.Second, NonRetryableErrorTypes: []string{activities.ErrTypeInvalid}},
	})
	procCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		// Every activity heartbeats (activities.HeartbeatInterceptor): a
		// message whose processing a crashed worker cut off is taken up
		// again within 20 s, not after the 5-minute limit.
		HeartbeatTimeout: 20 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: 20},
	})
	logger := workflow.GetLogger(ctx)
	err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateAssign,
		func(ctx workflow.Context, in activities.AssignInput) (string, error) {
			var res activities.ProcessOutput
			if err := workflow.ExecuteActivity(procCtx, (*activities.Activities).AssignInbound, in).Get(ctx, &res); err != nil {
				return "", err
			}
			back := false
			for _, r := range res.Replies {
				back = deliver(ctx, r) || back
			}
			if back {
				return fmt.Sprintf("message %d could not be delivered to %s: it is back in triage", in.InboundID, in.RequestWorkflowID), nil
			}
			st.Triage--
			return fmt.Sprintf("message %d assigned to %s as %s", in.InboundID, in.RequestWorkflowID, res.Kind), nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in activities.AssignInput) error {
			if in.InboundID <= 0 {
				return fmt.Errorf("name the message (inbound id)")
			}
			if _, err := foi.ParseRequestWorkflowID(in.RequestWorkflowID); err != nil {
				return fmt.Errorf("want a request workflow ID: %w", err)
			}
			if in.By == "" {
				return fmt.Errorf("say who assigns it (by)")
			}
			return nil
		}})
	if err != nil {
		return err
	}
	for {
		var out activities.SyncOutput
		err := workflow.ExecuteActivity(syncCtx, (*activities.Activities).SyncMailbox,
			activities.SyncInput{Mailbox: in.Mailbox, MaxWait: in.MaxWait, Poll: in.Poll}).Get(ctx, &out)
		if err != nil {
			return fmt.Errorf("sync %s: %w", in.Mailbox, err)
		}
		st.LastSync = workflow.Now(ctx)
		for _, id := range out.Pending {
			var res activities.ProcessOutput
			if err := workflow.ExecuteActivity(procCtx, (*activities.Activities).ProcessInbound, id).Get(ctx, &res); err != nil {
				// The message stays stored and unprocessed; the next round
				// tries it again, and an operator sees the failure here.
				logger.Error("processing failed", "inbound_id", id, "error", err)
				continue
			}
			st.Processed++
			back := false
			for _, r := range res.Replies {
				back = deliver(ctx, r) || back
			}
			if res.Status.Triaged() || back {
				st.Triage++
			}
		}
		if workflow.GetInfo(ctx).GetCurrentHistoryLength() > in.MaxHistory {
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return err
			}
			in.Processed = st.Processed
			return workflow.NewContinueAsNewError(ctx, InboxWorkflow, in)
		}
	}
}

// changeReopenOnLateReply reopens a request whose run has ended when a
// reply for it arrives.
const changeReopenOnLateReply = "reopen-on-late-reply"

// changeReopenAgain starts the request again when the run that was
// running as the inbox tried to reopen it (one reopened by the desk, say)
// ended before the reply reached it, instead of giving up on the reply.
const changeReopenAgain = "reopen-again"

// changeReopenWithReply gives a reopened run its reply with its start.
// Signalled after the start, the reply could miss the run: a reopened run
// ends a campaign day after its last action, and a worker lost between the
// start and the signal (or a fast campaign clock) let it end first, which
// sent the reply back to triage with its figures unread.
const changeReopenWithReply = "reopen-with-reply"

// changeUndeliveredToTriage puts a reply that could not be delivered to its
// request, even by reopening it, back in triage for a person (the
// ReturnToTriage activity), instead of only logging it.
const changeUndeliveredToTriage = "undelivered-to-triage"

// reopenAttempts bounds how often a reply's request is started again
// because the run it found ended before the reply reached it.
const reopenAttempts = 5

// deliver signals a request about a reply. A request whose run has ended
// (closed unanswered, answered, withdrawn) is reopened: a new run under the
// same ID, a child of the inbox that outlives it, carries on from the
// database and is told of the reply. Nothing a force sends is lost because
// its request had finished: a reply that cannot be delivered even so goes
// back to triage, and deliver reports true.
func deliver(ctx workflow.Context, r activities.InboundReply) bool {
	rep := Reply{InboundID: r.InboundID, MessageID: r.MessageID, Kind: r.Kind, Reference: r.Reference,
		Received: r.Received, Due: r.Due, Sections: r.Sections, Documents: r.Documents, Subject: r.Subject, At: r.At,
		Uncertain: r.Uncertain, UncertainWhy: r.UncertainWhy, Confidence: r.Confidence}
	err := workflow.SignalExternalWorkflow(ctx, r.WorkflowID, "", SignalReply, rep).Get(ctx, nil)
	if err == nil {
		return false
	}
	logger := workflow.GetLogger(ctx)
	if workflow.GetVersion(ctx, changeReopenOnLateReply, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		logger.Warn("reply not delivered to its request", "workflow_id", r.WorkflowID,
			"inbound_id", r.InboundID, "error", err)
		return false
	}
	err = reopenWith(ctx, r.WorkflowID, fmt.Sprintf("%s received (message %d)", kindWords(rep.Kind), r.InboundID), rep)
	if err == nil {
		return false
	}
	logger.Error("reply not delivered: its request could not be reopened", "workflow_id", r.WorkflowID,
		"inbound_id", r.InboundID, "error", err)
	if workflow.GetVersion(ctx, changeUndeliveredToTriage, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return false
	}
	return returnToTriage(ctx, r, err)
}

// returnToTriage puts a message whose reply could not be delivered back in
// triage, so that a person assigns it again, and reports whether it is
// there. If even that fails, the failure is logged: the message stays
// matched, and foidesk_replies_undelivered counts it.
func returnToTriage(ctx workflow.Context, r activities.InboundReply, deliveryErr error) bool {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		HeartbeatTimeout:    20 * time.Second,
		// Retried for about an hour (a database outage), then given up
		// on with an error in the log.
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: 70},
	})
	in := activities.UndeliveredInput{InboundID: r.InboundID, RequestWorkflowID: r.WorkflowID,
		Error: deliveryErr.Error(), At: workflow.Now(ctx)}
	var back bool
	if err := workflow.ExecuteActivity(actx, (*activities.Activities).ReturnToTriage, in).Get(ctx, &back); err != nil {
		workflow.GetLogger(ctx).Error("undelivered reply could not be put back in triage", "workflow_id", r.WorkflowID,
			"inbound_id", r.InboundID, "error", err)
		return false
	}
	return back
}

// reopenWith starts a new run of a finished request and signals it the
// reply; if another run has started meanwhile, that run is signalled.
func reopenWith(ctx workflow.Context, workflowID, reason string, rep Reply) error {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            workflowID,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		StaticSummary:         "reopened: " + MarkdownText(reason),
	})
	withReply := workflow.GetVersion(ctx, changeReopenWithReply, workflow.DefaultVersion, 1) != workflow.DefaultVersion
	for attempt := 1; ; attempt++ {
		reopen := &Reopen{WorkflowID: workflowID, Reason: reason}
		if withReply {
			reopen.Reply = &rep
		}
		child := workflow.ExecuteChildWorkflow(cctx, RequestWorkflow, RequestInput{Reopen: reopen})
		err := child.GetChildWorkflowExecution().Get(ctx, nil)
		if err == nil {
			if withReply {
				return nil // the run has the reply from its start
			}
			return child.SignalChildWorkflow(ctx, SignalReply, rep).Get(ctx, nil)
		}
		var already *temporal.ChildWorkflowExecutionAlreadyStartedError
		if !errors.As(err, &already) {
			return fmt.Errorf("start: %w", err)
		}
		err = workflow.SignalExternalWorkflow(ctx, workflowID, "", SignalReply, rep).Get(ctx, nil)
		if err == nil {
			return nil
		}
		// The run found running ended before the reply reached it (a
		// reopened run ends a campaign day after its last action): start
		// one again.
		if attempt == reopenAttempts || workflow.GetVersion(ctx, changeReopenAgain, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
			return err
		}
	}
}
