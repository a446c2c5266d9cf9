package metrics_test

import (
	"context"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/metrics"
	"github.com/foidesk/foidesk/internal/store"
)

// Sends that fail, complaint packs never sent and replies that never
// reached their request each have a gauge, with the age of the oldest.
func TestOutboundAndDeliveryGauges(t *testing.T) {
	st := dbtest.DB(t)
	seed(t, st)
	ctx := context.Background()
	var kent, essex, dorset int64
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(dbtest.SQL(t, st).QueryRow(ctx, `SELECT (SELECT id FROM requests WHERE force_slug = 'kent'),
		(SELECT id FROM requests WHERE force_slug = 'essex'), (SELECT id FROM requests WHERE force_slug = 'dorset')`).Scan(&kent, &essex, &dorset))

	fams := scrape(t, metrics.Handler(st))
	for _, name := range []string{"foidesk_regulator_drafts_unsent", "foidesk_replies_undelivered", "foidesk_outbound_send_failing_oldest_seconds"} {
		if got := value(t, fams, name, nil); got != 0 {
			t.Errorf("%s = %v before any, want 0", name, got)
		}
	}
	if n := len(fams["foidesk_outbound_send_failing"].Metric); n != len(metrics.Purposes) {
		t.Errorf("%d send-failure series, want one per purpose (%d)", n, len(metrics.Purposes))
	}

	// Kent's reminder fails and is retrying; an internal review was given
	// up; a sent request and a failure since sent do not count.
	outbound := func(req int64, id, purpose, status, lastErr, age string) {
		t.Helper()
		var le any
		if lastErr != "" {
			le = lastErr
		}
		exec(t, st, `INSERT INTO outbound_messages (request_id, message_id, purpose, from_addr, to_addr, subject, raw, status, last_error, created_at)
			VALUES ($1, $2, $3, 'a@example.org', 'b@example.org', 's', 'raw', $4, $5, now() - $6::interval)`, req, id, purpose, status, le, age)
	}
	outbound(kent, "r1@x", "reminder", "pending", "451 try later", "2 hours")
	outbound(kent, "r2@x", "internal_review", "failed", "550 no such user", "30 minutes")
	outbound(kent, "r3@x", "request", "sent", "", "40 days")
	outbound(kent, "r4@x", "request", "pending", "", "1 minute")
	// Two complaint packs drafted, one a day old; one sent.
	outbound(essex, "c1@x", "regulator", "drafted", "", "1 day")
	outbound(kent, "c2@x", "regulator", "drafted", "", "1 hour")
	outbound(dorset, "c3@x", "regulator", "sent", "", "3 days")

	// Replies: one matched to Dorset and recorded; one matched to Essex an
	// hour ago and never recorded; one matched a minute ago (still on its way).
	reply := func(uid int, req int64, age string, recorded bool) {
		t.Helper()
		var id int64
		must(dbtest.SQL(t, st).QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw, status, processed_at)
			VALUES ('INBOX', 1, $1, sha256($2::bytea), $2::bytea, 'matched', now() - $3::interval) RETURNING id`,
			uid, []byte{byte(uid), 9}, age).Scan(&id))
		exec(t, st, `INSERT INTO message_matches (inbound_id, request_id, method, evidence) VALUES ($1, $2, 'token', 'subject')`, id, req)
		if recorded {
			must(st.RecordEvent(ctx, store.RequestEvent{RequestID: req, Seq: 100 + uid, Kind: "response",
				Detail: map[string]any{"inbound_id": id}, State: "answered", OccurredAt: time.Now()}))
		}
	}
	reply(101, dorset, "2 hours", true)
	reply(102, essex, "1 hour", false)
	reply(103, essex, "1 minute", false)

	fams = scrape(t, metrics.Handler(st))
	for purpose, want := range map[string]float64{"reminder": 1, "internal_review": 1, "request": 0, "regulator": 0} {
		if got := value(t, fams, "foidesk_outbound_send_failing", map[string]string{"purpose": purpose}); got != want {
			t.Errorf("failing %s sends = %v, want %v", purpose, got, want)
		}
	}
	if got := value(t, fams, "foidesk_outbound_send_failing_oldest_seconds", nil); got < 7190 || got > 7300 {
		t.Errorf("oldest failing send %vs old, want about 2 hours", got)
	}
	if got := value(t, fams, "foidesk_regulator_drafts_unsent", nil); got != 2 {
		t.Errorf("unsent complaint packs = %v, want 2", got)
	}
	if got := value(t, fams, "foidesk_regulator_drafts_unsent_oldest_seconds", nil); got < 86390 || got > 86500 {
		t.Errorf("oldest unsent complaint pack %vs old, want a day", got)
	}
	if got := value(t, fams, "foidesk_replies_undelivered", nil); got != 1 {
		t.Errorf("undelivered replies = %v, want 1 (Essex's, an hour old)", got)
	}
	if got := value(t, fams, "foidesk_replies_undelivered_oldest_seconds", nil); got < 3590 || got > 3700 {
		t.Errorf("oldest undelivered reply %vs, want about an hour", got)
	}
}
