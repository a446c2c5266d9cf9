package workflows

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/foi"
)

// reviews records the reply-review activities of a harness.
type reviews struct {
	opened   []activities.ReplyReviewInput
	resolved []activities.KindDecision
}

func (h *harness) captureReviews() *reviews {
	rv := &reviews{}
	acts := &activities.Activities{}
	h.env.OnActivity(acts.OpenReplyReview, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.ReplyReviewInput) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			rv.opened = append(rv.opened, in)
			return nil
		})
	h.env.OnActivity(acts.ResolveReplyReview, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.KindDecision) (foi.ReplyReviewStatus, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			rv.resolved = append(rv.resolved, in)
			return foi.ReplyReviewCorrected, nil
		})
	return rv
}

func (h *harness) kinds() []string {
	var out []string
	for _, e := range h.events {
		out = append(out, e.Kind)
	}
	return out
}

func (h *harness) docDone(d string, id int64, status foi.DocumentStatus) {
	h.at(d, func() { h.env.SignalWorkflow(SignalDocumentDone, DocumentDone{DocumentID: id, Status: status}) })
}

// A covering email the classifier cannot place ("Please find attached.")
// with a CSV: its figures are read at once, the request does not move on a
// guess and is not chased while a person decides, and the person's word
// moves it as an answer would have.
func TestUncertainReplyWaitsForAPerson(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	rv := h.captureReviews()
	csv := []activities.DocumentRef{{ID: 21, SHA256: "cc", Filename: "figures.csv"}}
	h.reply("2025-03-10", Reply{Kind: foi.KindAcknowledgement, Reference: "DC/FOI 1/25"})
	h.reply("2025-03-25", Reply{InboundID: 5, Kind: foi.KindOther, Uncertain: true, UncertainWhy: "no kind fits",
		Confidence: 0.1, Documents: csv})
	h.docDone("2025-03-26", 21, "loaded")
	h.at("2025-04-14", func() {
		var st RequestStatus
		v, err := h.env.QueryWorkflow(QueryStatus)
		if err != nil || v.Get(&st) != nil {
			t.Errorf("query: %v", err)
			return
		}
		if !slices.Equal(st.RepliesToCheck, []int64{5}) {
			t.Errorf("replies to check = %v, want [5]", st.RepliesToCheck)
		}
	})
	// Due 1 April; the reminder would go on 2 April. The desk confirms on
	// 15 April that the message was the answer.
	h.update("2025-04-15", UpdateConfirmKind, KindInput{InboundID: 5, Kind: foi.KindResponse, By: "ed", Why: "CSV attached"}, false)
	res := h.run(requestInput(englishForce()))

	if res.State != foi.StateDataLoaded {
		t.Errorf("state = %s, want data_loaded", res.State)
	}
	if len(h.documents) != 1 || h.documents[0].Document.ID != 21 {
		t.Errorf("documents = %+v, want the CSV processed at once", h.documents)
	}
	if want := []string{"request 2025-03-03"}; !equal(h.sends(), want) {
		t.Errorf("sends = %v, want no chaser while the kind waits for a person", h.sends())
	}
	if len(rv.opened) != 1 || rv.opened[0].InboundID != 5 || rv.opened[0].Reason != "no kind fits" {
		t.Errorf("reviews opened = %+v", rv.opened)
	}
	if len(rv.resolved) != 1 || rv.resolved[0].Kind != "response" || rv.resolved[0].By != "ed" {
		t.Errorf("reviews resolved = %+v", rv.resolved)
	}
	k := h.kinds()
	if !slices.Contains(k, "kind_uncertain") || !slices.Contains(k, "kind_corrected") {
		t.Errorf("events %v, want kind_uncertain and kind_corrected", k)
	}
	if want := []string{"sent", "acknowledged", "overdue", "answered", "data_loaded"}; !equal(h.states(), want) {
		t.Errorf("states = %v, want %v", h.states(), want)
	}
}

// The kind decides the state, not whether the documents are read: a
// refusal that attaches the figures it can give has them processed.
func TestRefusalWithDocumentsIsRead(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	h.captureReviews()
	doc := []activities.DocumentRef{{ID: 31, SHA256: "dd", Filename: "partial.xlsx"}}
	h.reply("2025-03-20", Reply{Kind: foi.KindRefusal, Sections: []string{"s12"}, Documents: doc})
	h.docDone("2025-03-21", 31, "loaded")
	res := h.run(requestInput(englishForce()))
	if res.State != foi.StateRefused {
		t.Errorf("state = %s, want refused", res.State)
	}
	if len(h.documents) != 1 || h.documents[0].Document.ID != 31 {
		t.Errorf("documents = %+v, want the refusal's spreadsheet processed", h.documents)
	}
	if !slices.Contains(h.kinds(), "document_processed") {
		t.Errorf("events %v, want document_processed", h.kinds())
	}
}

// A person corrects a kind the classifier was sure of: an acknowledgement
// taken for an answer puts the request back to where an acknowledgement
// would have left it, and chasing carries on.
func TestCorrectingAConfidentKind(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	h.captureReviews()
	h.reply("2025-03-05", Reply{InboundID: 9, Kind: foi.KindResponse, Reference: "DC/FOI 2/25",
		Documents: []activities.DocumentRef{{ID: 5, SHA256: "55", Filename: "letter.pdf"}}})
	h.update("2025-03-06", UpdateConfirmKind, KindInput{InboundID: 9, Kind: foi.KindAcknowledgement, By: "ed"}, false)
	h.update("2025-03-06", UpdateConfirmKind, KindInput{InboundID: 404, Kind: foi.KindAcknowledgement, By: "ed"}, true)
	h.update("2025-03-06", UpdateConfirmKind, KindInput{InboundID: 9, Kind: "planet", By: "ed"}, true)
	h.docDone("2025-03-07", 5, "loaded")
	h.reply("2025-04-03", Reply{InboundID: 10, Kind: foi.KindResponse})
	res := h.run(requestInput(englishForce()))
	if want := []string{"sent", "answered", "acknowledged", "overdue", "chased", "answered", "data_loaded"}; !equal(h.states(), want) {
		t.Errorf("states = %v, want %v", h.states(), want)
	}
	if res.State != foi.StateDataLoaded || res.ChasersSent != 1 {
		t.Errorf("result = %+v, want data_loaded after one reminder", res)
	}
}

// reopen runs a new run of a request from a snapshot, as the inbox starts
// one: the first reply comes with the start, any others as signals a
// minute apart.
func (h *harness) reopen(snap activities.RequestSnapshot, replies ...Reply) RequestResult {
	h.t.Helper()
	in := &Reopen{WorkflowID: snap.Target.WorkflowID, Reason: "late reply"}
	if len(replies) > 0 {
		in.Reply, replies = &replies[0], replies[1:]
	}
	return h.reopenSignalled(snap, in, replies...)
}

// reopenSignalled runs a new run of a request from a snapshot, started
// with in, and signals it the replies a minute apart.
func (h *harness) reopenSignalled(snap activities.RequestSnapshot, in *Reopen, replies ...Reply) RequestResult {
	h.t.Helper()
	acts := &activities.Activities{}
	h.env.OnActivity(acts.LoadRequest, mock.Anything, snap.Target.WorkflowID).Return(&snap, nil)
	// A reopened run tells its campaign by ID: its parent, if any, is the inbox.
	h.env.OnSignalExternalWorkflow(mock.Anything, "campaign/cro/2025", "", SignalRequestState, mock.Anything).Return(nil)
	for i, r := range replies {
		r := r
		h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalReply, r) }, time.Duration(i+1)*time.Minute)
	}
	return h.run(RequestInput{Reopen: in})
}

func snapshot(t *testing.T, state foi.State) activities.RequestSnapshot {
	due := date(t, "2025-04-01")
	sent := date(t, "2025-03-03").Time(london).Add(10 * time.Hour)
	in := requestInput(englishForce())
	return activities.RequestSnapshot{Target: in.Target, CampaignID: 1, CampaignSlug: "cro", Year: 2025,
		Title: in.Campaign.Title, ClockScale: 1, State: state, Reference: "DC/FOI 1/25", SentAt: &sent,
		Due: &due, ChasersSent: 4, NextSeq: 12, Thread: []string{"m1@test"}}
}

// An answer after the request was closed unanswered reopens it: the
// answer is recorded after the earlier events, its figures loaded, and the
// request ends data_loaded without chasing anyone. The answer comes with
// the run's start, as the inbox gives it now, or as a signal after it, as
// runs recorded before that were given it.
func TestAnswerAfterClosedUnanswered(t *testing.T) {
	for _, signalled := range []bool{false, true} {
		t.Run(map[bool]string{false: "with the start", true: "signalled"}[signalled], func(t *testing.T) {
			h := newHarness(t, "2025-08-01")
			h.captureReviews()
			snap := snapshot(t, foi.StateRegulator)
			snap.Closed = true
			h.docDone("2025-08-02", 41, "loaded")
			answer := Reply{InboundID: 50, Kind: foi.KindResponse,
				Documents: []activities.DocumentRef{{ID: 41, SHA256: "ee", Filename: "late.xlsx"}}}
			var res RequestResult
			if signalled {
				res = h.reopenSignalled(snap, &Reopen{WorkflowID: snap.Target.WorkflowID, Reason: "late reply"}, answer)
			} else {
				res = h.reopen(snap, answer)
			}
			if res.State != foi.StateDataLoaded {
				t.Errorf("state = %s, want data_loaded", res.State)
			}
			if len(h.sent) != 0 {
				t.Errorf("sends = %v, want none from a reopened request", h.sends())
			}
			if want := []string{"reopened", "response", "data_loaded"}; !equal(h.kinds(), want) {
				t.Fatalf("events = %v, want %v", h.kinds(), want)
			}
			if h.events[0].Seq != 12 || h.events[2].Seq != 14 {
				t.Errorf("seqs %d..%d, want 12..14 after the earlier run's events", h.events[0].Seq, h.events[2].Seq)
			}
			if h.events[1].ChasersSent != 4 || h.events[1].ForceReference != "DC/FOI 1/25" {
				t.Errorf("event %+v lost the request's chasers or reference", h.events[1])
			}
		})
	}
}

// A corrected spreadsheet after the figures were loaded is processed as a
// new document of the same request (the load replaces the superseded
// figures), and the request ends data_loaded again.
func TestCorrectionAfterDataLoaded(t *testing.T) {
	h := newHarness(t, "2025-06-01")
	h.captureReviews()
	snap := snapshot(t, foi.StateDataLoaded)
	snap.Documents = map[int64]foi.DocumentStatus{3: "loaded"}
	h.docDone("2025-06-02", 9, "loaded")
	res := h.reopen(snap, Reply{InboundID: 60, Kind: foi.KindResponse,
		Documents: []activities.DocumentRef{{ID: 9, SHA256: "ff", Filename: "corrected.xlsx"}, {ID: 3, SHA256: "ab", Filename: "old.xlsx"}}})
	if res.State != foi.StateDataLoaded {
		t.Errorf("state = %s, want data_loaded", res.State)
	}
	if len(h.documents) != 1 || h.documents[0].Document.ID != 9 {
		t.Errorf("documents = %+v, want only the corrected file started (the old one is done)", h.documents)
	}
}

// An internal-review outcome with documents months after a refusal
// answers the request.
func TestReviewOutcomeMonthsLater(t *testing.T) {
	h := newHarness(t, "2025-11-03")
	h.captureReviews()
	h.docDone("2025-11-04", 77, "loaded")
	res := h.reopen(snapshot(t, foi.StateRefused), Reply{InboundID: 70, Kind: foi.KindInternalReview,
		Documents: []activities.DocumentRef{{ID: 77, SHA256: "77", Filename: "review-outcome.pdf"}}})
	if res.State != foi.StateDataLoaded {
		t.Errorf("state = %s, want data_loaded", res.State)
	}
	if want := []string{"reopened", "internal_review_outcome", "data_loaded"}; !equal(h.kinds(), want) {
		t.Errorf("events = %v, want %v", h.kinds(), want)
	}
}

// A reply after a withdrawal is recorded and shown, not acted on: its
// documents are kept but not processed, and the state stays withdrawn.
func TestReplyAfterWithdrawal(t *testing.T) {
	h := newHarness(t, "2025-06-01")
	h.captureReviews()
	res := h.reopen(snapshot(t, foi.StateWithdrawn), Reply{InboundID: 80, Kind: foi.KindResponse,
		Documents: []activities.DocumentRef{{ID: 88, SHA256: "88", Filename: "figures.csv"}}})
	if res.State != foi.StateWithdrawn {
		t.Errorf("state = %s, want withdrawn", res.State)
	}
	if len(h.documents) != 0 {
		t.Errorf("documents = %+v, want none processed after withdrawal", h.documents)
	}
	if want := []string{"reopened", "late_reply"}; !equal(h.kinds(), want) {
		t.Errorf("events = %v, want %v", h.kinds(), want)
	}
}

// A reopened run waits a campaign day for more before it ends, so a
// second message (or an operator's update) reaches the same run.
func TestReopenedRunLingers(t *testing.T) {
	h := newHarness(t, "2025-06-02")
	h.captureReviews()
	start := h.env.Now()
	res := h.reopen(snapshot(t, foi.StateRefused), Reply{InboundID: 90, Kind: foi.KindAcknowledgement})
	if res.State != foi.StateRefused {
		t.Errorf("state = %s, want refused", res.State)
	}
	if got := h.env.Now().Sub(start); got < reopenLinger || got > reopenLinger+time.Hour {
		t.Errorf("the run lasted %s, want a campaign day after the last message", got)
	}
	if want := []string{"reopened", "late_reply"}; !equal(h.kinds(), want) {
		t.Errorf("events = %v, want %v", h.kinds(), want)
	}
}

// Two people confirm the same reply at once (or a desk retries a
// confirmation whose answer it lost): the first makes the request final.
// The second must still be answered and the request must complete; it used
// to wait for the second handler while that handler waited for the loop.
func TestConfirmationArrivingAsTheRequestFinishes(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	h.captureReviews()
	csv := []activities.DocumentRef{{ID: 21, SHA256: "cc", Filename: "figures.csv"}}
	h.reply("2025-03-10", Reply{Kind: foi.KindAcknowledgement, Reference: "DC/FOI 1/25"})
	h.reply("2025-03-25", Reply{InboundID: 5, Kind: foi.KindResponse, Uncertain: true, UncertainWhy: "short body",
		Confidence: 0.6, Documents: csv})
	h.docDone("2025-03-26", 21, "loaded")
	h.update("2025-04-15", UpdateConfirmKind, KindInput{InboundID: 5, Kind: foi.KindResponse, By: "ed"}, false)
	h.update("2025-04-15", UpdateConfirmKind, KindInput{InboundID: 5, Kind: foi.KindResponse, By: "jo"}, false)
	res := h.run(requestInput(englishForce()))
	if res.State != foi.StateDataLoaded {
		t.Errorf("state = %s, want data_loaded", res.State)
	}
}

// The desk confirms, from a finished request's page, the kind of a reply an
// earlier run applied: the confirmation is recorded and nothing moves. A
// correction moves the request as the new kind.
func TestConfirmEarlierRunsReply(t *testing.T) {
	h := newHarness(t, "2025-06-01")
	h.captureReviews()
	snap := snapshot(t, foi.StateDataLoaded)
	snap.Documents = map[int64]foi.DocumentStatus{3: "loaded"}
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(UpdateConfirmKind, "", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { t.Errorf("confirm rejected: %v", err) }, OnAccept: func() {}, OnComplete: func(any, error) {},
		}, KindInput{InboundID: 31, Kind: foi.KindAcknowledgement, Was: foi.KindAcknowledgement, By: "ed"})
	}, time.Minute)
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(UpdateConfirmKind, "", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { t.Errorf("correction rejected: %v", err) }, OnAccept: func() {}, OnComplete: func(any, error) {},
		}, KindInput{InboundID: 32, Kind: foi.KindRefusal, Was: foi.KindResponse, By: "ed"})
	}, 2*time.Minute)
	res := h.reopen(snap)
	// (The captured review store calls every decision a correction.)
	if want := []string{"reopened", "kind_corrected", "kind_corrected", "refusal"}; !equal(h.kinds(), want) {
		t.Errorf("events = %v, want %v", h.kinds(), want)
	}
	if res.State != foi.StateRefused {
		t.Errorf("state = %s, want refused after the correction", res.State)
	}
}
