package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/internal/foi"
)

// Force is a row of the forces table.
type Force struct {
	Slug      string
	Name      string
	ShortName string
	Category  string
	Regime    string // foia | foisa | none
	FOIEmail  string
	Domains   []string
}

// UpsertForces writes the registry rows the campaign needs.
func (s *Store) UpsertForces(ctx context.Context, forces []Force) error {
	b := &pgx.Batch{}
	for _, f := range forces {
		b.Queue(`INSERT INTO forces (slug, name, short_name, category, regime, foi_email, domains)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, short_name = EXCLUDED.short_name,
				category = EXCLUDED.category, regime = EXCLUDED.regime, foi_email = EXCLUDED.foi_email,
				domains = EXCLUDED.domains, updated_at = now()
			WHERE (forces.name, forces.short_name, forces.category, forces.regime, forces.foi_email, forces.domains)
				IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.short_name, EXCLUDED.category, EXCLUDED.regime, EXCLUDED.foi_email, EXCLUDED.domains)`,
			f.Slug, f.Name, f.ShortName, f.Category, f.Regime, f.FOIEmail, f.Domains)
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("store: upsert forces: %w", err)
	}
	return nil
}

// Campaign is a row of the campaigns table.
type Campaign struct {
	ID          int64
	Slug        string
	Year        int
	Title       string
	Spec        json.RawMessage
	WorkflowID  string
	Status      string
	Summary     json.RawMessage
	CreatedAt   time.Time
	CompletedAt *time.Time
}

// NewRequest describes a request row to create.
type NewRequest struct {
	ForceSlug  string
	WorkflowID string
	Token      string
}

// CreateCampaign records a campaign run and its requests, or finds them if
// already recorded (a retried activity). It returns the campaign id and the
// request ids by force slug.
func (s *Store) CreateCampaign(ctx context.Context, c Campaign, reqs []NewRequest) (int64, map[string]int64, error) {
	ids := map[string]int64{}
	var campaignID int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO campaigns (slug, year, title, spec, workflow_id)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (slug, year) DO UPDATE SET title = EXCLUDED.title
			RETURNING id`, c.Slug, c.Year, c.Title, c.Spec, c.WorkflowID).Scan(&campaignID)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		for _, r := range reqs {
			b.Queue(`INSERT INTO requests (campaign_id, force_slug, workflow_id, token)
				VALUES ($1, $2, $3, $4)
				ON CONFLICT (campaign_id, force_slug) DO UPDATE SET token = requests.token
				RETURNING id`, campaignID, r.ForceSlug, r.WorkflowID, r.Token)
		}
		br := tx.SendBatch(ctx, b)
		for _, r := range reqs {
			var id int64
			if err := br.QueryRow().Scan(&id); err != nil {
				br.Close()
				return fmt.Errorf("request for %s: %w", r.ForceSlug, err)
			}
			ids[r.ForceSlug] = id
		}
		return br.Close()
	})
	if err != nil {
		return 0, nil, fmt.Errorf("store: create campaign %s/%d: %w", c.Slug, c.Year, err)
	}
	return campaignID, ids, nil
}

// CompleteCampaign stores a campaign's summary and marks it completed.
func (s *Store) CompleteCampaign(ctx context.Context, id int64, summary json.RawMessage) error {
	_, err := s.pool.Exec(ctx, `UPDATE campaigns SET status = 'completed', summary = $2,
		completed_at = coalesce(completed_at, now()) WHERE id = $1`, id, summary)
	if err != nil {
		return fmt.Errorf("store: complete campaign %d: %w", id, err)
	}
	return nil
}

// GetCampaign finds a campaign run by slug and year.
func (s *Store) GetCampaign(ctx context.Context, slug string, year int) (*Campaign, error) {
	var c Campaign
	err := s.pool.QueryRow(ctx, `SELECT id, slug, year, title, spec, workflow_id, status, summary, created_at, completed_at
		FROM campaigns WHERE slug = $1 AND year = $2`, slug, year).
		Scan(&c.ID, &c.Slug, &c.Year, &c.Title, &c.Spec, &c.WorkflowID, &c.Status, &c.Summary, &c.CreatedAt, &c.CompletedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: campaign %s/%d: %w", slug, year, err)
	}
	return &c, nil
}

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned for a change the row's state does not allow.
var ErrConflict = errors.New("conflict")

// RequestEvent is one entry of a request's audit trail, with the request's
// new condition after it.
type RequestEvent struct {
	RequestID  int64
	Seq        int
	Kind       string
	FromState  foi.State // "" when the event changed no state
	ToState    foi.State
	OccurredAt time.Time
	Detail     map[string]any

	// The request's condition after the event.
	State          foi.State
	ForceReference string
	SentAt         *time.Time
	ReceivedOn     *time.Time
	DueOn          *time.Time
	ChasersSent    int
	ChasingPaused  bool
}

// RecordEvent appends an event to a request's trail and updates the request
// row, in one transaction. A repeat of the same (request, seq) changes
// nothing, so a retried activity is harmless. The workflow numbers its
// request's trail; an event recorded from outside it (ReturnToTriage) that
// took the number gives it up and moves to the end of the trail.
func (s *Store) RecordEvent(ctx context.Context, e RequestEvent) error {
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return fmt.Errorf("store: event detail: %w", err)
	}
	if e.Detail == nil {
		detail = []byte("{}")
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO request_events (request_id, seq, kind, from_state, to_state, occurred_at, detail)
			VALUES ($1, $2, $3, nullif($4, ''), nullif($5, ''), $6, $7)
			ON CONFLICT (request_id, seq) DO NOTHING`,
			e.RequestID, e.Seq, e.Kind, e.FromState, e.ToState, e.OccurredAt, detail)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			// The number is taken: by this event (a repeat), or by one
			// recorded from outside the workflow, which moves to the end
			// of the trail to make way.
			moved, err := tx.Exec(ctx, `UPDATE request_events
				SET seq = (SELECT max(seq) + 1 FROM request_events WHERE request_id = $1)
				WHERE request_id = $1 AND seq = $2 AND kind = ANY($3)`, e.RequestID, e.Seq, outsideEvents)
			if err != nil {
				return err
			}
			if moved.RowsAffected() == 0 {
				return nil // already recorded
			}
			if _, err := tx.Exec(ctx, `INSERT INTO request_events (request_id, seq, kind, from_state, to_state, occurred_at, detail)
				VALUES ($1, $2, $3, nullif($4, ''), nullif($5, ''), $6, $7)`,
				e.RequestID, e.Seq, e.Kind, e.FromState, e.ToState, e.OccurredAt, detail); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE requests SET state = $2, force_reference = nullif($3, ''),
			sent_at = coalesce($4, sent_at), received_on = $5, due_on = $6, chasers_sent = $7,
			chasing_paused = $8, last_event_at = $9, updated_at = now()
			WHERE id = $1`,
			e.RequestID, e.State, e.ForceReference, e.SentAt, e.ReceivedOn, e.DueOn, e.ChasersSent,
			e.ChasingPaused, e.OccurredAt)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record event %d/%d (%s): %w", e.RequestID, e.Seq, e.Kind, err)
	}
	return nil
}
