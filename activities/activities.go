// Package activities holds foidesk's Temporal activities: one Activities
// struct carrying its dependencies, with thin methods that call internal/*
// and map errors to Temporal application errors. Every activity is
// idempotent: a retry after a crash changes nothing already done.
package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"runtime"
	"sync"

	"go.temporal.io/sdk/temporal"

	"github.com/foidesk/foidesk/internal/calendar"
	fmail "github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/store"
)

// Activities is registered with the worker as a struct, so each exported
// method is an activity named after it.
type Activities struct {
	Store    *store.Store
	Calendar *calendar.Calendar
	// SMTP is the submission server; nil keeps every message as a draft in
	// the ledger (dev without mail configured).
	SMTP *fmail.SMTPOptions
	// From signs outbound mail; MessageIDDomain ends minted Message-IDs.
	From            mail.Address
	MessageIDDomain string
	// Inbox syncs the IMAP mailbox; nil (or no IMAP in it) disables the inbox.
	Inbox *Inbox
	// MaxDocuments bounds how many documents ProcessDocument works on at
	// once (0: one per CPU): each holds its tables and figures in memory,
	// and a campaign's replies tend to arrive together.
	MaxDocuments int
	Logger       *slog.Logger

	docOnce  sync.Once
	docSlots chan struct{}
}

// documentSlot waits for one of MaxDocuments slots, and returns its
// release; it gives up when ctx ends.
func (a *Activities) documentSlot(ctx context.Context) (release func(), err error) {
	a.docOnce.Do(func() {
		n := a.MaxDocuments
		if n <= 0 {
			n = runtime.NumCPU()
		}
		a.docSlots = make(chan struct{}, n)
	})
	select {
	case a.docSlots <- struct{}{}:
		return func() { <-a.docSlots }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for one of %d document slots: %w", cap(a.docSlots), ctx.Err())
	}
}

func (a *Activities) log() *slog.Logger {
	if a.Logger == nil {
		return slog.Default()
	}
	return a.Logger
}

// Error types the workflows tell apart.
const (
	ErrTypeInvalid  = "Invalid"       // bad input: retrying cannot help
	ErrTypeRejected = "MailRejected"  // the mail server refused the message for good
	ErrTypeCoverage = "CalendarRange" // a date outside the bank-holiday data
	ErrTypeNotFound = "NotFound"      // a row the activity needs is missing
)

func nonRetryable(typ string, err error) error {
	return temporal.NewNonRetryableApplicationError(err.Error(), typ, err)
}

// storeErr makes database errors that no retry can fix (bad data, a
// violated constraint) non-retryable, so the workflow sees them at once
// instead of retrying for ever. Connection trouble stays retryable.
func storeErr(err error) error {
	if store.IsInvalidData(err) {
		return nonRetryable(ErrTypeInvalid, err)
	}
	return err
}

func mapCalendarErr(err error) error {
	var ce *calendar.CoverageError
	if errors.As(err, &ce) {
		return nonRetryable(ErrTypeCoverage, err)
	}
	return err
}
