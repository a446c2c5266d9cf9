package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/internal/foi"
)

// RequestSnapshot is what the database holds of a request: enough for a
// new run of its workflow to carry on where the last one ended.
type RequestSnapshot struct {
	RequestID  int64
	WorkflowID string
	Token      string
	Force      Force

	CampaignID   int64
	CampaignSlug string
	Year         int
	Title        string
	Spec         json.RawMessage
	// ClockOrigin and ClockScale are the campaign's clock; a campaign
	// recorded before clocks were kept has its creation time and no scale.
	ClockOrigin time.Time
	ClockScale  float64

	State          foi.State
	ForceReference string
	SentAt         *time.Time
	ReceivedOn     *time.Time
	DueOn          *time.Time
	ChasersSent    int
	ChasingPaused  bool
	// NextSeq is the sequence number the next event must take.
	NextSeq int
	// ClosedUnanswered is set when the request was closed without an answer.
	ClosedUnanswered bool
	// Complaint is what became of its complaint to the regulator, "" if
	// none was made (as BoardRequest.Complaint).
	Complaint foi.OutboundStatus
	// Thread lists the Message-IDs of the emails sent, oldest first.
	Thread []string
	// Documents are the request's documents and their processing status.
	Documents map[int64]foi.DocumentStatus
}

// threadStatuses are the statuses of the outbound emails a request's
// thread holds: those sent, and those drafted in their place.
var threadStatuses = texts([]foi.OutboundStatus{foi.OutboundSent, foi.OutboundDrafted})

// RequestSnapshot reads the request whose workflow ID is workflowID.
func (s *Store) RequestSnapshot(ctx context.Context, workflowID string) (*RequestSnapshot, error) {
	var (
		r      RequestSnapshot
		origin *time.Time
		scale  *float64
		ref    *string
	)
	err := s.pool.QueryRow(ctx, `SELECT r.id, r.workflow_id, r.token,
			f.slug, f.name, f.short_name, f.category, f.regime, f.foi_email, f.domains,
			c.id, c.slug, c.year, c.title, c.spec, coalesce(c.clock_origin, c.created_at), c.clock_scale,
			r.state, r.force_reference, r.sent_at, r.received_on, r.due_on, r.chasers_sent, r.chasing_paused,
			coalesce((SELECT max(seq) + 1 FROM request_events e WHERE e.request_id = r.id), 0),
			EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = r.id AND e.kind = 'closed_unanswered'),
			coalesce((SELECT array_agg(o.message_id ORDER BY o.id) FROM outbound_messages o
				WHERE o.request_id = r.id AND o.status = ANY($2)), '{}'),
			`+complaintStatus+`
		FROM requests r JOIN campaigns c ON c.id = r.campaign_id JOIN forces f ON f.slug = r.force_slug
		WHERE r.workflow_id = $1`, workflowID, threadStatuses).Scan(
		&r.RequestID, &r.WorkflowID, &r.Token,
		&r.Force.Slug, &r.Force.Name, &r.Force.ShortName, &r.Force.Category, &r.Force.Regime, &r.Force.FOIEmail, &r.Force.Domains,
		&r.CampaignID, &r.CampaignSlug, &r.Year, &r.Title, &r.Spec, &origin, &scale,
		&r.State, &ref, &r.SentAt, &r.ReceivedOn, &r.DueOn, &r.ChasersSent, &r.ChasingPaused,
		&r.NextSeq, &r.ClosedUnanswered, &r.Thread, &r.Complaint)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("store: request %s: %w", workflowID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: request %s: %w", workflowID, err)
	}
	if origin != nil {
		r.ClockOrigin = *origin
	}
	if scale != nil {
		r.ClockScale = *scale
	}
	if ref != nil {
		r.ForceReference = *ref
	}
	rows, err := s.pool.Query(ctx, `SELECT document_id, status FROM request_documents WHERE request_id = $1`, r.RequestID)
	if err != nil {
		return nil, fmt.Errorf("store: documents of request %s: %w", workflowID, err)
	}
	r.Documents = map[int64]foi.DocumentStatus{}
	var (
		id     int64
		status foi.DocumentStatus
	)
	if _, err := pgx.ForEachRow(rows, []any{&id, &status}, func() error {
		r.Documents[id] = status
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: documents of request %s: %w", workflowID, err)
	}
	return &r, nil
}

// SetCampaignClock records a campaign's clock once; a repeat keeps the first.
func (s *Store) SetCampaignClock(ctx context.Context, campaignID int64, origin time.Time, scale float64) error {
	if scale <= 0 {
		scale = 1
	}
	_, err := s.pool.Exec(ctx, `UPDATE campaigns SET clock_origin = $2, clock_scale = $3
		WHERE id = $1 AND clock_origin IS NULL`, campaignID, origin, scale)
	if err != nil {
		return fmt.Errorf("store: clock of campaign %d: %w", campaignID, err)
	}
	return nil
}

// ReplyReview is a reply whose kind waits for a person, or was given by one.
type ReplyReview struct {
	ID           int64
	RequestID    int64
	InboundID    int64
	ProposedKind foi.Kind
	Confidence   float64
	Reason       string
	Status       foi.ReplyReviewStatus
	Kind         foi.Kind // the kind a person gave; empty while open
	ResolvedBy   string
	Why          string
	CreatedAt    time.Time
	ResolvedAt   *time.Time
	// Joined for display.
	WorkflowID string
	ForceSlug  string
	Campaign   string // slug/year
	Subject    string
	From       string
	ReceivedAt time.Time
	// Classification is the classifier's result (classify.Result, with its
	// evidence), as DecideInbound stored it; JSON null when there is none.
	Classification json.RawMessage
}

// OpenReplyReview puts a reply in the queue of kinds to check; a repeat
// changes nothing.
func (s *Store) OpenReplyReview(ctx context.Context, r ReplyReview) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO reply_reviews (request_id, inbound_id, proposed_kind, confidence, reason)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id, inbound_id) DO NOTHING`,
		r.RequestID, r.InboundID, r.ProposedKind, min(max(r.Confidence, 0), 1), r.Reason)
	if err != nil {
		return fmt.Errorf("store: open reply review %d/%d: %w", r.RequestID, r.InboundID, err)
	}
	return nil
}

// ResolveReplyReview records the kind a person gave a reply of a request:
// confirmed when it is the kind proposed, corrected otherwise. A reply that
// was not waiting (the classifier was sure) gets a resolved row, so every
// correction is kept as a labelled example. A repeat of the same decision
// changes nothing.
func (s *Store) ResolveReplyReview(ctx context.Context, requestID, inboundID int64, kind foi.Kind, by, why string) (*ReplyReview, error) {
	var r ReplyReview
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO reply_reviews (request_id, inbound_id, proposed_kind, confidence, reason)
			SELECT $1, m.id, coalesce(m.kind, 'other'),
				least(greatest(coalesce((m.classification->'result'->>'confidence')::real, 0), 0), 1), 'corrected by a person'
			FROM inbound_messages m WHERE m.id = $2
			ON CONFLICT (request_id, inbound_id) DO NOTHING`, requestID, inboundID)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `UPDATE reply_reviews SET
				status = CASE WHEN proposed_kind = $3 THEN 'confirmed' ELSE 'corrected' END,
				kind = $3, resolved_by = $4, why = nullif($5, ''), resolved_at = coalesce(resolved_at, now())
			WHERE request_id = $1 AND inbound_id = $2
			RETURNING id, proposed_kind, status`, requestID, inboundID, kind, by, why).Scan(&r.ID, &r.ProposedKind, &r.Status)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("message %d: %w", inboundID, ErrNotFound)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: resolve reply review %d/%d: %w", requestID, inboundID, err)
	}
	r.RequestID, r.InboundID, r.Kind, r.ResolvedBy, r.Why = requestID, inboundID, kind, by, why
	return &r, nil
}

const replyReviewSelect = `SELECT rr.id, rr.request_id, rr.inbound_id, rr.proposed_kind, rr.confidence, rr.reason,
		rr.status, coalesce(rr.kind, ''), coalesce(rr.resolved_by, ''), coalesce(rr.why, ''), rr.created_at, rr.resolved_at,
		r.workflow_id, r.force_slug, c.slug || '/' || c.year, m.subject, m.from_addr,
		coalesce(m.internal_date, m.stored_at), coalesce(m.classification->'result', 'null')
	FROM reply_reviews rr JOIN requests r ON r.id = rr.request_id JOIN campaigns c ON c.id = r.campaign_id
		JOIN inbound_messages m ON m.id = rr.inbound_id`

func scanReplyReview(row pgx.CollectableRow) (ReplyReview, error) {
	var r ReplyReview
	err := row.Scan(&r.ID, &r.RequestID, &r.InboundID, &r.ProposedKind, &r.Confidence, &r.Reason,
		&r.Status, &r.Kind, &r.ResolvedBy, &r.Why, &r.CreatedAt, &r.ResolvedAt,
		&r.WorkflowID, &r.ForceSlug, &r.Campaign, &r.Subject, &r.From, &r.ReceivedAt, &r.Classification)
	return r, err
}

// ReplyReviews lists reply reviews, oldest first: the open ones with
// status "open", the resolved ones with "resolved", all with "".
func (s *Store) ReplyReviews(ctx context.Context, status string, limit int) ([]ReplyReview, error) {
	if limit <= 0 {
		limit = 200
	}
	where := ""
	switch status {
	case "":
	case string(foi.ReplyReviewOpen):
		where = ` WHERE rr.status = 'open'`
	case "resolved":
		where = ` WHERE rr.status <> 'open'`
	default:
		return nil, fmt.Errorf("store: reply reviews: unknown status %q (want open or resolved)", status)
	}
	rows, err := s.pool.Query(ctx, replyReviewSelect+where+` ORDER BY rr.created_at, rr.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: reply reviews: %w", err)
	}
	items, err := pgx.CollectRows(rows, scanReplyReview)
	if err != nil {
		return nil, fmt.Errorf("store: reply reviews: %w", err)
	}
	return items, nil
}

// ReplyReviewByID returns one reply review.
func (s *Store) ReplyReviewByID(ctx context.Context, id int64) (*ReplyReview, error) {
	rows, err := s.pool.Query(ctx, replyReviewSelect+` WHERE rr.id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("store: reply review %d: %w", id, err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, scanReplyReview)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("store: reply review %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: reply review %d: %w", id, err)
	}
	return &r, nil
}

// Waiting counts the work that waits for a person, as the dashboard's
// every page shows it: replies whose kind a person is to confirm, messages
// in triage (unmatched or failed), and tables in the review queue.
type Waiting struct {
	Kinds, Triage, Review int
}

// waitingTriage counts the messages of each triaged status apart, so that
// each count reads its status's partial index (a list of statuses would
// scan the table).
var waitingTriage = func() string {
	var parts []string
	for _, st := range foi.TriagedStatuses() {
		parts = append(parts, fmt.Sprintf("(SELECT count(*) FROM inbound_messages WHERE status = '%s')", st))
	}
	return strings.Join(parts, " + ")
}()

// Waiting counts what waits for a person now.
func (s *Store) Waiting(ctx context.Context) (Waiting, error) {
	var w Waiting
	err := s.pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM reply_reviews WHERE status = 'open'),
			`+waitingTriage+`,
			(SELECT count(*) FROM review_items WHERE status = 'open')`).
		Scan(&w.Kinds, &w.Triage, &w.Review)
	if err != nil {
		return Waiting{}, fmt.Errorf("store: waiting: %w", err)
	}
	return w, nil
}
