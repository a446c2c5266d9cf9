package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

// triaged stores a message the inbox could not place, with an attachment.
func triaged(t *testing.T, st *store.Store, uid uint32, from, subject, body, reason string) int64 {
	t.Helper()
	ctx := context.Background()
	raw := []byte(fmt.Sprintf("From: %s\r\nSubject: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", from, subject, body))
	res, err := st.StoreMessages(ctx, "INBOX", store.Checkpoint{UIDValidity: 1, LastUID: uid}, []store.RawMessage{{
		UID: uid, MessageID: fmt.Sprintf("stray-%d@example", uid), Raw: raw, InternalDate: testNow,
		From: from, Subject: subject}})
	must(t, err)
	id := res.Stored[0]
	_, err = st.DecideInbound(ctx, id, store.InboundDecision{Status: "triage", Kind: "response", TriageReason: reason})
	must(t, err)
	_, err = st.SaveDocuments(ctx, id, []store.Document{{Filename: "figures.csv", ContentType: "text/csv",
		Data: []byte(fmt.Sprintf("a,b\n%d,2\n", uid)), Path: "figures.csv"}})
	must(t, err)
	return id
}

func TestTriageAssign(t *testing.T) {
	fx := seed(t)
	up := &updater{}
	h := newHandler(t, fx.st, &Options{Temporal: up})
	id := triaged(t, fx.st, 9001, "Records <records@durham.police.uk>", scriptSubject,
		"Please find our response attached.\nRegards, Durham FOI <b>unit</b>", "no thread, token or reference matched")
	path := "/triage/" + strconv.FormatInt(id, 10)

	page := get(t, h, "/triage", http.StatusOK)
	for _, s := range []string{"no thread, token or reference matched", "Please find our response attached.",
		"Durham FOI &lt;b&gt;unit&lt;/b&gt;", "figures.csv", "a Durham Constabulary address", "1 message waits"} {
		if !strings.Contains(page, s) {
			t.Errorf("triage page lacks %q", s)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Error("the message's subject reached the page unescaped")
	}
	durham := foi.RequestWorkflowID(testSlug, testYear, "durham")
	if !strings.Contains(page, `<option value="`+durham+`" selected>`) {
		t.Errorf("the sender's force (%s) is not preselected", durham)
	}
	if n := strings.Count(page, "<option value=\"request/"); n != 44 {
		t.Errorf("%d requests offered, want the running campaign's 44", n)
	}

	form, cookies := pageForm(t, h, "/triage", path)
	form.Set("by", "Sam Reporter")

	// Refused before Temporal: no CSRF cookie, no request, a request of no
	// running campaign, no name.
	form.Set("request", durham)
	if rec := post(t, h, path, form, nil); rec.Code != http.StatusForbidden {
		t.Errorf("POST without the CSRF cookie: %d, want 403", rec.Code)
	}
	for _, bad := range []struct{ request, by string }{{"", "Sam"}, {"request/other/2020/durham", "Sam"}, {durham, " "}} {
		form.Set("request", bad.request)
		form.Set("by", bad.by)
		if rec := post(t, h, path, form, cookies); rec.Code != http.StatusBadRequest {
			t.Errorf("request %q by %q: %d, want 400", bad.request, bad.by, rec.Code)
		}
	}
	if n := len(up.recorded()); n != 0 {
		t.Fatalf("%d updates sent for refused forms", n)
	}

	form.Set("request", durham)
	form.Set("by", "Sam Reporter")
	rec := post(t, h, path, form, cookies)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("assign: %d\n%s", rec.Code, rec.Body)
	}
	calls := up.recorded()
	if len(calls) != 1 {
		t.Fatalf("%d updates sent, want 1", len(calls))
	}
	c := calls[0]
	if c.WorkflowID != foi.InboxWorkflowID("INBOX") || c.UpdateName != workflows.UpdateAssign {
		t.Errorf("update %q to %q, want %q to the inbox workflow", c.UpdateName, c.WorkflowID, workflows.UpdateAssign)
	}
	if in, ok := c.Args[0].(activities.AssignInput); !ok || in != (activities.AssignInput{InboundID: id, RequestWorkflowID: durham, By: "Sam Reporter"}) {
		t.Errorf("update argument %#v", c.Args)
	}
	if !strings.HasSuffix(c.UpdateID, "/"+form.Get("nonce")) {
		t.Errorf("update ID %q does not carry the form's nonce, so a double submit would act twice", c.UpdateID)
	}
	if page := get(t, h, rec.Header().Get("Location"), http.StatusOK); !strings.Contains(page, fmt.Sprintf("Message %d assigned", id)) {
		t.Error("no confirmation after the redirect")
	}

	// The workflow refusing is shown, not hidden.
	up.err = errors.New("message 1 is already matched to another request")
	if rec := post(t, h, path, form, cookies); rec.Code != http.StatusBadGateway || !strings.Contains(rec.Body.String(), "already matched") {
		t.Errorf("refused update: %d", rec.Code)
	}
	up.err = nil

	// Once matched, the message leaves triage and takes no more assignments.
	_, err := fx.st.AssignInbound(t.Context(), id, durham, "Sam Reporter")
	must(t, err)
	if rec := post(t, h, path, form, cookies); rec.Code != http.StatusConflict {
		t.Errorf("assigning a matched message: %d, want 409", rec.Code)
	}
	if page := get(t, h, "/triage", http.StatusOK); !strings.Contains(page, "Nothing waits in triage") {
		t.Error("a matched message is still listed in triage")
	}
}

func TestTriageWithoutTemporal(t *testing.T) {
	fx := seed(t)
	h := newHandler(t, fx.st, nil)
	id := triaged(t, fx.st, 9002, "someone@example.org", "Hello", "A question.", "sender is not a force")
	page := get(t, h, "/triage", http.StatusOK)
	if !strings.Contains(page, "Assigning is disabled") || strings.Contains(page, `action="/triage/`) {
		t.Error("without Temporal the page should say assigning is disabled and offer no form")
	}
	if strings.Contains(page, "(a ") {
		t.Error("a sender outside every force's domains was named as a force's")
	}
	if !strings.Contains(page, fmt.Sprintf(`data-message="%d"`, id)) {
		t.Error("the message is not listed read-only")
	}
}
