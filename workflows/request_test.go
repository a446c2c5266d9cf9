package workflows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/foi"
)

// harness runs a RequestWorkflow in Temporal's test environment with time
// skipping: the calendar activity is real, sending and recording are
// captured in memory.
type harness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment

	mu     sync.Mutex
	sent   []sentMail
	events []activities.RequestEvent
	// failSends makes the first n sends of a purpose fail (retryable).
	failSends map[foi.Purpose]int
	// refuseTo makes every send to these addresses fail for good, as a
	// mail server's 5xx answer does.
	refuseTo map[string]bool
	// refusePurpose makes sends of these purposes fail for good.
	refusePurpose map[foi.Purpose]bool
	documents     []DocumentInput // DocumentWorkflows started
}

type sentMail struct {
	Purpose foi.Purpose
	To      string
	On      calendar.Date // campaign date it went out
	Draft   bool
	In      activities.SendInput
}

var london = calendar.London

func date(t testing.TB, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newHarness(t *testing.T, start string) *harness {
	t.Helper()
	var ts testsuite.WorkflowTestSuite
	h := &harness{t: t, env: ts.NewTestWorkflowEnvironment(), failSends: map[foi.Purpose]int{}, refuseTo: map[string]bool{},
		refusePurpose: map[foi.Purpose]bool{}}
	cal, err := calendar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	acts := &activities.Activities{Calendar: cal}
	h.env.RegisterWorkflow(RequestWorkflow)
	h.env.RegisterWorkflow(DocumentWorkflow)
	h.env.OnWorkflow(DocumentWorkflow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in DocumentInput) (*DocumentStatus, error) {
			h.mu.Lock()
			h.documents = append(h.documents, in)
			h.mu.Unlock()
			return &DocumentStatus{Status: "processing"}, nil
		})
	h.env.RegisterActivity(acts)
	h.env.SetStartTime(date(t, start).Time(london).Add(10 * time.Hour))
	h.env.OnActivity(acts.SendEmail, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.SendInput) (*activities.SendResult, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.refuseTo[in.To] || h.refusePurpose[in.Purpose] {
				return nil, temporal.NewNonRetryableApplicationError("smtp: 550 5.1.1 mailbox unavailable",
					activities.ErrTypeRejected, nil)
			}
			if h.failSends[in.Purpose] > 0 {
				h.failSends[in.Purpose]--
				return nil, errors.New("smtp: connection reset")
			}
			h.sent = append(h.sent, sentMail{Purpose: in.Purpose, To: in.To, On: calendar.DateOf(h.env.Now()),
				Draft: in.Draft, In: in})
			return &activities.SendResult{MessageID: fmt.Sprintf("m%d@test", len(h.sent)), Status: "sent", SentAt: h.env.Now()}, nil
		})
	h.env.OnActivity(acts.RecordEvent, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, e activities.RequestEvent) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.events = append(h.events, e)
			return nil
		})
	return h
}

func englishForce() activities.Target {
	return activities.Target{RequestID: 7, WorkflowID: "request/cro/2025/durham", Token: "cro-2025/durham",
		Force: activities.ForceInfo{Slug: "durham", Name: "Durham Constabulary", ShortName: "Durham",
			Email: "foi@durham.police.uk", Regime: foi.RegimeFOIA}}
}

func scottishForce() activities.Target {
	return activities.Target{RequestID: 8, WorkflowID: "request/cro/2025/police-scotland", Token: "cro-2025/police-scotland",
		Force: activities.ForceInfo{Slug: "police-scotland", Name: "Police Scotland", ShortName: "Police Scotland",
			Email: "foi@scotland.police.uk", Regime: foi.RegimeFOISA}}
}

func requestInput(target activities.Target) RequestInput {
	return RequestInput{
		Campaign:  CampaignRef{ID: 1, Slug: "cro", Year: 2025, Title: "Community resolutions"},
		Target:    target,
		Subject:   "Freedom of Information request - {{.Campaign.Title}}",
		Body:      "Dear {{.Force.Name}}, please send the figures for {{.Period}}.",
		Period:    "2022 to 2024",
		Requester: campaign.Requester{Name: "A Journalist"},
		Ladder:    campaign.DefaultLadder(),
		Clock:     Clock{Scale: 1},
	}
}

// at schedules fn at campaign date d (09:30 by default: after the day's chasers).
func (h *harness) at(d string, fn func()) {
	h.t.Helper()
	when := date(h.t, d).Time(london).Add(9*time.Hour + 30*time.Minute)
	h.env.RegisterDelayedCallback(fn, when.Sub(h.env.Now()))
}

func (h *harness) reply(d string, r Reply) {
	h.at(d, func() { h.env.SignalWorkflow(SignalReply, r) })
}

func (h *harness) update(d, name string, arg any, wantErr bool) {
	h.at(d, func() {
		h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
			OnReject: func(err error) {
				if !wantErr {
					h.t.Errorf("update %s rejected: %v", name, err)
				}
			},
			OnAccept: func() {
				if wantErr {
					h.t.Errorf("update %s accepted, want rejection", name)
				}
			},
			OnComplete: func(any, error) {},
		}, arg)
	})
}

func (h *harness) run(in RequestInput) RequestResult {
	h.t.Helper()
	h.env.ExecuteWorkflow(RequestWorkflow, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	var res RequestResult
	if err := h.env.GetWorkflowResult(&res); err != nil {
		h.t.Fatal(err)
	}
	return res
}

// status queries the request's status.
func (h *harness) status() RequestStatus {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(QueryStatus)
	if err != nil {
		h.t.Fatal(err)
	}
	var st RequestStatus
	if err := v.Get(&st); err != nil {
		h.t.Fatal(err)
	}
	return st
}

func (h *harness) sends() []string {
	var out []string
	for _, s := range h.sent {
		out = append(out, fmt.Sprintf("%s %s", s.Purpose, s.On))
	}
	return out
}

func (h *harness) states() []string {
	var out []string
	for _, e := range h.events {
		if e.ToState != "" {
			out = append(out, string(e.ToState))
		}
	}
	return out
}

func equal(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func TestAnsweredOnTime(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	h.reply("2025-03-10", Reply{Kind: foi.KindAcknowledgement, Reference: "DC/FOI 782/25"})
	h.reply("2025-03-20", Reply{Kind: foi.KindResponse})
	res := h.run(requestInput(englishForce()))

	if res.State != foi.StateAnswered || res.ChasersSent != 0 || res.Reference != "DC/FOI 782/25" {
		t.Errorf("result = %+v, want answered with no chasers and the force's reference", res)
	}
	// Sent Monday 3 March 2025. Twenty working days under FOIA skip weekends
	// and St Patrick's Day (17 March, a Northern Irish bank holiday counts UK-wide):
	// 4–7 Mar (4), 10–14 (9), 18–21 (13), 24–28 (18), 31 Mar (19), 1 Apr (20).
	if res.Due == nil || res.Due.String() != "2025-04-01" {
		t.Errorf("due = %v, want 2025-04-01", res.Due)
	}
	if want := []string{"request 2025-03-03"}; !equal(h.sends(), want) {
		t.Errorf("sends = %v, want %v", h.sends(), want)
	}
	if want := []string{"sent", "acknowledged", "answered"}; !equal(h.states(), want) {
		t.Errorf("states = %v, want %v", h.states(), want)
	}
	for i, e := range h.events {
		if e.Seq != i {
			t.Errorf("event %d has seq %d: sequence numbers must be dense for idempotent writes", i, e.Seq)
		}
	}
}

func TestAcknowledgedReceiptDateMovesDueDate(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	received := date(t, "2025-03-05")
	h.reply("2025-03-06", Reply{Kind: foi.KindAcknowledgement, Reference: "FOI 003055/25", Received: &received})
	res := h.run(requestInput(englishForce()))

	// Received Wednesday 5 March: 6–7 Mar (2), 10–14 (7), 18–21 (11, St
	// Patrick's Day skipped), 24–28 (16), 31 Mar–3 Apr (20): due Thursday 3 April.
	// The reminder goes the next working day, Friday 4 April; the second
	// reminder ten working days after the due date: 4, 7–11, 14–17 April,
	// so 17 April; the internal review twenty: Good Friday (18) and Easter
	// Monday (21) skipped, 22–25 (14), 28 Apr–2 May (19), 5 May bank holiday
	// skipped, 6 May (20); the regulator complaint twenty working days after
	// the review request: 7–9 May (3), 12–16 (8), 19–23 (13), 26 May bank
	// holiday skipped, 27–30 (17), 2–4 June (20): 4 June.
	want := []string{"request 2025-03-03", "reminder 2025-04-04", "second_reminder 2025-04-17",
		"internal_review 2025-05-06", "regulator 2025-06-04"}
	if !equal(h.sends(), want) {
		t.Errorf("sends = %v\nwant    %v", h.sends(), want)
	}
	if res.Due.String() != "2025-04-03" || !res.Unanswered || res.ChasersSent != 4 {
		t.Errorf("result = %+v", res)
	}
	last := h.sent[len(h.sent)-1]
	if !last.Draft || last.To != "icocasework@ico.org.uk" {
		t.Errorf("regulator complaint = %+v, want a draft to the ICO", last)
	}
	if want := []string{"sent", "acknowledged", "overdue", "chased", "internal_review", "regulator"}; !equal(h.states(), want) {
		t.Errorf("states = %v, want %v", h.states(), want)
	}
	var kinds []string
	for _, e := range h.events {
		kinds = append(kinds, e.Kind)
	}
	if want := "[sent acknowledgement overdue reminder second_reminder internal_review regulator closed_unanswered]"; fmt.Sprint(kinds) != want {
		t.Errorf("event kinds = %v\nwant %s", kinds, want)
	}
}

func TestClarificationRestartsTheClock(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	h.reply("2025-03-07", Reply{Kind: foi.KindClarification})
	// Answering before the force asks is refused by the validator.
	h.update("2025-03-05", UpdateAnswerClarification, ClarificationInput{Text: "all offences"}, true)
	h.update("2025-04-14", UpdateAnswerClarification, ClarificationInput{Text: "All offence groups, please."}, false)
	h.reply("2025-05-01", Reply{Kind: foi.KindResponse})
	res := h.run(requestInput(englishForce()))

	// The clock stops on 7 March: no reminder when the original due date
	// (1 April) passes. Clarified on Monday 14 April, the count restarts:
	// 15–17 Apr (3), Good Friday and Easter Monday skipped, 22–25 (7),
	// 28 Apr–2 May (12), 5 May skipped, 6–9 (16), 12–15 (20): due 15 May.
	if res.State != foi.StateAnswered || res.ChasersSent != 0 {
		t.Errorf("result = %+v, want answered with no chaser", res)
	}
	if res.Due.String() != "2025-05-15" {
		t.Errorf("due = %v, want 2025-05-15", res.Due)
	}
	want := []string{"request 2025-03-03", "clarification_answer 2025-04-14"}
	if !equal(h.sends(), want) {
		t.Errorf("sends = %v, want %v", h.sends(), want)
	}
	if got := h.sent[1].In; got.InReplyTo != "m1@test" || len(got.References) != 1 {
		t.Errorf("clarification not sent in the thread: in-reply-to %q refs %v", got.InReplyTo, got.References)
	}
	if want := []string{"sent", "awaiting_clarification", "sent", "answered"}; !equal(h.states(), want) {
		t.Errorf("states = %v, want %v", h.states(), want)
	}
}

func TestExtension(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	newDue := date(t, "2025-04-29")
	h.reply("2025-03-28", Reply{Kind: foi.KindExtension, Due: &newDue})
	res := h.run(requestInput(englishForce()))
	// With no answer the reminder comes the working day after the extended
	// date: Wednesday 30 April.
	if res.Due.String() != "2025-04-29" {
		t.Errorf("due = %v, want the extension's 2025-04-29", res.Due)
	}
	if h.sent[1].Purpose != foi.PurposeReminder || h.sent[1].On.String() != "2025-04-30" {
		t.Errorf("first chaser = %s on %s, want reminder on 2025-04-30", h.sent[1].Purpose, h.sent[1].On)
	}
	if states := h.states(); len(states) < 3 || states[1] != "extended" || states[2] != "overdue" {
		t.Errorf("states = %v, want sent, extended, overdue, ...", states)
	}
}

func TestExtensionWithoutDateAddsTwentyWorkingDays(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	h.reply("2025-03-28", Reply{Kind: foi.KindExtension})
	h.reply("2025-04-10", Reply{Kind: foi.KindResponse})
	res := h.run(requestInput(englishForce()))
	// Due 1 April plus 20 working days: 2–4 Apr (3), 7–11 (8), 14–17 (12),
	// Easter skipped, 22–25 (16), 28 Apr–1 May (20): 1 May.
	if res.Due.String() != "2025-05-01" {
		t.Errorf("due = %v, want 2025-05-01", res.Due)
	}
}

func TestScottishExtensionClaimIgnored(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	later := date(t, "2025-05-30")
	h.reply("2025-03-20", Reply{Kind: foi.KindExtension, Due: &later})
	h.reply("2025-04-03", Reply{Kind: foi.KindResponse})
	res := h.run(requestInput(scottishForce()))
	// FOISA: Scottish holidays only, so St Patrick's Day is a working day:
	// 4–7 Mar (4), 10–14 (9), 17–21 (14), 24–28 (19), 31 Mar (20).
	if res.Due.String() != "2025-03-31" {
		t.Errorf("due = %v, want 2025-03-31: FOISA has no public-interest extension", res.Due)
	}
	if len(h.sent) != 2 || h.sent[1].Purpose != foi.PurposeReminder || h.sent[1].On.String() != "2025-04-01" {
		t.Errorf("sends = %v, want the request and a reminder on 2025-04-01", h.sends())
	}
}

// TestLadderAcrossChristmas: sent Thursday 27 November 2025 to an English
// force, never answered. Under FOIA every UK bank holiday is skipped,
// including Scotland's St Andrew's Day substitute (1 December) and 2 January:
// 28 Nov (1), 2–5 Dec (5), 8–12 (10), 15–19 (15), 22–24 (18), 29–30 (20):
// due Tuesday 30 December. Reminder: 31 December. Second reminder, due+10:
// 31 Dec (1), 5–9 Jan (6), 12–15 (10): 15 January. Internal review, due+20:
// 16 (11), 19–23 (16), 26–29 (20): 29 January. Regulator, review+20: 30 Jan
// (1), 2–6 Feb (6), 9–13 (11), 16–20 (16), 23–26 (20): 26 February.
func TestLadderAcrossChristmas(t *testing.T) {
	h := newHarness(t, "2025-11-27")
	res := h.run(requestInput(englishForce()))
	want := []string{"request 2025-11-27", "reminder 2025-12-31", "second_reminder 2026-01-15",
		"internal_review 2026-01-29", "regulator 2026-02-26"}
	if !equal(h.sends(), want) {
		t.Errorf("sends = %v\nwant    %v", h.sends(), want)
	}
	if res.Due.String() != "2025-12-30" || res.State != foi.StateRegulator || !res.Unanswered {
		t.Errorf("result = %+v", res)
	}
}

// TestScottishHolidayScotlandAgainstEngland: sent Friday 31 July 2026.
// Scotland's summer bank holiday (Monday 3 August) is skipped by both
// regimes (FOIA counts holidays anywhere in the UK); England's (Monday
// 31 August) only by FOIA. Police Scotland: 4–7 Aug (4), 10–14 (9),
// 17–21 (14), 24–28 (19), 31 Aug (20): due 31 August, reminder 1 September.
// An English force: 31 August skipped, due 1 September, reminder 2 September.
func TestScottishHolidayScotlandAgainstEngland(t *testing.T) {
	for _, tc := range []struct {
		target             activities.Target
		due, firstReminder string
	}{
		{scottishForce(), "2026-08-31", "2026-09-01"},
		{englishForce(), "2026-09-01", "2026-09-02"},
	} {
		t.Run(tc.target.Force.Slug, func(t *testing.T) {
			h := newHarness(t, "2026-07-31")
			h.reply("2026-09-10", Reply{Kind: foi.KindRefusal, Sections: []string{"s12"}})
			res := h.run(requestInput(tc.target))
			if res.Due.String() != tc.due || res.State != foi.StateRefused {
				t.Errorf("result = %+v, want refused, due %s", res, tc.due)
			}
			if len(h.sent) < 2 || h.sent[1].On.String() != tc.firstReminder {
				t.Errorf("sends = %v, want the reminder on %s", h.sends(), tc.firstReminder)
			}
		})
	}
}

// Two resends admitted while the letter is refused (a desk retrying an
// update whose first call had not answered) send it once: the second finds
// it sent and is recorded as not needed.
func TestResendAdmittedTwiceSendsOnce(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	h.refuseTo["foi@durham.police.uk"] = true
	fixed := ResendInput{To: "foi@durham.pnn.police.uk", By: "Sam", Reason: "new address"}
	h.update("2025-03-10", UpdateResendRequest, fixed, false)
	h.update("2025-03-10", UpdateResendRequest, fixed, false)
	h.reply("2025-03-20", Reply{Kind: foi.KindResponse})
	res := h.run(requestInput(englishForce()))
	if res.State != foi.StateAnswered {
		t.Errorf("result = %+v, want answered", res)
	}
	if want := []string{"request 2025-03-10"}; !equal(h.sends(), want) {
		t.Errorf("sends = %v, want %v: the letter once", h.sends(), want)
	}
	notNeeded := 0
	for _, e := range h.events {
		if e.Kind == "note" && strings.Contains(fmt.Sprint(e.Detail["note"]), "not needed") {
			notNeeded++
		}
	}
	if notNeeded != 1 {
		t.Errorf("%d notes of a resend not needed, want 1", notNeeded)
	}
}

func TestWithdraw(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	h.update("2025-03-12", UpdateWithdraw, WithdrawInput{Reason: "duplicate request", By: "desk"}, false)
	h.reply("2025-03-20", Reply{Kind: foi.KindResponse}) // arrives after the workflow ended: not delivered
	res := h.run(requestInput(englishForce()))
	if res.State != foi.StateWithdrawn || len(h.sent) != 1 {
		t.Errorf("result = %+v, sends %v; want withdrawn, nothing sent after the request", res, h.sends())
	}
}

// A request letter the mail server refuses for good is not lost with a
// failed workflow: the request waits, unsent and with no clock running,
// until the desk resends it (here to a corrected address, after one more
// refusal), and then runs as any other.
func TestRefusedLetterWaitsForResend(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	h.refuseTo["foi@durham.police.uk"] = true
	h.update("2025-03-04", UpdateResendRequest, ResendInput{By: ""}, true) // who resends?
	h.update("2025-03-04", UpdateResendRequest, ResendInput{To: "not an address", By: "Sam"}, true)
	h.update("2025-03-05", UpdateResendRequest, ResendInput{By: "Sam", Reason: "try again"}, false) // refused again
	h.at("2025-03-06", func() {
		st := h.status()
		if st.State != foi.StateDraft || st.Due != nil || !strings.Contains(st.NextStep, "resend") {
			t.Errorf("status while refused = %+v, want draft, no due date, resend next", st)
		}
	})
	h.update("2025-03-10", UpdateResendRequest, ResendInput{To: "foi@durham.pnn.police.uk", By: "Sam", Reason: "new address"}, false)
	h.update("2025-03-11", UpdateResendRequest, ResendInput{By: "Sam"}, true) // sent now: nothing to resend
	h.reply("2025-03-20", Reply{Kind: foi.KindResponse})
	res := h.run(requestInput(englishForce()))
	if res.State != foi.StateAnswered {
		t.Errorf("result = %+v, want answered", res)
	}
	if want := []string{"request 2025-03-10"}; !equal(h.sends(), want) || h.sent[0].To != "foi@durham.pnn.police.uk" {
		t.Errorf("sends = %v to %s, want %v to the corrected address", h.sends(), h.sent[0].To, want)
	}
	var failed, resends int
	for _, e := range h.events {
		switch e.Kind {
		case "send_failed":
			failed++
		case "resend":
			resends++
		}
	}
	if failed != 2 || resends != 2 {
		t.Errorf("%d send_failed and %d resend events, want 2 and 2", failed, resends)
	}
	// The clock starts when the letter goes: due 20 working days after 10 March.
	if st := h.states(); len(st) == 0 || st[0] != string(foi.StateSent) {
		t.Errorf("states = %v, want sent first", st)
	}
}

// An internal review the mail server refuses for good leaves the
// regulator's rung undated; the request does not wait for ever: the
// refusal is recorded and it closes unanswered after the horizon.
func TestRefusedInternalReviewStillCloses(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	h.refusePurpose[foi.PurposeInternalReview] = true
	in := requestInput(englishForce())
	in.CloseAfter = 10
	res := h.run(in)
	if !res.Unanswered {
		t.Errorf("result = %+v, want closed unanswered", res)
	}
	want := []string{"request 2025-03-03", "reminder 2025-04-02", "second_reminder 2025-04-15"}
	if !equal(h.sends(), want) {
		t.Errorf("sends = %v, want %v (the review refused)", h.sends(), want)
	}
	failed := false
	for _, e := range h.events {
		failed = failed || e.Kind == "send_failed"
	}
	if !failed {
		t.Error("the refused review was not recorded")
	}
}

func TestResumedLadderKeepsItsGaps(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	h.update("2025-03-25", UpdatePauseChasing, ChasingInput{Reason: "force phoned", By: "desk"}, false)
	h.update("2025-04-22", UpdateResumeChasing, ChasingInput{By: "desk"}, false)
	h.reply("2025-05-20", Reply{Kind: foi.KindResponse})
	h.run(requestInput(englishForce()))
	// The reminder goes on resuming, 22 April. The later rungs keep their
	// working-day gaps after it. Second reminder (due+10, a gap of 9):
	// 23–25 Apr (3), 28 Apr–2 May (8), 5 May bank holiday, 6 May (9).
	// Internal review (due+20, a gap of 19): 6–9 May (12), 12–16 (17),
	// 19, 20 May (19) — sent at 09:00, before the 10:00 answer that day.
	want := []string{"request 2025-03-03", "reminder 2025-04-22", "second_reminder 2025-05-06", "internal_review 2025-05-20"}
	if !equal(h.sends(), want) {
		t.Errorf("sends = %v, want %v", h.sends(), want)
	}
}

func TestPauseAndResumeChasing(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	// Due 1 April; reminder would go 2 April, second reminder 15 April.
	h.update("2025-03-25", UpdatePauseChasing, ChasingInput{Reason: "force phoned", By: "desk"}, false)
	h.update("2025-03-26", UpdatePauseChasing, ChasingInput{}, true) // already paused
	h.update("2025-04-22", UpdateResumeChasing, ChasingInput{Reason: "no answer after all", By: "desk"}, false)
	h.reply("2025-04-24", Reply{Kind: foi.KindResponse})
	res := h.run(requestInput(englishForce()))
	// Paused through both reminder dates: on resuming (09:30, 22 April)
	// the next rung, the first reminder, goes at once — one chaser, not two.
	want := []string{"request 2025-03-03", "reminder 2025-04-22"}
	if !equal(h.sends(), want) {
		t.Errorf("sends = %v, want %v", h.sends(), want)
	}
	if res.State != foi.StateAnswered || res.ChasersSent != 1 {
		t.Errorf("result = %+v", res)
	}
	// Overdue is still marked while paused.
	if states := h.states(); len(states) < 2 || states[1] != "overdue" {
		t.Errorf("states = %v, want overdue marked while paused", states)
	}
}

func TestReplyWhileSendIsRetrying(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	// The reminder (2 April) fails a few times; the response arrives while
	// the activity is being retried, and is handled once the send settles.
	h.failSends[foi.PurposeReminder] = 3
	h.reply("2025-04-02", Reply{Kind: foi.KindResponse})
	res := h.run(requestInput(englishForce()))
	if res.State != foi.StateAnswered {
		t.Errorf("state = %s, want answered", res.State)
	}
	if len(h.sent) != 2 || h.sent[1].Purpose != foi.PurposeReminder {
		t.Errorf("sends = %v, want the request and one reminder", h.sends())
	}
}

func TestAnswerWithDocumentsWaitsForData(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	docs := []activities.DocumentRef{{ID: 11, SHA256: "aa", Filename: "a.pdf"}, {ID: 12, SHA256: "bb", Filename: "b.xlsx"}}
	h.reply("2025-03-20", Reply{Kind: foi.KindResponse, Documents: docs})
	h.reply("2025-03-20", Reply{Kind: foi.KindResponse, Documents: docs[:1]}) // the same file again
	h.at("2025-03-21", func() { h.env.SignalWorkflow(SignalDocumentDone, DocumentDone{DocumentID: 11, Status: "loaded"}) })
	h.at("2025-03-24", func() {
		var st RequestStatus
		v, err := h.env.QueryWorkflow(QueryStatus)
		if err != nil || v.Get(&st) != nil {
			t.Errorf("query: %v", err)
			return
		}
		if st.State != foi.StateAnswered || st.DocumentsPending != 1 {
			t.Errorf("status = %s with %d pending, want answered with 1 pending", st.State, st.DocumentsPending)
		}
		h.env.SignalWorkflow(SignalDocumentDone, DocumentDone{DocumentID: 12, Status: "loaded"})
	})
	res := h.run(requestInput(englishForce()))
	if res.State != foi.StateDataLoaded {
		t.Errorf("state = %s, want data_loaded", res.State)
	}
	if len(h.documents) != 2 || h.documents[0].Document.ID != 11 || h.documents[0].RequestWorkflowID != "request/cro/2025/durham" {
		t.Errorf("document workflows started: %+v, want one each for 11 and 12", h.documents)
	}
	if id := foi.DocumentWorkflowID("request/cro/2025/durham", "aa"); id != "document/cro/2025/durham/aa" {
		t.Errorf("DocumentWorkflowID = %s", id)
	}
}

// An answer none of whose documents gave figures is not data loaded: the
// request stays answered and records why.
func TestAnswerWhoseDocumentsAllFailStaysAnswered(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	docs := []activities.DocumentRef{{ID: 11, SHA256: "aa", Filename: "scan.pdf"}, {ID: 12, SHA256: "bb", Filename: "old.xls"}}
	h.reply("2025-03-20", Reply{Kind: foi.KindResponse, Documents: docs})
	h.at("2025-03-21", func() { h.env.SignalWorkflow(SignalDocumentDone, DocumentDone{DocumentID: 11, Status: "failed"}) })
	h.at("2025-03-22", func() { h.env.SignalWorkflow(SignalDocumentDone, DocumentDone{DocumentID: 12, Status: "rejected"}) })
	res := h.run(requestInput(englishForce()))
	if res.State != foi.StateAnswered {
		t.Errorf("state = %s, want answered", res.State)
	}
	var kinds []string
	for _, e := range h.events {
		kinds = append(kinds, e.Kind)
	}
	if !slices.Contains(kinds, "no_data_loaded") || slices.Contains(kinds, "data_loaded") {
		t.Errorf("events %v, want no_data_loaded and no data_loaded", kinds)
	}
}

func TestStatusQueryCountsWorkingDaysOverdue(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	// Due 1 April. On Monday 7 April: 2, 3, 4, 7 April = 4 working days overdue.
	h.at("2025-04-07", func() {
		st := h.status()
		if st.WorkingDaysOverdue != 4 || st.State != foi.StateChased || st.ChasersSent != 1 {
			t.Errorf("status = %+v, want chased, 4 WD overdue, 1 chaser", st)
		}
		if st.NextStep != "second_reminder" || st.NextAt == nil || st.NextAt.String() != "2025-04-15" {
			t.Errorf("next = %s on %v, want second_reminder on 2025-04-15", st.NextStep, st.NextAt)
		}
		h.env.SignalWorkflow(SignalReply, Reply{Kind: foi.KindNotHeld})
	})
	res := h.run(requestInput(englishForce()))
	if res.State != foi.StateNotHeld {
		t.Errorf("state = %s", res.State)
	}
}

func TestDueDatePastTheHolidayDataIsEstimated(t *testing.T) {
	h := newHarness(t, "2027-12-06")
	h.reply("2027-12-10", Reply{Kind: foi.KindAcknowledgement})
	h.reply("2028-01-05", Reply{Kind: foi.KindResponse})
	res := h.run(requestInput(englishForce()))
	// Received Mon 6 Dec 2027: 7–10 (4), 13–17 (9), 20–24 (14); 27 and 28
	// Dec are the Christmas and Boxing Day substitutes; 29–31 (17); Mon 3
	// Jan 2028 New Year's substitute and Tue 4 Jan Scotland's 2 January
	// substitute (estimated: the GOV.UK data ends with 2027); 5, 6, 7 Jan (20).
	if res.Due.String() != "2028-01-07" || res.State != foi.StateAnswered {
		t.Errorf("result = %+v, want answered, due 2028-01-07", res)
	}
	found := false
	for _, e := range h.events {
		found = found || e.Kind == "calendar_estimated"
	}
	if !found {
		t.Error("no calendar_estimated event: the estimate must be on the record")
	}
}

func TestStatedReceiptBeforeSendingIsIgnored(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	stale := date(t, "2014-06-26") // another request's date, quoted in a template
	h.reply("2025-03-04", Reply{Kind: foi.KindAcknowledgement, Reference: "2014060002719", Received: &stale})
	h.reply("2025-03-20", Reply{Kind: foi.KindResponse})
	res := h.run(requestInput(englishForce()))
	// Due as counted from the send date, Mon 3 March 2025: 4–7 (4), 10–14
	// (9), 17 Mar St Patrick's Day out, 18–21 (13), 24–28 (18), 31 Mar (19),
	// 1 Apr (20).
	if res.Due.String() != "2025-04-01" || res.Reference != "2014060002719" {
		t.Errorf("result = %+v, want due 2025-04-01 and the reference kept", res)
	}
	if note := h.events[1].Detail["note"]; !strings.Contains(fmt.Sprint(note), "ignored") {
		t.Errorf("acknowledgement note %q does not say the date was ignored", note)
	}
}

// The desk sends the drafted complaint to the regulator as it edited it:
// the text goes as written (template syntax and all), to the regulator,
// in the thread, and the event says who sent it.
func TestSendEditedComplaint(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	received := date(t, "2025-03-05")
	h.reply("2025-03-06", Reply{Kind: foi.KindAcknowledgement, Reference: "FOI 003055/25", Received: &received})
	// Before anyone has written it: refused.
	h.update("2025-06-05", UpdateSendComplaint, ComplaintInput{Subject: "Complaint", Body: " ", By: "Sam"}, true)
	h.update("2025-06-05", UpdateSendComplaint, ComplaintInput{Subject: "Complaint", Body: "text", By: ""}, true)
	body := "To the ICO,\n\nDurham has not answered {{.Force.Name}} — 62 working days.\n"
	h.update("2025-06-06", UpdateSendComplaint, ComplaintInput{Subject: "Complaint: Durham", Body: body, By: "Sam Reporter"}, false)
	res := h.run(requestInput(englishForce()))
	if !res.Unanswered {
		t.Errorf("result = %+v, want closed unanswered", res)
	}
	want := []string{"request 2025-03-03", "reminder 2025-04-04", "second_reminder 2025-04-17",
		"internal_review 2025-05-06", "regulator 2025-06-04", "regulator 2025-06-06"}
	if !equal(h.sends(), want) {
		t.Fatalf("sends = %v\nwant    %v", h.sends(), want)
	}
	last := h.sent[len(h.sent)-1]
	if last.Draft || last.To != "icocasework@ico.org.uk" || last.In.InReplyTo == "" {
		t.Errorf("complaint = %+v, want sent to the ICO in the thread", last)
	}
	gotBody, err := campaign.Render("body", last.In.Body, last.In.Data)
	if err != nil || gotBody != body {
		t.Errorf("complaint body renders as %q (%v), want %q", gotBody, err, body)
	}
	gotSubject, err := campaign.Render("subject", last.In.Subject, last.In.Data)
	if err != nil || gotSubject != "Complaint: Durham" {
		t.Errorf("complaint subject renders as %q (%v)", gotSubject, err)
	}
	var ev *activities.RequestEvent
	for i := range h.events {
		if h.events[i].Kind == "complaint_sent" {
			ev = &h.events[i]
		}
	}
	if ev == nil || ev.Detail["by"] != "Sam Reporter" || ev.Detail["to"] != "icocasework@ico.org.uk" {
		t.Errorf("complaint event = %+v", ev)
	}
	// The status says it in the board's words.
	st := h.status()
	if st.Label != "closed unanswered — complaint sent" {
		t.Errorf("status label %q", st.Label)
	}
}

// A reply that arrives with the one that finishes the request is handled,
// not dropped when the workflow completes: here an answer with no
// attachment, then at once the same force's spreadsheet.
func TestReplyArrivingAsTheRequestFinishesIsHandled(t *testing.T) {
	h := newHarness(t, "2025-03-03")
	h.at("2025-03-20", func() {
		h.env.SignalWorkflow(SignalReply, Reply{InboundID: 1, Kind: foi.KindResponse})
		h.env.SignalWorkflow(SignalReply, Reply{InboundID: 2, Kind: foi.KindResponse,
			Documents: []activities.DocumentRef{{ID: 21, SHA256: "cc", Filename: "figures.xlsx"}}})
	})
	h.at("2025-03-21", func() { h.env.SignalWorkflow(SignalDocumentDone, DocumentDone{DocumentID: 21, Status: "loaded"}) })
	res := h.run(requestInput(englishForce()))
	if len(h.documents) != 1 || h.documents[0].Document.ID != 21 {
		t.Errorf("document workflows started: %+v, want one for the spreadsheet", h.documents)
	}
	if res.State != foi.StateDataLoaded {
		t.Errorf("state = %s, want data_loaded", res.State)
	}
}
