// Command foidesk-temporal runs a Temporal server with foidesk's namespace
// and search attributes, in one of two modes.
//
// 'foidesk-temporal dev' runs Temporal's development server, state in a
// SQLite file (or memory), with its Web UI: what 'foidesk dev', 'foidesk
// demo' and the tests start as a child process (see internal/devstack),
// so that foidesk itself does not link the Temporal server.
//
//	foidesk-temporal dev -addr 127.0.0.1:7233 -ui 127.0.0.1:8233 -db-file .foidesk/temporal.db
//
// It prints "temporal serving on ADDR" once the server answers and its
// namespace is ready, and stops cleanly on SIGINT or SIGTERM.
//
// Without "dev" it runs a Temporal server that persists to PostgreSQL: the
// production topology on one machine, as the fault-injection suite runs
// it. In production, run Temporal's own server or Temporal Cloud instead.
//
//	FOIDESK_TEMPORAL_PG=127.0.0.1:5432 FOIDESK_TEMPORAL_PG_USER=foidesk \
//	FOIDESK_TEMPORAL_PG_PASSWORD=… foidesk-temporal -addr 127.0.0.1:7233
//
// It uses the databases "temporal" and "temporal_visibility" (created
// beforehand), setting up their tables on first start. The frontend is on
// -addr; the internal services take the next four ports.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/foidesk/foidesk/internal/pgtemporal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "dev" {
		err = runDev(ctx, os.Args[2:])
	} else {
		err = runPostgres(ctx, os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "foidesk-temporal:", err)
		os.Exit(1)
	}
}

// runPostgres serves Temporal persisting to PostgreSQL until ctx ends.
func runPostgres(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("foidesk-temporal", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:7233", "frontend host:port")
	db := fs.String("db", "temporal", "database name (and name_visibility)")
	ns := fs.String("namespace", "default", "namespace to register")
	level := fs.String("log-level", "warn", "server log level: debug, info, warn, error")
	_ = fs.Parse(args)
	pg := os.Getenv("FOIDESK_TEMPORAL_PG")
	if pg == "" {
		fmt.Fprintln(os.Stderr, "foidesk-temporal: FOIDESK_TEMPORAL_PG (PostgreSQL host:port) must be set")
		os.Exit(2)
	}
	srv, err := pgtemporal.Start(ctx, &pgtemporal.Options{
		PostgresAddr: pg, User: os.Getenv("FOIDESK_TEMPORAL_PG_USER"), Password: os.Getenv("FOIDESK_TEMPORAL_PG_PASSWORD"),
		Database: *db, Addr: *addr, Namespace: *ns, LogLevel: *level,
	})
	if err != nil {
		return err
	}
	fmt.Printf("temporal serving on %s\n", srv.Addr)
	<-ctx.Done()
	if err := srv.Stop(); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	return nil
}
