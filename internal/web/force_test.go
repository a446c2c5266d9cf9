package web

import (
	"context"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/foi"
	fmail "github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/match"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

// A reply body that tries to run script, and the complaint's draft text.
const (
	hostileBody    = "<script>alert('body')</script>Figures attached; s.12 for the rest."
	complaintDraft = "To the Information Commissioner's Office,\n\nI wish to complain that the force has not responded."
)

// closeUnanswered walks a "sent" force of the fixture up the ladder to
// the regulator, with a drafted complaint, and closes it unanswered; its
// request letter and complaint are real emails. It returns the force's slug.
func closeUnanswered(t *testing.T, fx *fixture) string {
	t.Helper()
	ctx := context.Background()
	var slug string
	for _, f := range fx.forces {
		if fx.kind[f.Slug] == "sent" {
			slug = f.Slug
			break
		}
	}
	rid := fx.requests[slug]
	compose := func(n int, purpose foi.Purpose, to, subject, body string, status foi.OutboundStatus, when time.Time) string {
		id := fmt.Sprintf("%s.x%d@foidesk.test", slug, n)
		raw, err := fmail.Compose(fmail.Outgoing{From: mail.Address{Address: "datadesk@example.org"},
			To: []mail.Address{{Address: to}}, Subject: subject, Body: body, MessageID: id, Date: when})
		must(t, err)
		_, err = fx.st.LedgerEntry(ctx, store.Outbound{RequestID: rid, MessageID: id, Purpose: purpose,
			From: "datadesk@example.org", To: to, Subject: subject, Raw: raw, Refs: []string{}})
		must(t, err)
		must(t, fx.st.MarkSent(ctx, id, status, when))
		return id
	}
	sentAt := at(time.February, 3, 9)
	due := date(2025, time.March, 3)
	seq := 1
	record := func(kind string, from, to foi.State, when time.Time, detail map[string]any) {
		must(t, fx.st.RecordEvent(ctx, store.RequestEvent{RequestID: rid, Seq: seq, Kind: kind, FromState: from, ToState: to,
			OccurredAt: when, Detail: detail, State: to, SentAt: &sentAt, DueOn: due, ChasersSent: 3}))
		seq++
	}
	compose(1, foi.PurposeInternalReview, "foi@force.example", "Internal review request", "Dear force,\n\nPlease review.", foi.OutboundSent, at(time.March, 4, 9))
	record("internal_review", foi.StateSent, foi.StateInternalReview, at(time.March, 4, 9), nil)
	id := compose(2, foi.PurposeRegulator, "icocasework@ico.org.uk", "Complaint: failure to respond", complaintDraft, foi.OutboundDrafted, at(time.March, 10, 9))
	record("regulator", foi.StateInternalReview, foi.StateRegulator, at(time.March, 10, 9),
		map[string]any{"message_id": id, "status": "drafted", "to": "icocasework@ico.org.uk"})
	record("closed_unanswered", "", foi.StateRegulator, at(time.March, 17, 9), map[string]any{"note": "closed without an answer"})
	return slug
}

// partialReply gives a loaded force a partial answer whose body tries to
// run script, citing s.12; it returns the force and the message's id.
func partialReply(t *testing.T, fx *fixture) (string, int64) {
	t.Helper()
	ctx := context.Background()
	var slug string
	for _, f := range fx.forces {
		if fx.kind[f.Slug] == "loaded" && f.Slug != fx.scriptForce {
			slug = f.Slug
			break
		}
	}
	rid := fx.requests[slug]
	raw := []byte("From: foi@force.example\r\nSubject: Partial answer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + hostileBody + "\r\n")
	res, err := fx.st.StoreMessages(ctx, "INBOX", store.Checkpoint{UIDValidity: 1, LastUID: 9000}, []store.RawMessage{{
		UID: 9000, MessageID: "partial@force.example", Raw: raw, InternalDate: at(time.March, 1, 10),
		From: "foi@force.example", Subject: "Partial answer"}})
	must(t, err)
	in := res.Stored[0]
	_, err = fx.st.DecideInbound(ctx, in, store.InboundDecision{Status: "matched", Kind: "partial_response",
		Matches: []match.Match{{Candidate: match.Candidate{RequestID: rid}, Method: foi.MatchThread, Evidence: "in reply to the request"}}})
	must(t, err)
	sentAt := at(time.February, 3, 9)
	must(t, fx.st.RecordEvent(ctx, store.RequestEvent{RequestID: rid, Seq: 10, Kind: "partial_response",
		FromState: foi.StateDataLoaded, ToState: foi.StatePartiallyAnswered, OccurredAt: at(time.March, 1, 10),
		Detail: map[string]any{"inbound_id": in, "kind": "partial_response", "sections": []string{"s12"},
			"documents": []map[string]any{{"id": 13, "filename": "figures.xlsx", "sha256": "9757aa"}}},
		State: foi.StatePartiallyAnswered, SentAt: &sentAt}))
	return slug, in
}

// reopener is a Temporal client that can start workflows, whose requests
// listed in finished have no running run until one is started.
type reopener struct {
	updater
	mu       sync.Mutex
	finished map[string]bool
	started  []client.StartWorkflowOptions
	inputs   []workflows.RequestInput
}

func (r *reopener) UpdateWorkflow(ctx context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	r.mu.Lock()
	fin := r.finished[o.WorkflowID]
	r.mu.Unlock()
	if fin {
		return nil, serviceerror.NewNotFound("workflow execution already completed")
	}
	return r.updater.UpdateWorkflow(ctx, o)
}

func (r *reopener) ExecuteWorkflow(ctx context.Context, o client.StartWorkflowOptions, wf any, args ...any) (client.WorkflowRun, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started = append(r.started, o)
	if in, ok := args[0].(workflows.RequestInput); ok {
		r.inputs = append(r.inputs, in)
	}
	delete(r.finished, o.ID)
	return nil, nil
}

// forceForm reads the hidden fields of the force page's form of class
// act-NAME.
func forceForm(t *testing.T, h http.Handler, path, name string) (url.Values, []*http.Cookie) {
	t.Helper()
	rec := do(t, h, local("GET", path, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", path, rec.Code)
	}
	form := regexp.MustCompile(`(?s)<form method="post" class="decide act act-` + name + `">.*?</form>`).FindString(rec.Body.String())
	if form == "" {
		t.Fatalf("no %s form on %s", name, path)
	}
	vals := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="(\w+)" value="([^"]*)">`).FindAllStringSubmatch(form, -1) {
		vals.Set(m[1], html.UnescapeString(m[2]))
	}
	if vals.Get("csrf") == "" || vals.Get("nonce") == "" || vals.Get("action") != name {
		t.Fatalf("%s form lacks csrf, nonce or action: %s", name, form)
	}
	return vals, rec.Result().Cookies()
}

func TestForcePageCorrespondence(t *testing.T) {
	fx := seed(t)
	closed := closeUnanswered(t, fx)
	partial, _ := partialReply(t, fx)
	h := newHandler(t, fx.st, &Options{Temporal: &reopener{finished: map[string]bool{}}})

	// The closed request: one status in the shared words, on its page and
	// the board; its complaint drafted, shown and editable.
	body := get(t, h, boardPath+"/forces/"+closed, http.StatusOK)
	for _, want := range []string{
		`id="status">closed unanswered — complaint drafted</span>`,
		`<strong>complaint to the regulator</strong> · drafted`,
		"I wish to complain that the force has not responded.",
		`<button class="approve">Send to the regulator</button>`,
		`<span class="kind">closed unanswered</span>`,
		`class="decide act act-reopen"`,
	} {
		if !strings.Contains(body, html.EscapeString(want)) && !strings.Contains(body, want) {
			t.Errorf("closed force page lacks %q", want)
		}
	}
	if strings.Contains(body, `act-pause"`) {
		t.Error("a closed request offers to pause chasing")
	}
	board := get(t, h, boardPath, http.StatusOK)
	if !strings.Contains(board, "closed unanswered — complaint drafted") {
		t.Error("the board does not call the closed request closed unanswered")
	}
	// 11 loaded forces finished, plus the one closed unanswered.
	if !strings.Contains(board, `state=finished">finished <span class="count">12</span>`) {
		t.Errorf("board's finished count does not include the closed request:\n%s", regexp.MustCompile(`(?s)<nav class="filters".*?</nav>`).FindString(board))
	}

	// The partial answer: its text as text, its sections as people cite
	// them, no JSON.
	body = get(t, h, boardPath+"/forces/"+partial, http.StatusOK)
	if strings.Contains(body, "<script>alert('body')") {
		t.Fatal("a reply's body is rendered as HTML")
	}
	for _, want := range []string{
		"&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;Figures attached",
		"partial answer; s.12 cited for the rest",
		"attached: figures.xlsx",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("partial answer's page lacks %q", want)
		}
	}
	if strings.Contains(body, `"sha256"`) || strings.Contains(body, "&#34;sha256&#34;") {
		t.Error("the timeline shows raw JSON")
	}
	// The sent time is the same in the header and the timeline.
	sent := regexp.MustCompile(`id="sent-at">([^<]*)<`).FindStringSubmatch(body)
	if sent == nil || !strings.Contains(body, "<time>"+sent[1]+"</time>\n  <span class=\"kind\">request sent</span>") {
		t.Errorf("header's sent time %v is not the timeline's", sent)
	}
}

func TestForceActions(t *testing.T) {
	fx := seed(t)
	closed := closeUnanswered(t, fx)
	tc := &reopener{finished: map[string]bool{}}
	h := newHandler(t, fx.st, &Options{Temporal: tc})
	chased := fx.forces[0].Slug
	page := func(f string) string { return boardPath + "/forces/" + f }
	wf := func(f string) string { return foi.RequestWorkflowID(testSlug, testYear, f) }

	act := func(force, action string, fields url.Values) *httptestResult {
		t.Helper()
		vals, cookies := forceForm(t, h, page(force), action)
		for k, v := range fields {
			vals[k] = v
		}
		rec := post(t, h, page(force), vals, cookies)
		return &httptestResult{code: rec.Code, loc: rec.Header().Get("Location"), body: rec.Body.String()}
	}
	cases := []struct {
		force, action string
		fields        url.Values
		update        string
		check         func(any) bool
	}{
		{chased, "note", url.Values{"text": {"rang the FOI office"}, "by": {"Sam"}}, workflows.UpdateAddNote,
			func(a any) bool {
				n, ok := a.(workflows.NoteInput)
				return ok && n.Text == "rang the FOI office" && n.By == "Sam"
			}},
		{chased, "pause", url.Values{"text": {"force asked for a week"}, "by": {"Sam"}}, workflows.UpdatePauseChasing,
			func(a any) bool {
				c, ok := a.(workflows.ChasingInput)
				return ok && c.Reason == "force asked for a week"
			}},
		{chased, "answered", url.Values{"text": {"by post"}, "by": {"Sam"}}, workflows.UpdateMarkAnswered,
			func(a any) bool { m, ok := a.(workflows.MarkAnsweredInput); return ok && m.Note == "by post" }},
		{chased, "withdraw", url.Values{"text": {"story dropped"}, "by": {"Sam"}}, workflows.UpdateWithdraw,
			func(a any) bool { w, ok := a.(workflows.WithdrawInput); return ok && w.Reason == "story dropped" }},
		{closed, "complaint", url.Values{"subject": {"Complaint (edited)"}, "body": {"Edited {{text}}"}, "by": {"Sam"}}, workflows.UpdateSendComplaint,
			func(a any) bool {
				c, ok := a.(workflows.ComplaintInput)
				return ok && c.Subject == "Complaint (edited)" && c.Body == "Edited {{text}}" && c.By == "Sam"
			}},
	}
	for _, c := range cases {
		if c.force == closed {
			tc.mu.Lock()
			tc.finished[wf(closed)] = true
			tc.mu.Unlock()
		}
		before := len(tc.recorded())
		res := act(c.force, c.action, c.fields)
		if res.code != http.StatusSeeOther || !strings.HasSuffix(res.loc, page(c.force)+"?done="+c.action) {
			t.Errorf("%s: %d → %q\n%s", c.action, res.code, res.loc, res.body)
			continue
		}
		calls := tc.recorded()
		if len(calls) != before+1 {
			t.Fatalf("%s: %d updates sent, want 1", c.action, len(calls)-before)
		}
		u := calls[len(calls)-1]
		if u.WorkflowID != wf(c.force) || u.UpdateName != c.update || !c.check(u.Args[0]) || !strings.HasPrefix(u.UpdateID, "force/"+c.action+"/") {
			t.Errorf("%s: update sent %+v", c.action, u)
		}
		flash := get(t, h, res.loc, http.StatusOK)
		if !strings.Contains(flash, html.EscapeString(actionDone[c.action])) {
			t.Errorf("%s: the page after does not say it was done", c.action)
		}
	}
	// The closed request's run had ended: it was reopened to take the complaint.
	if len(tc.started) != 1 || tc.started[0].ID != wf(closed) || tc.inputs[0].Reopen == nil || tc.inputs[0].Reopen.WorkflowID != wf(closed) {
		t.Errorf("reopened %+v %+v, want one run of %s", tc.started, tc.inputs, wf(closed))
	}

	// Reopen on its own.
	res := act(closed, "reopen", url.Values{"text": {"a late letter is expected"}, "by": {"Sam"}})
	if res.code != http.StatusSeeOther || len(tc.started) != 2 || !strings.Contains(tc.inputs[1].Reopen.Reason, "a late letter is expected") {
		t.Errorf("reopen: %d, started %+v", res.code, tc.inputs)
	}

	// A reply's kind is confirmed or corrected from its page.
	loaded := ""
	for _, f := range fx.forces {
		if fx.kind[f.Slug] == "loaded" {
			loaded = f.Slug
			break
		}
	}
	vals, cookies := forceForm(t, h, page(loaded), "kind")
	vals.Set("kind", "partial_response")
	vals.Set("by", "Sam")
	if rec := post(t, h, page(loaded), vals, cookies); rec.Code != http.StatusSeeOther {
		t.Fatalf("kind: %d\n%s", rec.Code, rec.Body.String())
	}
	calls := tc.recorded()
	if k, ok := calls[len(calls)-1].Args[0].(workflows.KindInput); !ok || k.Kind != foi.KindPartialResponse ||
		strconv.FormatInt(k.InboundID, 10) != vals.Get("inbound") || k.Was != foi.KindResponse {
		t.Errorf("kind update: %+v", calls[len(calls)-1])
	}
	// Another request's reply is refused.
	vals.Set("inbound", "999999")
	if rec := post(t, h, page(loaded), vals, cookies); rec.Code != http.StatusBadRequest {
		t.Errorf("a reply of no request: %d, want 400", rec.Code)
	}

	// Without the CSRF token, nothing is sent.
	before := len(tc.recorded())
	vals, cookies = forceForm(t, h, page(chased), "note")
	vals.Del("csrf")
	vals.Set("text", "x")
	vals.Set("by", "Sam")
	if rec := post(t, h, page(chased), vals, cookies); rec.Code != http.StatusForbidden || len(tc.recorded()) != before {
		t.Errorf("without CSRF: %d, %d updates", rec.Code, len(tc.recorded())-before)
	}
	// A refusal by the workflow's validator is shown on the page.
	tc.updater.err = serviceerror.NewInvalidArgument("the request is already withdrawn")
	res = act(chased, "note", url.Values{"text": {"x"}, "by": {"Sam"}})
	if res.code != http.StatusBadGateway || !strings.Contains(res.body, "the request is already withdrawn") {
		t.Errorf("refused action: %d", res.code)
	}
}

// Without Temporal the page says why it offers no action.
func TestForceActionsWithoutTemporal(t *testing.T) {
	fx := seed(t)
	h := newHandler(t, fx.st, nil)
	body := get(t, h, boardPath+"/forces/"+fx.forces[0].Slug, http.StatusOK)
	if !strings.Contains(body, "Actions are disabled") || strings.Contains(body, `class="decide act`) {
		t.Error("without Temporal the force page still offers actions")
	}
}

type httptestResult struct {
	code      int
	loc, body string
}

// The board of a campaign whose run has ended shows a request reopened
// after the end as it stands now: it reads each request's own row, which
// the reopened run keeps, not what the campaign last heard.
func TestBoardAfterReopen(t *testing.T) {
	fx := seed(t)
	closed := closeUnanswered(t, fx)
	ctx := context.Background()
	must(t, fx.st.CompleteCampaign(ctx, fx.campaignID,
		[]byte(`{"finished_at": "2025-03-18T09:00:00Z", "by_state": {"regulator": 1}}`)))
	h := newHandler(t, fx.st, nil)
	row := func() string {
		t.Helper()
		board := get(t, h, boardPath, http.StatusOK)
		return regexp.MustCompile(`(?s)<tr class="force[^"]*" data-force="` + closed + `">.*?</tr>`).FindString(board)
	}
	if r := row(); !strings.Contains(r, "closed unanswered — complaint drafted") {
		t.Fatalf("before reopening, the row: %s", r)
	}

	// A new run reopens the request after the campaign ended and the desk
	// marks it answered.
	rid := fx.requests[closed]
	sentAt := at(time.February, 3, 9)
	due := date(2025, time.March, 3)
	for i, e := range []struct {
		kind     string
		from, to foi.State
	}{{"reopened", "", foi.StateRegulator}, {"marked_answered", foi.StateRegulator, foi.StateAnswered}} {
		must(t, fx.st.RecordEvent(ctx, store.RequestEvent{RequestID: rid, Seq: 4 + i, Kind: e.kind, FromState: e.from, ToState: e.to,
			OccurredAt: at(time.April, 1, 9+i), Detail: map[string]any{"by": "Sam"}, State: e.to, SentAt: &sentAt, DueOn: due,
			ChasersSent: 3}))
	}
	r := row()
	if !strings.Contains(r, ">answered</span>") || strings.Contains(r, "closed unanswered") || !strings.Contains(r, "marked answered") {
		t.Errorf("after the reopened run marked it answered, the row: %s", r)
	}
	if strings.Contains(r, "<strong>") {
		t.Errorf("an answered request is counted overdue: %s", r)
	}
	page := get(t, h, boardPath+"/forces/"+closed, http.StatusOK)
	if !strings.Contains(page, `id="status">answered</span>`) {
		t.Errorf("the force page's status: %s", regexp.MustCompile(`id="status">[^<]*`).FindString(page))
	}
}

// The complaint to the regulator, edited on the force's page, is saved as
// a draft — stored with who and when, shown on reload, guarded by the CSRF
// token, its nonce and the draft's revision — and sent later as saved.
func TestComplaintDraft(t *testing.T) {
	fx := seed(t)
	closed := closeUnanswered(t, fx)
	tc := &reopener{finished: map[string]bool{}}
	h := newHandler(t, fx.st, &Options{Temporal: tc})
	page := boardPath + "/forces/" + closed
	ctx := context.Background()

	vals, cookies := forceForm(t, h, page, "complaint")
	if vals.Get("revision") != "0" {
		t.Fatalf("a complaint never saved has revision %q", vals.Get("revision"))
	}
	first := maps.Clone(vals)
	edited := complaintDraft + "\n\nThe force has not replied to two reminders <b>either</b>."
	vals.Set("subject", "Complaint: Durham has not answered")
	vals.Set("body", edited)
	vals.Set("by", "Sam")
	vals.Set("save", "draft")
	rec := post(t, h, page, vals, cookies)
	if rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "?done=draft") {
		t.Fatalf("save: %d → %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	if n := len(tc.recorded()); n != 0 {
		t.Fatalf("saving a draft sent %d updates to the workflow", n)
	}
	d, err := fx.st.ComplaintDraft(ctx, fx.requests[closed])
	if err != nil {
		t.Fatal(err)
	}
	if d.Revision != 1 || d.Subject != "Complaint: Durham has not answered" || d.Body != edited || d.SavedBy != "Sam" || !d.SavedAt.Equal(testNow) {
		t.Errorf("stored draft %+v", d)
	}
	// The same form sent again is the same save.
	if rec := post(t, h, page, vals, cookies); rec.Code != http.StatusSeeOther {
		t.Errorf("the save sent twice: %d\n%s", rec.Code, rec.Body.String())
	}
	if d, _ := fx.st.ComplaintDraft(ctx, fx.requests[closed]); d.Revision != 1 {
		t.Errorf("the save sent twice made revision %d", d.Revision)
	}

	// On reload: the draft, safely rendered, who saved it, and the form
	// editing its revision.
	body := get(t, h, page+"?done=draft", http.StatusOK)
	for _, want := range []string{
		html.EscapeString(actionDone["draft"]),
		`id="draft-saved">The desk's draft, saved by Sam on`,
		"(revision 1)",
		`value="Complaint: Durham has not answered"`,
		"two reminders &lt;b&gt;either&lt;/b&gt;.</textarea>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page after saving lacks %q", want)
		}
	}
	vals2, cookies2 := forceForm(t, h, page, "complaint")
	if vals2.Get("revision") != "1" {
		t.Errorf("the form after saving edits revision %q", vals2.Get("revision"))
	}

	// A save from a page loaded before Sam's (revision 0, another nonce)
	// is refused and changes nothing.
	stale := maps.Clone(first)
	stale.Set("nonce", "another-page-complaint")
	stale.Set("subject", "Complaint")
	stale.Set("body", "Jo's older text")
	stale.Set("by", "Jo")
	stale.Set("save", "draft")
	rec = post(t, h, page, stale, cookies)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "saved by Sam after this page was loaded") {
		t.Errorf("a stale save: %d\n%s", rec.Code, rec.Body.String())
	}
	if d, _ := fx.st.ComplaintDraft(ctx, fx.requests[closed]); d.Revision != 1 || d.Body != edited {
		t.Errorf("a stale save changed the draft: %+v", d)
	}

	// Without the CSRF token nothing is saved.
	nocsrf := maps.Clone(vals2)
	nocsrf.Del("csrf")
	nocsrf.Set("body", "forged")
	nocsrf.Set("by", "Mallory")
	nocsrf.Set("save", "draft")
	if rec := post(t, h, page, nocsrf, cookies2); rec.Code != http.StatusForbidden {
		t.Errorf("without CSRF: %d", rec.Code)
	}
	if d, _ := fx.st.ComplaintDraft(ctx, fx.requests[closed]); d.Body != edited {
		t.Errorf("a save without CSRF changed the draft: %+v", d)
	}

	// A second save from the reloaded page makes revision 2.
	vals2.Set("subject", "Complaint: Durham has not answered")
	vals2.Set("body", edited+"\nSecond thoughts.")
	vals2.Set("by", "Jo")
	vals2.Set("save", "draft")
	if rec := post(t, h, page, vals2, cookies2); rec.Code != http.StatusSeeOther {
		t.Fatalf("second save: %d\n%s", rec.Code, rec.Body.String())
	}
	if d, _ := fx.st.ComplaintDraft(ctx, fx.requests[closed]); d.Revision != 2 || d.SavedBy != "Jo" {
		t.Errorf("after the second save: %+v", d)
	}

	// Sent later, from the form as saved: the request's run has ended, so
	// it is reopened to take it.
	tc.mu.Lock()
	tc.finished[foi.RequestWorkflowID(testSlug, testYear, closed)] = true
	tc.mu.Unlock()
	// A send from the page loaded before the second save sends nothing.
	old := maps.Clone(vals2)
	old.Del("save")
	old.Set("revision", "1")
	old.Set("nonce", "old-page-complaint")
	if rec := post(t, h, page, old, cookies2); rec.Code != http.StatusConflict || len(tc.recorded()) != 0 ||
		!strings.Contains(rec.Body.String(), "saved again by Jo") {
		t.Errorf("a send from before the last save: %d, %d updates", rec.Code, len(tc.recorded()))
	}
	send, cookies3 := forceForm(t, h, page, "complaint")
	if !strings.Contains(get(t, h, page, http.StatusOK), "Second thoughts.</textarea>") {
		t.Fatal("the form does not hold the saved draft")
	}
	send.Set("subject", "Complaint: Durham has not answered")
	send.Set("body", edited+"\nSecond thoughts.")
	send.Set("by", "Jo")
	rec = post(t, h, page, send, cookies3)
	if rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "?done=complaint") {
		t.Fatalf("send: %d → %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	calls := tc.recorded()
	if len(calls) != 1 {
		t.Fatalf("%d updates sent, want 1", len(calls))
	}
	if c, ok := calls[0].Args[0].(workflows.ComplaintInput); !ok || calls[0].UpdateName != workflows.UpdateSendComplaint ||
		c.Subject != "Complaint: Durham has not answered" || c.Body != edited+"\nSecond thoughts." || c.By != "Jo" {
		t.Errorf("sent %+v", calls[0])
	}
	if len(tc.started) != 1 || tc.inputs[0].Reopen == nil {
		t.Errorf("the ended run was not reopened to send it: %+v", tc.inputs)
	}
}

// A draft is saved without Temporal (sending waits for it), and only where
// a complaint waits to be sent.
func TestComplaintDraftWithoutTemporal(t *testing.T) {
	fx := seed(t)
	closed := closeUnanswered(t, fx)
	h := newHandler(t, fx.st, nil)
	page := boardPath + "/forces/" + closed
	body := get(t, h, page, http.StatusOK)
	if strings.Contains(body, "Send to the regulator</button>") || !strings.Contains(body, `<button name="save" value="draft">Save draft</button>`) {
		t.Error("without Temporal the complaint form should offer saving only")
	}
	vals, cookies := forceForm(t, h, page, "complaint")
	vals.Set("by", "Sam")
	vals.Set("save", "draft")
	vals.Set("subject", "Complaint")
	vals.Set("body", "Saved while Temporal is down.")
	if rec := post(t, h, page, vals, cookies); rec.Code != http.StatusSeeOther {
		t.Fatalf("save without Temporal: %d\n%s", rec.Code, rec.Body.String())
	}
	if d, err := fx.st.ComplaintDraft(context.Background(), fx.requests[closed]); err != nil || d.Body != "Saved while Temporal is down." {
		t.Errorf("draft %+v, %v", d, err)
	}

	// A request with no complaint has no draft to save.
	chased := fx.forces[0].Slug
	vals, cookies = forceForm(t, h, page, "complaint")
	vals.Set("save", "draft")
	vals.Set("subject", "x")
	vals.Set("body", "y")
	vals.Set("revision", "0")
	vals.Set("by", "Sam")
	if rec := post(t, h, boardPath+"/forces/"+chased, vals, cookies); rec.Code != http.StatusBadRequest {
		t.Errorf("a draft for a request with no complaint: %d", rec.Code)
	}
}

// A request whose letter the mail server refused for good offers, on its
// page, to send it again to a corrected address; a request whose letter
// went offers nothing of the kind.
func TestForceResendRefusedLetter(t *testing.T) {
	fx := seed(t)
	var refused, other string
	for _, f := range fx.forces {
		if fx.kind[f.Slug] != "chased" {
			continue
		}
		if refused == "" {
			refused = f.Slug
		} else if other == "" {
			other = f.Slug
		}
	}
	ctx := context.Background()
	db := dbtest.SQL(t, fx.st)
	rid := fx.requests[refused]
	_, err := db.Exec(ctx, `UPDATE requests SET state = 'draft' WHERE id = $1`, rid)
	must(t, err)
	_, err = db.Exec(ctx, `UPDATE outbound_messages SET status = 'failed', sent_at = NULL,
		last_error = 'smtp: 550 mailbox unavailable' WHERE request_id = $1 AND purpose = 'request'`, rid)
	must(t, err)
	_, err = db.Exec(ctx, `DELETE FROM outbound_messages WHERE request_id = $1 AND purpose <> 'request'`, rid)
	must(t, err)

	tc := &reopener{finished: map[string]bool{}}
	h := newHandler(t, fx.st, &Options{Temporal: tc})
	page := func(f string) string { return boardPath + "/forces/" + f }
	if body := get(t, h, page(other), http.StatusOK); strings.Contains(body, "act-resend") {
		t.Errorf("%s, whose letter went, offers to resend it", other)
	}
	if body := get(t, h, page(refused), http.StatusOK); !strings.Contains(body, "not sent — request letter refused") {
		t.Errorf("%s's page does not say its letter was refused", refused)
	}
	if body := get(t, h, boardPath, http.StatusOK); !strings.Contains(body, "not sent — request letter refused") {
		t.Error("the board does not say a letter was refused")
	}
	vals, cookies := forceForm(t, h, page(refused), "resend")
	vals.Set("to", "foi-new@force.example")
	vals.Set("text", "address changed")
	vals.Set("by", "Sam")
	rec := post(t, h, page(refused), vals, cookies)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("resend: %d\n%s", rec.Code, rec.Body.String())
	}
	calls := tc.recorded()
	if len(calls) != 1 {
		t.Fatalf("%d updates sent, want 1", len(calls))
	}
	in, ok := calls[0].Args[0].(workflows.ResendInput)
	if !ok || calls[0].UpdateName != workflows.UpdateResendRequest || in.To != "foi-new@force.example" ||
		in.By != "Sam" || in.Reason != "address changed" || calls[0].WorkflowID != foi.RequestWorkflowID(testSlug, testYear, refused) {
		t.Errorf("update sent %+v", calls[0])
	}
}
