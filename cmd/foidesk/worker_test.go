package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/await"
	"github.com/foidesk/foidesk/internal/config"
	"github.com/foidesk/foidesk/internal/devstack"
	"github.com/foidesk/foidesk/internal/devstack/devstacktest"
	"github.com/foidesk/foidesk/internal/freeport"
	"github.com/foidesk/foidesk/internal/pglocal"
	"github.com/foidesk/foidesk/internal/store"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitLog waits until the log holds want.
func waitLog(t *testing.T, log *syncBuffer, want string, errc <-chan error) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(log.String(), want) {
		select {
		case err := <-errc:
			t.Fatalf("returned (%v) before logging %q:\n%s", err, want, log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log:\n%s", want, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWorkerWaitsForItsDependencies starts a worker's dependency check with
// nothing running, then brings up PostgreSQL, the schema and Temporal one at
// a time: the worker waits for each, says so, and carries on.
func TestWorkerWaitsForItsDependencies(t *testing.T) {
	if _, err := pglocal.FindBinaries(); err != nil {
		t.Skip(err)
	}
	old := dependencyWait
	dependencyWait = await.Options{Initial: 50 * time.Millisecond, Max: 200 * time.Millisecond, Attempt: 5 * time.Second}
	t.Cleanup(func() { dependencyWait = old })

	pgPort, err := freeport.Port()
	if err != nil {
		t.Fatal(err)
	}
	tPort, err := freeport.Port()
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{
		DatabaseURL:       fmt.Sprintf("postgres://foidesk:pw@127.0.0.1:%d/foidesk?sslmode=disable", pgPort),
		TemporalAddress:   fmt.Sprintf("127.0.0.1:%d", tPort),
		TemporalNamespace: "default",
	}
	var log syncBuffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	type result struct {
		st  *store.Store
		err error
	}
	done := make(chan result, 1)
	errc := make(chan error, 1)
	go func() {
		st, tc, err := waitForDependencies(ctx, cfg, logger, true)
		if tc != nil {
			tc.Close()
		}
		done <- result{st, err}
		errc <- err
	}()

	waitLog(t, &log, "dependency=PostgreSQL", errc)
	pg, err := pglocal.Start(ctx, &pglocal.Options{Dir: t.TempDir(), Port: pgPort, Password: "pw", Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Stop() })
	if err := pg.CreateDatabase(ctx, "foidesk"); err != nil {
		t.Fatal(err)
	}

	waitLog(t, &log, `dependency="the database schema"`, errc)
	if !strings.Contains(log.String(), "foidesk migrate") {
		t.Errorf("the schema wait does not say what to run:\n%s", log.String())
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()

	waitLog(t, &log, "dependency=Temporal", errc)
	tmp, err := devstack.StartTemporal(ctx, &devstack.TemporalOptions{Addr: cfg.TemporalAddress, Binary: devstacktest.Binary(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tmp.Stop)

	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("gave up: %v\n%s", r.err, log.String())
		}
		r.st.Close()
	case <-ctx.Done():
		t.Fatalf("still waiting:\n%s", log.String())
	}
	for _, dep := range []string{"dependency=PostgreSQL", `dependency="the database schema"`, "dependency=Temporal"} {
		if !strings.Contains(log.String(), "dependency available "+dep) && !strings.Contains(log.String(), "msg=\"dependency available\" "+dep) {
			t.Errorf("no recovery line for %s:\n%s", dep, log.String())
		}
	}
}

func TestWorkerRefusesAMalformedDatabaseURLAtOnce(t *testing.T) {
	cfg := &config.Config{DatabaseURL: "postgres://%zz", TemporalAddress: "127.0.0.1:1"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, _, err := waitForDependencies(ctx, cfg, nil, true)
	if err == nil || !strings.Contains(err.Error(), "malformed database URL") {
		t.Fatalf("err %v, want a malformed URL error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %s: a configuration error was retried", d)
	}
}
