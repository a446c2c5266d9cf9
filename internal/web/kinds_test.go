package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

func TestRepliesToCheck(t *testing.T) {
	fx := seed(t)
	up := &updater{}
	h := newHandler(t, fx.st, &Options{Temporal: up})
	ctx := t.Context()
	inbound, rid := waitingReply(t, fx, waiting{subject: "RE: your request <script>alert(1)</script>", body: "Please find attached.",
		reason: "no kind fits, and the reply brings documents or figures",
		result: `{"kind":"other","confidence":0.1,"alternatives":["response","not_held"],
			"evidence":[{"rule":"response:please-find-attached","kind":"response","weight":40,"source":"body","phrase":"Please find attached"}]}`})
	durham := foi.RequestWorkflowID(testSlug, testYear, "durham")
	items, err := fx.st.ReplyReviews(ctx, string(foi.ReplyReviewOpen), 0)
	must(t, err)
	if len(items) != 1 {
		t.Fatalf("%d open reply reviews, want 1", len(items))
	}
	path := "/kinds/" + strconv.FormatInt(items[0].ID, 10)
	if board := get(t, h, fmt.Sprintf("/campaigns/%s/%d", testSlug, testYear), http.StatusOK); !strings.Contains(board, "1 reply to check") {
		t.Error("the board does not say a reply waits for a person")
	}

	page := get(t, h, "/kinds", http.StatusOK)
	// The classifier's evidence is shown: "please-find-attached" is its
	// rule, "Please find attached" also the reply's text.
	for _, s := range []string{"Durham Constabulary", "no kind fits", "“Please find attached”", "figures.csv",
		`<option value="other" selected>`, "1 reply waits", "&lt;script&gt;",
		"it is most likely <strong>response</strong>, or else <strong>not held</strong>.",
		`name="pick" value="response"`, `name="pick" value="not_held"`} {
		if !strings.Contains(page, s) {
			t.Errorf("replies-to-check page lacks %q", s)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Error("the subject reached the page unescaped")
	}

	form, cookies := pageForm(t, h, "/kinds", path)
	form.Set("by", "Sam Reporter")
	form.Set("why", "the CSV is the answer")
	for _, bad := range []struct{ kind, by string }{{"planet", "Sam"}, {"response", " "}} {
		form.Set("kind", bad.kind)
		form.Set("by", bad.by)
		if rec := post(t, h, path, form, cookies); rec.Code != http.StatusBadRequest {
			t.Errorf("kind %q by %q: %d, want 400", bad.kind, bad.by, rec.Code)
		}
	}
	if n := len(up.recorded()); n != 0 {
		t.Fatalf("%d updates sent for refused forms", n)
	}
	// The alternative's button decides in one step, whatever the list
	// shows.
	form.Set("kind", "other")
	form.Set("pick", "response")
	form.Set("by", "Sam Reporter")
	rec := post(t, h, path, form, cookies)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("decide: %d\n%s", rec.Code, rec.Body)
	}
	calls := up.recorded()
	if len(calls) != 1 || calls[0].WorkflowID != durham || calls[0].UpdateName != workflows.UpdateConfirmKind {
		t.Fatalf("updates %+v, want confirm-kind to %s", calls, durham)
	}
	want := workflows.KindInput{InboundID: inbound, Kind: foi.KindResponse, By: "Sam Reporter", Why: "the CSV is the answer"}
	if in, ok := calls[0].Args[0].(workflows.KindInput); !ok || in != want {
		t.Errorf("update argument %#v, want %#v", calls[0].Args[0], want)
	}
	if !strings.HasSuffix(calls[0].UpdateID, "/"+form.Get("nonce")) {
		t.Errorf("update ID %q does not carry the form's nonce", calls[0].UpdateID)
	}
	up.err = errors.New("message 9 is not a reply this run of the request knows")
	if rec := post(t, h, path, form, cookies); rec.Code != http.StatusBadGateway || !strings.Contains(rec.Body.String(), "not a reply") {
		t.Errorf("refused update: %d", rec.Code)
	}
	up.err = nil
	// Once decided, the reply leaves the page and takes no more decisions.
	_, err = fx.st.ResolveReplyReview(ctx, rid, inbound, "response", "Sam Reporter", "")
	must(t, err)
	if rec := post(t, h, path, form, cookies); rec.Code != http.StatusConflict {
		t.Errorf("deciding a decided reply: %d, want 409", rec.Code)
	}
	if page := get(t, h, "/kinds", http.StatusOK); !strings.Contains(page, "No reply waits for a person") {
		t.Error("a decided reply is still listed")
	}
}

// waiting is a reply from Durham whose kind waits for a person: its
// subject and text, the classifier's result (a classify.Result in JSON)
// and why it waits.
type waiting struct{ subject, body, result, reason string }

// waitingReply stores w, with a CSV, matched to Durham's request and
// classified as w.result, and puts it in the queue of kinds to check as
// the request would: proposed as the result's kind. It returns the
// message and the request.
func waitingReply(t *testing.T, fx *fixture, w waiting) (inbound, requestID int64) {
	t.Helper()
	ctx := t.Context()
	inbound = triaged(t, fx.st, 9101, "FOI <foi@durham.police.uk>", w.subject, w.body, "")
	must(t, dbtest.SQL(t, fx.st).QueryRow(ctx, `SELECT id FROM requests WHERE workflow_id = $1`,
		foi.RequestWorkflowID(testSlug, testYear, "durham")).Scan(&requestID))
	_, err := dbtest.SQL(t, fx.st).Exec(ctx, `UPDATE inbound_messages SET classification = jsonb_build_object('result', $2::jsonb)
		WHERE id = $1`, inbound, w.result)
	must(t, err)
	var res struct {
		Kind       foi.Kind `json:"kind"`
		Confidence float64  `json:"confidence"`
	}
	must(t, json.Unmarshal([]byte(w.result), &res))
	must(t, fx.st.OpenReplyReview(ctx, store.ReplyReview{RequestID: requestID, InboundID: inbound, ProposedKind: res.Kind,
		Confidence: res.Confidence, Reason: w.reason}))
	return inbound, requestID
}

// The menu of every page counts the work waiting for a person: a reply
// whose kind waits holds its request still, so it must not wait unseen.
func TestWaitingWorkInMenu(t *testing.T) {
	fx := seed(t)
	h := newHandler(t, fx.st, nil)
	counted := regexp.MustCompile(`title="(tables waiting for review|messages waiting in triage|replies whose kind waits for you)">(\d+)<`)
	menu := func(path string) map[string]int {
		t.Helper()
		body := get(t, h, path, http.StatusOK)
		i := strings.Index(body, "<nav>")
		j := strings.Index(body[max(i, 0):], "</nav>")
		if i < 0 || j < 0 {
			t.Fatalf("%s: no menu", path)
		}
		out := map[string]int{}
		for _, m := range counted.FindAllStringSubmatch(body[i:i+j], -1) {
			n, _ := strconv.Atoi(m[2])
			out[m[1]] = n
		}
		return out
	}
	want := func(w store.Waiting) map[string]int {
		out := map[string]int{}
		for title, n := range map[string]int{"tables waiting for review": w.Review, "messages waiting in triage": w.Triage,
			"replies whose kind waits for you": w.Kinds} {
			if n > 0 { // nothing waiting shows no count
				out[title] = n
			}
		}
		return out
	}
	before, err := fx.st.Waiting(t.Context())
	must(t, err)
	if got := menu("/"); !maps.Equal(got, want(before)) {
		t.Errorf("menu counts %v, want %v", got, want(before))
	}
	waitingReply(t, fx, waiting{subject: "RE: your request", body: "Please find attached.", reason: "no kind fits",
		result: `{"kind":"other","confidence":0.1}`})
	after, err := fx.st.Waiting(t.Context())
	must(t, err)
	t.Logf("waiting before %+v, after %+v", before, after)
	if after.Kinds != before.Kinds+1 {
		t.Fatalf("waiting %+v after a reply was put to a person, %+v before", after, before)
	}
	for _, path := range []string{"/", boardPath, "/kinds", "/triage"} {
		if got := menu(path); !maps.Equal(got, want(after)) {
			t.Errorf("%s: menu counts %v, want %v", path, got, want(after))
		}
	}
}
