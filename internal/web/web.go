// Package web is foidesk's dashboard for the data desk: the campaigns, each
// campaign's board of forces and deadlines, a force's full timeline with
// its documents and extracted tables, the review queue, the triage of mail
// that matched no request, and the dataset — filtered, sorted and paged,
// with server-rendered SVG charts, rates, year-on-year changes, a printable
// summary and CSV/XLSX downloads — each figure linked to a view of the cell
// it came from.
//
// Pages are rendered on the server with html/template from embedded
// templates and one stylesheet; there is no script. Everything a force
// sends is untrusted and is escaped wherever it appears.
//
// Access: a bearer token (Authorization: Bearer, or ?token= once, which
// sets a cookie) or HTTP basic auth when either is configured; with neither,
// only requests from this machine (loopback address and host name) are
// answered. GET /healthz is always open. Forms carry a CSRF token tied to a
// cookie, and cross-origin POSTs are refused.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/store"
)

//go:embed templates/*.html static/*
var assets embed.FS

// WorkflowUpdater is the part of a Temporal client the dashboard uses: it
// sends operators' review decisions to DocumentWorkflows and their triage
// assignments to the InboxWorkflow. A
// go.temporal.io/sdk/client.Client satisfies it.
type WorkflowUpdater interface {
	UpdateWorkflow(ctx context.Context, options client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error)
}

// Options configure the dashboard. Store is required.
type Options struct {
	Store *store.Store
	// Temporal sends review decisions; nil disables the review actions
	// (the queue is still shown, with a note saying why).
	Temporal WorkflowUpdater
	// TemporalUIURL (e.g. http://127.0.0.1:8233) and Namespace make links
	// from a force's page to its workflow in the Temporal UI; empty
	// TemporalUIURL means no links.
	TemporalUIURL string
	Namespace     string
	// AuthToken, when set, is accepted as a bearer token, or once as
	// ?token=, which sets a session cookie.
	AuthToken string
	// BasicAuth, "user:password", when set, is accepted as HTTP basic auth.
	BasicAuth string
	// TrustForwardedProto believes "X-Forwarded-Proto: https" from a
	// TLS-terminating proxy in front, making cookies Secure.
	TrustForwardedProto bool
	// Metrics, when set, is served at /metrics behind the same access
	// control as the pages.
	Metrics http.Handler
	// Population, when set, gives rates per 100,000 residents of each
	// force's area on the data page and its printable summary.
	Population *dataset.Population
	// Logger receives errors and the startup note on access; nil discards.
	Logger *slog.Logger
	// Now is the clock (default time.Now); tests set it.
	Now func() time.Time
	// TaskQueue is the worker's task queue, where a reopened request's new
	// run goes (default "foidesk"). Reopening needs a Temporal client that
	// can start workflows (a go.temporal.io/sdk/client.Client can).
	TaskQueue string
	// UpdateTimeout bounds how long a review decision waits for the
	// workflow to accept it (default 20s).
	UpdateTimeout time.Duration
}

// server is the dashboard.
type server struct {
	st       *store.Store
	temporal WorkflowUpdater
	uiURL    string
	ns       string
	log      *slog.Logger
	now      func() time.Time
	cal      *calendar.Calendar
	auth     *access
	pages    map[string]*template.Template
	updateTO time.Duration
	// taskQueue is where a reopened request's run goes.
	taskQueue string
	pop       *dataset.Population
}

// New builds the dashboard's handler.
func New(opts *Options) (http.Handler, error) {
	if opts == nil || opts.Store == nil {
		return nil, errors.New("web: Options.Store is required")
	}
	s := &server{
		st: opts.Store, temporal: opts.Temporal, uiURL: strings.TrimRight(opts.TemporalUIURL, "/"),
		ns: opts.Namespace, log: opts.Logger, now: opts.Now, updateTO: opts.UpdateTimeout, taskQueue: opts.TaskQueue,
		pop: opts.Population,
	}
	if s.taskQueue == "" {
		s.taskQueue = "foidesk"
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.ns == "" {
		s.ns = "default"
	}
	if s.updateTO <= 0 {
		s.updateTO = 20 * time.Second
	}
	var err error
	if s.cal, err = calendar.New(&calendar.Options{AllowEstimate: true}); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if s.auth, err = newAccess(opts.AuthToken, opts.BasicAuth); err != nil {
		return nil, err
	}
	s.auth.trustProto = opts.TrustForwardedProto
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	switch {
	case s.auth.open():
		s.log.Warn("dashboard: no FOIDESK_AUTH_TOKEN or FOIDESK_BASIC_AUTH is set, so only requests from this machine (loopback) are allowed")
	default:
		s.log.Info("dashboard: access needs " + s.auth.describe())
	}
	if s.temporal == nil {
		s.log.Warn("dashboard: no Temporal client; review actions are disabled")
	}

	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, err
	}
	app := http.NewServeMux()
	app.HandleFunc("GET /{$}", s.handle(s.campaigns))
	app.HandleFunc("GET /campaigns/{slug}/{year}", s.handle(s.board))
	app.HandleFunc("GET /campaigns/{slug}/{year}/forces/{force}", s.handle(s.forcePage))
	app.HandleFunc("POST /campaigns/{slug}/{year}/forces/{force}", s.handle(s.forceAction))
	app.HandleFunc("GET /campaigns/{slug}/{year}/data", s.handle(s.datasetPage))
	app.HandleFunc("GET /campaigns/{slug}/{year}/data/summary", s.handle(s.dataSummary))
	app.HandleFunc("GET /campaigns/{slug}/{year}/data.csv", s.handle(s.downloadCSV))
	app.HandleFunc("GET /campaigns/{slug}/{year}/data.xlsx", s.handle(s.downloadXLSX))
	app.HandleFunc("GET /campaigns/{slug}/{year}/chart.svg", s.handle(s.chartSVG))
	app.HandleFunc("GET /documents/{id}", s.handle(s.document))
	app.HandleFunc("GET /documents/{id}/tables/{table}", s.handle(s.sourceView))
	app.HandleFunc("GET /documents/{id}/pages/{page}", s.handle(s.pagePNG))
	app.HandleFunc("GET /review", s.handle(s.reviewQueue))
	app.HandleFunc("POST /review/{id}", s.handle(s.reviewDecide))
	app.HandleFunc("GET /triage", s.handle(s.triage))
	app.HandleFunc("POST /triage/{id}", s.handle(s.triageAssign))
	app.HandleFunc("GET /kinds", s.handle(s.kinds))
	app.HandleFunc("POST /kinds/{id}", s.handle(s.kindDecide))
	if opts.Metrics != nil {
		app.Handle("GET /metrics", opts.Metrics)
	}
	app.HandleFunc("/", s.handle(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
	}))

	root := http.NewServeMux()
	root.HandleFunc("GET /healthz", s.healthz)
	root.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	root.Handle("/", s.auth.middleware(csrf.Handler(app)))
	return headers(root), nil
}

// headers sets the security headers every response carries.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// healthz answers 200 when the database does, 503 otherwise.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.st.Ping(ctx); err != nil {
		s.log.Warn("healthz: database unavailable", slog.Any("err", err))
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
		return
	}
	fmt.Fprintln(w, "ok")
}

// httpError is an error with the status and message a person should see.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

var errNotFound = &httpError{http.StatusNotFound, "Not found."}

func notFound(what string) error { return &httpError{http.StatusNotFound, what + " not found."} }

func badRequest(format string, a ...any) error {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

// handle adapts a handler that returns an error: a *httpError is shown
// as it is, anything else is logged and shown as a server error.
func (s *server) handle(fn func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil {
			return
		}
		var he *httpError
		if errors.Is(err, store.ErrNotFound) {
			he = errNotFound
		} else if !errors.As(err, &he) {
			if r.Context().Err() != nil {
				return // the client went away
			}
			s.log.Error("dashboard", slog.String("path", r.URL.Path), slog.Any("err", err))
			he = &httpError{http.StatusInternalServerError, "Something went wrong; the error is in the server's log."}
		}
		s.render(w, r, he.status, "error", &page{Title: http.StatusText(he.status), Message: he.msg})
	}
}
