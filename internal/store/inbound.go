package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/internal/foi"
)

// RawMessage is one fetched email, as stored.
type RawMessage struct {
	UID          uint32
	MessageID    string // header Message-ID without <>, or ""
	Raw          []byte
	InternalDate time.Time
	From         string
	Subject      string
}

// Checkpoint is how far a mailbox has been synced.
type Checkpoint struct {
	UIDValidity uint32
	LastUID     uint32
}

// Checkpoint reads a mailbox's checkpoint; ok is false if it was never synced.
func (s *Store) Checkpoint(ctx context.Context, mailbox string) (cp Checkpoint, ok bool, err error) {
	var v, last int64
	err = s.pool.QueryRow(ctx, `SELECT uid_validity, last_uid FROM mailbox_checkpoints WHERE mailbox = $1`, mailbox).Scan(&v, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		return Checkpoint{}, false, nil
	}
	if err != nil {
		return Checkpoint{}, false, fmt.Errorf("store: checkpoint %s: %w", mailbox, err)
	}
	return Checkpoint{UIDValidity: uint32(v), LastUID: uint32(last)}, true, nil
}

// StoreResult says what StoreMessages did.
type StoreResult struct {
	Stored     []int64 // ids of newly stored messages, in UID order
	Duplicates int     // messages already held (same bytes or same Message-ID)
}

// StoreMessages stores a batch of fetched messages and advances the
// mailbox's checkpoint to cp, in one transaction: either both happen or
// neither. A message already held — the same bytes (sha256) or the same
// Message-ID, as after a UIDVALIDITY change or a second delivery — is
// counted as a duplicate and not stored again.
func (s *Store) StoreMessages(ctx context.Context, mailbox string, cp Checkpoint, msgs []RawMessage) (StoreResult, error) {
	var res StoreResult
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		res = StoreResult{}
		// One round trip for the batch: the inserts are pipelined.
		b := &pgx.Batch{}
		for _, m := range msgs {
			sum := sha256.Sum256(m.Raw)
			var msgID *string
			if m.MessageID != "" {
				msgID = &m.MessageID
			}
			var internal *time.Time
			if !m.InternalDate.IsZero() {
				internal = &m.InternalDate
			}
			b.Queue(`INSERT INTO inbound_messages
				(mailbox, uid_validity, uid, message_id, sha256, raw, internal_date, from_addr, subject)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT DO NOTHING RETURNING id`,
				mailbox, int64(cp.UIDValidity), int64(m.UID), msgID, sum[:], m.Raw, internal,
				truncate(m.From, 500), truncate(m.Subject, 2000))
		}
		br := tx.SendBatch(ctx, b)
		for _, m := range msgs {
			var id int64
			err := br.QueryRow().Scan(&id)
			if errors.Is(err, pgx.ErrNoRows) {
				res.Duplicates++
				continue
			}
			if err != nil {
				br.Close()
				return fmt.Errorf("message uid %d: %w", m.UID, err)
			}
			res.Stored = append(res.Stored, id)
		}
		if err := br.Close(); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO mailbox_checkpoints (mailbox, uid_validity, last_uid) VALUES ($1, $2, $3)
			ON CONFLICT (mailbox) DO UPDATE SET uid_validity = EXCLUDED.uid_validity, last_uid = EXCLUDED.last_uid, updated_at = now()`,
			mailbox, int64(cp.UIDValidity), int64(cp.LastUID))
		return err
	})
	if err != nil {
		return StoreResult{}, fmt.Errorf("store: store messages of %s: %w", mailbox, err)
	}
	return res, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 { // do not cut a UTF-8 sequence
		n--
	}
	return s[:n]
}

// Inbound is a stored inbound message.
type Inbound struct {
	ID           int64
	Mailbox      string
	UID          int64
	MessageID    string
	Raw          []byte
	InternalDate *time.Time
	From         string
	Subject      string
	Status       foi.InboundStatus
	StoredAt     time.Time
}

// InboundMessage reads a stored message.
func (s *Store) InboundMessage(ctx context.Context, id int64) (*Inbound, error) {
	var m Inbound
	var msgID *string
	err := s.pool.QueryRow(ctx, `SELECT id, mailbox, uid, message_id, raw, internal_date, from_addr, subject, status, stored_at
		FROM inbound_messages WHERE id = $1`, id).
		Scan(&m.ID, &m.Mailbox, &m.UID, &msgID, &m.Raw, &m.InternalDate, &m.From, &m.Subject, &m.Status, &m.StoredAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: inbound %d: %w", id, err)
	}
	if msgID != nil {
		m.MessageID = *msgID
	}
	return &m, nil
}

// UnprocessedInbound lists stored messages not yet processed, oldest first.
func (s *Store) UnprocessedInbound(ctx context.Context, mailbox string, limit int) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM inbound_messages WHERE mailbox = $1 AND status = 'stored'
		ORDER BY id LIMIT $2`, mailbox, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unprocessed inbound: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
