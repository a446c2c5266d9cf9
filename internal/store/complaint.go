package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ComplaintDraft is the desk's saved draft of a request's complaint to the
// regulator (complaint_drafts).
type ComplaintDraft struct {
	RequestID int64
	// Revision counts the saves: 1 for the first.
	Revision int
	Subject  string
	Body     string
	SavedBy  string
	SavedAt  time.Time
}

// ErrDraftConflict is a save of a complaint's draft made from an older
// revision than the one stored: another save came in between.
var ErrDraftConflict = errors.New("the draft was saved by someone else since")

// ComplaintDraft reads a request's saved draft of its complaint, or returns
// ErrNotFound.
func (s *Store) ComplaintDraft(ctx context.Context, requestID int64) (*ComplaintDraft, error) {
	var d ComplaintDraft
	err := s.pool.QueryRow(ctx, `SELECT request_id, revision, subject, body, saved_by, saved_at
		FROM complaint_drafts WHERE request_id = $1`, requestID).
		Scan(&d.RequestID, &d.Revision, &d.Subject, &d.Body, &d.SavedBy, &d.SavedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: complaint draft of request %d: %w", requestID, err)
	}
	return &d, nil
}

// SaveComplaintDraft stores a request's draft of its complaint, made from
// revision base of the draft (0: from none), and returns the draft as
// stored. A save from an older revision than the stored one returns
// ErrDraftConflict and the stored draft, unless it repeats the save that
// made the stored one (the same nonce, non-empty): that changes nothing.
func (s *Store) SaveComplaintDraft(ctx context.Context, d ComplaintDraft, base int, nonce string) (*ComplaintDraft, error) {
	var out *ComplaintDraft
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var cur ComplaintDraft
		var curNonce string
		err := tx.QueryRow(ctx, `SELECT request_id, revision, subject, body, saved_by, saved_at, nonce
			FROM complaint_drafts WHERE request_id = $1 FOR UPDATE`, d.RequestID).
			Scan(&cur.RequestID, &cur.Revision, &cur.Subject, &cur.Body, &cur.SavedBy, &cur.SavedAt, &curNonce)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if base != 0 {
				return ErrDraftConflict
			}
			// Two first saves at once: the second finds the first's row
			// on conflict and is refused as any stale save.
			tag, err := tx.Exec(ctx, `INSERT INTO complaint_drafts (request_id, revision, subject, body, saved_by, saved_at, nonce)
				VALUES ($1, 1, $2, $3, $4, $5, $6) ON CONFLICT (request_id) DO NOTHING`,
				d.RequestID, d.Subject, d.Body, d.SavedBy, d.SavedAt, nonce)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return ErrDraftConflict
			}
			d.Revision = 1
			out = &d
			return nil
		case err != nil:
			return err
		}
		out = &cur
		if nonce != "" && nonce == curNonce {
			return nil // the same form sent again
		}
		if base != cur.Revision {
			return ErrDraftConflict
		}
		d.Revision = cur.Revision + 1
		if _, err := tx.Exec(ctx, `UPDATE complaint_drafts SET revision = $2, subject = $3, body = $4, saved_by = $5,
				saved_at = $6, nonce = $7 WHERE request_id = $1`,
			d.RequestID, d.Revision, d.Subject, d.Body, d.SavedBy, d.SavedAt, nonce); err != nil {
			return err
		}
		out = &d
		return nil
	})
	if errors.Is(err, ErrDraftConflict) {
		if out == nil {
			cur, cerr := s.ComplaintDraft(ctx, d.RequestID)
			if cerr != nil && !errors.Is(cerr, ErrNotFound) {
				return nil, cerr
			}
			out = cur
		}
		return out, ErrDraftConflict
	}
	if err != nil {
		return nil, fmt.Errorf("store: save complaint draft of request %d: %w", d.RequestID, err)
	}
	return out, nil
}
