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

// The dashboard's reads: the campaigns, a campaign's board of requests, and
// a request's timeline, documents and tables.

// CampaignOverview is a campaign run with the counts the dashboard shows
// for it. Its fields follow campaignOverviewCols.
type CampaignOverview struct {
	ID           int64
	Slug         string
	Year         int
	Title        string
	Status       foi.CampaignStatus
	WorkflowID   string
	CreatedAt    time.Time
	CompletedAt  *time.Time
	Spec         json.RawMessage
	Summary      json.RawMessage // JSON null before the campaign completes
	Requests     int
	Finished     int // requests whose run is over: an outcome (in finalStates), or closed unanswered
	Observations int
	OpenReviews  int
	OpenKinds    int // replies whose kind waits for a person
	LatestEvent  *time.Time
}

const campaignOverviewCols = `c.id, c.slug, c.year, c.title, c.status, c.workflow_id, c.created_at, c.completed_at,
	c.spec, coalesce(c.summary, 'null'),
	(SELECT count(*) FROM requests r WHERE r.campaign_id = c.id),
	(SELECT count(*) FROM requests r WHERE r.campaign_id = c.id AND (r.state = ANY($1) OR ` + closedUnanswered + `)),
	(SELECT count(*) FROM observations o WHERE o.campaign_id = c.id),
	(SELECT count(*) FROM review_items ri JOIN requests r ON r.id = ri.request_id WHERE r.campaign_id = c.id AND ri.status = 'open'),
	(SELECT count(*) FROM reply_reviews rr JOIN requests r ON r.id = rr.request_id WHERE r.campaign_id = c.id AND rr.status = 'open'),
	(SELECT max(r.last_event_at) FROM requests r WHERE r.campaign_id = c.id)`

// closedUnanswered is true for a request r closed without an answer.
const closedUnanswered = `EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = r.id AND e.kind = 'closed_unanswered')`

// complaintStatus is the status of request r's complaint to the regulator:
// a sent one's, else the latest's, else "".
const complaintStatus = `coalesce((SELECT o.status FROM outbound_messages o WHERE o.request_id = r.id AND o.purpose = 'regulator'
		ORDER BY o.status = 'sent' DESC, o.id DESC LIMIT 1), '')`

// letterRefused: request r is unsent, its letter refused for good and
// none sent since.
const letterRefused = `(r.state = 'draft'
	AND EXISTS (SELECT 1 FROM outbound_messages o WHERE o.request_id = r.id AND o.purpose = 'request' AND o.status = 'failed')
	AND NOT EXISTS (SELECT 1 FROM outbound_messages o WHERE o.request_id = r.id AND o.purpose = 'request' AND o.status <> 'failed'))`

// CampaignOverviews lists every campaign run, newest year first.
func (s *Store) CampaignOverviews(ctx context.Context) ([]CampaignOverview, error) {
	return collectRows[CampaignOverview](ctx, s.pool, "campaigns", `SELECT `+campaignOverviewCols+` FROM campaigns c ORDER BY c.year DESC, c.slug`, finalStates)
}

// CampaignOverview reads one campaign run, or returns ErrNotFound.
func (s *Store) CampaignOverview(ctx context.Context, slug string, year int) (*CampaignOverview, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+campaignOverviewCols+` FROM campaigns c WHERE c.slug = $2 AND c.year = $3`,
		finalStates, slug, year)
	if err != nil {
		return nil, fmt.Errorf("store: campaign %s/%d: %w", slug, year, err)
	}
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[CampaignOverview])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: campaign %s/%d: %w", slug, year, err)
	}
	return &c, nil
}

// DueRequest is a request without an outcome that has a due date.
type DueRequest struct {
	CampaignID int64
	ForceSlug  string
	Regime     string // the force's, as stored
	State      foi.State
	DueOn      *time.Time
}

// DueRequests lists the requests of the given campaigns that have a due
// date and no outcome yet, for counting the late ones.
func (s *Store) DueRequests(ctx context.Context, campaignIDs []int64) ([]DueRequest, error) {
	return collectRows[DueRequest](ctx, s.pool, "late requests", `SELECT r.campaign_id, r.force_slug, f.regime, r.state, r.due_on
		FROM requests r JOIN forces f ON f.slug = r.force_slug
		WHERE r.campaign_id = ANY($1) AND r.due_on IS NOT NULL AND NOT (r.state = ANY($2))`, campaignIDs, finalStates)
}

// BoardRequest is one force's request on a campaign's board. Its fields
// follow boardRequestCols.
type BoardRequest struct {
	RequestID  int64
	ForceSlug  string
	ForceName  string
	Regime     string // the force's, as stored
	State      foi.State
	WorkflowID string
	Reference  string // the force's own reference, "" if none
	DueOn      *time.Time
	ReceivedOn *time.Time
	// SentAt is when the request went, on the campaign's clock: the time
	// of its "sent" event, as its timeline shows it.
	SentAt       *time.Time
	Chasers      int
	Paused       bool
	LastEvent    string // the kind of the latest event
	LastEventAt  *time.Time
	Documents    int
	Observations int
	// Closed is set for a request closed without an answer.
	Closed bool
	// Complaint is what became of its complaint to the regulator: "" when
	// none was made, else its ledger status (a sent one wins).
	Complaint foi.OutboundStatus
	// LetterRefused: the request is unsent because the mail server refused
	// its letter for good.
	LetterRefused bool
}

// Condition is the request's status in the shared vocabulary.
func (b BoardRequest) Condition() foi.Condition {
	return foi.Condition{State: b.State, Closed: b.Closed, Complaint: b.Complaint, LetterRefused: b.LetterRefused}
}

const boardRequestCols = `r.id, r.force_slug, f.name, f.regime, r.state, r.workflow_id, coalesce(r.force_reference, ''),
	r.due_on, r.received_on,
	coalesce((SELECT e.occurred_at FROM request_events e WHERE e.request_id = r.id AND e.kind = 'sent' ORDER BY e.seq LIMIT 1), r.sent_at),
	r.chasers_sent, r.chasing_paused,
	coalesce((SELECT e.kind FROM request_events e WHERE e.request_id = r.id ORDER BY e.seq DESC LIMIT 1), ''),
	r.last_event_at,
	(SELECT count(*) FROM request_documents rd WHERE rd.request_id = r.id),
	(SELECT count(*) FROM observations o WHERE o.campaign_id = r.campaign_id AND o.request_id = r.id),
	` + closedUnanswered + `,
	` + complaintStatus + `,
	` + letterRefused

// CampaignBoard lists a campaign's requests, in force-name order.
func (s *Store) CampaignBoard(ctx context.Context, campaignID int64) ([]BoardRequest, error) {
	return collectRows[BoardRequest](ctx, s.pool, fmt.Sprintf("board of campaign %d", campaignID), `SELECT `+boardRequestCols+` FROM requests r JOIN forces f ON f.slug = r.force_slug
		WHERE r.campaign_id = $1 ORDER BY f.name`, campaignID)
}

// BoardRequest reads a campaign's request to one force, or returns
// ErrNotFound.
func (s *Store) BoardRequest(ctx context.Context, campaignID int64, forceSlug string) (*BoardRequest, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+boardRequestCols+` FROM requests r JOIN forces f ON f.slug = r.force_slug
		WHERE r.campaign_id = $1 AND r.force_slug = $2`, campaignID, forceSlug)
	if err != nil {
		return nil, fmt.Errorf("store: request of %s: %w", forceSlug, err)
	}
	b, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[BoardRequest])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: request of %s: %w", forceSlug, err)
	}
	return &b, nil
}

// TimelineEvent is one entry of a request's audit trail.
type TimelineEvent struct {
	Seq        int
	Kind       string
	From, To   foi.State // "" when the event changed none
	OccurredAt time.Time
	Detail     map[string]any
}

// TimelineOutbound is an email sent (or drafted) for a request.
type TimelineOutbound struct {
	ID        int64
	MessageID string
	Purpose   foi.Purpose
	From, To  string
	Subject   string
	Status    foi.OutboundStatus
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    *time.Time
}

// TimelineInbound is a received email matched to a request, with how it
// was matched.
type TimelineInbound struct {
	ID           int64
	MessageID    string
	From         string
	Subject      string
	Status       foi.InboundStatus
	Kind         foi.Kind // as a person decided it, else as classified; "" when not classified
	InternalDate *time.Time
	StoredAt     time.Time
	Method       foi.MatchMethod
	Evidence     string
}

// RequestTimeline is what happened to a request: its events in sequence
// and its emails each way, in the order they were stored.
type RequestTimeline struct {
	Events   []TimelineEvent
	Outbound []TimelineOutbound
	Inbound  []TimelineInbound
}

// RequestTimeline reads a request's events and emails.
func (s *Store) RequestTimeline(ctx context.Context, requestID int64) (*RequestTimeline, error) {
	var tl RequestTimeline
	rows, err := s.pool.Query(ctx, `SELECT seq, kind, coalesce(from_state, ''), coalesce(to_state, ''), occurred_at, detail
		FROM request_events WHERE request_id = $1 ORDER BY seq`, requestID)
	if err != nil {
		return nil, fmt.Errorf("store: events of request %d: %w", requestID, err)
	}
	if tl.Events, err = pgx.CollectRows(rows, pgx.RowToStructByPos[TimelineEvent]); err != nil {
		return nil, fmt.Errorf("store: events of request %d: %w", requestID, err)
	}
	rows, err = s.pool.Query(ctx, `SELECT id, message_id, purpose, from_addr, to_addr, subject, status, attempts,
			coalesce(last_error, ''), created_at, sent_at
		FROM outbound_messages WHERE request_id = $1 ORDER BY id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("store: outbound of request %d: %w", requestID, err)
	}
	if tl.Outbound, err = pgx.CollectRows(rows, pgx.RowToStructByPos[TimelineOutbound]); err != nil {
		return nil, fmt.Errorf("store: outbound of request %d: %w", requestID, err)
	}
	rows, err = s.pool.Query(ctx, `SELECT m.id, coalesce(m.message_id, ''), m.from_addr, m.subject, m.status,
			coalesce((SELECT rr.kind FROM reply_reviews rr WHERE rr.request_id = mm.request_id AND rr.inbound_id = m.id
				AND rr.status <> 'open'), m.kind, ''),
			m.internal_date, m.stored_at, mm.method, mm.evidence
		FROM message_matches mm JOIN inbound_messages m ON m.id = mm.inbound_id
		WHERE mm.request_id = $1 ORDER BY m.id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("store: inbound of request %d: %w", requestID, err)
	}
	if tl.Inbound, err = pgx.CollectRows(rows, pgx.RowToStructByPos[TimelineInbound]); err != nil {
		return nil, fmt.Errorf("store: inbound of request %d: %w", requestID, err)
	}
	return &tl, nil
}

// OpenReviewCount counts a request's tables waiting in the review queue.
func (s *Store) OpenReviewCount(ctx context.Context, requestID int64) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM review_items WHERE request_id = $1 AND status = 'open'`,
		requestID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: reviews of request %d: %w", requestID, err)
	}
	return n, nil
}

// ReceivedDocument is a document as received and processed for a request.
type ReceivedDocument struct {
	ID          int64
	Filename    string // as named in the request's message
	ContentType string
	Size        int64
	Status      foi.DocumentStatus
	Error       string
	WorkflowID  string // the DocumentWorkflow's
	Path        string // where it was in the message (inside an archive, say)
	InboundID   int64  // the message it came in, 0 if not known
}

// ReceivedDocuments lists a request's documents in the order they were
// stored.
func (s *Store) ReceivedDocuments(ctx context.Context, requestID int64) ([]ReceivedDocument, error) {
	return collectRows[ReceivedDocument](ctx, s.pool, fmt.Sprintf("documents of request %d", requestID), `SELECT d.id, coalesce(rd.filename, d.filename), d.content_type, d.size, rd.status,
			coalesce(rd.error, ''), rd.workflow_id,
			coalesce(rd.path, (SELECT string_agg(DISTINCT md.path, ', ') FROM message_documents md
				WHERE md.document_id = d.id AND (rd.inbound_id IS NULL OR md.inbound_id = rd.inbound_id)), ''),
			coalesce(rd.inbound_id, 0)
		FROM request_documents rd JOIN documents d ON d.id = rd.document_id
		WHERE rd.request_id = $1 ORDER BY d.id`, requestID)
}

// ObservationCell is a loaded figure of a request with the table cell it
// came from.
type ObservationCell struct {
	DocumentID int64
	TableIndex int
	Row, Col   int
	Period     string
	Dimensions map[string]string
	Value      *float64
	Flag       string
}

// ObservationCells lists the figures loaded for a request.
func (s *Store) ObservationCells(ctx context.Context, requestID int64) ([]ObservationCell, error) {
	return collectRows[ObservationCell](ctx, s.pool, fmt.Sprintf("observations of request %d", requestID), `SELECT document_id, table_index, row_index, col_index, period, dimensions,
			value::float8, coalesce(flag, '')
		FROM observations WHERE campaign_id = (SELECT campaign_id FROM requests WHERE id = $1) AND request_id = $1`, requestID)
}

// DocumentTable is an extracted table with the document it is in.
type DocumentTable struct {
	DocumentID int64
	ExtractedTable
}

// DocumentTables lists the extracted tables of documents, in document and
// table order.
func (s *Store) DocumentTables(ctx context.Context, documentIDs []int64) ([]DocumentTable, error) {
	rows, err := s.pool.Query(ctx, `SELECT document_id, table_index, method, coalesce(page, 0), coalesce(sheet, ''),
			title, notes, header_rows, n_rows, n_cols, confidence, reasons, cells
		FROM extracted_tables WHERE document_id = ANY($1) ORDER BY document_id, table_index`, documentIDs)
	if err != nil {
		return nil, fmt.Errorf("store: tables: %w", err)
	}
	ts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (DocumentTable, error) {
		var t DocumentTable
		var conf float32
		err := row.Scan(&t.DocumentID, &t.Index, &t.Method, &t.Page, &t.Sheet, &t.Title, &t.Notes, &t.HeaderRows,
			&t.NRows, &t.NCols, &conf, &t.Reasons, &t.Cells)
		t.Confidence = float64(conf)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: tables: %w", err)
	}
	return ts, nil
}

// ExtractedTableCells reads the grid of one extracted table, as JSON, or
// returns ErrNotFound.
func (s *Store) ExtractedTableCells(ctx context.Context, documentID int64, tableIndex int) (json.RawMessage, error) {
	var cells json.RawMessage
	err := s.pool.QueryRow(ctx, `SELECT cells FROM extracted_tables WHERE document_id = $1 AND table_index = $2`,
		documentID, tableIndex).Scan(&cells)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: table %d of document %d: %w", tableIndex, documentID, err)
	}
	return cells, nil
}
