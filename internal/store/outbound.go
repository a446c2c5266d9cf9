package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/internal/foi"
)

// Outbound is a row of the sending ledger.
type Outbound struct {
	ID        int64
	RequestID int64
	MessageID string
	Purpose   foi.Purpose
	From      string
	To        string
	Subject   string
	InReplyTo string
	Refs      []string
	Raw       []byte
	Status    foi.OutboundStatus
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    *time.Time
}

// LedgerEntry writes an outbound message to the ledger before it is sent,
// or returns the entry already there for the same Message-ID (a retried
// send). The returned entry's Status and Attempts tell the caller whether a
// previous attempt may already have reached the server.
func (s *Store) LedgerEntry(ctx context.Context, o Outbound) (*Outbound, error) {
	if o.Status == "" {
		o.Status = foi.OutboundPending
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO outbound_messages
		(request_id, message_id, purpose, from_addr, to_addr, subject, in_reply_to, refs, raw, status)
		VALUES ($1, $2, $3, $4, $5, $6, nullif($7, ''), $8, $9, $10)
		ON CONFLICT (message_id) DO NOTHING`,
		o.RequestID, o.MessageID, o.Purpose, o.From, o.To, o.Subject, o.InReplyTo, o.Refs, o.Raw, o.Status)
	if err != nil {
		return nil, fmt.Errorf("store: ledger %s: %w", o.MessageID, err)
	}
	return s.Outbound(ctx, o.MessageID)
}

// Outbound reads a ledger entry by Message-ID.
func (s *Store) Outbound(ctx context.Context, messageID string) (*Outbound, error) {
	var o Outbound
	var inReplyTo, lastErr *string
	err := s.pool.QueryRow(ctx, `SELECT id, request_id, message_id, purpose, from_addr, to_addr, subject,
		in_reply_to, refs, raw, status, attempts, last_error, created_at, sent_at
		FROM outbound_messages WHERE message_id = $1`, messageID).
		Scan(&o.ID, &o.RequestID, &o.MessageID, &o.Purpose, &o.From, &o.To, &o.Subject, &inReplyTo, &o.Refs,
			&o.Raw, &o.Status, &o.Attempts, &lastErr, &o.CreatedAt, &o.SentAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: ledger %s: %w", messageID, err)
	}
	if inReplyTo != nil {
		o.InReplyTo = *inReplyTo
	}
	if lastErr != nil {
		o.LastError = *lastErr
	}
	return &o, nil
}

// MarkAttempt counts a send attempt before it is made and returns the new
// count; a count above one means an earlier attempt may have been delivered.
func (s *Store) MarkAttempt(ctx context.Context, messageID string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `UPDATE outbound_messages SET attempts = attempts + 1
		WHERE message_id = $1 RETURNING attempts`, messageID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: ledger %s: %w", messageID, err)
	}
	return n, nil
}

// MarkSent records a successful send (or a draft kept for the operator).
func (s *Store) MarkSent(ctx context.Context, messageID string, status foi.OutboundStatus, at time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE outbound_messages SET status = $2, sent_at = $3, last_error = NULL
		WHERE message_id = $1`, messageID, status, at)
	if err != nil {
		return fmt.Errorf("store: ledger %s: %w", messageID, err)
	}
	return nil
}

// MarkFailed records why an attempt failed.
func (s *Store) MarkFailed(ctx context.Context, messageID string, cause error) error {
	_, err := s.pool.Exec(ctx, `UPDATE outbound_messages SET last_error = $2 WHERE message_id = $1`,
		messageID, cause.Error())
	if err != nil {
		return fmt.Errorf("store: ledger %s: %w", messageID, err)
	}
	return nil
}

// MarkRefused records that the mail server refused a message for good (a
// 5xx answer): it is failed, and nothing sends it again by itself.
func (s *Store) MarkRefused(ctx context.Context, messageID string, cause error) error {
	_, err := s.pool.Exec(ctx, `UPDATE outbound_messages SET status = 'failed', last_error = $2
		WHERE message_id = $1 AND status = 'pending'`, messageID, cause.Error())
	if err != nil {
		return fmt.Errorf("store: ledger %s: %w", messageID, err)
	}
	return nil
}

// OutboundForRequest lists a request's ledger entries, oldest first.
func (s *Store) OutboundForRequest(ctx context.Context, requestID int64) ([]Outbound, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, message_id, purpose, to_addr, subject, status, attempts, created_at, sent_at
		FROM outbound_messages WHERE request_id = $1 ORDER BY id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("store: outbound for request %d: %w", requestID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Outbound, error) {
		o := Outbound{RequestID: requestID}
		err := r.Scan(&o.ID, &o.MessageID, &o.Purpose, &o.To, &o.Subject, &o.Status, &o.Attempts, &o.CreatedAt, &o.SentAt)
		return o, err
	})
}
