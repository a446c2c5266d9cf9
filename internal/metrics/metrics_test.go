package metrics_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/metrics"
	"github.com/foidesk/foidesk/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func exec(t *testing.T, st *store.Store, sql string, args ...any) {
	t.Helper()
	if _, err := dbtest.SQL(t, st).Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// seed makes a campaign of four requests — one sent and not yet due, one
// chased, one sent and past its due date (the workflow's timer not yet
// fired), one answered — and an inbox and review queue with work waiting.
func seed(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	var forces []store.Force
	var reqs []store.NewRequest
	for _, s := range []string{"durham", "kent", "essex", "dorset"} {
		forces = append(forces, store.Force{Slug: s, Name: s, ShortName: s, Category: "territorial", Regime: "foia", Domains: []string{}})
		reqs = append(reqs, store.NewRequest{ForceSlug: s, WorkflowID: "request/cro/2025/" + s, Token: "cro-2025/" + s})
	}
	if err := st.UpsertForces(ctx, forces); err != nil {
		t.Fatal(err)
	}
	_, ids, err := st.CreateCampaign(ctx, store.Campaign{Slug: "cro", Year: 2025, Title: "CRO", Spec: []byte(`{}`),
		WorkflowID: "campaign/cro/2025"}, reqs)
	if err != nil {
		t.Fatal(err)
	}
	exec(t, st, `UPDATE requests SET state = 'sent', due_on = current_date + 10 WHERE id = $1`, ids["durham"])
	exec(t, st, `UPDATE requests SET state = 'chased', due_on = current_date - 30 WHERE id = $1`, ids["kent"])
	exec(t, st, `UPDATE requests SET state = 'acknowledged', due_on = current_date - 3 WHERE id = $1`, ids["essex"])
	exec(t, st, `UPDATE requests SET state = 'answered', due_on = current_date - 3 WHERE id = $1`, ids["dorset"])

	// Inbox: two waiting (the oldest an hour old), one in triage, one matched.
	for i, m := range []struct{ status, age string }{
		{"stored", "1 hour"}, {"stored", "5 minutes"}, {"triage", "2 days"}, {"matched", "3 days"},
	} {
		exec(t, st, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw, status, stored_at)
			VALUES ('INBOX', 1, $1, sha256($2::bytea), $2::bytea, $3, now() - $4::interval)`,
			i+1, []byte{byte(i)}, m.status, m.age)
	}
	// Documents: one failed, one in review with an open review item.
	var doc1, doc2 int64
	if err := dbtest.SQL(t, st).QueryRow(ctx, `INSERT INTO documents (sha256, filename, content_type, size, data)
		VALUES (sha256('a'::bytea), 'a.pdf', 'application/pdf', 1, 'a') RETURNING id`).Scan(&doc1); err != nil {
		t.Fatal(err)
	}
	if err := dbtest.SQL(t, st).QueryRow(ctx, `INSERT INTO documents (sha256, filename, content_type, size, data)
		VALUES (sha256('b'::bytea), 'b.xlsx', 'application/vnd.ms-excel', 1, 'b') RETURNING id`).Scan(&doc2); err != nil {
		t.Fatal(err)
	}
	exec(t, st, `INSERT INTO request_documents (request_id, document_id, workflow_id, status) VALUES ($1, $2, 'document/1', 'failed')`,
		ids["dorset"], doc1)
	exec(t, st, `INSERT INTO request_documents (request_id, document_id, workflow_id, status) VALUES ($1, $2, 'document/2', 'review')`,
		ids["dorset"], doc2)
	if _, err := st.OpenReview(ctx, store.ReviewItem{RequestID: ids["dorset"], DocumentID: doc2, TableIndex: 1,
		WorkflowID: "document/2", Reasons: []string{"low confidence"}}); err != nil {
		t.Fatal(err)
	}
	exec(t, st, `UPDATE review_items SET created_at = now() - interval '2 hours'`)
	// A reply whose kind waits for a person: the triaged message, matched to Essex.
	exec(t, st, `INSERT INTO reply_reviews (request_id, inbound_id, proposed_kind, confidence, reason, created_at)
		SELECT $1, id, 'other', 0.1, 'no kind fits', now() - interval '3 hours' FROM inbound_messages WHERE status = 'triage'`, ids["essex"])
}

func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("exposition does not parse: %v", err)
	}
	return fams
}

// value returns the gauge of family name whose labels include want.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no metric %s", name)
	}
	if f.GetType() != dto.MetricType_GAUGE {
		t.Errorf("%s is a %s, want a gauge", name, f.GetType())
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		return m.GetGauge().GetValue()
	}
	t.Fatalf("no %s with labels %v", name, want)
	return 0
}

func TestHandlerReportsTheDatabase(t *testing.T) {
	st := dbtest.DB(t)
	seed(t, st)
	fams := scrape(t, metrics.Handler(st))

	cro := map[string]string{"campaign": "cro", "year": "2025"}
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for a, b := range cro {
			m[a] = b
		}
		return m
	}
	for state, want := range map[string]float64{"sent": 1, "chased": 1, "acknowledged": 1, "answered": 1, "draft": 0, "regulator": 0} {
		if got := value(t, fams, "foidesk_requests", with("state", state)); got != want {
			t.Errorf("requests in %s = %v, want %v", state, got, want)
		}
	}
	if n := len(fams["foidesk_requests"].Metric); n != len(metrics.States) {
		t.Errorf("%d request series, want one per state (%d)", n, len(metrics.States))
	}
	// Kent (chased) and Essex (acknowledged, due date passed); not Dorset (answered), not Durham (not due).
	if got := value(t, fams, "foidesk_requests_overdue", cro); got != 2 {
		t.Errorf("overdue = %v, want 2", got)
	}
	if got := value(t, fams, "foidesk_inbox_messages", map[string]string{"status": "stored"}); got != 2 {
		t.Errorf("inbox waiting = %v, want 2", got)
	}
	if got := value(t, fams, "foidesk_inbox_messages", map[string]string{"status": "triage"}); got != 1 {
		t.Errorf("inbox triage = %v, want 1", got)
	}
	if got := value(t, fams, "foidesk_inbox_lag_seconds", nil); got < 3590 || got > 3700 {
		t.Errorf("inbox lag = %vs, want about an hour (the oldest waiting message)", got)
	}
	if got := value(t, fams, "foidesk_extraction_failures", nil); got != 1 {
		t.Errorf("extraction failures = %v, want 1", got)
	}
	if got := value(t, fams, "foidesk_documents", map[string]string{"status": "review"}); got != 1 {
		t.Errorf("documents in review = %v, want 1", got)
	}
	if got := value(t, fams, "foidesk_review_queue_length", nil); got != 1 {
		t.Errorf("review queue = %v, want 1", got)
	}
	if got := value(t, fams, "foidesk_review_oldest_seconds", nil); got < 7190 || got > 7300 {
		t.Errorf("oldest review = %vs, want about two hours", got)
	}
	if got := value(t, fams, "foidesk_replies_to_check", nil); got != 1 {
		t.Errorf("replies to check = %v, want 1", got)
	}
	if got := value(t, fams, "foidesk_replies_to_check_oldest_seconds", nil); got < 10790 || got > 10900 {
		t.Errorf("oldest reply to check = %vs, want about three hours", got)
	}
	if got := value(t, fams, "foidesk_database_up", nil); got != 1 {
		t.Errorf("database_up = %v, want 1", got)
	}
	if _, ok := fams["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics")
	}

	// Once processed, the lag is gone.
	exec(t, st, `UPDATE inbound_messages SET status = 'matched' WHERE status = 'stored'`)
	fams = scrape(t, metrics.Handler(st))
	if got := value(t, fams, "foidesk_inbox_lag_seconds", nil); got != 0 {
		t.Errorf("inbox lag with nothing waiting = %v, want 0", got)
	}
}

func TestEmptyDatabase(t *testing.T) {
	st := dbtest.DB(t)
	fams := scrape(t, metrics.Handler(st))
	if _, ok := fams["foidesk_requests"]; ok {
		t.Error("request series without any campaign")
	}
	for _, name := range []string{"foidesk_inbox_lag_seconds", "foidesk_review_queue_length", "foidesk_extraction_failures",
		"foidesk_replies_to_check"} {
		if got := value(t, fams, name, nil); got != 0 {
			t.Errorf("%s = %v on an empty database", name, got)
		}
	}
}

func TestDatabaseDownStillScrapes(t *testing.T) {
	st := dbtest.DB(t)
	h := metrics.Handler(st)
	st.Close()
	fams := scrape(t, h)
	if got := value(t, fams, "foidesk_database_up", nil); got != 0 {
		t.Errorf("database_up = %v with the pool closed, want 0", got)
	}
	if _, ok := fams["foidesk_review_queue_length"]; ok {
		t.Error("gauges reported without a database")
	}
}

func TestMailboxHealth(t *testing.T) {
	st := dbtest.DB(t)
	ctx := context.Background()
	if fams := scrape(t, metrics.Handler(st)); fams["foidesk_mailbox_up"] != nil {
		t.Fatal("mailbox series before any sync")
	}
	inbox := map[string]string{"mailbox": "INBOX"}
	if err := st.RecordMailboxSync(ctx, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	fams := scrape(t, metrics.Handler(st))
	if got := value(t, fams, "foidesk_mailbox_up", inbox); got != 1 {
		t.Errorf("mailbox_up after a sync = %v, want 1", got)
	}
	last := value(t, fams, "foidesk_mailbox_last_success_timestamp_seconds", inbox)
	if d := time.Since(time.Unix(int64(last), 0)); d < -time.Minute || d > time.Minute {
		t.Errorf("last success %v, want now", last)
	}

	for range 3 {
		if err := st.RecordMailboxSync(ctx, "INBOX", errors.New("imap: LOGIN failed: authentication failed")); err != nil {
			t.Fatal(err)
		}
	}
	fams = scrape(t, metrics.Handler(st))
	if got := value(t, fams, "foidesk_mailbox_up", inbox); got != 0 {
		t.Errorf("mailbox_up while failing = %v, want 0", got)
	}
	if got := value(t, fams, "foidesk_mailbox_sync_failures", inbox); got != 3 {
		t.Errorf("failures = %v, want 3", got)
	}
	if got := value(t, fams, "foidesk_mailbox_last_success_timestamp_seconds", inbox); got != last {
		t.Errorf("last success moved to %v on failures (was %v)", got, last)
	}
	hs, err := st.MailboxHealths(ctx)
	if err != nil || len(hs) != 1 || !strings.Contains(hs[0].LastError, "authentication failed") {
		t.Fatalf("health %+v (%v), want the login error", hs, err)
	}

	if err := st.RecordMailboxSync(ctx, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	fams = scrape(t, metrics.Handler(st))
	if got := value(t, fams, "foidesk_mailbox_sync_failures", inbox); got != 0 {
		t.Errorf("failures after recovery = %v, want 0", got)
	}
	if hs, _ := st.MailboxHealths(ctx); len(hs) != 1 || hs[0].Failing() || hs[0].LastError != "" {
		t.Errorf("health after recovery %+v", hs)
	}
}
