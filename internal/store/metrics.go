package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/internal/foi"
)

// overdueStates are the states a request is put in once its due date has
// passed without an answer (foi.OverdueStates), as a query parameter.
var overdueStates = texts(foi.OverdueStates())

// CampaignRequestCounts is one campaign run's requests.
type CampaignRequestCounts struct {
	Slug    string
	Year    int
	ByState map[foi.State]int
	Overdue int
}

// MetricsSnapshot is everything one scrape of foidesk's gauges reports.
type MetricsSnapshot struct {
	Campaigns  []CampaignRequestCounts
	Inbox      map[foi.InboundStatus]int  // by status
	InboxLag   time.Duration              // age of the oldest unprocessed message
	Documents  map[foi.DocumentStatus]int // request documents by status
	ReviewOpen int
	ReviewAge  time.Duration // age of the oldest open review item
	KindsOpen  int           // replies whose kind waits for a person
	KindsAge   time.Duration // age of the oldest of them
	Mailboxes  []MailboxHealth
	// OutboundFailing counts, by purpose, outbound emails not sent whose
	// last attempt failed (pending with an error, or given up); the
	// oldest was written to the ledger OutboundFailingAge ago.
	OutboundFailing    map[foi.Purpose]int
	OutboundFailingAge time.Duration
	// RegulatorDrafts are complaint packs for the regulator drafted, not
	// sent (no SMTP configured, or drafted for a person to send).
	RegulatorDrafts    int
	RegulatorDraftsAge time.Duration
	// Undelivered counts replies matched to a request more than
	// UndeliveredGrace ago that no event of that request records: the
	// signal to its workflow was lost. The oldest was matched
	// UndeliveredAge ago.
	Undelivered    int
	UndeliveredAge time.Duration
}

// UndeliveredGrace is how long a matched reply may take to reach its
// request before it counts as undelivered.
const UndeliveredGrace = 10 * time.Minute

// MetricsSnapshot computes a snapshot in one read-only transaction, so its
// numbers agree with each other.
func (s *Store) MetricsSnapshot(ctx context.Context) (*MetricsSnapshot, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: metrics: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	if _, err := tx.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`); err != nil {
		return nil, fmt.Errorf("store: metrics: %w", err)
	}
	snap := &MetricsSnapshot{Inbox: map[foi.InboundStatus]int{}, Documents: map[foi.DocumentStatus]int{},
		OutboundFailing: map[foi.Purpose]int{}}

	rows, err := tx.Query(ctx, `SELECT c.slug, c.year, r.state, count(r.id),
			count(r.id) FILTER (WHERE r.state = ANY($1)
				OR (r.due_on < (now() AT TIME ZONE 'Europe/London')::date AND NOT (r.state = ANY($2)) AND r.state <> 'draft'))
		FROM campaigns c LEFT JOIN requests r ON r.campaign_id = c.id
		GROUP BY c.slug, c.year, r.state ORDER BY c.slug, c.year`, overdueStates, finalStates)
	if err != nil {
		return nil, fmt.Errorf("store: metrics: requests: %w", err)
	}
	for rows.Next() {
		var slug string
		var year int
		var state *foi.State
		var n, overdue int
		if err := rows.Scan(&slug, &year, &state, &n, &overdue); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: metrics: requests: %w", err)
		}
		if k := len(snap.Campaigns); k == 0 || snap.Campaigns[k-1].Slug != slug || snap.Campaigns[k-1].Year != year {
			snap.Campaigns = append(snap.Campaigns, CampaignRequestCounts{Slug: slug, Year: year, ByState: map[foi.State]int{}})
		}
		cur := &snap.Campaigns[len(snap.Campaigns)-1]
		if state != nil {
			cur.ByState[*state] += n
		}
		cur.Overdue += overdue
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: metrics: requests: %w", err)
	}

	if err := countBy(ctx, tx, `SELECT status, count(*) FROM inbound_messages GROUP BY status`, snap.Inbox); err != nil {
		return nil, fmt.Errorf("store: metrics: inbox: %w", err)
	}
	if err := countBy(ctx, tx, `SELECT status, count(*) FROM request_documents GROUP BY status`, snap.Documents); err != nil {
		return nil, fmt.Errorf("store: metrics: documents: %w", err)
	}
	var inboxLag, reviewAge, kindsAge float64
	err = tx.QueryRow(ctx, `SELECT
			coalesce((SELECT extract(epoch FROM now() - min(stored_at)) FROM inbound_messages WHERE status = 'stored'), 0)::float8,
			(SELECT count(*) FROM review_items WHERE status = 'open'),
			coalesce((SELECT extract(epoch FROM now() - min(created_at)) FROM review_items WHERE status = 'open'), 0)::float8,
			(SELECT count(*) FROM reply_reviews WHERE status = 'open'),
			coalesce((SELECT extract(epoch FROM now() - min(created_at)) FROM reply_reviews WHERE status = 'open'), 0)::float8`).
		Scan(&inboxLag, &snap.ReviewOpen, &reviewAge, &snap.KindsOpen, &kindsAge)
	if err != nil {
		return nil, fmt.Errorf("store: metrics: lag: %w", err)
	}
	if err := countBy(ctx, tx, `SELECT purpose, count(*) FROM outbound_messages
			WHERE status = 'failed' OR (status = 'pending' AND last_error IS NOT NULL) GROUP BY purpose`, snap.OutboundFailing); err != nil {
		return nil, fmt.Errorf("store: metrics: outbound: %w", err)
	}
	var failingAge, draftsAge, undeliveredAge float64
	err = tx.QueryRow(ctx, `SELECT
			coalesce((SELECT extract(epoch FROM now() - min(created_at)) FROM outbound_messages
				WHERE status = 'failed' OR (status = 'pending' AND last_error IS NOT NULL)), 0)::float8,
			(SELECT count(*) FROM outbound_messages WHERE purpose = 'regulator' AND status = 'drafted'),
			coalesce((SELECT extract(epoch FROM now() - min(created_at)) FROM outbound_messages
				WHERE purpose = 'regulator' AND status = 'drafted'), 0)::float8`).
		Scan(&failingAge, &snap.RegulatorDrafts, &draftsAge)
	if err != nil {
		return nil, fmt.Errorf("store: metrics: outbound: %w", err)
	}
	// A reply reaches its request as an event whose detail names the
	// message (inbound_id); a matched message with a request that records
	// no such event was not delivered. The mark of an earlier failed
	// delivery (EventReplyUndelivered) names it too, but is no delivery.
	err = tx.QueryRow(ctx, `SELECT count(*), coalesce(extract(epoch FROM now() - min(m.processed_at)), 0)::float8
		FROM message_matches mm JOIN inbound_messages m ON m.id = mm.inbound_id
		WHERE m.status = 'matched' AND m.processed_at < now() - make_interval(secs => $1)
		AND NOT EXISTS (SELECT 1 FROM request_events e
			WHERE e.request_id = mm.request_id AND e.detail->>'inbound_id' = m.id::text AND e.kind <> $2)`,
		UndeliveredGrace.Seconds(), EventReplyUndelivered).Scan(&snap.Undelivered, &undeliveredAge)
	if err != nil {
		return nil, fmt.Errorf("store: metrics: undelivered replies: %w", err)
	}
	snap.OutboundFailingAge = seconds(failingAge)
	snap.RegulatorDraftsAge = seconds(draftsAge)
	snap.UndeliveredAge = seconds(undeliveredAge)
	snap.InboxLag = seconds(inboxLag)
	snap.ReviewAge = seconds(reviewAge)
	snap.KindsAge = seconds(kindsAge)
	if snap.Mailboxes, err = s.MailboxHealths(ctx); err != nil {
		return nil, fmt.Errorf("store: metrics: %w", err)
	}
	return snap, nil
}

// countBy adds the (key, count) rows of query to into.
func countBy[K ~string](ctx context.Context, tx pgx.Tx, query string, into map[K]int) error {
	rows, err := tx.Query(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k K
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		into[k] += n
	}
	return rows.Err()
}

func seconds(s float64) time.Duration {
	if s < 0 {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}
