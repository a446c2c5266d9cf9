package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
)

// seedTwoRequests makes a campaign with two requests (durham, cleveland)
// and returns its id and the requests' ids by force.
func seedTwoRequests(t *testing.T, st *store.Store) (int64, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	if err := st.UpsertForces(ctx, []store.Force{
		{Slug: "durham", Name: "Durham Constabulary", ShortName: "Durham", Category: "territorial", Regime: "foia",
			FOIEmail: "foi@durham.police.uk", Domains: []string{"durham.police.uk"}},
		{Slug: "cleveland", Name: "Cleveland Police", ShortName: "Cleveland", Category: "territorial", Regime: "foia",
			FOIEmail: "foi@cleveland.police.uk", Domains: []string{"cleveland.police.uk"}},
	}); err != nil {
		t.Fatal(err)
	}
	cid, ids, err := st.CreateCampaign(ctx, store.Campaign{Slug: "cro", Year: 2025, Title: "CRO", Spec: []byte(`{}`),
		WorkflowID: "campaign/cro/2025"}, []store.NewRequest{
		{ForceSlug: "durham", WorkflowID: "request/cro/2025/durham", Token: "cro-2025/durham"},
		{ForceSlug: "cleveland", WorkflowID: "request/cro/2025/cleveland", Token: "cro-2025/cleveland"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cid, ids
}

// inbound stores a message in status status, matched to the requests
// given, and returns its id.
func inbound(t *testing.T, st *store.Store, uid int, status foi.InboundStatus, requests ...int64) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := st.Pool().QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw, status, subject)
		VALUES ('INBOX', 1, $1, sha256($2::bytea), $2, $3, 'RE: FOI request') RETURNING id`,
		uid, []byte("message "+string(rune('a'+uid))), status).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, r := range requests {
		if _, err := st.Pool().Exec(ctx, `INSERT INTO message_matches (inbound_id, request_id, method, evidence)
			VALUES ($1, $2, 'thread', 'In-Reply-To: <m1@test>')`, id, r); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

type messageRow struct {
	Status foi.InboundStatus
	Reason string
}

func messageOf(t *testing.T, st *store.Store, id int64) messageRow {
	t.Helper()
	var m messageRow
	if err := st.Pool().QueryRow(context.Background(), `SELECT status, coalesce(triage_reason, '')
		FROM inbound_messages WHERE id = $1`, id).Scan(&m.Status, &m.Reason); err != nil {
		t.Fatal(err)
	}
	return m
}

func undeliveredEvents(t *testing.T, st *store.Store, requestID int64) []store.TimelineEvent {
	t.Helper()
	tl, err := st.RequestTimeline(context.Background(), requestID)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.TimelineEvent
	for _, e := range tl.Events {
		if e.Kind == store.EventReplyUndelivered {
			out = append(out, e)
		}
	}
	return out
}

// A reply matched to a request that could not be delivered goes back to
// triage with its reason and leaves a mark on the request's trail; a repeat
// changes nothing; a person can then assign it again, to the same request
// or another.
func TestReturnToTriage(t *testing.T) {
	st := dbtest.DB(t)
	ctx := context.Background()
	cid, ids := seedTwoRequests(t, st)
	durham, cleveland := ids["durham"], ids["cleveland"]
	origin := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	if err := st.SetCampaignClock(ctx, cid, origin, 1440); err != nil { // a campaign day per real minute
		t.Fatal(err)
	}
	// The request's workflow has numbered its trail up to seq 0.
	if err := st.RecordEvent(ctx, store.RequestEvent{RequestID: durham, Seq: 0, Kind: "sent", OccurredAt: origin,
		State: foi.StateSent}); err != nil {
		t.Fatal(err)
	}
	msg := inbound(t, st, 1, foi.InboundMatched, durham)
	u := store.Undelivered{InboundID: msg, WorkflowID: "request/cro/2025/durham",
		Error: "signal: unknown external workflow execution", At: origin.Add(2 * time.Minute), Key: "inbox/run1/7"}

	done, err := st.ReturnToTriage(ctx, u)
	if err != nil || !done {
		t.Fatalf("ReturnToTriage = %v, %v; want done", done, err)
	}
	m := messageOf(t, st, msg)
	if m.Status != foi.InboundTriage {
		t.Errorf("status = %s, want triage", m.Status)
	}
	wantReason := "matched to request request/cro/2025/durham but could not be delivered: signal: unknown external workflow execution"
	if m.Reason != wantReason {
		t.Errorf("reason = %q, want %q", m.Reason, wantReason)
	}
	if n := count(t, st, `SELECT count(*) FROM message_matches WHERE inbound_id = $1`, msg); n != 0 {
		t.Errorf("%d matches left, want the undelivered one removed", n)
	}
	evs := undeliveredEvents(t, st, durham)
	if len(evs) != 1 {
		t.Fatalf("undelivered events = %+v, want one", evs)
	}
	e := evs[0]
	if e.Seq != 1 || e.From != "" || e.To != "" {
		t.Errorf("event seq %d, %q → %q; want seq 1 changing no state", e.Seq, e.From, e.To)
	}
	if !e.OccurredAt.Equal(origin.Add(2 * 24 * time.Hour)) {
		t.Errorf("event at %s, want %s on the campaign's clock", e.OccurredAt, origin.Add(48*time.Hour))
	}
	if e.Detail["inbound_id"] != float64(msg) || e.Detail["error"] != u.Error {
		t.Errorf("event detail = %v", e.Detail)
	}
	if d, _ := e.Detail["delivery"].(map[string]any); d["method"] != "thread" || d["key"] != u.Key {
		t.Errorf("event keeps the removed match as %v", e.Detail["delivery"])
	}
	var state foi.State
	if err := st.Pool().QueryRow(ctx, `SELECT state FROM requests WHERE id = $1`, durham).Scan(&state); err != nil || state != foi.StateSent {
		t.Errorf("request state = %s (%v), want sent as before", state, err)
	}
	items, err := st.Triage(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].ID != msg || items[0].Reason != wantReason {
		t.Errorf("triage = %+v, want message %d with its reason", items, msg)
	}

	// Twice, with the same key or another: nothing more.
	for _, key := range []string{u.Key, "inbox/run1/9"} {
		again := u
		again.Key = key
		done, err := st.ReturnToTriage(ctx, again)
		if err != nil || done {
			t.Errorf("repeat (key %s) = %v, %v; want nothing done", key, done, err)
		}
	}
	if got := messageOf(t, st, msg); got != m {
		t.Errorf("after repeats message = %+v, want %+v", got, m)
	}
	if n := len(undeliveredEvents(t, st, durham)); n != 1 {
		t.Errorf("after repeats %d undelivered events, want 1", n)
	}

	// A run of the request that read its trail before the mark takes its
	// number: the mark moves to the end, the run's event is recorded.
	if err := st.RecordEvent(ctx, store.RequestEvent{RequestID: durham, Seq: 1, Kind: "overdue", OccurredAt: origin,
		State: foi.StateOverdue}); err != nil {
		t.Fatal(err)
	}
	tl, err := st.RequestTimeline(ctx, durham)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range tl.Events {
		kinds = append(kinds, e.Kind)
	}
	if strings.Join(kinds, " ") != "sent overdue reply_undelivered" || tl.Events[2].Seq != 2 {
		t.Errorf("trail = %v, want the run's overdue at seq 1 and the mark after it", kinds)
	}
	if err := st.Pool().QueryRow(ctx, `SELECT state FROM requests WHERE id = $1`, durham).Scan(&state); err != nil || state != foi.StateOverdue {
		t.Errorf("request state = %s (%v), want overdue from the run's event", state, err)
	}
	// Its repeat moves nothing.
	if err := st.RecordEvent(ctx, store.RequestEvent{RequestID: durham, Seq: 1, Kind: "overdue", OccurredAt: origin,
		State: foi.StateOverdue}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, st, `SELECT count(*) FROM request_events WHERE request_id = $1`, durham); n != 3 {
		t.Errorf("%d events after a repeated one, want 3", n)
	}

	// A person assigns it to the same request: it is matched again.
	c, err := st.AssignInbound(ctx, msg, "request/cro/2025/durham", "ed")
	if err != nil || c.RequestID != durham {
		t.Fatalf("assign to the same request = %+v, %v", c, err)
	}
	if got := messageOf(t, st, msg); got.Status != foi.InboundMatched {
		t.Errorf("after assigning, status = %s, want matched", got.Status)
	}
	if n := count(t, st, `SELECT count(*) FROM message_matches WHERE inbound_id = $1 AND request_id = $2 AND method = 'operator'`,
		msg, durham); n != 1 {
		t.Errorf("%d operator matches, want 1", n)
	}
	// Matched again, and an hour on its request has still not recorded it:
	// the mark of the failed delivery is no delivery.
	if _, err := st.Pool().Exec(ctx, `UPDATE inbound_messages SET processed_at = now() - interval '1 hour' WHERE id = $1`, msg); err != nil {
		t.Fatal(err)
	}
	if snap, err := st.MetricsSnapshot(ctx); err != nil || snap.Undelivered != 1 {
		t.Errorf("undelivered replies = %v (%v), want 1: the message reassigned and not yet recorded", snap.Undelivered, err)
	}
	// A late retry of the first failure does not undo the person's work.
	if done, err := st.ReturnToTriage(ctx, u); err != nil || done {
		t.Errorf("retry after the person acted = %v, %v; want nothing done", done, err)
	}
	if got := messageOf(t, st, msg); got.Status != foi.InboundMatched {
		t.Errorf("after a late retry, status = %s, want matched", got.Status)
	}
	// Delivery fails again: back in triage; then assigned elsewhere.
	u2 := u
	u2.Key, u2.Error = "inbox/run1/12", "start: workflow execution already started"
	if done, err := st.ReturnToTriage(ctx, u2); err != nil || !done {
		t.Fatalf("second failure = %v, %v; want done", done, err)
	}
	if n := len(undeliveredEvents(t, st, durham)); n != 2 {
		t.Errorf("%d undelivered events, want 2", n)
	}
	if _, err := st.AssignInbound(ctx, msg, "request/cro/2025/cleveland", "jo"); err != nil {
		t.Fatalf("assign to another request: %v", err)
	}
	if got := messageOf(t, st, msg); got.Status != foi.InboundMatched {
		t.Errorf("after assigning elsewhere, status = %s, want matched", got.Status)
	}
	if n := count(t, st, `SELECT count(*) FROM message_matches WHERE inbound_id = $1`, msg); n != 1 {
		t.Errorf("%d matches, want only cleveland's", n)
	}
	if n := count(t, st, `SELECT count(*) FROM message_matches WHERE inbound_id = $1 AND request_id = $2`, msg, cleveland); n != 1 {
		t.Errorf("cleveland's match missing")
	}
}

// A message a person has taken out of 'matched', or one the inbox ignored,
// is left alone; a message answering two requests keeps the match it could
// deliver and gathers the reasons of those it could not.
func TestReturnToTriageLeavesOthersAlone(t *testing.T) {
	st := dbtest.DB(t)
	ctx := context.Background()
	_, ids := seedTwoRequests(t, st)
	durham, cleveland := ids["durham"], ids["cleveland"]
	for i, status := range []foi.InboundStatus{foi.InboundIgnored, foi.InboundStored, foi.InboundFailed} {
		msg := inbound(t, st, 10+i, status, durham)
		done, err := st.ReturnToTriage(ctx, store.Undelivered{InboundID: msg, WorkflowID: "request/cro/2025/durham",
			Error: "x", Key: "k"})
		if err != nil || done {
			t.Errorf("%s message: %v, %v; want nothing done", status, done, err)
		}
		if got := messageOf(t, st, msg); got.Status != status || got.Reason != "" {
			t.Errorf("%s message became %+v", status, got)
		}
		if n := count(t, st, `SELECT count(*) FROM message_matches WHERE inbound_id = $1`, msg); n != 1 {
			t.Errorf("%s message lost its match", status)
		}
	}
	if n := len(undeliveredEvents(t, st, durham)); n != 0 {
		t.Errorf("%d undelivered events for messages left alone, want 0", n)
	}
	// Matched to a request it was not delivered to, unknown: an error.
	msg := inbound(t, st, 20, foi.InboundMatched, durham, cleveland)
	if _, err := st.ReturnToTriage(ctx, store.Undelivered{InboundID: msg, WorkflowID: "request/cro/2025/nowhere",
		Error: "x", Key: "k"}); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("unknown request: %v, want not found", err)
	}
	for _, force := range []string{"durham", "cleveland"} {
		done, err := st.ReturnToTriage(ctx, store.Undelivered{InboundID: msg, WorkflowID: "request/cro/2025/" + force,
			Error: "no run", Key: "k-" + force})
		if err != nil || !done {
			t.Fatalf("%s: %v, %v; want done", force, done, err)
		}
		if force == "durham" && count(t, st, `SELECT count(*) FROM message_matches WHERE inbound_id = $1 AND request_id = $2`,
			msg, cleveland) != 1 {
			t.Errorf("the match to cleveland went with durham's")
		}
	}
	m := messageOf(t, st, msg)
	if m.Status != foi.InboundTriage || !strings.Contains(m.Reason, "request/cro/2025/durham but") ||
		!strings.Contains(m.Reason, "; matched to request request/cro/2025/cleveland but") {
		t.Errorf("message = %+v, want in triage naming both requests", m)
	}
	if len(undeliveredEvents(t, st, durham)) != 1 || len(undeliveredEvents(t, st, cleveland)) != 1 {
		t.Errorf("want one undelivered event on each request")
	}
}
