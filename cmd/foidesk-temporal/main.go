// Command foidesk-temporal runs a Temporal server that persists to
// PostgreSQL, with foidesk's namespace and search attributes: the
// production topology on one machine, as the fault-injection suite runs it.
// In production, run Temporal's own server or Temporal Cloud instead.
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
	addr := flag.String("addr", "127.0.0.1:7233", "frontend host:port")
	db := flag.String("db", "temporal", "database name (and name_visibility)")
	ns := flag.String("namespace", "default", "namespace to register")
	level := flag.String("log-level", "warn", "server log level: debug, info, warn, error")
	flag.Parse()
	pg := os.Getenv("FOIDESK_TEMPORAL_PG")
	if pg == "" {
		fmt.Fprintln(os.Stderr, "foidesk-temporal: FOIDESK_TEMPORAL_PG (PostgreSQL host:port) must be set")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := pgtemporal.Start(ctx, &pgtemporal.Options{
		PostgresAddr: pg, User: os.Getenv("FOIDESK_TEMPORAL_PG_USER"), Password: os.Getenv("FOIDESK_TEMPORAL_PG_PASSWORD"),
		Database: *db, Addr: *addr, Namespace: *ns, LogLevel: *level,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "foidesk-temporal:", err)
		os.Exit(1)
	}
	fmt.Printf("temporal serving on %s\n", srv.Addr)
	<-ctx.Done()
	if err := srv.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "foidesk-temporal: stop:", err)
		os.Exit(1)
	}
}
