package workflows

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/policy"
)

// CampaignRef names the campaign run a request belongs to.
type CampaignRef struct {
	ID    int64  `json:"id"`
	Slug  string `json:"slug"`
	Year  int    `json:"year"`
	Title string `json:"title"`
}

// RequestInput starts a RequestWorkflow.
type RequestInput struct {
	Campaign      CampaignRef        `json:"campaign"`
	Target        activities.Target  `json:"target"`
	Subject       string             `json:"subject"` // template
	Body          string             `json:"body"`    // template
	Period        string             `json:"period"`  // "2022 to 2024"
	Requester     campaign.Requester `json:"requester"`
	Ladder        []campaign.Rung    `json:"ladder"`
	SendRegulator bool               `json:"send_regulator"`
	ChasingPaused bool               `json:"chasing_paused"`
	// CloseAfter is how many working days after the last rung a request that
	// never got an answer is closed (default 60).
	CloseAfter int   `json:"close_after"`
	Clock      Clock `json:"clock"`
	// Reopen, when set, starts a new run of a request whose last run has
	// ended: the rest of the input is read from the database.
	Reopen *Reopen `json:"reopen,omitempty"`
}

// Reopen names the request a new run carries on. A force that answers
// after a request was closed, sends a correction after its figures were
// loaded, or an internal-review outcome months later, reopens its request
// this way: the run picks up the state the database holds, handles what
// it is sent, and ends when its documents are processed and nothing more
// has come for a campaign day. It never chases.
type Reopen struct {
	WorkflowID string `json:"workflow_id"`
	Reason     string `json:"reason,omitempty"`
	// Reply is the reply that reopens the request, handled as soon as the
	// run has read the request: given with the start, it cannot miss the
	// run as a signal sent after the start could. Runs started before it
	// was given were signalled the reply.
	Reply *Reply `json:"reply,omitempty"`
}

// reopenLinger is how long a reopened run waits, in campaign time, for
// more after the last thing it handled.
const reopenLinger = 24 * time.Hour

// RequestResult is how a request ended.
type RequestResult struct {
	Force       string         `json:"force"`
	State       foi.State      `json:"state"`
	Reference   string         `json:"reference,omitempty"`
	Due         *calendar.Date `json:"due,omitempty"`
	ChasersSent int            `json:"chasers_sent"`
	Unanswered  bool           `json:"unanswered,omitempty"`
}

// chaseHour is when chasers go out on their day.
const chaseHour = 9 * time.Hour

// maxTimeline bounds the timeline kept in workflow state (the full trail is
// in request_events).
const maxTimeline = 200

// request is a RequestWorkflow's state. All changes happen on the main
// loop; signal and update handlers only hand work to it.
type request struct {
	in    RequestInput
	clock Clock

	state       foi.State
	seq         int
	reference   string
	sentAt      time.Time
	received    *calendar.Date
	plan        *activities.Plan
	rungsFired  int
	dueOverride *calendar.Date // an extension's due date
	reviewOn    *calendar.Date
	chasersSent int
	paused      bool
	resumedOn   *calendar.Date // chasing resumed on this day with rung resumeRung next
	resumeRung  int
	overdue     bool // the overdue mark for the current due date has been made
	closeOn     *calendar.Date
	closed      bool
	complaint   foi.OutboundStatus // the regulator complaint's status, "" before one
	docsPending map[int64]bool
	docsDone    map[int64]bool
	docsLoaded  int // documents done that loaded figures

	// kindPending holds replies whose kind waits for a person; chasing
	// waits with them.
	kindPending map[int64]Reply
	// applied remembers the last replies applied and the state before each,
	// so a person's correction of a kind moves the request as the right
	// kind would have.
	applied []appliedReply

	// letterRefused: the mail server refused the request letter for good;
	// the request waits for the desk to resend it or withdraw it.
	letterRefused bool

	reopened    bool      // a run started by Reopen
	lingerUntil time.Time // campaign time a reopened run waits until for more
	lingered    bool      // it waited that long with nothing more

	threadRoot string   // Message-ID of the request email
	thread     []string // every Message-ID of the thread so far
	timeline   []TimelineEntry

	ops workflow.Channel
}

// operation is an operator update handed from its handler to the main loop.
type operation struct {
	name   string
	arg    any
	result workflow.Settable
}

// RequestWorkflow sends one FOI request to one force and follows it to its
// end: deadlines on the statutory calendar, replies signalled by the inbox,
// the chase ladder when the force is late, and operator actions.
func RequestWorkflow(ctx workflow.Context, in RequestInput) (*RequestResult, error) {
	if in.CloseAfter == 0 {
		in.CloseAfter = 60
	}
	r := &request{
		in: in, clock: in.Clock, state: foi.StateDraft, paused: in.ChasingPaused,
		docsPending: map[int64]bool{}, docsDone: map[int64]bool{}, kindPending: map[int64]Reply{},
		ops: workflow.NewChannel(ctx),
	}
	if err := r.registerHandlers(ctx); err != nil {
		return nil, err
	}
	ctx = workflow.WithActivityOptions(ctx, activityOptions)
	replyCh := workflow.GetSignalChannel(ctx, SignalReply)
	docCh := workflow.GetSignalChannel(ctx, SignalDocumentDone)

	if in.Reopen != nil {
		if err := r.reopen(ctx); err != nil {
			return nil, err
		}
		if in.Reopen.Reply != nil {
			if err := r.onReply(ctx, *in.Reopen.Reply); err != nil {
				return nil, err
			}
		}
	} else if err := r.sendRequest(ctx); err != nil {
		if !refusedForGood(err) || workflow.GetVersion(ctx, changeHoldRefusedLetter, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
			return nil, err
		}
		if err := r.letterNotSent(ctx, err); err != nil {
			return nil, err
		}
	}
	for {
		for !r.done() {
			if err := r.step(ctx, replyCh, docCh); err != nil {
				return nil, err
			}
		}
		if r.signalsWaiting(ctx, replyCh, docCh) {
			if err := r.step(ctx, replyCh, docCh); err != nil {
				return nil, err
			}
			continue
		}
		if workflow.GetVersion(ctx, changeAnswerLateUpdates, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
			// Let any update still being answered finish before completing.
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return nil, err
			}
			if r.signalsWaiting(ctx, replyCh, docCh) {
				continue // handled at the top of the loop
			}
			break
		}
		// An update admitted while the last step ran (a second person
		// confirming the same reply, a retried action) waits to hand its
		// operation to the loop: handle it, as any other, before
		// completing; waiting for it to finish would wait for ever.
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) || r.ops.Len() > 0 }); err != nil {
			return nil, err
		}
		if r.ops.Len() == 0 && !r.signalsWaiting(ctx, replyCh, docCh) {
			break
		}
		if err := r.step(ctx, replyCh, docCh); err != nil {
			return nil, err
		}
	}
	return &RequestResult{Force: in.Target.Force.Slug, State: r.state, Reference: r.reference,
		Due: r.due(), ChasersSent: r.chasersSent, Unanswered: r.closed}, nil
}

var activityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 2 * time.Minute,
	// Every activity heartbeats (activities.HeartbeatInterceptor): an
	// attempt on a crashed worker is retried within 20 s, not after the
	// whole time limit. (Timeouts are not replayed: no version.)
	HeartbeatTimeout: 20 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Minute,
	},
}

// sendOptions bound retries of a send: after them the failure is recorded
// and the operator told, rather than retrying forever. The send heartbeats,
// as every activity does (activities.HeartbeatInterceptor), so an attempt
// cut off by a crashed worker is retried within the heartbeat timeout, not
// after the whole time limit. (Timeouts are not part of the
// replayed history: changing them needs no version.)
var sendOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 2 * time.Minute,
	HeartbeatTimeout:    15 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        2 * time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        5 * time.Minute,
		MaximumAttempts:        12,
		NonRetryableErrorTypes: []string{activities.ErrTypeInvalid, activities.ErrTypeRejected},
	},
}

// signalsWaiting reports whether a reply or a document's result arrived
// with the last step, unread: a workflow that returns drops its unread
// signals, and with them a force's answer. Histories recorded before the
// change completed with them unread, and replay so.
func (r *request) signalsWaiting(ctx workflow.Context, replyCh, docCh workflow.ReceiveChannel) bool {
	if replyCh.Len() == 0 && docCh.Len() == 0 {
		return false
	}
	return workflow.GetVersion(ctx, changeReadLastSignals, workflow.DefaultVersion, 1) != workflow.DefaultVersion
}

func (r *request) done() bool {
	if len(r.kindPending) > 0 {
		return false
	}
	if r.reopened {
		return r.lingered && len(r.docsPending) == 0
	}
	if r.closed {
		return true
	}
	return r.state.Final() && len(r.docsPending) == 0
}

func (r *request) due() *calendar.Date {
	if r.plan == nil {
		return nil
	}
	d := r.plan.Due
	return &d
}

func (r *request) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (RequestStatus, error) {
		return r.status(ctx), nil
	}); err != nil {
		return err
	}
	updates := []struct {
		name     string
		validate func(ctx workflow.Context, arg any) error
		newArg   func() any
	}{
		{UpdateWithdraw, func(_ workflow.Context, _ any) error { return r.notFinal() }, func() any { return &WithdrawInput{} }},
		{UpdatePauseChasing, func(_ workflow.Context, _ any) error {
			if r.paused {
				return errors.New("chasing is already paused")
			}
			return r.notFinal()
		}, func() any { return &ChasingInput{} }},
		{UpdateResumeChasing, func(_ workflow.Context, _ any) error {
			if !r.paused {
				return errors.New("chasing is not paused")
			}
			return r.notFinal()
		}, func() any { return &ChasingInput{} }},
		{UpdateAnswerClarification, func(_ workflow.Context, arg any) error {
			if r.state != foi.StateAwaitingClarification {
				return fmt.Errorf("the force has not asked for clarification (state %s)", r.state)
			}
			if strings.TrimSpace(arg.(*ClarificationInput).Text) == "" {
				return errors.New("the clarification text is empty")
			}
			return nil
		}, func() any { return &ClarificationInput{} }},
		{UpdateMarkAnswered, func(_ workflow.Context, _ any) error { return r.notFinal() }, func() any { return &MarkAnsweredInput{} }},
		{UpdateConfirmKind, func(_ workflow.Context, arg any) error {
			k := arg.(*KindInput)
			switch {
			case k.InboundID <= 0:
				return errors.New("name the reply (inbound id)")
			case !k.Kind.Valid():
				return fmt.Errorf("unknown kind %q", k.Kind)
			case strings.TrimSpace(k.By) == "":
				return errors.New("say who decides (by)")
			}
			if _, ok := r.kindPending[k.InboundID]; ok || r.reopened {
				return nil
			}
			if _, ok := r.appliedReply(k.InboundID); !ok {
				return fmt.Errorf("message %d is not a reply this run of the request knows", k.InboundID)
			}
			return nil
		}, func() any { return &KindInput{} }},
		{UpdateSendComplaint, func(_ workflow.Context, arg any) error {
			c := arg.(*ComplaintInput)
			switch {
			case strings.TrimSpace(c.Subject) == "" || strings.TrimSpace(c.Body) == "":
				return errors.New("the complaint needs a subject and a text")
			case strings.TrimSpace(c.By) == "":
				return errors.New("say who sends it (by)")
			}
			return r.notFinal()
		}, func() any { return &ComplaintInput{} }},
		{UpdateResendRequest, func(_ workflow.Context, arg any) error {
			in := arg.(*ResendInput)
			switch {
			case !r.letterRefused:
				return errors.New("the request letter was not refused: there is nothing to resend")
			case strings.TrimSpace(in.By) == "":
				return errors.New("say who resends it (by)")
			case in.To != "" && !plausibleAddress(in.To):
				return fmt.Errorf("%q is not an email address", in.To)
			}
			return r.notFinal()
		}, func() any { return &ResendInput{} }},
		{UpdateAddNote, func(_ workflow.Context, arg any) error {
			if strings.TrimSpace(arg.(*NoteInput).Text) == "" {
				return errors.New("the note is empty")
			}
			return nil
		}, func() any { return &NoteInput{} }},
	}
	for _, u := range updates {
		u := u
		handler := func(ctx workflow.Context, arg any) (RequestStatus, error) {
			op := operation{name: u.name, arg: arg}
			var fut workflow.Future
			fut, op.result = workflow.NewFuture(ctx)
			r.ops.Send(ctx, op)
			var st RequestStatus
			err := fut.Get(ctx, &st)
			return st, err
		}
		if err := setTypedUpdate(ctx, u.name, u.newArg, handler, u.validate); err != nil {
			return err
		}
	}
	return nil
}

func (r *request) notFinal() error {
	if r.state.Final() {
		return fmt.Errorf("the request is already %s", r.state)
	}
	return nil
}

// setTypedUpdate registers an update whose argument decodes into the value
// newArg returns.
func setTypedUpdate(ctx workflow.Context, name string, newArg func() any,
	handler func(workflow.Context, any) (RequestStatus, error), validate func(workflow.Context, any) error) error {
	switch newArg().(type) {
	case *WithdrawInput:
		return workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(ctx workflow.Context, in WithdrawInput) (RequestStatus, error) { return handler(ctx, &in) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in WithdrawInput) error { return validate(ctx, &in) }})
	case *ChasingInput:
		return workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(ctx workflow.Context, in ChasingInput) (RequestStatus, error) { return handler(ctx, &in) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in ChasingInput) error { return validate(ctx, &in) }})
	case *ClarificationInput:
		return workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(ctx workflow.Context, in ClarificationInput) (RequestStatus, error) { return handler(ctx, &in) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in ClarificationInput) error { return validate(ctx, &in) }})
	case *MarkAnsweredInput:
		return workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(ctx workflow.Context, in MarkAnsweredInput) (RequestStatus, error) { return handler(ctx, &in) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in MarkAnsweredInput) error { return validate(ctx, &in) }})
	case *KindInput:
		return workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(ctx workflow.Context, in KindInput) (RequestStatus, error) { return handler(ctx, &in) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in KindInput) error { return validate(ctx, &in) }})
	case *ComplaintInput:
		return workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(ctx workflow.Context, in ComplaintInput) (RequestStatus, error) { return handler(ctx, &in) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in ComplaintInput) error { return validate(ctx, &in) }})
	case *ResendInput:
		return workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(ctx workflow.Context, in ResendInput) (RequestStatus, error) { return handler(ctx, &in) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in ResendInput) error { return validate(ctx, &in) }})
	case *NoteInput:
		return workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(ctx workflow.Context, in NoteInput) (RequestStatus, error) { return handler(ctx, &in) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in NoteInput) error { return validate(ctx, &in) }})
	}
	return fmt.Errorf("update %s: unknown argument type", name)
}

// deadline is the next thing the clock will bring.
type deadline struct {
	kind string // "overdue", "rung", "close"
	at   time.Time
}

func (r *request) nextDeadline() *deadline {
	if r.reopened {
		if r.lingered {
			return nil
		}
		return &deadline{kind: "linger", at: r.lingerUntil}
	}
	if r.plan == nil || r.state == foi.StateAwaitingClarification || r.state.Final() || r.closed {
		return nil
	}
	var next *deadline
	consider := func(d deadline) {
		if next == nil || d.at.Before(next.at) {
			next = &d
		}
	}
	if !r.overdue {
		consider(deadline{kind: "overdue", at: StartOf(r.plan.Due.AddDays(1), 0)})
	}
	if !r.paused && len(r.kindPending) == 0 && r.rungsFired < len(r.plan.Rungs) {
		consider(deadline{kind: "rung", at: StartOf(r.plan.Rungs[r.rungsFired].Date, chaseHour)})
	}
	if r.closeOn != nil {
		consider(deadline{kind: "close", at: StartOf(*r.closeOn, chaseHour)})
	}
	return next
}

// step waits for the next deadline, reply, document or operator action and
// handles it.
func (r *request) step(ctx workflow.Context, replyCh, docCh workflow.ReceiveChannel) error {
	var (
		fired *deadline
		reply *Reply
		doc   *DocumentDone
		op    *operation
	)
	sel := workflow.NewSelector(ctx)
	timerCtx, cancelTimer := workflow.WithCancel(ctx)
	defer cancelTimer()
	if next := r.nextDeadline(); next != nil {
		t := workflow.NewTimerWithOptions(timerCtx, r.clock.Until(ctx, next.at),
			workflow.TimerOptions{Summary: next.kind})
		sel.AddFuture(t, func(f workflow.Future) {
			if f.Get(ctx, nil) == nil {
				fired = next
			}
		})
	}
	sel.AddReceive(replyCh, func(c workflow.ReceiveChannel, _ bool) {
		var v Reply
		c.Receive(ctx, &v)
		reply = &v
	})
	sel.AddReceive(docCh, func(c workflow.ReceiveChannel, _ bool) {
		var v DocumentDone
		c.Receive(ctx, &v)
		doc = &v
	})
	sel.AddReceive(r.ops, func(c workflow.ReceiveChannel, _ bool) {
		var v operation
		c.Receive(ctx, &v)
		op = &v
	})
	sel.Select(ctx)
	cancelTimer()
	if r.reopened && (fired == nil || fired.kind != "linger") {
		r.lingerUntil, r.lingered = r.clock.Now(ctx).Add(reopenLinger), false
	}
	switch {
	case fired != nil:
		return r.onDeadline(ctx, fired)
	case reply != nil:
		return r.onReply(ctx, *reply)
	case doc != nil:
		return r.onDocument(ctx, *doc)
	case op != nil:
		err := r.onOperation(ctx, op)
		if err != nil {
			op.result.Set(nil, err)
			return nil // the operator is told; the request goes on
		}
		op.result.Set(r.status(ctx), nil)
	}
	return nil
}

// reopen reads the request from the database and carries on from there.
func (r *request) reopen(ctx workflow.Context) error {
	var snap activities.RequestSnapshot
	if err := workflow.ExecuteActivity(ctx, (*activities.Activities).LoadRequest, r.in.Reopen.WorkflowID).Get(ctx, &snap); err != nil {
		return fmt.Errorf("reopen %s: %w", r.in.Reopen.WorkflowID, err)
	}
	ref := CampaignRef{ID: snap.CampaignID, Slug: snap.CampaignSlug, Year: snap.Year, Title: snap.Title}
	reopen := r.in.Reopen
	r.in = newRequestInput(ref, snap.Spec, snap.Target, r.in.CloseAfter, Clock{Origin: snap.ClockOrigin, Scale: snap.ClockScale})
	r.in.Reopen = reopen
	r.clock = r.in.Clock
	r.reopened = true
	r.state = snap.State
	r.seq = snap.NextSeq
	r.reference = snap.Reference
	if snap.SentAt != nil {
		r.sentAt = *snap.SentAt
	}
	r.received = snap.Received
	if snap.Due != nil {
		r.plan = &activities.Plan{Due: *snap.Due}
	}
	r.chasersSent, r.paused, r.closed, r.complaint = snap.ChasersSent, snap.Paused, snap.Closed, snap.Complaint
	r.thread = append([]string(nil), snap.Thread...)
	if len(r.thread) > 0 {
		r.threadRoot = r.thread[0]
	}
	for _, id := range sortedKeys(snap.Documents) {
		switch st := snap.Documents[id]; {
		case st.Waiting():
			r.docsPending[id] = true // its DocumentWorkflow will tell this run
		case st == foi.DocLoaded:
			r.docsDone[id] = true
			r.docsLoaded++
		default:
			r.docsDone[id] = true
		}
	}
	r.lingerUntil = r.clock.Now(ctx).Add(reopenLinger)
	note := "reopened"
	if reopen.Reason != "" {
		note += ": " + reopen.Reason
	}
	return r.record(ctx, "reopened", r.state, note, nil)
}

// sortedKeys lists a map's keys in order: deterministic, whatever order
// the map is ranged in.
//
//workflowcheck:ignore
func sortedKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (r *request) sendRequest(ctx workflow.Context) error {
	res, err := r.send(ctx, foi.PurposeRequest, r.in.Subject, r.in.Body, r.in.Target.Force.Email, false)
	if err != nil {
		return err
	}
	r.threadRoot = res.MessageID
	r.sentAt = r.clock.Now(ctx)
	today := r.clock.Today(ctx)
	r.received = &today
	if err := r.replan(ctx, activities.PlanInput{Received: today}); err != nil {
		return err
	}
	detail := map[string]any{"message_id": res.MessageID, "status": res.Status, "to": r.in.Target.Force.Email}
	return r.transition(ctx, foi.StateSent, "sent", "request sent", detail)
}

// send renders and sends one email of the thread.
func (r *request) send(ctx workflow.Context, purpose foi.Purpose, subject, body, to string, draft bool) (*activities.SendResult, error) {
	in := activities.SendInput{
		RequestID: r.in.Target.RequestID,
		Purpose:   purpose,
		Key:       fmt.Sprintf("%s/%s/%d", r.in.Target.WorkflowID, purpose, r.seq),
		To:        to,
		Token:     r.in.Target.Token,
		Subject:   subject,
		Body:      body,
		Data:      r.templateData(ctx),
		Draft:     draft,
	}
	if r.threadRoot != "" {
		in.InReplyTo = r.thread[len(r.thread)-1]
		in.References = append([]string(nil), r.thread...)
	}
	var res activities.SendResult
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, sendOptions), (*activities.Activities).SendEmail, in).Get(ctx, &res)
	if err != nil {
		return nil, fmt.Errorf("send %s: %w", purpose, err)
	}
	r.thread = append(r.thread, res.MessageID)
	return &res, nil
}

func (r *request) templateData(ctx workflow.Context) campaign.TemplateData {
	regulator := policy.RegulatorFor(r.in.Target.Force.Regime).Name
	d := campaign.TemplateData{
		Campaign:  campaign.CampaignData{Slug: r.in.Campaign.Slug, Title: r.in.Campaign.Title, Year: r.in.Campaign.Year},
		Force:     campaign.ForceData{Slug: r.in.Target.Force.Slug, Name: r.in.Target.Force.Name, ShortName: r.in.Target.Force.ShortName},
		Token:     r.in.Target.Token,
		Period:    r.in.Period,
		Requester: r.in.Requester,
		Reference: r.reference,
		Regulator: regulator,
	}
	if !r.sentAt.IsZero() {
		d.SentOn = londonDate(r.sentAt).Long()
	}
	if r.plan != nil {
		d.DueOn = r.plan.Due.Long()
		d.WorkingDaysOverdue = r.workingDaysOverdue(r.clock.Today(ctx))
	}
	return d
}

// replan asks the calendar for the due date and chase dates; in.Received
// defaults to the current receipt date.
func (r *request) replan(ctx workflow.Context, in activities.PlanInput) error {
	in.Regime = r.in.Target.Force.Regime
	if in.Received.IsZero() && r.received != nil {
		in.Received = *r.received
	}
	if in.Due == nil && in.Extend == 0 {
		in.Due = r.dueOverride
	}
	in.Ladder = r.in.Ladder
	in.ReviewRequested = r.reviewOn
	in.Resumed, in.ResumeRung = r.resumedOn, r.resumeRung
	var p activities.Plan
	err := workflow.ExecuteActivity(ctx, (*activities.Activities).PlanDeadlines, in).Get(ctx, &p)
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) && ae.Type() == activities.ErrTypeCoverage {
		// Past the bank-holiday data: go on with dates from the standing
		// rules rather than stall the request, and say so on its record.
		in.AllowEstimate = true
		err = workflow.ExecuteActivity(ctx, (*activities.Activities).PlanDeadlines, in).Get(ctx, &p)
	}
	if err != nil {
		return fmt.Errorf("plan deadlines: %w", err)
	}
	r.plan = &p
	if in.AllowEstimate {
		if err := r.record(ctx, "calendar_estimated", r.state,
			"dates past the GOV.UK bank-holiday data are estimated from the standing rules; update internal/calendar's data",
			map[string]any{"due": p.Due}); err != nil {
			return err
		}
	}
	// The overdue mark belongs to a due date: a later one clears it.
	today := r.clock.Today(ctx)
	if r.overdue && !today.After(p.Due) {
		r.overdue = false
	}
	return nil
}

func (r *request) workingDaysOverdue(today calendar.Date) int {
	if r.plan == nil || !today.After(r.plan.Due) {
		return 0
	}
	n := 0
	for _, d := range r.plan.WorkingDays {
		if d.After(today) {
			break
		}
		n++
	}
	return n
}

func (r *request) onDeadline(ctx workflow.Context, d *deadline) error {
	switch d.kind {
	case "overdue":
		r.overdue = true
		if r.state == foi.StateSent || r.state == foi.StateAcknowledged || r.state == foi.StateExtended {
			return r.transition(ctx, foi.StateOverdue, "overdue", fmt.Sprintf("no response by %s", r.plan.Due), nil)
		}
		return nil
	case "close":
		r.closed = true
		return r.record(ctx, "closed_unanswered", r.state, "closed without an answer", nil)
	case "linger":
		r.lingered = true
		return nil
	}
	rung := r.plan.Rungs[r.rungsFired]
	r.rungsFired++
	return r.fireRung(ctx, rung)
}

func (r *request) fireRung(ctx workflow.Context, rung activities.PlannedRung) error {
	var spec campaign.Rung
	for _, s := range r.in.Ladder {
		if s.Step == rung.Step {
			spec = s
		}
	}
	subject, body := spec.Text()
	to, draft := r.in.Target.Force.Email, false
	next := foi.StateChased
	switch rung.Step {
	case campaign.StepInternalReview:
		next = foi.StateInternalReview
	case campaign.StepRegulator:
		next = foi.StateRegulator
		to = policy.RegulatorFor(r.in.Target.Force.Regime).Email
		draft = !r.in.SendRegulator
	}
	res, err := r.send(ctx, rung.Step.Purpose(), subject, body, to, draft)
	if err != nil {
		if err := r.sendFailed(ctx, string(rung.Step), err); err != nil {
			return err
		}
		// A refused last rung (or an internal review, whose refusal leaves
		// the regulator's rung undated) still ends the ladder: the request
		// closes unanswered on time rather than wait for ever.
		if workflow.GetVersion(ctx, changeCloseAfterRefusedRung, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
			return nil
		}
		return r.closeIfLadderDone(ctx)
	}
	if rung.Step == campaign.StepRegulator {
		r.complaint = res.Status
	}
	r.chasersSent++
	detail := map[string]any{"message_id": res.MessageID, "status": res.Status, "to": to,
		"working_days_overdue": r.workingDaysOverdue(r.clock.Today(ctx))}
	switch rung.Step {
	case campaign.StepInternalReview:
		today := r.clock.Today(ctx)
		r.reviewOn = &today
		if err := r.replan(ctx, activities.PlanInput{}); err != nil {
			return err
		}
	}
	if err := r.closeIfLadderDone(ctx); err != nil {
		return err
	}
	note := fmt.Sprintf("%s %s", strings.ReplaceAll(string(rung.Step), "_", " "), res.Status)
	return r.transition(ctx, next, string(rung.Step), note, detail)
}

// closeIfLadderDone schedules the close once every rung of the plan has
// fired.
func (r *request) closeIfLadderDone(ctx workflow.Context) error {
	if r.rungsFired >= len(r.plan.Rungs) && r.closeOn == nil {
		return r.scheduleClose(ctx)
	}
	return nil
}

func (r *request) scheduleClose(ctx workflow.Context) error {
	today := r.clock.Today(ctx)
	var p activities.Plan
	in := activities.PlanInput{Regime: r.in.Target.Force.Regime, Due: &today, Horizon: r.in.CloseAfter}
	if err := workflow.ExecuteActivity(ctx, (*activities.Activities).PlanDeadlines, in).Get(ctx, &p); err != nil {
		return fmt.Errorf("plan close: %w", err)
	}
	closeOn := today.AddDays(r.in.CloseAfter * 7 / 5)
	if len(p.WorkingDays) > 0 {
		closeOn = p.WorkingDays[len(p.WorkingDays)-1]
	}
	r.closeOn = &closeOn
	return nil
}

// sendFailed records a send that failed for good; the request stays as it
// is and the operator sees the event.
func (r *request) sendFailed(ctx workflow.Context, what string, err error) error {
	return r.record(ctx, "send_failed", r.state, fmt.Sprintf("%s not sent: %v", what, err), nil)
}

// Change IDs of RequestWorkflow's versioned changes.
const (
	// changeEveryReplysFigures reads the documents of every reply, whatever
	// its kind, and holds a reply whose kind is uncertain for a person.
	changeEveryReplysFigures = "figures-whatever-the-kind"
	// changeAnswerLateUpdates handles an update admitted as the request
	// finished instead of waiting for it (which never ended).
	changeAnswerLateUpdates = "answer-late-updates"
	// changeReadLastSignals handles a reply or a document's result that
	// arrived as the request finished, instead of completing without it.
	changeReadLastSignals = "read-last-signals"
	// changeHoldRefusedLetter keeps a request whose letter the mail server
	// refused for good, waiting for the desk to resend or withdraw it,
	// instead of failing the workflow.
	changeHoldRefusedLetter = "hold-refused-letter"
	// changeConditionAttribute sets the FoiCondition search attribute,
	// the request's status in words, beside FoiState.
	changeConditionAttribute = "condition-search-attribute"
	// changeCloseAfterRefusedRung schedules the close after a rung the
	// mail server refused for good when no rung is left, as after one
	// sent; before, such a request never ended.
	changeCloseAfterRefusedRung = "close-after-refused-rung"
	// changeResendOnce sends a refused letter again once however many
	// resends were admitted while it was refused: one admitted before an
	// earlier one ran (a desk retrying an update the first of which had
	// not yet answered) is recorded as not needed, not sent again.
	changeResendOnce = "resend-once"
)

// refusedForGood reports whether a send failed because the mail server
// refused the message (a 5xx answer): retrying the same message to the
// same address will not help.
func refusedForGood(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && app.Type() == activities.ErrTypeRejected
}

// letterNotSent records that the request letter was refused and holds the
// request, unsent, for the desk: no clock runs until it is sent.
func (r *request) letterNotSent(ctx workflow.Context, err error) error {
	r.letterRefused = true
	return r.record(ctx, "send_failed", r.state, fmt.Sprintf("request letter not sent: %v; correct the address and resend, or withdraw", err),
		map[string]any{"to": r.in.Target.Force.Email})
}

func (r *request) onReply(ctx workflow.Context, rep Reply) error {
	if workflow.GetVersion(ctx, changeEveryReplysFigures, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return r.onReplyV0(ctx, rep)
	}
	if rep.MessageID != "" {
		r.thread = append(r.thread, rep.MessageID)
	}
	if rep.Reference != "" && r.reference == "" {
		r.reference = rep.Reference
	}
	detail := replyDetail(rep)
	if r.state == foi.StateWithdrawn {
		return r.record(ctx, "late_reply", r.state,
			fmt.Sprintf("%s after the request was withdrawn: recorded, not acted on", kindWords(rep.Kind)), detail)
	}
	// Figures are never dropped on a classification: the kind decides the
	// request's state, not whether its documents are read.
	if len(rep.Documents) > 0 {
		if err := r.addDocuments(ctx, rep.Documents); err != nil {
			return err
		}
	}
	if rep.Uncertain {
		return r.holdForKind(ctx, rep, detail)
	}
	return r.applyReply(ctx, rep, detail)
}

func replyDetail(rep Reply) map[string]any {
	detail := map[string]any{"inbound_id": rep.InboundID, "kind": rep.Kind, "subject": rep.Subject}
	if len(rep.Sections) > 0 {
		detail["sections"] = rep.Sections
	}
	if len(rep.Documents) > 0 {
		detail["documents"] = rep.Documents
	}
	if rep.Confidence > 0 {
		detail["confidence"] = rep.Confidence
	}
	return detail
}

// kindWords is a reply kind as words: "partial response".
func kindWords[K ~string](k K) string { return strings.ReplaceAll(string(k), "_", " ") }

// holdForKind puts a reply the classifier is unsure of before a person; the
// request keeps its state, and its chasers wait, until the kind is given.
func (r *request) holdForKind(ctx workflow.Context, rep Reply, detail map[string]any) error {
	r.kindPending[rep.InboundID] = rep
	err := workflow.ExecuteActivity(ctx, (*activities.Activities).OpenReplyReview, activities.ReplyReviewInput{
		RequestID: r.in.Target.RequestID, InboundID: rep.InboundID, Kind: rep.Kind,
		Confidence: rep.Confidence, Reason: rep.UncertainWhy,
	}).Get(ctx, nil)
	if err != nil {
		return fmt.Errorf("open reply review: %w", err)
	}
	if rep.UncertainWhy != "" {
		detail["why"] = rep.UncertainWhy
	}
	note := fmt.Sprintf("perhaps %s (confidence %.2f): waiting for a person to confirm the kind", kindWords(rep.Kind), rep.Confidence)
	return r.record(ctx, "kind_uncertain", r.state, note, detail)
}

// appliedReply is a reply that moved the request, with the state before.
type appliedReply struct {
	Reply  Reply
	Before foi.State
}

// maxApplied bounds the replies remembered for corrections.
const maxApplied = 20

// applyReply moves the request as a reply of its kind says.
func (r *request) applyReply(ctx workflow.Context, rep Reply, detail map[string]any) error {
	if (r.state.Final() || r.closed) && !rep.Kind.Answers() {
		return r.record(ctx, "late_reply", r.state, fmt.Sprintf("%s after the request was %s", kindWords(rep.Kind),
			r.stateWords()), detail)
	}
	r.applied = append(r.applied, appliedReply{Reply: rep, Before: r.state})
	if len(r.applied) > maxApplied {
		r.applied = r.applied[len(r.applied)-maxApplied:]
	}
	switch rep.Kind {
	case foi.KindResponse, foi.KindPartialResponse:
		next := foi.StateAnswered
		if rep.Kind == foi.KindPartialResponse {
			next = foi.StatePartiallyAnswered
		}
		note := fmt.Sprintf("answered with %d document(s)", len(rep.Documents))
		if rep.Kind == foi.KindPartialResponse && len(rep.Sections) > 0 {
			note = fmt.Sprintf("partly answered with %d document(s); %s cited for the rest", len(rep.Documents),
				strings.Join(rep.Sections, ", "))
		}
		if err := r.transition(ctx, next, string(rep.Kind), note, detail); err != nil {
			return err
		}
		return r.maybeDataLoaded(ctx)
	case foi.KindInternalReview:
		if len(rep.Documents) > 0 {
			if err := r.transition(ctx, foi.StateAnswered, "internal_review_outcome", "review outcome with documents", detail); err != nil {
				return err
			}
			return r.maybeDataLoaded(ctx)
		}
		return r.record(ctx, "internal_review_outcome", r.state, "internal review outcome", detail)
	case foi.KindOther, foi.KindAutoReply:
		return r.record(ctx, "reply", r.state, kindWords(rep.Kind), detail)
	}
	// The kinds whose handling did not change.
	return r.onReplyKind(ctx, rep, detail)
}

// maybeDataLoaded moves an answered request whose documents are all
// processed, at least one with figures, to data_loaded.
func (r *request) maybeDataLoaded(ctx workflow.Context) error {
	if r.state != foi.StateAnswered || len(r.docsPending) > 0 || r.docsLoaded == 0 {
		return nil
	}
	return r.transition(ctx, foi.StateDataLoaded, "data_loaded", "all documents processed", nil)
}

// stateWords is the request's status in the shared words (foi.Condition):
// "closed unanswered — complaint drafted".
func (r *request) stateWords() string {
	return foi.Condition{State: r.state, Closed: r.closed, Complaint: r.complaint, LetterRefused: r.letterRefused}.Label()
}

// onReplyV0 is how replies were handled before every reply's documents
// were read; histories recorded then replay through it.
func (r *request) onReplyV0(ctx workflow.Context, rep Reply) error {
	if rep.MessageID != "" {
		r.thread = append(r.thread, rep.MessageID)
	}
	if rep.Reference != "" && r.reference == "" {
		r.reference = rep.Reference
	}
	detail := map[string]any{"inbound_id": rep.InboundID, "kind": rep.Kind, "subject": rep.Subject}
	if len(rep.Sections) > 0 {
		detail["sections"] = rep.Sections
	}
	if r.state == foi.StateWithdrawn || (r.state.Final() && rep.Kind != foi.KindResponse && rep.Kind != foi.KindPartialResponse) {
		return r.record(ctx, "late_reply", r.state, fmt.Sprintf("%s after the request was %s", rep.Kind, r.state), detail)
	}
	return r.onReplyKind(ctx, rep, detail)
}

// onReplyKind handles the kinds whose meaning did not change:
// acknowledgements, clarifications, extensions, refusals, not held and
// bounces (and, for histories before every reply's documents were read,
// all the rest).
func (r *request) onReplyKind(ctx workflow.Context, rep Reply, detail map[string]any) error {
	switch rep.Kind {
	case foi.KindAcknowledgement, foi.KindAutoAcknowledgement:
		note := "acknowledged"
		if rep.Reference != "" {
			note += ", reference " + rep.Reference
		}
		sent := londonDate(r.sentAt)
		switch {
		case rep.Received == nil || r.state == foi.StateAwaitingClarification:
		case rep.Received.Before(sent) || rep.Received.After(r.clock.Today(ctx)):
			// A receipt date before we sent the request, or in the future,
			// is a misreading or another request's: the count stands.
			note += fmt.Sprintf("; stated receipt date %s ignored (request sent %s)", rep.Received, sent)
		default:
			r.received = rep.Received
			if err := r.replan(ctx, activities.PlanInput{}); err != nil {
				return err
			}
			note += fmt.Sprintf("; received %s, due %s", rep.Received, r.plan.Due)
		}
		next := r.state
		if r.state == foi.StateSent || (r.state == foi.StateOverdue && !r.overdue) {
			next = foi.StateAcknowledged
		}
		return r.transition(ctx, next, string(rep.Kind), note, detail)
	case foi.KindClarification:
		return r.transition(ctx, foi.StateAwaitingClarification, "clarification_requested",
			"the force asks for clarification; the clock stops", detail)
	case foi.KindExtension:
		if !policy.AllowsExtension(r.in.Target.Force.Regime) {
			return r.record(ctx, "extension_claimed", r.state,
				"extension claimed, but FOISA allows no public-interest extension: the due date stands", detail)
		}
		in := activities.PlanInput{Due: rep.Due}
		if rep.Due == nil {
			// No date stated: the ICO's guidance allows up to 20 more working days.
			in = activities.PlanInput{Due: r.due(), Extend: 20}
		}
		if err := r.replan(ctx, in); err != nil {
			return err
		}
		due := r.plan.Due
		r.dueOverride = &due
		return r.transition(ctx, foi.StateExtended, "extension", fmt.Sprintf("extended to %s", r.plan.Due), detail)
	case foi.KindRefusal:
		return r.transition(ctx, foi.StateRefused, "refusal", "refused "+strings.Join(rep.Sections, ", "), detail)
	case foi.KindNotHeld:
		return r.transition(ctx, foi.StateNotHeld, "not_held", "information not held", detail)
	case foi.KindResponse, foi.KindPartialResponse:
		next := foi.StateAnswered
		if rep.Kind == foi.KindPartialResponse {
			next = foi.StatePartiallyAnswered
		}
		if err := r.addDocuments(ctx, rep.Documents); err != nil {
			return err
		}
		detail["documents"] = rep.Documents
		return r.transition(ctx, next, string(rep.Kind), fmt.Sprintf("answered with %d document(s)", len(rep.Documents)), detail)
	case foi.KindInternalReview:
		if len(rep.Documents) > 0 {
			if err := r.addDocuments(ctx, rep.Documents); err != nil {
				return err
			}
			return r.transition(ctx, foi.StateAnswered, "internal_review_outcome", "review outcome with documents", detail)
		}
		return r.record(ctx, "internal_review_outcome", r.state, "internal review outcome", detail)
	case foi.KindBounce:
		return r.record(ctx, "bounced", r.state, "an email to the force bounced", detail)
	default:
		return r.record(ctx, "reply", r.state, string(rep.Kind), detail)
	}
}

// addDocuments marks documents as waiting for processing and starts a
// DocumentWorkflow for each new one; it tells the request when it is done.
func (r *request) addDocuments(ctx workflow.Context, docs []activities.DocumentRef) error {
	v := workflow.GetVersion(ctx, "document-workflows", workflow.DefaultVersion, 1)
	for _, d := range docs {
		if r.docsPending[d.ID] || r.docsDone[d.ID] {
			continue // the same attachment again
		}
		r.docsPending[d.ID] = true
		if v == workflow.DefaultVersion {
			continue
		}
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:        foi.DocumentWorkflowID(r.in.Target.WorkflowID, d.SHA256),
			ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
			StaticSummary:     documentRunSummary(r.in.Target.Force.Name, d.Filename),
		})
		child := workflow.ExecuteChildWorkflow(cctx, DocumentWorkflow, DocumentInput{
			RequestID: r.in.Target.RequestID, RequestWorkflowID: r.in.Target.WorkflowID, Document: d})
		if err := child.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			var already *temporal.ChildWorkflowExecutionAlreadyStartedError
			if errors.As(err, &already) {
				continue // started by an earlier reply carrying the same file
			}
			return fmt.Errorf("start document workflow for %s: %w", d.Filename, err)
		}
	}
	return nil
}

func (r *request) onDocument(ctx workflow.Context, d DocumentDone) error {
	if !r.docsPending[d.DocumentID] {
		return nil
	}
	delete(r.docsPending, d.DocumentID)
	r.docsDone[d.DocumentID] = true
	if d.Status == foi.DocLoaded {
		r.docsLoaded++
	}
	detail := map[string]any{"document_id": d.DocumentID, "status": d.Status}
	if len(r.docsPending) == 0 && r.state == foi.StateAnswered {
		// An answer whose every document failed, was rejected or held no
		// table is not data: the request stays answered and says so.
		if r.docsLoaded == 0 && workflow.GetVersion(ctx, "data-loaded-needs-figures", workflow.DefaultVersion, 1) == 1 {
			return r.record(ctx, "no_data_loaded", r.state,
				"no document gave figures: see the documents' errors; foidesk reprocess runs one again after a fix", detail)
		}
		return r.transition(ctx, foi.StateDataLoaded, "data_loaded", "all documents processed", detail)
	}
	return r.record(ctx, "document_processed", r.state, fmt.Sprintf("document %d %s", d.DocumentID, d.Status), detail)
}

func (r *request) onOperation(ctx workflow.Context, op *operation) error {
	switch a := op.arg.(type) {
	case *WithdrawInput:
		return r.transition(ctx, foi.StateWithdrawn, "withdrawn", "withdrawn: "+a.Reason, map[string]any{"by": a.By})
	case *ChasingInput:
		r.paused = op.name == UpdatePauseChasing
		kind := "chasing_resumed"
		if r.paused {
			kind = "chasing_paused"
		} else if r.plan != nil {
			today := r.clock.Today(ctx)
			r.resumedOn, r.resumeRung = &today, r.rungsFired
			if err := r.replan(ctx, activities.PlanInput{}); err != nil {
				return err
			}
		}
		return r.record(ctx, kind, r.state, a.Reason, map[string]any{"by": a.By})
	case *ClarificationInput:
		res, err := r.send(ctx, foi.PurposeClarificationAnswer, "Re: {{.Campaign.Title}} - clarification",
			a.Text+"\n\n{{.Requester.Name}}\n{{.Requester.Organisation}}\n", r.in.Target.Force.Email, false)
		if err != nil {
			return err
		}
		today := r.clock.Today(ctx)
		r.received = &today
		r.rungsFired = 0
		r.overdue = false
		r.dueOverride = nil
		if err := r.replan(ctx, activities.PlanInput{Received: today}); err != nil {
			return err
		}
		return r.transition(ctx, foi.StateSent, "clarification_answered",
			fmt.Sprintf("clarified; the clock restarts, due %s", r.plan.Due),
			map[string]any{"by": a.By, "message_id": res.MessageID})
	case *MarkAnsweredInput:
		return r.transition(ctx, foi.StateAnswered, "marked_answered", a.Note, map[string]any{"by": a.By})
	case *NoteInput:
		return r.record(ctx, "note", r.state, a.Text, map[string]any{"by": a.By})
	case *KindInput:
		return r.onKindDecision(ctx, a)
	case *ComplaintInput:
		return r.sendComplaint(ctx, a)
	case *ResendInput:
		return r.resendLetter(ctx, a)
	}
	return fmt.Errorf("unknown operation %s", op.name)
}

// sendComplaint sends the complaint to the regulator as the desk wrote it,
// in the request's thread, and records who sent it. Without an SMTP server
// it stays a draft, and the event says so.
func (r *request) sendComplaint(ctx workflow.Context, c *ComplaintInput) error {
	to := policy.RegulatorFor(r.in.Target.Force.Regime).Email
	res, err := r.send(ctx, foi.PurposeRegulator, templateLiteral(c.Subject), templateLiteral(c.Body), to, false)
	if err != nil {
		return err
	}
	r.complaint = res.Status
	note := "complaint sent to the regulator by " + c.By
	if res.Status != foi.OutboundSent {
		note = fmt.Sprintf("complaint to the regulator %s by %s, not sent: no SMTP server is configured", res.Status, c.By)
	}
	return r.record(ctx, "complaint_sent", r.state, note,
		map[string]any{"by": c.By, "message_id": res.MessageID, "status": res.Status, "to": to})
}

// resendLetter sends a refused request letter again, to the corrected
// address if the desk gave one. Refused again, the request waits again.
func (r *request) resendLetter(ctx workflow.Context, in *ResendInput) error {
	if !r.letterRefused && workflow.GetVersion(ctx, changeResendOnce, workflow.DefaultVersion, 1) == 1 {
		return r.record(ctx, "note", r.state, "request letter already sent again: the resend by "+in.By+" was not needed",
			map[string]any{"by": in.By})
	}
	detail := map[string]any{"by": in.By, "from": r.in.Target.Force.Email}
	if in.To != "" {
		r.in.Target.Force.Email = in.To
	}
	detail["to"] = r.in.Target.Force.Email
	note := "request letter to be sent again by " + in.By
	if in.Reason != "" {
		note += ": " + in.Reason
	}
	if err := r.record(ctx, "resend", r.state, note, detail); err != nil {
		return err
	}
	if err := r.sendRequest(ctx); err != nil {
		if !refusedForGood(err) {
			return err
		}
		return r.letterNotSent(ctx, err)
	}
	r.letterRefused = false
	return nil
}

// plausibleAddress reports whether s looks like one email address; the
// mail server has the last word.
func plausibleAddress(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t\r\n<>,;")
}

// templateLiteral is a template that renders as s, whatever s holds: the
// send activity renders subjects and bodies as templates, and a person's
// text is sent as written.
func templateLiteral(s string) string { return "{{" + strconv.Quote(s) + "}}" }

// appliedReply finds a reply this run applied.
func (r *request) appliedReply(inboundID int64) (appliedReply, bool) {
	for i := len(r.applied) - 1; i >= 0; i-- {
		if r.applied[i].Reply.InboundID == inboundID {
			return r.applied[i], true
		}
	}
	return appliedReply{}, false
}

// onKindDecision records a person's word on a reply's kind and moves the
// request as a reply of that kind would have: a reply that was waiting is
// applied now; one already applied is undone to the state before it and
// applied again as the right kind. Its documents stay as they are.
func (r *request) onKindDecision(ctx workflow.Context, k *KindInput) error {
	var status foi.ReplyReviewStatus
	err := workflow.ExecuteActivity(ctx, (*activities.Activities).ResolveReplyReview, activities.KindDecision{
		RequestID: r.in.Target.RequestID, InboundID: k.InboundID, Kind: k.Kind, By: k.By, Why: k.Why,
	}).Get(ctx, &status)
	if err != nil {
		return err
	}
	rep, waiting := r.kindPending[k.InboundID]
	prev, applied := r.appliedReply(k.InboundID)
	switch {
	case waiting:
		delete(r.kindPending, k.InboundID)
	case applied:
		rep = prev.Reply
	default:
		rep = Reply{InboundID: k.InboundID, Kind: k.Was} // a reply of an earlier run
	}
	was := rep.Kind
	detail := map[string]any{"inbound_id": k.InboundID, "kind": k.Kind, "was": was, "by": k.By}
	if k.Why != "" {
		detail["why"] = k.Why
	}
	note := fmt.Sprintf("%s: %s, by %s", kindWords(k.Kind), status, k.By)
	if was != "" && was != k.Kind {
		note = fmt.Sprintf("%s, not %s: %s by %s", kindWords(k.Kind), kindWords(was), status, k.By)
	}
	if err := r.record(ctx, "kind_"+string(status), r.state, note, detail); err != nil {
		return err
	}
	if applied && !waiting {
		if was == k.Kind {
			return nil // confirmed: the request already moved so
		}
		r.state = prev.Before
	}
	if !applied && !waiting && was != "" && was == k.Kind {
		// A reply an earlier run applied, confirmed as the desk saw it:
		// the request moved so then. (Was is never set in histories
		// recorded before it existed, so they replay as they ran.)
		return nil
	}
	rep.Kind, rep.Uncertain = k.Kind, false
	return r.applyReply(ctx, rep, replyDetail(rep))
}

// transition moves the request to state next and records it.
func (r *request) transition(ctx workflow.Context, next foi.State, kind, note string, detail map[string]any) error {
	return r.record(ctx, kind, next, note, detail)
}

// record writes an event (and the request's condition after it) to the
// database, updates the search attributes and the UI's summary, and tells
// the campaign.
func (r *request) record(ctx workflow.Context, kind string, next foi.State, note string, detail map[string]any) error {
	prev := r.state
	r.state = next
	now := r.clock.Now(ctx)
	if detail == nil {
		detail = map[string]any{}
	}
	if note != "" {
		detail["note"] = note
	}
	ev := activities.RequestEvent{
		RequestID: r.in.Target.RequestID, Seq: r.seq, Kind: kind, OccurredAt: now, Detail: detail,
		State: next, ForceReference: r.reference, ChasersSent: r.chasersSent, ChasingPaused: r.paused,
	}
	if prev != next {
		ev.FromState, ev.ToState = prev, next
	}
	if !r.sentAt.IsZero() {
		t := r.sentAt
		ev.SentAt = &t
	}
	if r.received != nil {
		t := r.received.Time(calendar.London)
		ev.ReceivedOn = &t
	}
	if r.plan != nil {
		t := r.plan.Due.Time(calendar.London)
		ev.DueOn = &t
	}
	r.seq++
	if err := workflow.ExecuteActivity(ctx, (*activities.Activities).RecordEvent, ev).Get(ctx, nil); err != nil {
		return fmt.Errorf("record %s: %w", kind, err)
	}
	r.timeline = append(r.timeline, TimelineEntry{At: now, Kind: kind, From: prev, To: next, Note: note})
	if len(r.timeline) > maxTimeline {
		r.timeline = r.timeline[len(r.timeline)-maxTimeline:]
	}
	attrs := []temporal.SearchAttributeUpdate{AttrState.ValueSet(string(next))}
	if r.plan != nil {
		attrs = append(attrs, AttrDueDate.ValueSet(r.plan.Due.Time(calendar.London)))
	}
	if workflow.GetVersion(ctx, changeConditionAttribute, workflow.DefaultVersion, 1) != workflow.DefaultVersion {
		attrs = append(attrs, AttrCondition.ValueSet(r.stateWords()))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, attrs...); err != nil {
		return fmt.Errorf("search attributes: %w", err)
	}
	workflow.SetCurrentDetails(ctx, r.summary(ctx))
	return r.tellCampaign(ctx, kind, now)
}

// summary is the one line an operator sees in the Temporal UI.
func (r *request) summary(ctx workflow.Context) string {
	s := MarkdownText(r.in.Target.Force.Name) + " — " + r.stateWords()
	if n := len(r.kindPending); n > 0 {
		s += fmt.Sprintf(", %d reply to check", n)
	}
	if n := r.workingDaysOverdue(r.clock.Today(ctx)); n > 0 && !r.state.Final() {
		s += fmt.Sprintf(" %d WD", n)
	} else if r.plan != nil && !r.state.Final() {
		s += ", due " + r.plan.Due.String()
	}
	return s
}

func (r *request) tellCampaign(ctx workflow.Context, kind string, at time.Time) error {
	parent := workflow.GetInfo(ctx).ParentWorkflowExecution
	campaignID := ""
	switch {
	case r.reopened:
		// A reopened run's parent, if any, is the inbox.
		campaignID = foi.CampaignWorkflowID(r.in.Campaign.Slug, r.in.Campaign.Year)
	case parent != nil:
		campaignID = parent.ID
	default:
		return nil
	}
	st := RequestState{
		Force: r.in.Target.Force.Slug, ForceName: r.in.Target.Force.Name, State: r.state, Due: r.due(),
		ChasersSent: r.chasersSent, LastEvent: kind, LastEventAt: at, Label: r.stateWords(), Closed: r.closed,
	}
	if r.plan != nil {
		st.WorkingDays = r.plan.WorkingDays
	}
	// A campaign that has gone cannot be told; the request carries on.
	_ = workflow.SignalExternalWorkflow(ctx, campaignID, "", SignalRequestState, st).Get(ctx, nil)
	return nil
}

func (r *request) status(ctx workflow.Context) RequestStatus {
	today := r.clock.Today(ctx)
	st := RequestStatus{
		Force: r.in.Target.Force.Slug, ForceName: r.in.Target.Force.Name, State: r.state,
		Reference: r.reference, Received: r.received, Due: r.due(), Today: today,
		WorkingDaysOverdue: r.workingDaysOverdue(today), ChasersSent: r.chasersSent,
		ChasingPaused: r.paused, DocumentsPending: len(r.docsPending), RepliesToCheck: sortedKeys(r.kindPending),
		Reopened: r.reopened, Closed: r.closed, Timeline: append([]TimelineEntry(nil), r.timeline...), Label: r.stateWords(),
	}
	if st.State.Final() {
		st.WorkingDaysOverdue = 0
	}
	if r.letterRefused {
		st.NextStep = "resend the request letter (refused by the mail server)"
	}
	if next := r.nextDeadline(); next != nil {
		st.NextStep = next.kind
		if next.kind == "rung" {
			st.NextStep = string(r.plan.Rungs[r.rungsFired].Step)
		}
		d := londonDate(next.at)
		st.NextAt = &d
	}
	return st
}
