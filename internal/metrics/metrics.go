// Package metrics exposes foidesk's own gauges to Prometheus: requests by
// state, overdue requests, the inbox's backlog and lag, extraction failures,
// the review queue, each mailbox's health, outbound sends that fail,
// complaint packs waiting to be sent and replies that never reached their
// request. Every value is read from the database when
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

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
)

// The series reported for every campaign and status, so that each has a
// value (a zero rather than a missing series): every request state, every
// status of a stored inbound message and every processing status of a
// request's document.
var (
	States           = foi.States()
	InboxStatuses    = foi.InboundStatuses()
	DocumentStatuses = foi.DocumentStatuses()
)

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
	descOutboundFailing = prometheus.NewDesc("foidesk_outbound_send_failing",
		"Outbound emails not sent whose last attempt failed (retrying with an error, or given up), by purpose.",
		[]string{"purpose"}, nil)
	descOutboundFailingAge = prometheus.NewDesc("foidesk_outbound_send_failing_oldest_seconds",
		"Age of the oldest outbound email not sent whose last attempt failed (0 when none).", nil, nil)
	descRegulatorDrafts = prometheus.NewDesc("foidesk_regulator_drafts_unsent",
		"Complaint packs for the regulator drafted and not sent: a person must send each.", nil, nil)
	descRegulatorDraftsAge = prometheus.NewDesc("foidesk_regulator_drafts_unsent_oldest_seconds",
		"Age of the oldest unsent complaint pack (0 when none).", nil, nil)
	descUndelivered = prometheus.NewDesc("foidesk_replies_undelivered",
		"Replies matched to a request more than 10 minutes ago that the request has not recorded: lost on the way to its workflow.", nil, nil)
	descUndeliveredAge = prometheus.NewDesc("foidesk_replies_undelivered_oldest_seconds",
		"Time since the oldest undelivered reply was matched (0 when none).", nil, nil)
)

// Purposes are the outbound purposes reported for every scrape.
var Purposes = foi.Purposes()

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
		descMailboxUp, descMailboxFailures, descMailboxLastSync, descOutboundFailing, descOutboundFailingAge,
		descRegulatorDrafts, descRegulatorDraftsAge, descUndelivered, descUndeliveredAge} {
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
			ch <- prometheus.MustNewConstMetric(descRequests, prometheus.GaugeValue, float64(cr.ByState[s]), cr.Slug, year, string(s))
		}
		ch <- prometheus.MustNewConstMetric(descOverdue, prometheus.GaugeValue, float64(cr.Overdue), cr.Slug, year)
	}
	for _, s := range InboxStatuses {
		ch <- prometheus.MustNewConstMetric(descInbox, prometheus.GaugeValue, float64(snap.Inbox[s]), string(s))
	}
	ch <- prometheus.MustNewConstMetric(descInboxLag, prometheus.GaugeValue, snap.InboxLag.Seconds())
	for _, s := range DocumentStatuses {
		ch <- prometheus.MustNewConstMetric(descDocuments, prometheus.GaugeValue, float64(snap.Documents[s]), string(s))
	}
	ch <- prometheus.MustNewConstMetric(descExtractFail, prometheus.GaugeValue, float64(snap.Documents[foi.DocFailed]))
	ch <- prometheus.MustNewConstMetric(descReview, prometheus.GaugeValue, float64(snap.ReviewOpen))
	ch <- prometheus.MustNewConstMetric(descReviewAge, prometheus.GaugeValue, snap.ReviewAge.Seconds())
	ch <- prometheus.MustNewConstMetric(descKinds, prometheus.GaugeValue, float64(snap.KindsOpen))
	ch <- prometheus.MustNewConstMetric(descKindsAge, prometheus.GaugeValue, snap.KindsAge.Seconds())
	for _, p := range Purposes {
		ch <- prometheus.MustNewConstMetric(descOutboundFailing, prometheus.GaugeValue, float64(snap.OutboundFailing[p]), string(p))
	}
	ch <- prometheus.MustNewConstMetric(descOutboundFailingAge, prometheus.GaugeValue, snap.OutboundFailingAge.Seconds())
	ch <- prometheus.MustNewConstMetric(descRegulatorDrafts, prometheus.GaugeValue, float64(snap.RegulatorDrafts))
	ch <- prometheus.MustNewConstMetric(descRegulatorDraftsAge, prometheus.GaugeValue, snap.RegulatorDraftsAge.Seconds())
	ch <- prometheus.MustNewConstMetric(descUndelivered, prometheus.GaugeValue, float64(snap.Undelivered))
	ch <- prometheus.MustNewConstMetric(descUndeliveredAge, prometheus.GaugeValue, snap.UndeliveredAge.Seconds())
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
type CampaignCounts = store.CampaignRequestCounts

// Snapshot is everything one scrape reports.
type Snapshot = store.MetricsSnapshot

// Read computes a snapshot in one read-only transaction, so its numbers
// agree with each other.
func Read(ctx context.Context, st *store.Store) (*Snapshot, error) {
	snap, err := st.MetricsSnapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return snap, nil
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
