package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
)

// RequestSnapshot is a request as the database holds it: what a new run of
// its workflow, started by a reply after the last run ended, carries on
// from.
type RequestSnapshot struct {
	Target       Target         `json:"target"`
	CampaignID   int64          `json:"campaign_id"`
	CampaignSlug string         `json:"campaign_slug"`
	Year         int            `json:"year"`
	Title        string         `json:"title"`
	Spec         campaign.Spec  `json:"spec"`
	ClockOrigin  time.Time      `json:"clock_origin"`
	ClockScale   float64        `json:"clock_scale"`
	State        foi.State      `json:"state"`
	Reference    string         `json:"reference,omitempty"`
	SentAt       *time.Time     `json:"sent_at,omitempty"`
	Received     *calendar.Date `json:"received,omitempty"`
	Due          *calendar.Date `json:"due,omitempty"`
	ChasersSent  int            `json:"chasers_sent"`
	Paused       bool           `json:"paused,omitempty"`
	NextSeq      int            `json:"next_seq"`
	Closed       bool           `json:"closed,omitempty"`
	// Complaint is the status of the complaint to the regulator, if any.
	Complaint foi.OutboundStatus `json:"complaint,omitempty"`
	Thread    []string           `json:"thread,omitempty"`
	// Documents maps each document of the request to its processing status.
	Documents map[int64]foi.DocumentStatus `json:"documents,omitempty"`
}

// LoadRequest reads a request's snapshot by its workflow ID.
func (a *Activities) LoadRequest(ctx context.Context, workflowID string) (*RequestSnapshot, error) {
	s, err := a.Store.RequestSnapshot(ctx, workflowID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nonRetryable(ErrTypeNotFound, err)
	}
	if err != nil {
		return nil, err
	}
	var spec campaign.Spec
	if err := json.Unmarshal(s.Spec, &spec); err != nil {
		return nil, nonRetryable(ErrTypeInvalid, fmt.Errorf("campaign spec of %s: %w", workflowID, err))
	}
	regime, err := foi.ParseRegime(s.Force.Regime)
	if err != nil {
		return nil, nonRetryable(ErrTypeInvalid, fmt.Errorf("force of %s: %w", workflowID, err))
	}
	scale := s.ClockScale
	if scale == 0 {
		scale = spec.TimeScale
	}
	out := &RequestSnapshot{
		Target: Target{RequestID: s.RequestID, WorkflowID: s.WorkflowID, Token: s.Token,
			Force: ForceInfo{Slug: s.Force.Slug, Name: s.Force.Name, ShortName: s.Force.ShortName,
				Email: s.Force.FOIEmail, Regime: regime}},
		CampaignID: s.CampaignID, CampaignSlug: s.CampaignSlug, Year: s.Year, Title: s.Title, Spec: spec,
		ClockOrigin: s.ClockOrigin, ClockScale: scale,
		State: s.State, Reference: s.ForceReference, SentAt: s.SentAt, ChasersSent: s.ChasersSent,
		Paused: s.ChasingPaused, NextSeq: s.NextSeq, Closed: s.ClosedUnanswered, Complaint: s.Complaint, Thread: s.Thread,
		Documents: s.Documents,
	}
	if s.ReceivedOn != nil {
		d := calendar.DateOf(*s.ReceivedOn)
		out.Received = &d
	}
	if s.DueOn != nil {
		d := calendar.DateOf(*s.DueOn)
		out.Due = &d
	}
	return out, nil
}

// ReplyReviewInput puts a reply whose kind is uncertain before a person.
type ReplyReviewInput struct {
	RequestID  int64    `json:"request_id"`
	InboundID  int64    `json:"inbound_id"`
	Kind       foi.Kind `json:"kind"` // the classifier's
	Confidence float64  `json:"confidence"`
	Reason     string   `json:"reason"`
}

// OpenReplyReview records a reply in the queue of kinds to check.
func (a *Activities) OpenReplyReview(ctx context.Context, in ReplyReviewInput) error {
	return storeErr(a.Store.OpenReplyReview(ctx, store.ReplyReview{RequestID: in.RequestID, InboundID: in.InboundID,
		ProposedKind: in.Kind, Confidence: in.Confidence, Reason: in.Reason}))
}

// KindDecision is a person's word on a reply's kind.
type KindDecision struct {
	RequestID int64    `json:"request_id"`
	InboundID int64    `json:"inbound_id"`
	Kind      foi.Kind `json:"kind"`
	By        string   `json:"by"`
	Why       string   `json:"why,omitempty"`
}

// ResolveReplyReview records a person's decision on a reply's kind and
// returns whether it confirmed or corrected the classifier.
func (a *Activities) ResolveReplyReview(ctx context.Context, in KindDecision) (foi.ReplyReviewStatus, error) {
	r, err := a.Store.ResolveReplyReview(ctx, in.RequestID, in.InboundID, in.Kind, in.By, in.Why)
	if errors.Is(err, store.ErrNotFound) {
		return "", nonRetryable(ErrTypeNotFound, err)
	}
	if err != nil {
		return "", storeErr(err)
	}
	return r.Status, nil
}
