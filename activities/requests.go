package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/force"
	fmail "github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/policy"
	"github.com/foidesk/foidesk/internal/store"
)

// ForceInfo is what a request workflow knows of its force.
type ForceInfo struct {
	Slug      string     `json:"slug"`
	Name      string     `json:"name"`
	ShortName string     `json:"short_name"`
	Email     string     `json:"email"`
	Regime    foi.Regime `json:"regime"` // foia | foisa
}

// Target is one force's request in a campaign run.
type Target struct {
	RequestID  int64     `json:"request_id"`
	WorkflowID string    `json:"workflow_id"`
	Token      string    `json:"token"`
	Force      ForceInfo `json:"force"`
}

// CreateCampaignInput starts a campaign run.
type CreateCampaignInput struct {
	Spec       campaign.Spec `json:"spec"`
	Year       int           `json:"year"`
	WorkflowID string        `json:"workflow_id"`
	// ClockOrigin and ClockScale are the campaign's clock, kept so that a
	// request reopened later counts campaign time as the run did.
	ClockOrigin time.Time `json:"clock_origin,omitzero"`
	ClockScale  float64   `json:"clock_scale,omitempty"`
}

// CreateCampaignResult lists the run's requests.
type CreateCampaignResult struct {
	CampaignID int64    `json:"campaign_id"`
	Targets    []Target `json:"targets"`
}

// CreateCampaign records the run and one request per target force.
func (a *Activities) CreateCampaign(ctx context.Context, in CreateCampaignInput) (*CreateCampaignResult, error) {
	forces, err := force.Resolve(in.Spec.Targets)
	if err != nil {
		return nil, nonRetryable(ErrTypeInvalid, err)
	}
	rows := make([]store.Force, 0, len(forces))
	reqs := make([]store.NewRequest, 0, len(forces))
	for _, f := range forces {
		if !f.Regime.FOI() {
			return nil, nonRetryable(ErrTypeInvalid, fmt.Errorf("%s is not subject to FOI law; remove it from the targets", f.Slug))
		}
		rows = append(rows, storeForce(f))
		reqs = append(reqs, store.NewRequest{
			ForceSlug:  f.Slug,
			WorkflowID: foi.RequestWorkflowID(in.Spec.Slug, in.Year, f.Slug),
			Token:      foi.RequestToken(in.Spec.Slug, in.Year, f.Slug),
		})
	}
	if err := a.Store.UpsertForces(ctx, rows); err != nil {
		return nil, storeErr(err)
	}
	spec, err := json.Marshal(in.Spec)
	if err != nil {
		return nil, nonRetryable(ErrTypeInvalid, err)
	}
	id, ids, err := a.Store.CreateCampaign(ctx, store.Campaign{
		Slug: in.Spec.Slug, Year: in.Year, Title: in.Spec.Title, Spec: spec, WorkflowID: in.WorkflowID,
	}, reqs)
	if err != nil {
		return nil, storeErr(err)
	}
	if !in.ClockOrigin.IsZero() {
		if err := a.Store.SetCampaignClock(ctx, id, in.ClockOrigin, in.ClockScale); err != nil {
			return nil, storeErr(err)
		}
	}
	res := &CreateCampaignResult{CampaignID: id}
	for i, f := range forces {
		res.Targets = append(res.Targets, Target{
			RequestID:  ids[f.Slug],
			WorkflowID: reqs[i].WorkflowID,
			Token:      reqs[i].Token,
			Force: ForceInfo{Slug: f.Slug, Name: f.Name, ShortName: f.ShortName, Email: f.FOIEmail,
				Regime: f.Regime},
		})
	}
	return res, nil
}

func storeForce(f force.Force) store.Force {
	return store.Force{Slug: f.Slug, Name: f.Name, ShortName: f.ShortName, Category: f.Category,
		Regime: f.Regime.String(), FOIEmail: f.FOIEmail, Domains: f.Domains}
}

// CompleteCampaign stores the run's summary.
func (a *Activities) CompleteCampaign(ctx context.Context, campaignID int64, summary json.RawMessage) error {
	return storeErr(a.Store.CompleteCampaign(ctx, campaignID, summary))
}

// PlanInput asks for a request's deadlines.
type PlanInput struct {
	Regime foi.Regime `json:"regime"`
	// Received is the day the force received the request (or its
	// clarification); the due date is Days working days after it.
	Received calendar.Date `json:"received"`
	Days     int           `json:"days"` // default policy.StatutoryDays
	// Due, when set, overrides the computed due date (an extension's stated date).
	Due *calendar.Date `json:"due,omitempty"`
	// Extend adds this many working days to the due date (an extension that
	// states no new date).
	Extend int `json:"extend,omitempty"`
	// Ladder rungs to date; those counted from the internal review are dated
	// only when ReviewRequested is set.
	Ladder          []campaign.Rung `json:"ladder"`
	ReviewRequested *calendar.Date  `json:"review_requested,omitempty"`
	// Horizon is how many working days after the due date to list (default
	// policy.DefaultHorizon).
	Horizon int `json:"horizon"`
	// Resumed is the day chasing resumed after a pause, and ResumeRung the
	// first rung not yet sent then. If that rung's date had passed, it is
	// re-dated to Resumed and the later due-based rungs keep their
	// working-day gaps after it, so a long pause never releases several
	// chasers on one day.
	Resumed    *calendar.Date `json:"resumed,omitempty"`
	ResumeRung int            `json:"resume_rung,omitempty"`
	// AllowEstimate accepts holidays generated from the standing rules for
	// dates past the GOV.UK data; Plan.Estimated then says so.
	AllowEstimate bool `json:"allow_estimate,omitempty"`
}

// PlannedRung is a chase step with its date.
type PlannedRung struct {
	Step campaign.Step `json:"step"`
	Date calendar.Date `json:"date"`
}

// Plan is a request's calendar: its due date, the working days after it
// (for counting how late it is without calling the calendar again), and
// the dates of the chase rungs.
type Plan struct {
	Due         calendar.Date   `json:"due"`
	WorkingDays []calendar.Date `json:"working_days"`
	Rungs       []PlannedRung   `json:"rungs"`
	Estimated   bool            `json:"estimated,omitempty"`
}

// PlanDeadlines computes a request's due date and chase dates with the
// statutory calendar of its regime (policy.PlanChase).
func (a *Activities) PlanDeadlines(ctx context.Context, in PlanInput) (*Plan, error) {
	if !in.Regime.FOI() {
		return nil, nonRetryable(ErrTypeInvalid, fmt.Errorf("regime %s: want foia or foisa", in.Regime))
	}
	cal := a.Calendar
	if in.AllowEstimate {
		var err error
		if cal, err = calendar.New(&calendar.Options{AllowEstimate: true}); err != nil {
			return nil, err
		}
	}
	cp, err := policy.PlanChase(cal, policy.ChaseInput{Regime: in.Regime, Received: in.Received, Days: in.Days,
		Due: in.Due, Extend: in.Extend, Ladder: in.Ladder, ReviewRequested: in.ReviewRequested, Horizon: in.Horizon,
		Resumed: in.Resumed, ResumeRung: in.ResumeRung})
	if err != nil {
		return nil, mapCalendarErr(err)
	}
	p := &Plan{Due: cp.Due, WorkingDays: cp.WorkingDays, Estimated: cp.Estimated}
	for _, r := range cp.Rungs {
		p.Rungs = append(p.Rungs, PlannedRung{Step: r.Step, Date: r.Date})
	}
	return p, nil
}

// SendInput is one email of a request's thread.
type SendInput struct {
	RequestID int64       `json:"request_id"`
	Purpose   foi.Purpose `json:"purpose"`
	// Key identifies this email among all foidesk sends (workflow id,
	// purpose and sequence); the Message-ID is minted from it.
	Key string `json:"key"`
	// To defaults to the force's FOI address.
	To      string                `json:"to"`
	Token   string                `json:"token"`
	Subject string                `json:"subject"` // template
	Body    string                `json:"body"`    // template
	Data    campaign.TemplateData `json:"data"`
	// Thread: the first message's id and every id since.
	InReplyTo  string   `json:"in_reply_to,omitempty"`
	References []string `json:"references,omitempty"`
	// Draft keeps the message in the ledger without sending it.
	Draft bool `json:"draft,omitempty"`
}

// SendResult says what became of an email.
type SendResult struct {
	MessageID string             `json:"message_id"`
	Status    foi.OutboundStatus `json:"status"` // sent | drafted
	SentAt    time.Time          `json:"sent_at"`
	// Attempts above one mean an earlier attempt may have reached the
	// server: the same Message-ID was reused so the copies can be told apart.
	Attempts int `json:"attempts"`
}

// SendEmail renders, records and sends one email. The ledger entry is
// written before sending, with a Message-ID minted from the input's key; a
// retry finds the entry, returns at once if it was sent, and otherwise sends
// again under the same Message-ID and counts the attempt, so a crash never
// causes an unnoticed double send.
func (a *Activities) SendEmail(ctx context.Context, in SendInput) (*SendResult, error) {
	if in.Key == "" || in.RequestID == 0 {
		return nil, nonRetryable(ErrTypeInvalid, errors.New("send: key and request id are required"))
	}
	to, err := mail.ParseAddress(in.To)
	if err != nil {
		return nil, nonRetryable(ErrTypeInvalid, fmt.Errorf("send: recipient %q: %w", in.To, err))
	}
	subject, err := campaign.Render("subject", in.Subject, in.Data)
	if err != nil {
		return nil, nonRetryable(ErrTypeInvalid, err)
	}
	subject = campaign.SubjectWithToken(subject, in.Token)
	body, err := campaign.Render("body", in.Body, in.Data)
	if err != nil {
		return nil, nonRetryable(ErrTypeInvalid, err)
	}
	msgID := fmail.MessageID(in.Key, a.MessageIDDomain)
	raw, err := fmail.Compose(fmail.Outgoing{
		From: a.From, To: []mail.Address{*to}, Subject: subject, Body: body,
		MessageID: msgID, InReplyTo: in.InReplyTo, References: in.References,
		Date:    activity.GetInfo(ctx).StartedTime,
		Headers: map[string]string{"X-Foidesk-Token": in.Token},
	})
	if err != nil {
		return nil, nonRetryable(ErrTypeInvalid, err)
	}
	entry, err := a.Store.LedgerEntry(ctx, store.Outbound{
		RequestID: in.RequestID, MessageID: msgID, Purpose: in.Purpose,
		From: a.From.Address, To: to.Address, Subject: subject, InReplyTo: in.InReplyTo,
		Refs: nonNil(in.References), Raw: raw,
	})
	if err != nil {
		return nil, err
	}
	if entry.RequestID != in.RequestID {
		return nil, nonRetryable(ErrTypeInvalid, fmt.Errorf("send: Message-ID %s already belongs to request %d", msgID, entry.RequestID))
	}
	switch st := entry.Status; st {
	case foi.OutboundSent, foi.OutboundDrafted:
		return &SendResult{MessageID: msgID, Status: st, SentAt: *entry.SentAt, Attempts: entry.Attempts}, nil
	}
	now := time.Now()
	if in.Draft || a.SMTP == nil {
		if err := a.Store.MarkSent(ctx, msgID, foi.OutboundDrafted, now); err != nil {
			return nil, err
		}
		return &SendResult{MessageID: msgID, Status: foi.OutboundDrafted, SentAt: now}, nil
	}
	attempts, err := a.Store.MarkAttempt(ctx, msgID)
	if err != nil {
		return nil, err
	}
	if attempts > 1 {
		a.log().Warn("resending a message an earlier attempt may have delivered",
			"message_id", msgID, "request_id", in.RequestID, "attempt", attempts)
	}
	if err := fmail.Send(ctx, *a.SMTP, a.From.Address, []string{to.Address}, entry.Raw); err != nil {
		var rejected *fmail.SMTPError
		if errors.As(err, &rejected) {
			_ = a.Store.MarkRefused(context.WithoutCancel(ctx), msgID, err)
			return nil, nonRetryable(ErrTypeRejected, err)
		}
		_ = a.Store.MarkFailed(context.WithoutCancel(ctx), msgID, err)
		return nil, err
	}
	now = time.Now()
	if err := a.Store.MarkSent(ctx, msgID, foi.OutboundSent, now); err != nil {
		return nil, err
	}
	return &SendResult{MessageID: msgID, Status: foi.OutboundSent, SentAt: now, Attempts: attempts}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// RequestEvent is the RecordEvent payload: one event of a request, with
// the request's condition after it. Its JSON field names are the Go
// names the payload has always had (recorded histories hold them).
type RequestEvent struct {
	RequestID  int64          `json:"RequestID"`
	Seq        int            `json:"Seq"`
	Kind       string         `json:"Kind"` // the event's kind: "sent", "overdue", "reminder", a reply's kind...
	FromState  foi.State      `json:"FromState"`
	ToState    foi.State      `json:"ToState"`
	OccurredAt time.Time      `json:"OccurredAt"`
	Detail     map[string]any `json:"Detail"`

	// The request's condition after the event.
	State          foi.State  `json:"State"`
	ForceReference string     `json:"ForceReference"`
	SentAt         *time.Time `json:"SentAt"`
	ReceivedOn     *time.Time `json:"ReceivedOn"`
	DueOn          *time.Time `json:"DueOn"`
	ChasersSent    int        `json:"ChasersSent"`
	ChasingPaused  bool       `json:"ChasingPaused"`
}

// RecordEvent writes a request's event and new condition.
func (a *Activities) RecordEvent(ctx context.Context, e RequestEvent) error {
	return storeErr(a.Store.RecordEvent(ctx, store.RequestEvent{
		RequestID: e.RequestID, Seq: e.Seq, Kind: e.Kind, FromState: e.FromState, ToState: e.ToState,
		OccurredAt: e.OccurredAt, Detail: e.Detail, State: e.State, ForceReference: e.ForceReference,
		SentAt: e.SentAt, ReceivedOn: e.ReceivedOn, DueOn: e.DueOn, ChasersSent: e.ChasersSent,
		ChasingPaused: e.ChasingPaused,
	}))
}
