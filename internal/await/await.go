// Package await waits for a service the process depends on (PostgreSQL,
// Temporal, an up-to-date schema) with exponential backoff, logging each
// failed attempt, so that a worker started during an outage waits for the
// outage to end instead of exiting.
package await

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Options tune Until. The zero value (or nil) waits 1s after the first
// failure, doubling up to 30s, each attempt bounded by 15s, for as long as
// the context lives.
type Options struct {
	Initial time.Duration // wait after the first failure
	Max     time.Duration // longest wait between attempts
	Attempt time.Duration // time limit of one attempt
	Logger  *slog.Logger
	// Sleep replaces the wait between attempts (tests).
	Sleep func(ctx context.Context, d time.Duration) error
}

// permanentError marks an error that no amount of waiting fixes.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that Until returns it at once: a malformed URL or
// a wrong password is not an outage.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// Until calls fn until it succeeds, returns a Permanent error, or ctx ends.
// what names the dependency in the log ("PostgreSQL"). On success after
// failures it logs how long the wait took.
func Until(ctx context.Context, what string, o *Options, fn func(ctx context.Context) error) error {
	var opts Options
	if o != nil {
		opts = *o
	}
	if opts.Initial <= 0 {
		opts.Initial = time.Second
	}
	if opts.Max <= 0 {
		opts.Max = 30 * time.Second
	}
	if opts.Attempt <= 0 {
		opts.Attempt = 15 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	start := time.Now()
	wait := opts.Initial
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, opts.Attempt)
		err := fn(actx)
		cancel()
		if err == nil {
			if attempt > 1 {
				opts.Logger.Info("dependency available", slog.String("dependency", what),
					slog.Int("attempts", attempt), slog.Duration("waited", time.Since(start).Round(time.Millisecond)))
			}
			return nil
		}
		if pe := (*permanentError)(nil); errors.As(err, &pe) {
			return pe.err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("gave up waiting for %s after %d attempt(s): %w", what, attempt, err)
		}
		opts.Logger.Warn("waiting for dependency", slog.String("dependency", what), slog.Int("attempt", attempt),
			slog.Duration("retry_in", wait), slog.Any("err", err))
		if serr := opts.Sleep(ctx, wait); serr != nil {
			return fmt.Errorf("gave up waiting for %s after %d attempt(s): %w (last error: %v)", what, attempt, serr, err)
		}
		wait = min(wait*2, opts.Max)
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
