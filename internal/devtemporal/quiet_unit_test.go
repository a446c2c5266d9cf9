package devtemporal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestQuietHandlerDowngradesCancellations(t *testing.T) {
	for _, debug := range []bool{false, true} {
		var buf bytes.Buffer
		level := slog.LevelWarn
		if debug {
			level = slog.LevelDebug
		}
		log := slog.New(quietHandler{slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level})}).With("service", "history")
		log.Error("Persistent store operation failure", "error", fmt.Errorf("GetWorkflowExecution: %w", context.Canceled))
		log.Error("Persistent store operation failure", "store-operation", "update-wf-execution", "error", "context canceled")
		log.Error("Persistent store operation failure", "error", errors.New("database is locked"))
		log.Warn("something to watch")
		log.Info("chatter")
		out := buf.String()

		if n := strings.Count(out, "level=ERROR"); n != 1 || !strings.Contains(out, "database is locked") {
			t.Errorf("debug=%v: want exactly the real failure at ERROR:\n%s", debug, out)
		}
		if !strings.Contains(out, "level=WARN msg=\"something to watch\"") || strings.Contains(out, "chatter") != debug {
			t.Errorf("debug=%v: other levels not passed on as configured:\n%s", debug, out)
		}
		if n := strings.Count(out, "cancellation=true"); debug && n != 2 || !debug && n != 0 {
			t.Errorf("debug=%v: %d cancellations at DEBUG:\n%s", debug, n, out)
		}
		if debug && !strings.Contains(out, "level=DEBUG msg=\"Persistent store operation failure\" service=history") {
			t.Errorf("downgraded record lost its attributes:\n%s", out)
		}
	}
}
