package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/temporalio/cli/temporalcli/devserver"
	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/workflows"
)

// TemporalOptions configures an embedded Temporal server. A nil
// *TemporalOptions means an in-memory server on free ports without UI.
type TemporalOptions struct {
	// DatabaseFile persists the server's state in SQLite; empty keeps it in
	// memory.
	DatabaseFile string
	// Addr is the frontend's host:port (default 127.0.0.1 and a free port).
	Addr string
	// UIAddr serves the Temporal Web UI there when set.
	UIAddr    string
	Namespace string // default "default"
	Logger    *slog.Logger
	LogLevel  slog.Level // server log level (default warn: it is chatty)
}

// Temporal is a running embedded Temporal server.
type Temporal struct {
	Addr      string // frontend host:port
	UIURL     string // "" without UI
	Namespace string
	srv       *devserver.Server
}

// StartTemporal starts an embedded Temporal server with foidesk's search
// attributes registered, returning once it answers.
func StartTemporal(ctx context.Context, opts *TemporalOptions) (*Temporal, error) {
	var o TemporalOptions
	if opts != nil {
		o = *opts
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LogLevel == 0 {
		o.LogLevel = slog.LevelWarn
	}
	host, port, err := splitAddr(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("devstack: temporal address: %w", err)
	}
	if port == 0 {
		port = devserver.MustGetFreePort(host)
	} else if err := devserver.CheckPortFree(host, port); err != nil {
		return nil, fmt.Errorf("devstack: temporal port %d is taken (another foidesk dev or temporal server running?): %w", port, err)
	}
	so := devserver.StartOptions{
		FrontendIP:             host,
		FrontendPort:           port,
		Namespaces:             []string{o.Namespace},
		ClusterID:              uuid.NewString(),
		MasterClusterName:      "active",
		CurrentClusterName:     "active",
		InitialFailoverVersion: 1,
		Logger:                 slog.New(quietHandler{o.Logger.Handler()}),
		LogLevel:               o.LogLevel,
		DatabaseFile:           o.DatabaseFile,
		SearchAttributes:       workflows.SearchAttributes,
		DynamicConfigValues: map[string]any{
			// Search attributes visible as soon as they are created.
			"system.forceSearchAttributesCacheRefreshOnRead": true,
			"frontend.persistenceMaxQPS":                     10000,
			"history.persistenceMaxQPS":                      45000,
			// Let the demo's many workflows and timers go quickly.
			"frontend.namespaceRPS": 10000,
		},
	}
	if o.DatabaseFile != "" {
		so.ClusterID, err = persistentID(o.DatabaseFile + ".cluster-id")
		if err != nil {
			return nil, err
		}
		// Pragmas that keep SQLite from stalling under many timers.
		so.SqlitePragmas = map[string]string{"journal_mode": "wal", "synchronous": "2"}
	}
	if o.UIAddr != "" {
		uiHost, uiPort, err := splitAddr(o.UIAddr)
		if err != nil {
			return nil, fmt.Errorf("devstack: UI address: %w", err)
		}
		if err := devserver.CheckPortFree(uiHost, uiPort); err != nil {
			return nil, fmt.Errorf("devstack: Temporal UI port %d is taken: %w", uiPort, err)
		}
		so.UIIP, so.UIPort = uiHost, uiPort
	}
	srv, err := devserver.Start(so)
	if err != nil {
		return nil, fmt.Errorf("devstack: start Temporal: %w", err)
	}
	t := &Temporal{Addr: net.JoinHostPort(host, strconv.Itoa(port)), Namespace: o.Namespace, srv: srv}
	if so.UIIP != "" {
		t.UIURL = fmt.Sprintf("http://%s:%d", so.UIIP, so.UIPort)
	}
	// The server answers before its namespace is ready; wait for both, then
	// make sure the search attributes exist (an older database may lack one).
	if err := t.waitReady(ctx); err != nil {
		srv.Stop()
		return nil, err
	}
	return t, nil
}

func (t *Temporal) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		c, err := engine.Dial(ctx, engine.Options{Address: t.Addr, Namespace: t.Namespace})
		if err == nil {
			_, err = engine.EnsureSearchAttributes(ctx, c, t.Namespace)
			c.Close()
			if err == nil {
				return nil
			}
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("devstack: Temporal did not become ready within 60s: %w", last)
}

// Client dials the server.
func (t *Temporal) Client(ctx context.Context) (client.Client, error) {
	return engine.Dial(ctx, engine.Options{Address: t.Addr, Namespace: t.Namespace})
}

// Stop stops the server.
func (t *Temporal) Stop() { t.srv.Stop() }

func splitAddr(addr string) (string, int, error) {
	if addr == "" {
		return "127.0.0.1", 0, nil
	}
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	if host == "" || host == "localhost" {
		host = "127.0.0.1"
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return "", 0, fmt.Errorf("port %q: %w", p, err)
	}
	return host, port, nil
}

// persistentID reads an id from path, creating it on first use.
func persistentID(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if id := strings.TrimSpace(string(b)); id != "" {
			return id, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("devstack: %w", err)
	}
	id := uuid.NewString()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("devstack: %w", err)
	}
	if err := os.WriteFile(path, []byte(id+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("devstack: %w", err)
	}
	return id, nil
}
