package devstack

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/foidesk/foidesk/internal/devstack/devstacktest"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func sleeper(ctx workflow.Context) error { return workflow.Sleep(ctx, time.Hour) }

// TestTemporalShutdownIsQuiet stops a development server under a polling
// worker and a running workflow: the operator's error log stays empty of
// the cancellations a shutdown causes.
func TestTemporalShutdownIsQuiet(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal")
	}
	var log lockedBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := StartTemporal(ctx, &TemporalOptions{
		Binary:       devstacktest.Binary(t),
		DatabaseFile: filepath.Join(t.TempDir(), "temporal.db"),
		Logger:       slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := srv.Client(ctx)
	if err != nil {
		srv.Stop()
		t.Fatal(err)
	}
	w := worker.New(c, "quiet", worker.Options{})
	w.RegisterWorkflow(sleeper)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := c.ExecuteWorkflow(ctx, clientStart("quiet-"+string(rune('a'+i)), "quiet"), sleeper); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(2 * time.Second)
	// A worker killed mid-poll, then the server stopped.
	c.Close()
	time.Sleep(time.Second)
	srv.Stop()
	w.Stop()
	var bad []string
	for _, line := range strings.Split(log.String(), "\n") {
		if strings.Contains(line, "level=ERROR") && strings.Contains(line, "context canceled") {
			bad = append(bad, line)
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d ERROR lines for cancellations at shutdown, first:\n%s", len(bad), bad[0])
	}
}

func clientStart(id, queue string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{ID: id, TaskQueue: queue}
}
