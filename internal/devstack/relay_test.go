package devstack

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A record written as JSON by the server process and passed on comes out
// of the parent's handler as the record itself would have.
func TestRelayRecord(t *testing.T) {
	var js bytes.Buffer
	slog.New(slog.NewJSONHandler(&js, &slog.HandlerOptions{Level: slog.LevelDebug})).
		With("service", "history").WithGroup("op").
		Debug("Persistent store operation failure", "error", errors.New("context canceled"), "shard", 3, "ok", false)
	line := strings.TrimSuffix(js.String(), "\n")

	var direct, relayed bytes.Buffer
	noTime := &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			return slog.Attr{}
		}
		return a
	}}
	slog.New(slog.NewTextHandler(&direct, noTime)).With("service", "history").WithGroup("op").
		Debug("Persistent store operation failure", "error", errors.New("context canceled"), "shard", 3, "ok", false)
	if !relayRecord(slog.NewTextHandler(&relayed, noTime), line) {
		t.Fatalf("not a record: %s", line)
	}
	if relayed.String() != direct.String() {
		t.Errorf("relayed\n%s\nwant\n%s", relayed.String(), direct.String())
	}

	// Filtered by the parent's level; lines that are not records refused.
	relayed.Reset()
	if !relayRecord(slog.NewTextHandler(&relayed, nil), line) || relayed.Len() != 0 {
		t.Errorf("a DEBUG record passed an INFO handler: %q", relayed.String())
	}
	for _, s := range []string{"foidesk-temporal: port taken", `{"level":"INFO"}`, `[1,2]`, `{"msg":`} {
		if relayRecord(slog.NewTextHandler(&relayed, nil), s) {
			t.Errorf("%q taken for a record", s)
		}
	}
}

func TestRelayLines(t *testing.T) {
	var log bytes.Buffer
	r := newRelay(slog.New(slog.NewTextHandler(&log, nil)))
	out, errw := r.stdout(), r.stderr()
	errw.Write([]byte("foidesk-temporal: something\nwent wr"))
	errw.Write([]byte("ong\n" + `{"time":"2025-01-02T03:04:05Z","level":"WARN","msg":"slow"}` + "\n"))
	out.Write([]byte("temporal UI on http://127.0.0.1:8233\ntemporal serving on 127.0.0.1:7233\n"))
	select {
	case ri := <-r.ready:
		if ri.addr != "127.0.0.1:7233" || ri.uiURL != "http://127.0.0.1:8233" {
			t.Errorf("ready %+v", ri)
		}
	case <-time.After(time.Second):
		t.Fatal("no ready line")
	}
	if got := r.tail(); got != "\nfoidesk-temporal: something\nwent wrong" {
		t.Errorf("tail %q", got)
	}
	if !strings.Contains(log.String(), "level=WARN msg=slow") || strings.Contains(log.String(), "something") {
		t.Errorf("log before the start:\n%s", log.String())
	}
	errw.Write([]byte("panic: boom\n"))
	if !strings.Contains(log.String(), `level=ERROR msg="Temporal server output" line="panic: boom"`) {
		t.Errorf("output after the start not logged:\n%s", log.String())
	}
}

// A stopping server's warnings (its services no longer reaching each
// other) are expected and not passed on; its errors are.
func TestRelayWhileStopping(t *testing.T) {
	var log bytes.Buffer
	r := newRelay(slog.New(slog.NewTextHandler(&log, nil)))
	errw := r.stderr()
	warn := `{"time":"2025-01-02T03:04:05Z","level":"WARN","msg":"network dial error","service":"client"}` + "\n"
	errw.Write([]byte(warn))
	if !strings.Contains(log.String(), "network dial error") {
		t.Fatalf("a running server's warning not passed on:\n%s", log.String())
	}
	log.Reset()
	r.setStopping()
	errw.Write([]byte(warn))
	errw.Write([]byte(`{"time":"2025-01-02T03:04:06Z","level":"ERROR","msg":"persistence failed"}` + "\n"))
	if got := log.String(); strings.Contains(got, "network dial error") || !strings.Contains(got, "level=ERROR msg=\"persistence failed\"") {
		t.Errorf("log while stopping:\n%s", got)
	}
}

func TestTemporalBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, temporalBinaryName)
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(TemporalBinaryEnv, bin)
	if got, err := TemporalBinary(); err != nil || got != bin {
		t.Errorf("from $%s: %q, %v", TemporalBinaryEnv, got, err)
	}
	t.Setenv(TemporalBinaryEnv, filepath.Join(dir, "missing"))
	if _, err := TemporalBinary(); err == nil || !strings.Contains(err.Error(), TemporalBinaryEnv) {
		t.Errorf("a missing $%s: %v", TemporalBinaryEnv, err)
	}
	t.Setenv(TemporalBinaryEnv, "")
	t.Setenv("PATH", dir)
	if got, err := TemporalBinary(); err != nil || got != bin {
		t.Errorf("from PATH: %q, %v", got, err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := TemporalBinary(); !errors.Is(err, ErrNoTemporalBinary) || !strings.Contains(err.Error(), "make build") {
		t.Errorf("none anywhere: %v", err)
	}
}
