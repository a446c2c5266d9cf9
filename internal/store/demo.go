package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/internal/foi"
)

// The demo's reads: how far a run has got, and its figures to compare with
// what the simulated forces sent.

// processingStatuses are the statuses of a document being processed:
// waiting (foi.DocumentStatus.Waiting) but not for a person.
var processingStatuses = texts([]foi.DocumentStatus{foi.DocPending, foi.DocExtracted})

// unchasedPurposes are the purposes of the emails to a force that are not
// chasers, reviews or appeals: the request and answers to clarifications.
var unchasedPurposes = texts([]foi.Purpose{foi.PurposeRequest, foi.PurposeClarificationAnswer})

// Backlog counts the work in hand: stored messages waiting to be
// processed, matched replies their request has not yet recorded, documents
// a request has taken in but not yet attached, documents being processed
// and replies waiting for the desk. Each step of a reply's way hands over
// to the next in the database before it is counted done, so a reply in
// flight between two of them — the inbox has matched it and its request
// is yet to hear, or a request has started its document's run and the run
// is yet to begin — is never taken for none.
func (s *Store) Backlog(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM inbound_messages WHERE status = 'stored') +
			(SELECT count(*) FROM message_matches mm JOIN inbound_messages i ON i.id = mm.inbound_id
				WHERE i.status = 'matched' AND NOT EXISTS (SELECT 1 FROM request_events e
					WHERE e.request_id = mm.request_id AND e.detail->>'inbound_id' = i.id::text)) +
			(SELECT count(*) FROM request_events e JOIN requests r ON r.id = e.request_id
				CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(e.detail->'documents')
					WHEN 'array' THEN e.detail->'documents' ELSE '[]' END) d
				WHERE r.state <> 'withdrawn' AND NOT EXISTS (SELECT 1 FROM request_documents rd
					WHERE rd.request_id = e.request_id AND rd.document_id = (d->>'id')::bigint)) +
			(SELECT count(*) FROM request_documents WHERE status = ANY($1)) +
			(SELECT count(*) FROM reply_reviews WHERE status = 'open')`, processingStatuses).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: backlog: %w", err)
	}
	return n, nil
}

// Progress is how far the campaigns in the database have got.
type Progress struct {
	RequestsSent int // request emails sent
	Chasers      int // other emails to forces (chasers, reviews, appeals)
	Observations int
	OpenReviews  int // tables waiting in the review queue
}

// Progress counts the emails sent, the figures loaded and the tables
// waiting for review.
func (s *Store) Progress(ctx context.Context) (Progress, error) {
	var p Progress
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE purpose = 'request' AND status = 'sent'),
		count(*) FILTER (WHERE NOT (purpose = ANY($1))) FROM outbound_messages`, unchasedPurposes).
		Scan(&p.RequestsSent, &p.Chasers); err != nil {
		return p, fmt.Errorf("store: progress: emails: %w", err)
	}
	if err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM observations), (SELECT count(*) FROM review_items WHERE status = 'open')`).
		Scan(&p.Observations, &p.OpenReviews); err != nil {
		return p, fmt.Errorf("store: progress: figures: %w", err)
	}
	return p, nil
}

// DemoFigure is a loaded figure of the demo's campaign, keyed by its two
// dimensions.
type DemoFigure struct {
	Force        string
	Period       string
	OffenceGroup string
	Nationality  string
	Value        *float64
	Flag         string
}

// DemoFigures lists every figure loaded for a run of the demo's campaign,
// whose figures are broken down by offence group and nationality.
func (s *Store) DemoFigures(ctx context.Context, slug string, year int) ([]DemoFigure, error) {
	return collectRows[DemoFigure](ctx, s.pool, fmt.Sprintf("figures of %s/%d", slug, year), `SELECT o.force_slug, o.period, coalesce(o.dimensions->>'offence_group', ''),
			coalesce(o.dimensions->>'nationality', ''), o.value::float8, coalesce(o.flag, '')
		FROM observations o JOIN campaigns c ON c.id = o.campaign_id WHERE c.slug = $1 AND c.year = $2`, slug, year)
}

// InboundCount counts the messages stored from the mailbox.
func (s *Store) InboundCount(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM inbound_messages`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: inbound count: %w", err)
	}
	return n, nil
}

// ReplyLoad is when one reply was stored and when the last of its figures
// was committed.
type ReplyLoad struct {
	MessageID string
	StoredAt  time.Time
	LoadedAt  time.Time
}

// ReplyLoads lists the replies whose documents loaded figures, with when
// each was stored and when its last figure was committed.
func (s *Store) ReplyLoads(ctx context.Context) ([]ReplyLoad, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.message_id, i.stored_at, max(o.loaded_at)
		FROM inbound_messages i
		JOIN request_documents rd ON rd.inbound_id = i.id
		JOIN observations o ON o.request_id = rd.request_id AND o.document_id = rd.document_id
		WHERE i.message_id IS NOT NULL
		GROUP BY i.id ORDER BY i.id`)
	if err != nil {
		return nil, fmt.Errorf("store: reply loads: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ReplyLoad])
	if err != nil {
		return nil, fmt.Errorf("store: reply loads: %w", err)
	}
	return out, nil
}
