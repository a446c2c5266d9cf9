// Package devstack runs foidesk's dependencies for dev, the demo and
// integration tests, as child processes that die with this one: a managed
// PostgreSQL cluster from the system's binaries, and Temporal's development
// server with its Web UI (foidesk-temporal dev, built beside foidesk, so
// that foidesk itself does not link the Temporal server).
package devstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/foidesk/foidesk/internal/pglocal"
)

// Options configures a Stack.
type Options struct {
	// DataDir holds local state: DataDir/pg and DataDir/temporal.db.
	DataDir string
	// DatabaseURL, when set, is used instead of a managed cluster.
	DatabaseURL string
	// PostgresPort for the managed cluster (default 54329).
	PostgresPort int
	// TemporalAddress, when set, is used instead of a development server.
	TemporalAddress string
	// TemporalListen is the development server's frontend (default
	// 127.0.0.1:7233).
	TemporalListen string
	// UIAddr serves the Temporal Web UI (default 127.0.0.1:8233; "-" for none).
	UIAddr    string
	Namespace string
	Logger    *slog.Logger
}

// Stack is what Start brought up.
type Stack struct {
	DatabaseURL     string
	TemporalAddress string
	TemporalUIURL   string // "" when Temporal is not run here
	Postgres        *pglocal.Cluster
	Temporal        *Temporal
}

// DefaultPostgresPort is where the managed cluster listens unless told.
const DefaultPostgresPort = 54329

// Start brings up whatever is not configured externally.
func Start(ctx context.Context, o Options) (*Stack, error) {
	if o.DataDir == "" {
		o.DataDir = ".foidesk"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("devstack: %w", err)
	}
	s := &Stack{DatabaseURL: o.DatabaseURL, TemporalAddress: o.TemporalAddress}
	// Find the Temporal server's binary first: without it, fail before
	// starting anything.
	var temporalBin string
	if s.TemporalAddress == "" {
		var err error
		if temporalBin, err = TemporalBinary(); err != nil {
			return nil, err
		}
	}
	if s.DatabaseURL == "" {
		port := o.PostgresPort
		if port == 0 {
			port = DefaultPostgresPort
		}
		pw, err := localPassword(filepath.Join(o.DataDir, "pg-password"))
		if err != nil {
			return nil, err
		}
		o.Logger.Info("starting PostgreSQL", slog.String("dir", filepath.Join(o.DataDir, "pg")), slog.Int("port", port))
		pg, err := pglocal.Start(ctx, &pglocal.Options{Dir: filepath.Join(o.DataDir, "pg"), Port: port, Password: pw})
		if err != nil {
			return nil, err
		}
		if err := pg.CreateDatabase(ctx, "foidesk"); err != nil {
			pg.Stop()
			return nil, err
		}
		s.Postgres = pg
		s.DatabaseURL = pg.URL("foidesk")
	}
	if s.TemporalAddress == "" {
		listen := o.TemporalListen
		if listen == "" {
			listen = "127.0.0.1:7233"
		}
		ui := o.UIAddr
		if ui == "" {
			ui = "127.0.0.1:8233"
		} else if ui == "-" {
			ui = ""
		}
		dbFile, err := filepath.Abs(filepath.Join(o.DataDir, "temporal.db"))
		if err != nil {
			s.Stop()
			return nil, fmt.Errorf("devstack: %w", err)
		}
		o.Logger.Info("starting Temporal", slog.String("listen", listen), slog.String("ui", ui), slog.String("db", dbFile))
		t, err := StartTemporal(ctx, &TemporalOptions{
			DatabaseFile: dbFile, Addr: listen, UIAddr: ui, Namespace: o.Namespace, Logger: o.Logger,
			Binary: temporalBin,
		})
		if err != nil {
			s.Stop()
			return nil, err
		}
		s.Temporal = t
		s.TemporalAddress = t.Addr
		s.TemporalUIURL = t.UIURL
	}
	return s, nil
}

// Stop stops what Start started, Temporal first.
func (s *Stack) Stop() error {
	var errs []error
	if s.Temporal != nil {
		s.Temporal.Stop()
	}
	if s.Postgres != nil {
		errs = append(errs, s.Postgres.Stop())
	}
	return errors.Join(errs...)
}

// localPassword reads the managed cluster's password, minting it on first use.
func localPassword(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("devstack: %w", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "pg", "PG_VERSION")); err == nil {
		return "", fmt.Errorf("devstack: %s exists but its password file %s is missing; remove the directory to start afresh", filepath.Dir(path), path)
	}
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	pw := hex.EncodeToString(buf)
	if err := os.WriteFile(path, []byte(pw+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("devstack: %w", err)
	}
	return pw, nil
}

// LocalDatabaseURL returns the URL of the PostgreSQL cluster 'foidesk dev'
// manages under dataDir (default port), so commands run beside a dev
// stack find its database without DATABASE_URL. It errors if there is none.
func LocalDatabaseURL(dataDir string) (string, error) {
	if dataDir == "" {
		dataDir = ".foidesk"
	}
	b, err := os.ReadFile(filepath.Join(dataDir, "pg-password"))
	if err != nil {
		return "", fmt.Errorf("no DATABASE_URL and no local stack under %s: start 'foidesk dev' (or 'foidesk demo'), or set DATABASE_URL", dataDir)
	}
	c := &pglocal.Cluster{Port: DefaultPostgresPort, User: "foidesk", Password: strings.TrimSpace(string(b))}
	return c.URL("foidesk"), nil
}
