// Package devtemporal runs Temporal's development server in this process:
// frontend, history, matching and worker services on one machine, state in
// SQLite (or memory), the Web UI beside it, foidesk's namespace and search
// attributes registered. cmd/foidesk-temporal serves it ('foidesk-temporal
// dev'); foidesk dev, the demo and tests run that binary as a child
// process (internal/devstack), so that foidesk itself does not link the
// Temporal server.
package devtemporal

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

	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/workflows"
)

// Options configures a server. A nil *Options means an in-memory server on
// a free port without UI.
type Options struct {
	// DatabaseFile persists the server's state in SQLite; empty keeps it in
	// memory.
	DatabaseFile string
	// Addr is the frontend's host:port (default 127.0.0.1 and a free port;
	// port 0 picks a free one too).
	Addr string
	// UIAddr serves the Temporal Web UI there when set.
	UIAddr    string
	Namespace string // default "default"
	// Logger receives the server's log, its cancellation noise at shutdown
	// passed on at DEBUG (see quietHandler). Default: discarded.
	Logger *slog.Logger
	// LogLevel of the server's own log (default warn: it is chatty).
	LogLevel slog.Leveler
}

// Server is a running development server.
type Server struct {
	Addr      string // frontend host:port
	UIURL     string // "" without UI
	Namespace string
	srv       *devserver.Server
}

// Start starts a server with foidesk's search attributes registered,
// returning once it answers and its namespace is ready.
func Start(ctx context.Context, opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LogLevel == nil {
		o.LogLevel = slog.LevelWarn
	}
	host, port, err := splitAddr(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("devtemporal: temporal address: %w", err)
	}
	if port == 0 {
		port = devserver.MustGetFreePort(host)
	} else if err := devserver.CheckPortFree(host, port); err != nil {
		return nil, fmt.Errorf("devtemporal: temporal port %d is taken (another foidesk dev or temporal server running?): %w", port, err)
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
		LogLevel:               o.LogLevel.Level(),
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
			return nil, fmt.Errorf("devtemporal: UI address: %w", err)
		}
		if err := devserver.CheckPortFree(uiHost, uiPort); err != nil {
			return nil, fmt.Errorf("devtemporal: Temporal UI port %d is taken: %w", uiPort, err)
		}
		so.UIIP, so.UIPort = uiHost, uiPort
	}
	srv, err := devserver.Start(so)
	if err != nil {
		return nil, fmt.Errorf("devtemporal: start Temporal: %w", err)
	}
	s := &Server{Addr: net.JoinHostPort(host, strconv.Itoa(port)), Namespace: o.Namespace, srv: srv}
	if so.UIIP != "" {
		s.UIURL = fmt.Sprintf("http://%s:%d", so.UIIP, so.UIPort)
	}
	// The server answers before its namespace is ready; wait for both, then
	// make sure the search attributes exist (an older database may lack one).
	if err := s.waitReady(ctx); err != nil {
		srv.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context) error {
	if err := engine.AwaitSearchAttributes(ctx, engine.Options{Address: s.Addr, Namespace: s.Namespace}, 60*time.Second); err != nil {
		return fmt.Errorf("devtemporal: %w", err)
	}
	return nil
}

// Stop stops the server.
func (s *Server) Stop() { s.srv.Stop() }

// splitAddr splits host:port, with 127.0.0.1 for an empty host or
// "localhost", and port 0 for an empty address.
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
		return "", fmt.Errorf("devtemporal: %w", err)
	}
	id := uuid.NewString()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("devtemporal: %w", err)
	}
	if err := os.WriteFile(path, []byte(id+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("devtemporal: %w", err)
	}
	return id, nil
}
