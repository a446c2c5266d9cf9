// Package metrics exposes foidesk's own gauges to Prometheus: requests by
// state, overdue requests, the inbox's backlog and lag, extraction failures
// and the review queue. Every value is read from the database when
// Prometheus scrapes, so any number of dashboards and workers can run
// without agreeing on who counts.
package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/foidesk/foidesk/internal/store"
)

// States lists every request state, so each campaign reports all of them
// (a zero rather than a missing series).
var States = []string{"draft", "sent", "acknowledged", "awaiting_clarification", "extended", "overdue",
	"chased", "internal_review", "regulator", "answered", "partially_answered", "refused", "not_held",
	"withdrawn", "data_loaded"}

// InboxStatuses lists the statuses of a stored inbound message.
var InboxStatuses = []string{"stored", "matched", "triage", "ignored", "failed"}

// DocumentStatuses lists the processing statuses of a request's document.
var DocumentStatuses = []string{"pending", "extracted", "review", "loaded", "rejected", "no_tables", "failed", "superseded"}

// overdueStates are the states a request is put in once its due date has
// passed without an answer.
var overdueStates = []string{"overdue", "chased", "internal_review", "regulator"}

// ScrapeTimeout bounds the queries one scrape runs.
const ScrapeTimeout = 10 * time.Second

var (
	descUp = prometheus.NewDesc("foidesk_database_up",
		"1 if the last scrape could read the database, else 0 (and the other foidesk_ gauges are absent).", nil, nil)
	descScrape = prometheus.NewDesc("foidesk_scrape_duration_seconds",
		"Time the database queries of this scrape took.", nil, nil)
	descRequests = prometheus.NewDesc("foidesk_requests",
		"Requests of each campaign run, by state.", []string{"campaign", "year", "state"}, nil)
	descOverdue = prometheus.NewDesc("foidesk_requests_overdue",
		"Requests past their statutory due date without an answer (in an overdue, chased, internal_review or regulator state, or unanswered with a due date before today).",
		[]string{"campaign", "year"}, nil)
	descInbox = prometheus.NewDesc("foidesk_inbox_messages",
		"Stored inbound messages by status: stored (waiting to be processed), matched, triage (waiting for a person), ignored, failed.",
		[]string{"status"}, nil)
	descInboxLag = prometheus.NewDesc("foidesk_inbox_lag_seconds",
		"Age of the oldest stored message not yet processed (0 when none waits).", nil, nil)
	descDocuments = prometheus.NewDesc("foidesk_documents",
		"Documents being processed for requests, by status.", []string{"status"}, nil)
	descExtractFail = prometheus.NewDesc("foidesk_extraction_failures",
		"Documents whose processing failed (status failed).", nil, nil)
	descReview = prometheus.NewDesc("foidesk_review_queue_length",
		"Tables waiting in the review queue.", nil, nil)
	descReviewAge = prometheus.NewDesc("foidesk_review_oldest_seconds",
		"Age of the oldest open review item (0 when the queue is empty).", nil, nil)
	descKinds = prometheus.NewDesc("foidesk_replies_to_check",
		"Replies whose kind waits for a person; their requests do not move, nor are they chased, until then.", nil, nil)
	descKindsAge = prometheus.NewDesc("foidesk_replies_to_check_oldest_seconds",
		"Age of the oldest reply whose kind waits for a person (0 when none waits).", nil, nil)
	descMailboxUp = prometheus.NewDesc("foidesk_mailbox_up",
		"1 if the mailbox's last sync succeeded, 0 if it failed (a wrong password, the IMAP server down): replies are not coming in.",
		[]string{"mailbox"}, nil)
	descMailboxFailures = prometheus.NewDesc("foidesk_mailbox_sync_failures",
		"Syncs of the mailbox failed in a row since its last success.", []string{"mailbox"}, nil)
	descMailboxLastSync = prometheus.NewDesc("foidesk_mailbox_last_success_timestamp_seconds",
		"Unix time of the mailbox's last successful sync (absent before the first).", []string{"mailbox"}, nil)
)

// Collector computes foidesk's gauges from the database on every scrape.
type Collector struct {
	st  *store.Store
	log *slog.Logger
}

// NewCollector returns a collector reading st. log may be nil.
func NewCollector(st *store.Store, log *slog.Logger) *Collector {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Collector{st: st, log: log}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descUp, descScrape, descRequests, descOverdue, descInbox, descInboxLag,
		descDocuments, descExtractFail, descReview, descReviewAge, descKinds, descKindsAge,
		descMailboxUp, descMailboxFailures, descMailboxLastSync} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A database that does not answer
// is reported as foidesk_database_up 0 rather than failing the scrape.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), ScrapeTimeout)
	defer cancel()
	start := time.Now()
	snap, err := Read(ctx, c.st)
	ch <- prometheus.MustNewConstMetric(descScrape, prometheus.GaugeValue, time.Since(start).Seconds())
	if err != nil {
		c.log.Warn("metrics: database not readable", slog.Any("err", err))
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 1)
	for _, cr := range snap.Campaigns {
		year := strconv.Itoa(cr.Year)
		for _, s := range States {
			ch <- prometheus.MustNewConstMetric(descRequests, prometheus.GaugeValue, float64(cr.ByState[s]), cr.Slug, year, s)
		}
		ch <- prometheus.MustNewConstMetric(descOverdue, prometheus.GaugeValue, float64(cr.Overdue), cr.Slug, year)
	}
	for _, s := range InboxStatuses {
		ch <- prometheus.MustNewConstMetric(descInbox, prometheus.GaugeValue, float64(snap.Inbox[s]), s)
	}
	ch <- prometheus.MustNewConstMetric(descInboxLag, prometheus.GaugeValue, snap.InboxLag.Seconds())
	for _, s := range DocumentStatuses {
		ch <- prometheus.MustNewConstMetric(descDocuments, prometheus.GaugeValue, float64(snap.Documents[s]), s)
	}
	ch <- prometheus.MustNewConstMetric(descExtractFail, prometheus.GaugeValue, float64(snap.Documents["failed"]))
	ch <- prometheus.MustNewConstMetric(descReview, prometheus.GaugeValue, float64(snap.ReviewOpen))
	ch <- prometheus.MustNewConstMetric(descReviewAge, prometheus.GaugeValue, snap.ReviewAge.Seconds())
	ch <- prometheus.MustNewConstMetric(descKinds, prometheus.GaugeValue, float64(snap.KindsOpen))
	ch <- prometheus.MustNewConstMetric(descKindsAge, prometheus.GaugeValue, snap.KindsAge.Seconds())
	for _, h := range snap.Mailboxes {
		up := 1.0
		if h.Failing() {
			up = 0
		}
		ch <- prometheus.MustNewConstMetric(descMailboxUp, prometheus.GaugeValue, up, h.Mailbox)
		ch <- prometheus.MustNewConstMetric(descMailboxFailures, prometheus.GaugeValue, float64(h.ConsecutiveFailures), h.Mailbox)
		if h.LastSuccessAt != nil {
			ch <- prometheus.MustNewConstMetric(descMailboxLastSync, prometheus.GaugeValue,
				float64(h.LastSuccessAt.UnixNano())/1e9, h.Mailbox)
		}
	}
}

// CampaignCounts is one campaign run's requests.
type CampaignCounts struct {
	Slug    string
	Year    int
	ByState map[string]int
	Overdue int
}

// Snapshot is everything one scrape reports.
type Snapshot struct {
	Campaigns  []CampaignCounts
	Inbox      map[string]int // by status
	InboxLag   time.Duration  // age of the oldest unprocessed message
	Documents  map[string]int // request documents by status
	ReviewOpen int
	ReviewAge  time.Duration // age of the oldest open review item
	KindsOpen  int           // replies whose kind waits for a person
	KindsAge   time.Duration // age of the oldest of them
	Mailboxes  []store.MailboxHealth
}

// Read computes a snapshot in one read-only transaction, so its numbers
// agree with each other.
func Read(ctx context.Context, st *store.Store) (*Snapshot, error) {
	tx, err := st.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	if _, err := tx.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	snap := &Snapshot{Inbox: map[string]int{}, Documents: map[string]int{}}

	rows, err := tx.Query(ctx, `SELECT c.slug, c.year, r.state, count(r.id),
			count(r.id) FILTER (WHERE r.state = ANY($1)
				OR (r.due_on < (now() AT TIME ZONE 'Europe/London')::date AND NOT (r.state = ANY($2)) AND r.state <> 'draft'))
		FROM campaigns c LEFT JOIN requests r ON r.campaign_id = c.id
		GROUP BY c.slug, c.year, r.state ORDER BY c.slug, c.year`, overdueStates, store.FinalStates)
	if err != nil {
		return nil, fmt.Errorf("metrics: requests: %w", err)
	}
	for rows.Next() {
		var slug string
		var year int
		var state *string
		var n, overdue int
		if err := rows.Scan(&slug, &year, &state, &n, &overdue); err != nil {
			rows.Close()
			return nil, fmt.Errorf("metrics: requests: %w", err)
		}
		if k := len(snap.Campaigns); k == 0 || snap.Campaigns[k-1].Slug != slug || snap.Campaigns[k-1].Year != year {
			snap.Campaigns = append(snap.Campaigns, CampaignCounts{Slug: slug, Year: year, ByState: map[string]int{}})
		}
		cur := &snap.Campaigns[len(snap.Campaigns)-1]
		if state != nil {
			cur.ByState[*state] += n
		}
		cur.Overdue += overdue
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: requests: %w", err)
	}

	if err := countBy(ctx, tx, `SELECT status, count(*) FROM inbound_messages GROUP BY status`, snap.Inbox); err != nil {
		return nil, fmt.Errorf("metrics: inbox: %w", err)
	}
	if err := countBy(ctx, tx, `SELECT status, count(*) FROM request_documents GROUP BY status`, snap.Documents); err != nil {
		return nil, fmt.Errorf("metrics: documents: %w", err)
	}
	var inboxLag, reviewAge, kindsAge float64
	err = tx.QueryRow(ctx, `SELECT
			coalesce((SELECT extract(epoch FROM now() - min(stored_at)) FROM inbound_messages WHERE status = 'stored'), 0)::float8,
			(SELECT count(*) FROM review_items WHERE status = 'open'),
			coalesce((SELECT extract(epoch FROM now() - min(created_at)) FROM review_items WHERE status = 'open'), 0)::float8,
			(SELECT count(*) FROM reply_reviews WHERE status = 'open'),
			coalesce((SELECT extract(epoch FROM now() - min(created_at)) FROM reply_reviews WHERE status = 'open'), 0)::float8`).
		Scan(&inboxLag, &snap.ReviewOpen, &reviewAge, &snap.KindsOpen, &kindsAge)
	if err != nil {
		return nil, fmt.Errorf("metrics: lag: %w", err)
	}
	snap.InboxLag = seconds(inboxLag)
	snap.ReviewAge = seconds(reviewAge)
	snap.KindsAge = seconds(kindsAge)
	if snap.Mailboxes, err = st.MailboxHealths(ctx); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return snap, nil
}

// countBy adds the (key, count) rows of query to into.
func countBy(ctx context.Context, tx pgx.Tx, query string, into map[string]int) error {
	rows, err := tx.Query(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		into[k] += n
	}
	return rows.Err()
}

func seconds(s float64) time.Duration {
	if s < 0 {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}

// Handler serves the gauges, with the Go runtime's and the process's, in
// Prometheus's exposition format.
func Handler(st *store.Store) http.Handler {
	return HandlerWithLogger(st, nil)
}

// HandlerWithLogger is Handler logging unreadable databases to log.
func HandlerWithLogger(st *store.Store, log *slog.Logger) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewCollector(st, log),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// The Temporal SDK's metrics, when this process runs a worker.
	gather := prometheus.Gatherers{reg, SDKRegistry}
	return promhttp.HandlerFor(gather, promhttp.HandlerOpts{
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
		Timeout:             ScrapeTimeout + 5*time.Second,
	})
}
