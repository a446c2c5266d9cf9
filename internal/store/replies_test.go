package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
)

func TestRequestSnapshot(t *testing.T) {
	st := dbtest.DB(t)
	ctx := context.Background()
	cid, rid, did := seedRequest(t, st)
	origin := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	if err := st.SetCampaignClock(ctx, cid, origin, 86400); err != nil {
		t.Fatal(err)
	}
	// A second clock is ignored: the first run's stands.
	if err := st.SetCampaignClock(ctx, cid, origin.Add(time.Hour), 2); err != nil {
		t.Fatal(err)
	}
	sent := origin
	due := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	for i, kind := range []string{"sent", "overdue", "closed_unanswered"} {
		if err := st.RecordEvent(ctx, store.RequestEvent{RequestID: rid, Seq: i, Kind: kind, OccurredAt: origin,
			State: "regulator", ForceReference: "DC/FOI 1/25", SentAt: &sent, DueOn: &due, ChasersSent: 4}); err != nil {
			t.Fatal(err)
		}
	}
	// The complaint drafted, then a second draft sent: the sent one counts.
	for i, status := range []foi.OutboundStatus{foi.OutboundDrafted, foi.OutboundSent, foi.OutboundDrafted} {
		id := fmt.Sprintf("complaint-%d@test", i)
		if _, err := st.LedgerEntry(ctx, store.Outbound{RequestID: rid, MessageID: id, Purpose: foi.PurposeRegulator,
			From: "desk@example.org", To: "icocasework@ico.org.uk", Subject: "Complaint", Raw: []byte("x"), Refs: []string{}}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			s, err := st.RequestSnapshot(ctx, "request/cro/2025/durham")
			if err != nil || s.Complaint != foi.OutboundPending {
				t.Errorf("complaint in the ledger, not sent: %q (%v)", s.Complaint, err)
			}
		}
		if err := st.MarkSent(ctx, id, status, origin); err != nil {
			t.Fatal(err)
		}
	}
	s, err := st.RequestSnapshot(ctx, "request/cro/2025/durham")
	if err != nil {
		t.Fatal(err)
	}
	if s.Complaint != foi.OutboundSent {
		t.Errorf("complaint %q, want sent", s.Complaint)
	}
	if s.RequestID != rid || s.CampaignID != cid || s.Force.Slug != "durham" || s.Force.FOIEmail != "foi@durham.police.uk" {
		t.Errorf("snapshot names %+v", s)
	}
	if !s.ClockOrigin.Equal(origin) || s.ClockScale != 86400 {
		t.Errorf("clock = %s × %g, want the first one recorded", s.ClockOrigin, s.ClockScale)
	}
	if s.State != "regulator" || s.ForceReference != "DC/FOI 1/25" || s.ChasersSent != 4 || s.NextSeq != 3 || !s.ClosedUnanswered {
		t.Errorf("snapshot state %+v", s)
	}
	if s.DueOn == nil || !s.DueOn.Equal(due) || s.SentAt == nil {
		t.Errorf("dates: sent %v due %v", s.SentAt, s.DueOn)
	}
	if s.Documents[did] != "pending" {
		t.Errorf("documents = %v, want %d pending", s.Documents, did)
	}
	if _, err := st.RequestSnapshot(ctx, "request/none/2025/durham"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing request: %v, want ErrNotFound", err)
	}
}

func TestReplyReviews(t *testing.T) {
	st := dbtest.DB(t)
	ctx := context.Background()
	_, rid, _ := seedRequest(t, st)
	// Each message is classified as the inbox records it (DecideInbound),
	// so the review reads the classification in the shape it is stored.
	decided := func(uid int, raw, subject string, kind foi.Kind, result string) int64 {
		t.Helper()
		var id int64
		if err := st.Pool().QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw, subject, from_addr)
			VALUES ('INBOX', 1, $1, sha256($2::bytea), $2::bytea, $3, 'foi@durham.police.uk') RETURNING id`, uid, raw, subject).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DecideInbound(ctx, id, store.InboundDecision{Status: foi.InboundMatched, Kind: kind,
			Classification: json.RawMessage(result)}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	inbound := decided(2, "y", "Re: FOI", foi.KindOther, `{"kind":"other","confidence":0.1,"alternatives":["response"]}`)
	open := store.ReplyReview{RequestID: rid, InboundID: inbound, ProposedKind: "other", Confidence: 0.1, Reason: "no kind fits"}
	for range 2 { // a repeat changes nothing
		if err := st.OpenReplyReview(ctx, open); err != nil {
			t.Fatal(err)
		}
	}
	waiting := func(want store.Waiting) {
		t.Helper()
		if w, err := st.Waiting(ctx); err != nil || w != want {
			t.Errorf("waiting = %+v, %v; want %+v", w, err, want)
		}
	}
	waiting(store.Waiting{Kinds: 1})
	items, err := st.ReplyReviews(ctx, string(foi.ReplyReviewOpen), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Subject != "Re: FOI" || items[0].ForceSlug != "durham" || items[0].Campaign != "cro/2025" {
		t.Fatalf("open reviews = %+v", items)
	}
	var res struct {
		Kind         foi.Kind   `json:"kind"`
		Alternatives []foi.Kind `json:"alternatives"`
	}
	if err := json.Unmarshal(items[0].Classification, &res); err != nil || res.Kind != foi.KindOther || len(res.Alternatives) != 1 || res.Alternatives[0] != foi.KindResponse {
		t.Errorf("classification %s (%v): want the classifier's result", items[0].Classification, err)
	}
	r, err := st.ResolveReplyReview(ctx, rid, inbound, "response", "ed", "CSV attached")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != foi.ReplyReviewCorrected {
		t.Errorf("status = %s, want corrected (other → response)", r.Status)
	}
	if items, _ := st.ReplyReviews(ctx, string(foi.ReplyReviewOpen), 0); len(items) != 0 {
		t.Errorf("%d still open", len(items))
	}
	waiting(store.Waiting{})
	done, err := st.ReplyReviews(ctx, "resolved", 0)
	if err != nil || len(done) != 1 || done[0].Kind != "response" || done[0].ResolvedBy != "ed" || done[0].Why != "CSV attached" {
		t.Errorf("resolved = %+v, %v", done, err)
	}
	// A correction of a reply nobody was asked about is kept too.
	second := decided(3, "z", "", foi.KindResponse, `{"kind":"response","confidence":0.9}`)
	r, err = st.ResolveReplyReview(ctx, rid, second, "response", "ed", "")
	if err != nil || r.Status != foi.ReplyReviewConfirmed {
		t.Errorf("confirming a confident reply: %+v, %v", r, err)
	}
	done, err = st.ReplyReviews(ctx, "resolved", 0)
	if err != nil || len(done) != 2 || done[1].InboundID != second || math.Abs(done[1].Confidence-0.9) > 1e-6 {
		t.Errorf("resolved = %+v, %v; want the confident reply kept with the classifier's confidence", done, err)
	}
	if _, err := st.ResolveReplyReview(ctx, rid, 999999, "response", "ed", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown message: %v, want ErrNotFound", err)
	}
	if _, err := st.ReplyReviews(ctx, "bogus", 0); err == nil {
		t.Error("unknown status accepted")
	}
	// A message nobody's request claims waits in triage, and is counted
	// there until it is decided.
	var lost int64
	if err := st.Pool().QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw)
		VALUES ('INBOX', 1, 9, sha256('w'::bytea), 'w'::bytea) RETURNING id`).Scan(&lost); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DecideInbound(ctx, lost, store.InboundDecision{Status: foi.InboundTriage, TriageReason: "no request matched"}); err != nil {
		t.Fatal(err)
	}
	waiting(store.Waiting{Triage: 1})
}
