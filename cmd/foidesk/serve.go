// foidesk serve: the dashboard, and Prometheus metrics.
//
// Other commands that run the dashboard in-process (dev, demo) call
//
//	startServe(ctx, cfg, st, tc, log) (addr string, stop func(), err error)
//
// with the configuration, an open store and a Temporal client (nil disables
// the review actions). It listens on cfg.HTTPAddr ("127.0.0.1:0" picks a
// free port) and returns the address it got; metrics are served on
// cfg.MetricsAddr when set, without authentication, else at /metrics on the
// dashboard behind its access control. stop (safe to call more than once)
// shuts both down gracefully; cancelling ctx does the same.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/internal/config"
	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/metrics"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/internal/web"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "run the dashboard (and /metrics) against PostgreSQL and Temporal",
		usage:   "",
		help: `Serve the data desk's dashboard on FOIDESK_HTTP_ADDR: campaigns, each
campaign's board, a force's timeline and documents, the review queue and the
dataset with charts and CSV/XLSX downloads. Needs DATABASE_URL; with
TEMPORAL_ADDRESS the review queue can approve, reject and remap documents.

Access: FOIDESK_AUTH_TOKEN (Authorization: Bearer, or ?token= once) or
FOIDESK_BASIC_AUTH (user:password); with neither, only requests from this
machine are answered. Prometheus metrics are at /metrics, on
FOIDESK_METRICS_ADDR without authentication when that is set, else on the
dashboard behind the same access. GET /healthz is always open.`,
		flags: func(fs *flag.FlagSet) {},
		run: func(ctx context.Context, a *app, args []string) error {
			if len(args) > 0 {
				return usageErrorf("serve takes no arguments")
			}
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if cfg.DatabaseURL == "" {
				return errors.New("DATABASE_URL must be set")
			}
			log := a.logger()
			st, _, err := waitForDependencies(ctx, cfg, log, false)
			if err != nil {
				return err
			}
			defer st.Close()
			var tc client.Client
			if cfg.TemporalAddress != "" {
				// The dashboard reads PostgreSQL; Temporal only carries its
				// actions, and the client connects lazily so that the
				// dashboard is up during a Temporal outage.
				if tc, err = engine.DialLazy(engine.Options{Address: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace,
					APIKey: cfg.TemporalAPIKey, TLS: cfg.TemporalTLS, Logger: log}); err != nil {
					return err
				}
				defer tc.Close()
			} else {
				log.Warn("TEMPORAL_ADDRESS is not set: the review queue is read-only")
			}
			addr, stop, err := startServe(ctx, cfg, st, tc, log)
			if err != nil {
				return err
			}
			defer stop()
			fmt.Fprintf(a.stdout, "dashboard on http://%s/\n", addr)
			<-ctx.Done()
			return nil
		},
	})
}

// startServe starts the dashboard (and the metrics listener, if
// cfg.MetricsAddr is set) and returns the dashboard's address and a func
// that stops both. See the top of this file.
func startServe(ctx context.Context, cfg *config.Config, st *store.Store, tc client.Client, log *slog.Logger) (addr string, stop func(), err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	httpAddr := cfg.HTTPAddr
	if httpAddr == "" {
		httpAddr = "127.0.0.1:8080"
	}
	if err := cfg.CheckDashboardListen(httpAddr); err != nil {
		return "", nil, err
	}
	opts := &web.Options{Store: st, TemporalUIURL: cfg.TemporalUIURL, Namespace: cfg.TemporalNamespace, TaskQueue: cfg.TemporalTaskQueue,
		AuthToken: cfg.AuthToken, TrustForwardedProto: cfg.TrustForwardedProto, Logger: log}
	if tc != nil {
		opts.Temporal = tc
	}
	if cfg.BasicAuthUser != "" {
		opts.BasicAuth = cfg.BasicAuthUser + ":" + cfg.BasicAuthPass
	}
	pop := dataset.DefaultPopulation()
	if cfg.PopulationFile != "" {
		pop, err = dataset.ReadPopulationFile(cfg.PopulationFile)
		if err != nil {
			return "", nil, fmt.Errorf("FOIDESK_POPULATION_FILE: %w", err)
		}
	}
	opts.Population = pop
	log.Info("dashboard: rates per 100,000 residents", slog.Int("areas", pop.Forces()),
		slog.String("year", pop.Year), slog.String("source", pop.Source))
	metricsHandler := metrics.HandlerWithLogger(st, log)
	if cfg.MetricsAddr == "" {
		opts.Metrics = metricsHandler
	}
	handler, err := web.New(opts)
	if err != nil {
		return "", nil, err
	}
	var servers []*http.Server
	listen := func(what, at string, h http.Handler) (string, error) {
		ln, err := net.Listen("tcp", at)
		if err != nil {
			return "", fmt.Errorf("%s: listen on %s: %w", what, at, err)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
			WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		servers = append(servers, srv)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error(what+" stopped", slog.Any("err", err))
			}
		}()
		return ln.Addr().String(), nil
	}
	var once sync.Once
	shutdown := func() {
		once.Do(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			for _, s := range servers {
				if err := s.Shutdown(sctx); err != nil {
					_ = s.Close()
				}
			}
		})
	}
	if addr, err = listen("dashboard", httpAddr, handler); err != nil {
		return "", nil, err
	}
	log.Info("dashboard listening", slog.String("url", "http://"+addr+"/"))
	if cfg.MetricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metricsHandler)
		maddr, err := listen("metrics", cfg.MetricsAddr, mux)
		if err != nil {
			shutdown()
			return "", nil, err
		}
		log.Info("metrics listening", slog.String("url", "http://"+maddr+"/metrics"))
	}
	detach := context.AfterFunc(ctx, shutdown)
	return addr, func() { detach(); shutdown() }, nil
}
