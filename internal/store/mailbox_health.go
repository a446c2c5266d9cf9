package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// MailboxHealth is how a mailbox's syncs have gone.
type MailboxHealth struct {
	Mailbox             string
	LastSuccessAt       *time.Time
	LastError           string // of the current run of failures; "" when the last sync succeeded
	LastErrorAt         *time.Time
	ConsecutiveFailures int
}

// Failing reports whether the mailbox's last sync failed.
func (h MailboxHealth) Failing() bool { return h.ConsecutiveFailures > 0 }

// RecordMailboxSync records the outcome of a sync of mailbox: err nil is a
// success (the failure count and error are cleared), else a failure.
func (s *Store) RecordMailboxSync(ctx context.Context, mailbox string, syncErr error) error {
	var err error
	if syncErr == nil {
		_, err = s.pool.Exec(ctx, `INSERT INTO mailbox_health (mailbox, last_success_at, consecutive_failures)
			VALUES ($1, now(), 0)
			ON CONFLICT (mailbox) DO UPDATE SET last_success_at = now(), consecutive_failures = 0,
				last_error = NULL, updated_at = now()`, mailbox)
	} else {
		msg := syncErr.Error()
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
		_, err = s.pool.Exec(ctx, `INSERT INTO mailbox_health (mailbox, last_error, last_error_at, consecutive_failures)
			VALUES ($1, $2, now(), 1)
			ON CONFLICT (mailbox) DO UPDATE SET last_error = $2, last_error_at = now(),
				consecutive_failures = mailbox_health.consecutive_failures + 1, updated_at = now()`, mailbox, msg)
	}
	if err != nil {
		return fmt.Errorf("store: record sync of mailbox %s: %w", mailbox, err)
	}
	return nil
}

// MailboxHealths returns every mailbox's health, by name.
func (s *Store) MailboxHealths(ctx context.Context) ([]MailboxHealth, error) {
	rows, err := s.pool.Query(ctx, `SELECT mailbox, last_success_at, coalesce(last_error, ''), last_error_at,
		consecutive_failures FROM mailbox_health ORDER BY mailbox`)
	if err != nil {
		return nil, fmt.Errorf("store: mailbox health: %w", err)
	}
	hs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (MailboxHealth, error) {
		var h MailboxHealth
		err := row.Scan(&h.Mailbox, &h.LastSuccessAt, &h.LastError, &h.LastErrorAt, &h.ConsecutiveFailures)
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: mailbox health: %w", err)
	}
	return hs, nil
}
