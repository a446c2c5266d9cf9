package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/foidesk/foidesk/internal/devtemporal"
)

// runDev serves Temporal's development server until ctx ends.
func runDev(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("foidesk-temporal dev", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:7233", "frontend host:port (port 0: a free one)")
	ui := fs.String("ui", "127.0.0.1:8233", "Web UI host:port (empty: no UI)")
	dbFile := fs.String("db-file", "", "SQLite file for the server's state (empty: in memory)")
	ns := fs.String("namespace", "default", "namespace to register")
	level := fs.String("log-level", "warn", "server log level: debug, info, warn, error")
	format := fs.String("log-format", "text", "log format on stderr: text, or json (every record, "+
		"cancellations at shutdown included at DEBUG, for a parent process to filter)")
	_ = fs.Parse(args)
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	var h slog.Handler
	switch *format {
	case "text":
		h = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl})
	case "json":
		h = slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
	default:
		return fmt.Errorf("-log-format %q: want text or json", *format)
	}
	srv, err := devtemporal.Start(ctx, &devtemporal.Options{
		DatabaseFile: *dbFile, Addr: *addr, UIAddr: *ui, Namespace: *ns, Logger: slog.New(h), LogLevel: lvl,
	})
	if err != nil {
		return err
	}
	if srv.UIURL != "" {
		fmt.Printf("temporal UI on %s\n", srv.UIURL)
	}
	// The last line of the start: the server answers, its namespace ready.
	fmt.Printf("temporal serving on %s\n", srv.Addr)
	<-ctx.Done()
	srv.Stop()
	return nil
}
