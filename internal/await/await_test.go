package await

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestUntilBacksOffUntilTheDependencyAnswers(t *testing.T) {
	var buf bytes.Buffer
	var waits []time.Duration
	calls := 0
	err := Until(context.Background(), "PostgreSQL", &Options{
		Initial: time.Second, Max: 4 * time.Second,
		Logger: slog.New(slog.NewTextHandler(&buf, nil)),
		Sleep:  func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
	}, func(context.Context) error {
		calls++
		if calls < 5 {
			return errors.New("connection refused")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
	if len(waits) != len(want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", waits, want)
		}
	}
	log := buf.String()
	if n := strings.Count(log, "waiting for dependency"); n != 4 {
		t.Errorf("%d 'waiting' lines, want 4:\n%s", n, log)
	}
	if !strings.Contains(log, "dependency=PostgreSQL") || !strings.Contains(log, "connection refused") ||
		!strings.Contains(log, "dependency available") {
		t.Errorf("log does not name the dependency, the error and the recovery:\n%s", log)
	}
}

func TestUntilStopsOnAPermanentError(t *testing.T) {
	bad := errors.New("malformed URL")
	calls := 0
	err := Until(context.Background(), "PostgreSQL", &Options{
		Sleep: func(context.Context, time.Duration) error { t.Fatal("slept on a permanent error"); return nil },
	}, func(context.Context) error { calls++; return Permanent(bad) })
	if !errors.Is(err, bad) || calls != 1 {
		t.Fatalf("err %v after %d calls, want the permanent error after 1", err, calls)
	}
	var pe *permanentError
	if errors.As(err, &pe) {
		t.Error("the permanent wrapper leaked to the caller")
	}
}

func TestUntilGivesUpWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := Until(ctx, "Temporal", &Options{Initial: 20 * time.Millisecond, Max: 50 * time.Millisecond},
		func(context.Context) error { return errors.New("unavailable") })
	if err == nil || !strings.Contains(err.Error(), "gave up waiting for Temporal") || !strings.Contains(err.Error(), "unavailable") {
		t.Fatalf("err %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("returned after %s", d)
	}
}

func TestUntilBoundsEachAttempt(t *testing.T) {
	calls := 0
	err := Until(context.Background(), "Temporal", &Options{
		Attempt: 50 * time.Millisecond,
		Sleep:   func(context.Context, time.Duration) error { return nil },
	}, func(ctx context.Context) error {
		calls++
		if calls == 1 {
			<-ctx.Done() // a dependency that never answers
			return ctx.Err()
		}
		return nil
	})
	if err != nil || calls != 2 {
		t.Fatalf("err %v after %d calls, want success on the second", err, calls)
	}
}
