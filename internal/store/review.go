package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/foidesk/foidesk/internal/foi"
)

// StoredDocument is a document's bytes and names.
type StoredDocument struct {
	ID          int64
	SHA256      []byte
	Filename    string
	Path        string // where it sat in a message, when read as that message's
	ContentType string
	Size        int64 // the bytes' length
	Data        []byte
}

// Document reads a stored document.
func (s *Store) Document(ctx context.Context, id int64) (*StoredDocument, error) {
	var d StoredDocument
	err := s.pool.QueryRow(ctx, `SELECT id, sha256, filename, content_type, data FROM documents WHERE id = $1`, id).
		Scan(&d.ID, &d.SHA256, &d.Filename, &d.ContentType, &d.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: document %d: %w", id, err)
	}
	return &d, nil
}

// RequestContext is what processing a document needs to know of its request.
type RequestContext struct {
	RequestID    int64
	CampaignID   int64
	CampaignSlug string
	Year         int
	ForceSlug    string
	WorkflowID   string
	Spec         json.RawMessage // the campaign spec, as JSON
}

// Request reads a request with its campaign's spec.
func (s *Store) Request(ctx context.Context, id int64) (*RequestContext, error) {
	var r RequestContext
	err := s.pool.QueryRow(ctx, `SELECT r.id, c.id, c.slug, c.year, r.force_slug, r.workflow_id, c.spec
		FROM requests r JOIN campaigns c ON c.id = r.campaign_id WHERE r.id = $1`, id).
		Scan(&r.RequestID, &r.CampaignID, &r.CampaignSlug, &r.Year, &r.ForceSlug, &r.WorkflowID, &r.Spec)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: request %d: %w", id, err)
	}
	return &r, nil
}

// DocumentSource is where a request's document came from: the message
// and the name it had there. Identical bytes sent by two forces are one
// stored document, each request citing its own message and filename.
type DocumentSource struct {
	InboundID int64  // the message; 0 for the first matched message of the request that carried it
	Filename  string // the name in that message; "" for the name its path there ends in
}

// AttachDocument records that a document is being processed for a request,
// with the message and filename it came under (idempotent: a second call
// only fills what the first left unknown).
func (s *Store) AttachDocument(ctx context.Context, requestID, documentID int64, workflowID string, src DocumentSource) error {
	_, err := s.pool.Exec(ctx, `WITH src AS (
			SELECT md.inbound_id, md.path FROM message_documents md
			WHERE md.document_id = $2 AND CASE WHEN $4::bigint > 0 THEN md.inbound_id = $4
				ELSE EXISTS (SELECT 1 FROM message_matches mm WHERE mm.inbound_id = md.inbound_id AND mm.request_id = $1) END
			ORDER BY md.inbound_id, (md.path = $5 OR right(md.path, length($5) + 1) = '/' || $5) DESC, md.path
			LIMIT 1)
		INSERT INTO request_documents (request_id, document_id, workflow_id, inbound_id, filename, path)
		SELECT $1, $2, $3, coalesce(nullif($4::bigint, 0), src.inbound_id),
			coalesce(nullif($5, ''), nullif(regexp_replace(src.path, '^.*/', ''), '')), src.path
		FROM (SELECT) one LEFT JOIN src ON true
		ON CONFLICT (request_id, document_id) DO UPDATE SET
			inbound_id = coalesce(request_documents.inbound_id, EXCLUDED.inbound_id),
			filename = coalesce(request_documents.filename, EXCLUDED.filename),
			path = coalesce(request_documents.path, EXCLUDED.path)
		WHERE request_documents.inbound_id IS NULL OR request_documents.filename IS NULL
			OR request_documents.path IS NULL`,
		requestID, documentID, workflowID, src.InboundID, src.Filename)
	if err != nil {
		return fmt.Errorf("store: attach document %d to request %d: %w", documentID, requestID, err)
	}
	return nil
}

// RequestDocument reads a document as a request received it: named as in
// that request's message (whose extension decides how it is read), not as
// whoever sent the same bytes first. Its bytes are not read (Data is nil;
// Size is their length): WriteDocumentData gives them.
func (s *Store) RequestDocument(ctx context.Context, requestID, documentID int64) (*StoredDocument, error) {
	var d StoredDocument
	err := s.pool.QueryRow(ctx, `SELECT d.id, d.sha256, coalesce(rd.filename, d.filename), coalesce(rd.path, ''),
			d.content_type, octet_length(d.data)
		FROM documents d LEFT JOIN request_documents rd ON rd.document_id = d.id AND rd.request_id = $1
		WHERE d.id = $2`, requestID, documentID).
		Scan(&d.ID, &d.SHA256, &d.Filename, &d.Path, &d.ContentType, &d.Size)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: document %d of request %d: %w", documentID, requestID, err)
	}
	return &d, nil
}

// documentChunk is how much of a document's bytes one row of
// WriteDocumentData's query carries: a little under 1 MiB, so that the
// row's message, with its other columns, fits the driver's 1 MiB buffer.
const documentChunk = 1<<20 - 256

// WriteDocumentData writes a stored document's bytes to w and returns
// how many it wrote. They are read in chunks, one query's rows, so that
// neither the driver nor the caller holds the whole: a chunk is written
// before the next is read. ErrNotFound if there is no such document.
func (s *Store) WriteDocumentData(ctx context.Context, documentID int64, w io.Writer) (int64, error) {
	// The document's value is read once, whole, into the query's own
	// memory (a compressed value would otherwise be decompressed from its
	// start again for each chunk), then cut into chunks, in order (each
	// row says where its chunk starts, and a chunk out of place is an
	// error).
	rows, err := s.pool.Query(ctx, `WITH doc AS MATERIALIZED (
			SELECT data || '\x'::bytea AS data FROM documents WHERE id = $1)
		SELECT g, octet_length(doc.data), substring(doc.data FROM g FOR $2::int)
		FROM doc, generate_series(1, greatest(octet_length(doc.data), 1), $2::int) g`, documentID, documentChunk)
	if err != nil {
		return 0, fmt.Errorf("store: document %d: %w", documentID, err)
	}
	defer rows.Close()
	var n, size int64
	found := false
	for rows.Next() {
		var at int64
		var chunk pgtype.DriverBytes // the driver's memory: written before the next row
		if err := rows.Scan(&at, &size, &chunk); err != nil {
			return n, fmt.Errorf("store: document %d: %w", documentID, err)
		}
		if at != n+1 {
			return n, fmt.Errorf("store: document %d: chunk at byte %d, want %d", documentID, at-1, n)
		}
		found = true
		m, err := w.Write(chunk)
		n += int64(m)
		if err != nil {
			return n, fmt.Errorf("store: document %d: %w", documentID, err)
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("store: document %d: %w", documentID, err)
	}
	if !found {
		return 0, ErrNotFound
	}
	if n != size {
		return n, fmt.Errorf("store: document %d: read %d bytes of %d", documentID, n, size)
	}
	return n, nil
}

// SetDocumentStatus sets a request document's processing status.
func (s *Store) SetDocumentStatus(ctx context.Context, requestID, documentID int64, status foi.DocumentStatus, errText string) error {
	var e *string
	if errText != "" {
		e = &errText
	}
	_, err := s.pool.Exec(ctx, `UPDATE request_documents SET status = $3, error = $4, updated_at = now()
		WHERE request_id = $1 AND document_id = $2`, requestID, documentID, status, e)
	if err != nil {
		return fmt.Errorf("store: document status: %w", err)
	}
	return nil
}

// ReviewItem is a table waiting for a person.
type ReviewItem struct {
	ID         int64
	RequestID  int64
	DocumentID int64
	TableIndex int
	WorkflowID string
	Reasons    []string
	Proposal   json.RawMessage // the mapping the normaliser proposed (a foi.Proposal)
	Status     foi.ReviewStatus
	Resolution json.RawMessage
	ResolvedBy string
	CreatedAt  time.Time
	// Joined for display.
	ForceSlug string
	Campaign  string
	Filename  string
}

// OpenReview puts a table in the review queue, or reopens its item with new
// reasons after a remap.
func (s *Store) OpenReview(ctx context.Context, it ReviewItem) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO review_items (request_id, document_id, table_index, workflow_id, reasons, proposal)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (request_id, document_id, table_index) DO UPDATE SET reasons = EXCLUDED.reasons,
			proposal = EXCLUDED.proposal, workflow_id = EXCLUDED.workflow_id, status = 'open',
			resolved_at = NULL
		RETURNING id`, it.RequestID, it.DocumentID, it.TableIndex, it.WorkflowID, nonNil(it.Reasons), it.Proposal).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: open review: %w", err)
	}
	return id, nil
}

// ResolveReviews closes a document's open review items.
func (s *Store) ResolveReviews(ctx context.Context, requestID, documentID int64, status string, resolution json.RawMessage, by string) error {
	_, err := s.pool.Exec(ctx, `UPDATE review_items SET status = $3, resolution = $4, resolved_by = $5, resolved_at = now()
		WHERE request_id = $1 AND document_id = $2 AND status = 'open'`, requestID, documentID, status, resolution, by)
	if err != nil {
		return fmt.Errorf("store: resolve review: %w", err)
	}
	return nil
}

const reviewCols = `ri.id, ri.request_id, ri.document_id, ri.table_index, ri.workflow_id, ri.reasons,
	coalesce(ri.proposal, 'null'), ri.status, coalesce(ri.resolution, 'null'), coalesce(ri.resolved_by, ''), ri.created_at,
	r.force_slug, c.slug || '/' || c.year, coalesce(rd.filename, d.filename)`

// reviewFrom names each document as its request's message did.
const reviewFrom = ` FROM review_items ri JOIN requests r ON r.id = ri.request_id
	JOIN campaigns c ON c.id = r.campaign_id JOIN documents d ON d.id = ri.document_id
	LEFT JOIN request_documents rd ON rd.request_id = ri.request_id AND rd.document_id = ri.document_id`

func scanReview(row pgx.CollectableRow) (ReviewItem, error) {
	var it ReviewItem
	err := row.Scan(&it.ID, &it.RequestID, &it.DocumentID, &it.TableIndex, &it.WorkflowID, &it.Reasons, &it.Proposal,
		&it.Status, &it.Resolution, &it.ResolvedBy, &it.CreatedAt, &it.ForceSlug, &it.Campaign, &it.Filename)
	return it, err
}

// Reviews lists review items with the given status ("" for all), oldest first.
func (s *Store) Reviews(ctx context.Context, status foi.ReviewStatus, limit int) ([]ReviewItem, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+reviewCols+reviewFrom+`
		WHERE ($1 = '' OR ri.status = $1) ORDER BY ri.id LIMIT $2`, string(status), limit)
	if err != nil {
		return nil, fmt.Errorf("store: reviews: %w", err)
	}
	return pgx.CollectRows(rows, scanReview)
}

// Review reads one review item.
func (s *Store) Review(ctx context.Context, id int64) (*ReviewItem, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+reviewCols+reviewFrom+` WHERE ri.id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("store: review %d: %w", id, err)
	}
	it, err := pgx.CollectExactlyOneRow(rows, scanReview)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: review %d: %w", id, err)
	}
	return &it, nil
}

// RequestDocument is a document as processed for one request.
type RequestDocument struct {
	RequestID         int64
	RequestWorkflowID string
	WorkflowID        string // the DocumentWorkflow's
	DocumentID        int64
	SHA256            string // hex
	Filename          string // as named in the request's message
	InboundID         int64  // the message it came in; 0 if not known
	Status            foi.DocumentStatus
}

// RequestDocuments lists the requests a document has been processed for.
func (s *Store) RequestDocuments(ctx context.Context, documentID int64) ([]RequestDocument, error) {
	rows, err := s.pool.Query(ctx, `SELECT rd.request_id, r.workflow_id, rd.workflow_id, d.id, encode(d.sha256, 'hex'),
			coalesce(rd.filename, d.filename), coalesce(rd.inbound_id, 0), rd.status
		FROM request_documents rd JOIN requests r ON r.id = rd.request_id JOIN documents d ON d.id = rd.document_id
		WHERE rd.document_id = $1 ORDER BY rd.request_id`, documentID)
	if err != nil {
		return nil, fmt.Errorf("store: requests of document %d: %w", documentID, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (RequestDocument, error) {
		var d RequestDocument
		err := row.Scan(&d.RequestID, &d.RequestWorkflowID, &d.WorkflowID, &d.DocumentID, &d.SHA256, &d.Filename, &d.InboundID, &d.Status)
		return d, err
	})
}
