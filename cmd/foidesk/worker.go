package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	enumspb "go.temporal.io/api/enums/v1"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/await"
	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/config"
	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/foi"
	fmail "github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/metrics"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

func init() {
	register(&command{
		name:    "worker",
		summary: "run the Temporal worker against an existing Temporal and PostgreSQL",
		usage:   "",
		help: `Run foidesk's workflows and activities. Needs DATABASE_URL and
TEMPORAL_ADDRESS; refuses to start against an out-of-date schema (run
'foidesk migrate' first). Workers are stateless: run as many as you like.`,
		flags: func(fs *flag.FlagSet) {},
		run: func(ctx context.Context, a *app, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if cfg.DatabaseURL == "" || cfg.TemporalAddress == "" {
				return errors.New("DATABASE_URL and TEMPORAL_ADDRESS must be set (or use 'foidesk dev')")
			}
			st, tc, err := waitForDependencies(ctx, cfg, a.logger(), true)
			if err != nil {
				return err
			}
			defer st.Close()
			defer tc.Close()
			w, err := startWorker(ctx, cfg, st, tc, a.logger())
			if err != nil {
				return err
			}
			if cfg.MetricsAddr != "" {
				srv := &http.Server{Addr: cfg.MetricsAddr, Handler: metrics.HandlerWithLogger(st, a.logger()),
					ReadHeaderTimeout: 10 * time.Second}
				go func() {
					if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
						a.logger().Error("metrics endpoint", slog.Any("err", err))
					}
				}()
				defer srv.Close()
				a.logger().Info("metrics", slog.String("addr", "http://"+cfg.MetricsAddr+"/metrics"))
			}
			a.logger().Info("worker running", slog.String("task_queue", cfg.TemporalTaskQueue))
			<-ctx.Done()
			w.Stop()
			return nil
		},
	})
}

// dependencyWait is the backoff of waitForDependencies (tests shorten it).
var dependencyWait = await.Options{}

// waitForDependencies connects to PostgreSQL, checks that its schema is up
// to date and, when withTemporal is set, connects to Temporal, waiting with
// backoff through outages: a process started while a dependency is down (or
// before 'foidesk migrate' has run) logs what it waits for and carries on
// when it answers, instead of exiting. A malformed DATABASE_URL is an error
// at once.
func waitForDependencies(ctx context.Context, cfg *config.Config, log *slog.Logger, withTemporal bool) (*store.Store, client.Client, error) {
	opts := dependencyWait
	opts.Logger = log
	var st *store.Store
	err := await.Until(ctx, "PostgreSQL", &opts, func(ctx context.Context) error {
		var err error
		st, err = store.Open(ctx, cfg.DatabaseURL, nil)
		if errors.Is(err, store.ErrBadURL) {
			return await.Permanent(err)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if err := await.Until(ctx, "the database schema", &opts, st.CheckSchema); err != nil {
		st.Close()
		return nil, nil, err
	}
	if !withTemporal {
		return st, nil, nil
	}
	var tc client.Client
	err = await.Until(ctx, "Temporal", &opts, func(ctx context.Context) error {
		var err error
		tc, err = engine.Dial(ctx, engine.Options{Address: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace,
			APIKey: cfg.TemporalAPIKey, TLS: cfg.TemporalTLS, Logger: log, MetricsHandler: metrics.DefaultSDK()})
		return err
	})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, tc, nil
}

// startWorker checks the schema, builds the activities from the
// configuration and starts a worker polling the task queue.
func startWorker(ctx context.Context, cfg *config.Config, st *store.Store, tc client.Client, log *slog.Logger) (worker.Worker, error) {
	if err := st.CheckSchema(ctx); err != nil {
		return nil, err
	}
	if err := checkSearchAttributes(ctx, cfg, tc, log); err != nil {
		return nil, err
	}
	acts, err := newActivities(cfg, st, log)
	if err != nil {
		return nil, err
	}
	// Every activity heartbeats (the workflows set heartbeat timeouts):
	// work cut off by a crashed worker is taken up again within seconds.
	w := worker.New(tc, cfg.TemporalTaskQueue, worker.Options{
		Interceptors: []interceptor.WorkerInterceptor{activities.HeartbeatInterceptor()}})
	workflows.Register(w)
	w.RegisterActivity(acts)
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("start worker: %w", err)
	}
	// A Temporal server that has just started answers before its
	// namespaces are loaded: wait for the inbox to start as for the rest.
	opts := dependencyWait
	opts.Logger = log
	if err := await.Until(ctx, "the inbox workflow", &opts, func(ctx context.Context) error {
		return startInbox(ctx, cfg, tc, log)
	}); err != nil {
		w.Stop()
		return nil, err
	}
	return w, nil
}

// checkSearchAttributes makes sure the namespace has the search
// attributes foidesk's workflows set: on a namespace lacking one (added by
// a newer foidesk, before 'foidesk setup' ran) every workflow task setting
// it would fail, and the requests would stall. What is missing is
// registered; a worker that may not register it refuses to start. A
// cluster that does not let the worker list them is trusted, with a
// warning.
func checkSearchAttributes(ctx context.Context, cfg *config.Config, tc client.Client, log *slog.Logger) error {
	missing, err := engine.MissingSearchAttributes(ctx, tc, cfg.TemporalNamespace)
	if err != nil {
		log.Warn("could not check the namespace's search attributes; 'foidesk setup' registers them", slog.Any("err", err))
		return nil
	}
	if len(missing) == 0 {
		return nil
	}
	added, err := engine.EnsureSearchAttributes(ctx, tc, cfg.TemporalNamespace)
	if err == nil {
		log.Info("registered search attributes", slog.Any("names", added))
		return nil
	}
	// Just registered elsewhere ('foidesk setup', the server as it
	// starts), an attribute can be missing from the list for the seconds
	// the server takes to reload the namespace.
	for range searchAttributeWait {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
		if still, lerr := engine.MissingSearchAttributes(ctx, tc, cfg.TemporalNamespace); lerr == nil && len(still) == 0 {
			return nil
		}
	}
	return fmt.Errorf("namespace %s lacks the search attributes %s that foidesk's workflows set, and they could not be registered (%v): run 'foidesk setup' or deploy/search-attributes.sh first",
		cfg.TemporalNamespace, strings.Join(missing, ", "), err)
}

// searchAttributeWait is how many seconds checkSearchAttributes waits for
// an attribute registered elsewhere to show.
const searchAttributeWait = 30

func newActivities(cfg *config.Config, st *store.Store, log *slog.Logger) (*activities.Activities, error) {
	cal, err := calendar.New(nil)
	if err != nil {
		return nil, err
	}
	a := &activities.Activities{
		Store:           st,
		Calendar:        cal,
		From:            mail.Address{Name: cfg.FromName, Address: cfg.FromAddress},
		MessageIDDomain: cfg.MessageIDDomain,
		MaxDocuments:    cfg.WorkerDocuments,
		Logger:          log,
	}
	if cfg.SMTP.Addr != "" {
		a.SMTP = &fmail.SMTPOptions{Addr: cfg.SMTP.Addr, Username: cfg.SMTP.Username, Password: cfg.SMTP.Password, Timeout: cfg.SMTP.Timeout,
			TLS: string(cfg.SMTP.TLS)}
	}
	if cfg.IMAP.Addr != "" {
		a.Inbox = &activities.Inbox{IMAP: &fmail.IMAPOptions{Addr: cfg.IMAP.Addr, Username: cfg.IMAP.Username,
			Password: cfg.IMAP.Password, Mailbox: cfg.IMAP.Mailbox, TLS: string(cfg.IMAP.TLS),
			ProcessedFolder: cfg.IMAP.ProcessedFolder, Logger: log}}
	}
	return a, nil
}

// startInbox makes sure the mailbox's InboxWorkflow runs; one already
// running (started by another worker) is left alone.
func startInbox(ctx context.Context, cfg *config.Config, tc client.Client, log *slog.Logger) error {
	if cfg.IMAP.Addr == "" {
		log.Info("inbox disabled: FOIDESK_IMAP_ADDR is not set")
		return nil
	}
	id := foi.InboxWorkflowID(cfg.IMAP.Mailbox)
	_, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: cfg.TemporalTaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.InboxWorkflow, workflows.InboxInput{Mailbox: cfg.IMAP.Mailbox, Poll: cfg.IMAP.PollInterval})
	if err != nil {
		return fmt.Errorf("start %s: %w", id, err)
	}
	log.Info("inbox running", slog.String("workflow_id", id), slog.String("imap", cfg.IMAP.Addr))
	return nil
}
