package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/internal/config"
	"github.com/foidesk/foidesk/internal/devstack"
	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/metrics"
	"github.com/foidesk/foidesk/internal/store"
)

func init() {
	register(&command{
		name:    "dev",
		summary: "run PostgreSQL, Temporal (with its Web UI), the worker and the dashboard on this machine",
		usage:   "",
		help: `Start everything foidesk needs on this machine, with one command:
  - PostgreSQL from the system's binaries, data in $FOIDESK_DATA_DIR/pg
    (or the server at DATABASE_URL), migrated to the current schema;
  - Temporal's development server persisting to $FOIDESK_DATA_DIR/temporal.db,
    its Web UI on FOIDESK_TEMPORAL_UI_ADDR (or the server at TEMPORAL_ADDRESS),
    with foidesk's search attributes registered. It is the foidesk-temporal
    binary ('make build' builds it beside foidesk), found through
    $FOIDESK_TEMPORAL_BIN, beside this executable, or on PATH;
  - the worker, and the dashboard on FOIDESK_HTTP_ADDR, in this process.
PostgreSQL and Temporal run as child processes that end with this one.
Ctrl-C stops everything; the next start reuses the data.`,
		flags: func(fs *flag.FlagSet) {},
		run: func(ctx context.Context, a *app, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			stack, err := startDev(ctx, a, cfg, devstack.Options{})
			if err != nil {
				return err
			}
			defer stack.stop()
			fmt.Fprintln(a.stdout, "foidesk dev is running (Ctrl-C to stop):")
			stack.print(a)
			<-ctx.Done()
			fmt.Fprintln(a.stdout, "stopping…")
			return nil
		},
	})
}

// devRun is a running dev stack with its worker.
type devRun struct {
	stack  *devstack.Stack
	store  *store.Store
	client client.Client
	cfg    *config.Config
	stop   func()
	// httpAddr is where the dashboard listens.
	httpAddr string
}

// startDev starts the local stack for cfg (ports and the like from so, the
// rest from cfg), migrates, and runs the worker. cfg is updated with the
// addresses the stack chose.
func startDev(ctx context.Context, a *app, cfg *config.Config, so devstack.Options) (*devRun, error) {
	log := a.logger()
	so.DataDir, so.DatabaseURL, so.TemporalAddress = cfg.DataDir, cfg.DatabaseURL, cfg.TemporalAddress
	so.Namespace, so.Logger = cfg.TemporalNamespace, log
	if so.UIAddr == "" {
		so.UIAddr = cfg.TemporalUIAddr
	}
	stack, err := devstack.Start(ctx, so)
	if err != nil {
		return nil, err
	}
	cleanup := []func(){func() { _ = stack.Stop() }}
	stop := func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}
	fail := func(err error) (*devRun, error) { stop(); return nil, err }

	st, err := store.Open(ctx, stack.DatabaseURL, nil)
	if err != nil {
		return fail(err)
	}
	cleanup = append(cleanup, st.Close)
	applied, err := st.Migrate(ctx)
	if err != nil {
		return fail(err)
	}
	for _, m := range applied {
		log.Info("applied migration", slog.String("name", m))
	}
	tc, err := engine.Dial(ctx, engine.Options{Address: stack.TemporalAddress, Namespace: cfg.TemporalNamespace,
		APIKey: cfg.TemporalAPIKey, TLS: cfg.TemporalTLS, Logger: log, MetricsHandler: metrics.DefaultSDK()})
	if err != nil {
		return fail(err)
	}
	cleanup = append(cleanup, tc.Close)
	if stack.Temporal == nil {
		if added, err := engine.EnsureSearchAttributes(ctx, tc, cfg.TemporalNamespace); err != nil {
			return fail(err)
		} else if len(added) > 0 {
			log.Info("registered search attributes", slog.Any("names", added))
		}
	}
	w, err := startWorker(ctx, cfg, st, tc, log)
	if err != nil {
		return fail(err)
	}
	cleanup = append(cleanup, w.Stop)
	cfg.DatabaseURL, cfg.TemporalAddress = stack.DatabaseURL, stack.TemporalAddress
	if cfg.TemporalUIURL == "" {
		cfg.TemporalUIURL = stack.TemporalUIURL
	}
	httpAddr, stopServe, err := startServe(ctx, cfg, st, tc, log)
	if err != nil {
		return fail(fmt.Errorf("dashboard: %w", err))
	}
	cleanup = append(cleanup, stopServe)
	return &devRun{stack: stack, store: st, client: tc, cfg: cfg, stop: stop, httpAddr: httpAddr}, nil
}

func (d *devRun) print(a *app) {
	cfg := d.cfg
	fmt.Fprintf(a.stdout, "  PostgreSQL   %s\n", config.MaskURL(d.stack.DatabaseURL))
	fmt.Fprintf(a.stdout, "  Temporal     %s (namespace %s)\n", d.stack.TemporalAddress, cfg.TemporalNamespace)
	if d.stack.TemporalUIURL != "" {
		fmt.Fprintf(a.stdout, "  Temporal UI  %s\n", d.stack.TemporalUIURL)
	}
	fmt.Fprintf(a.stdout, "  Worker       task queue %s\n", cfg.TemporalTaskQueue)
	fmt.Fprintf(a.stdout, "  Dashboard    http://%s\n", d.httpAddr)
}
