package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

// forceData is the force page's data.
type forceData struct {
	Campaign    campaignView
	Request     boardRow
	Today       calendar.Date
	Timeline    []timelineEntry
	Thread      []mailView
	Complaint   *complaintView
	Documents   []docView
	OpenReviews int
	TemporalURL string
	DocTemporal func(string) string
	Actions     actionsView
}

// mailView is one email of a request's correspondence, with its text.
type mailView struct {
	Out       bool
	ID        int64
	At        time.Time
	Purpose   foi.Purpose // of an email out
	Status    string      // sent, drafted, … (out); the reply's kind (in)
	From, To  string
	Subject   string
	Text      string
	TextNote  string // why the text is not shown, when it is not
	Documents []docView
	// Kind is an email in's kind; KindForm says the desk may confirm or
	// correct it here.
	Kind     foi.Kind
	KindForm bool
}

// complaintView is the complaint to the regulator: the latest draft or the
// complaint sent, and whether the desk may edit and send it.
type complaintView struct {
	mailView
	Sent     bool
	Editable bool
	// Draft is the desk's saved draft, whose subject and text the form
	// shows in place of the ledger's; nil when none is saved.
	Draft *savedDraft
}

// savedDraft says who saved the complaint's draft, when (on the
// campaign's clock, as the rest of the page) and which revision it is.
type savedDraft struct {
	By       string
	At       time.Time
	Revision int
}

// Revision is the revision of the draft the form edits: 0 when none is
// saved.
func (c *complaintView) Revision() int {
	if c.Draft == nil {
		return 0
	}
	return c.Draft.Revision
}

// actionsView says which actions the force page offers.
type actionsView struct {
	Enabled  bool // the dashboard can reach Temporal
	CanOpen  bool // it can also start a run (reopen)
	Nonce    string
	By       string
	Kinds    []foi.Kind
	Finished bool // the request's run is over: actions reopen it
	Paused   bool
	Clarify  bool // the force asked for clarification
	// Resend: the mail server refused the request letter for good; the
	// desk may send it again, to ResendTo or a corrected address.
	Resend   bool
	ResendTo string
}

// maxMailBytes bounds the emails whose text the force page shows; bigger
// ones (long attachments) are linked, not parsed.
const maxMailBytes = 4 << 20

// maxMailRunes bounds the text shown of one email.
const maxMailRunes = 40000

func (s *server) forcePage(w http.ResponseWriter, r *http.Request) error {
	flash := ""
	if a := r.URL.Query().Get("done"); a != "" {
		flash = actionDone[a]
	}
	return s.showForce(w, r, http.StatusOK, flash, "")
}

// showForce renders a force's page, with a flash or an error from an
// action.
func (s *server) showForce(w http.ResponseWriter, r *http.Request, status int, flash, errText string) error {
	c, err := s.campaignFromPath(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	today := c.today(s.now())
	b, err := s.boardRow(ctx, c, r.PathValue("force"), today)
	if err != nil {
		return err
	}
	tl, err := s.st.RequestTimeline(ctx, b.RequestID)
	if err != nil {
		return err
	}
	docs, err := s.documents(ctx, b.RequestID)
	if err != nil {
		return err
	}
	open, err := s.st.OpenReviewCount(ctx, b.RequestID)
	if err != nil {
		return err
	}
	thread, err := s.thread(ctx, c, b, tl, docs)
	if err != nil {
		return err
	}
	href := campaignHref(c.Slug, c.Year)
	d := &forceData{Campaign: campaignView{campaignRow: *c, Href: href, Today: today, Scale: c.timeScale()},
		Request: *b, Today: today, Timeline: buildTimeline(c, tl.Events, tl.Outbound, tl.Inbound),
		Thread: thread, Documents: docs, OpenReviews: open,
		TemporalURL: s.temporalURL(b.WorkflowID), DocTemporal: s.temporalURL,
		Actions: actionsView{Enabled: s.temporal != nil, Nonce: nonce(), By: s.decider(r), Kinds: foi.Kinds(),
			Finished: b.Finished(), Paused: b.Paused, Clarify: b.State == foi.StateAwaitingClarification}}
	_, d.Actions.CanOpen = s.temporal.(engine.RequestClient)
	d.Actions.Resend, d.Actions.ResendTo = refusedLetter(thread, b)
	d.Complaint = complaintOf(thread, b)
	if d.Complaint != nil && !d.Complaint.Sent {
		draft, err := s.st.ComplaintDraft(ctx, b.RequestID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return err
		default:
			d.Complaint.withDraft(draft, c.clockAt)
		}
	}
	s.render(w, r, status, "force", &page{Title: b.ForceName, Flash: flash, Error: errText,
		Crumbs: []crumb{{"Campaigns", "/"}, {fmt.Sprintf("%s %d", c.Title, c.Year), href}}, Data: d})
	return nil
}

// thread is a request's correspondence in the order it happened: every
// email out (the request, chasers, the complaint) and in, with its text and
// the documents each reply brought. An email an event names is at the
// event's time, as on the timeline; others at their own time on the
// campaign's clock.
func (s *server) thread(ctx context.Context, c *campaignRow, b *boardRow, tl *store.RequestTimeline, docs []docView) ([]mailView, error) {
	outs, ins := tl.Outbound, tl.Inbound
	outAt, inAt := map[string]time.Time{}, map[int64]time.Time{}
	for _, e := range tl.Events {
		if id, ok := e.Detail["message_id"].(string); ok {
			if _, seen := outAt[id]; !seen {
				outAt[id] = e.OccurredAt
			}
		}
		if id, ok := e.Detail["inbound_id"].(float64); ok {
			if _, seen := inAt[int64(id)]; !seen {
				inAt[int64(id)] = e.OccurredAt
			}
		}
	}
	raws, err := s.st.RequestMessages(ctx, b.RequestID, maxMailBytes)
	if err != nil {
		return nil, err
	}
	type key struct {
		out bool
		id  int64
	}
	raw := map[key][]byte{}
	size := map[key]int{}
	for _, m := range raws {
		raw[key{m.Outbound, m.ID}], size[key{m.Outbound, m.ID}] = m.Raw, m.Size
	}
	text := func(k key) (string, string) {
		data := raw[k]
		if data == nil {
			return "", fmt.Sprintf("(a message of %s: too large to show here)", fmt.Sprint(size[k]))
		}
		msg, err := mail.Parse(data, nil)
		if err != nil {
			return "", "(the message could not be read: " + err.Error() + ")"
		}
		t := strings.TrimSpace(msg.Text)
		if utf8.RuneCountInString(t) > maxMailRunes {
			t = string([]rune(t)[:maxMailRunes]) + " …"
		}
		if t == "" {
			return "", "(no text)"
		}
		return t, ""
	}
	// Documents waiting on a decision about the reply are shown with it.
	byMessage := map[int64][]docView{}
	for _, d := range docs {
		byMessage[d.InboundID] = append(byMessage[d.InboundID], d)
	}
	var out []mailView
	for _, o := range outs {
		at := o.CreatedAt
		if o.SentAt != nil {
			at = *o.SentAt
		}
		if t, ok := outAt[o.MessageID]; ok {
			at = t
		} else {
			at = c.clockAt(at)
		}
		m := mailView{Out: true, ID: o.ID, At: at, Purpose: o.Purpose, Status: string(o.Status),
			From: o.From, To: o.To, Subject: o.Subject}
		m.Text, m.TextNote = text(key{true, o.ID})
		out = append(out, m)
	}
	for _, in := range ins {
		at := in.StoredAt
		if in.InternalDate != nil {
			at = *in.InternalDate
		}
		if t, ok := inAt[in.ID]; ok {
			at = t
		} else {
			at = c.clockAt(at)
		}
		m := mailView{ID: in.ID, At: at, Status: in.Kind.Label(), From: in.From, Subject: in.Subject,
			Kind: in.Kind, Documents: byMessage[in.ID], KindForm: in.Kind != foi.KindBounce}
		m.Text, m.TextNote = text(key{false, in.ID})
		out = append(out, m)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// complaintOf finds the complaint to the regulator in a thread: the last
// one sent, else the last draft, which the desk may edit and send while
// the request has no outcome.
func complaintOf(thread []mailView, b *boardRow) *complaintView {
	var c *complaintView
	for _, m := range thread {
		if !m.Out || m.Purpose != foi.PurposeRegulator {
			continue
		}
		sent := m.Status == string(foi.OutboundSent)
		if c == nil || sent || !c.Sent {
			c = &complaintView{mailView: m, Sent: sent}
		}
	}
	if c != nil {
		c.Editable = !c.Sent && !b.Final()
	}
	return c
}

// withDraft shows the desk's saved draft in place of the ledger's text;
// clock puts its time on the campaign's clock.
func (c *complaintView) withDraft(d *store.ComplaintDraft, clock func(time.Time) time.Time) {
	c.Subject, c.Text, c.TextNote = d.Subject, d.Body, ""
	c.Draft = &savedDraft{By: d.SavedBy, At: clock(d.SavedAt), Revision: d.Revision}
}

// actionDone is the flash shown after each action.
var actionDone = map[string]string{
	"draft":     "The complaint's draft is saved: it is sent when the desk sends it from here.",
	"note":      "The note is added to the timeline.",
	"pause":     "Chasing is paused: no chaser goes until it is resumed.",
	"resume":    "Chasing is resumed.",
	"withdraw":  "The request is withdrawn: it is not chased, and later replies are recorded but not acted on.",
	"answered":  "The request is marked answered.",
	"clarify":   "The clarification is sent; the statutory clock starts again.",
	"kind":      "The reply's kind is recorded; the request has moved as a reply of that kind would.",
	"complaint": "The complaint to the regulator is sent (see the timeline for what became of it).",
	"reopen":    "The request is reopened: it takes replies and actions, and ends a campaign day after the last.",
	"resend":    "The request letter is sent again (see the timeline for what became of it).",
}

// refusedLetter reports whether the request is unsent because the mail
// server refused its letter for good, and the address it was refused at.
func refusedLetter(thread []mailView, b *boardRow) (bool, string) {
	if !b.LetterRefused {
		return false, ""
	}
	to := ""
	for _, m := range thread {
		if m.Out && m.Purpose == foi.PurposeRequest {
			to = m.To
		}
	}
	return true, to
}

// forceAction takes an action on a force's request from its page: a
// note, pausing or resuming chasing, withdrawing, marking answered,
// answering a clarification, confirming or correcting a reply's kind,
// sending the complaint to the regulator, or reopening. Each is an Update
// of the request's workflow; a request whose run has ended is reopened to
// take it (where the dashboard can start workflows).
func (s *server) forceAction(w http.ResponseWriter, r *http.Request) error {
	if err := s.readForm(w, r, "the force's page"); err != nil {
		return err
	}
	c, err := s.campaignFromPath(r)
	if err != nil {
		return err
	}
	b, err := s.boardRow(r.Context(), c, r.PathValue("force"), c.today(s.now()))
	if err != nil {
		return err
	}
	action := r.PostFormValue("action")
	if action == "complaint" && r.PostFormValue("save") != "" {
		action = "draft" // the complaint form's other button
	}
	fail := func(status int, msg string) error {
		return s.showForce(w, r, status, "", msg)
	}
	if _, ok := actionDone[action]; !ok {
		return fail(http.StatusBadRequest, fmt.Sprintf("Unknown action %q.", action))
	}
	by := strings.TrimSpace(r.PostFormValue("by"))
	if u := userFrom(r.Context()); u != "" {
		by = u
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	invalid := func() string {
		switch {
		case by == "":
			return "Say who you are (the “by” field): actions are kept with a name."
		case utf8.RuneCountInString(by) > 100 || utf8.RuneCountInString(text) > 20000 ||
			utf8.RuneCountInString(r.PostFormValue("body")) > 20000 || utf8.RuneCountInString(r.PostFormValue("subject")) > 500:
			return "A field is too long."
		}
		return ""
	}
	if action == "draft" {
		// Saving a draft is the dashboard's own record: it needs no
		// Temporal.
		if msg := invalid(); msg != "" {
			return fail(http.StatusBadRequest, msg)
		}
		return s.saveDraft(w, r, c, b, by, fail)
	}
	if s.temporal == nil {
		return fail(http.StatusServiceUnavailable, "Actions are disabled: the dashboard has no connection to Temporal (set TEMPORAL_ADDRESS for foidesk serve). foidesk campaign update does the same from a shell.")
	}
	if msg := invalid(); msg != "" {
		return fail(http.StatusBadRequest, msg)
	}
	var name string
	var arg any
	switch action {
	case "note":
		name, arg = workflows.UpdateAddNote, workflows.NoteInput{Text: text, By: by}
	case "pause":
		name, arg = workflows.UpdatePauseChasing, workflows.ChasingInput{Reason: text, By: by}
	case "resume":
		name, arg = workflows.UpdateResumeChasing, workflows.ChasingInput{Reason: text, By: by}
	case "withdraw":
		name, arg = workflows.UpdateWithdraw, workflows.WithdrawInput{Reason: text, By: by}
	case "answered":
		name, arg = workflows.UpdateMarkAnswered, workflows.MarkAnsweredInput{Note: text, By: by}
	case "clarify":
		name, arg = workflows.UpdateAnswerClarification, workflows.ClarificationInput{Text: text, By: by}
	case "resend":
		name, arg = workflows.UpdateResendRequest, workflows.ResendInput{
			To: strings.TrimSpace(r.PostFormValue("to")), Reason: text, By: by}
	case "complaint":
		if msg := s.draftChanged(r, b.RequestID); msg != "" {
			return fail(http.StatusConflict, msg)
		}
		name, arg = workflows.UpdateSendComplaint, workflows.ComplaintInput{
			Subject: strings.TrimSpace(r.PostFormValue("subject")), Body: r.PostFormValue("body"), By: by}
	case "kind":
		id, err := strconv.ParseInt(r.PostFormValue("inbound"), 10, 64)
		was, ok := s.replyKind(r.Context(), b.RequestID, id)
		if err != nil || !ok {
			return fail(http.StatusBadRequest, "Name a reply of this request.")
		}
		k := foi.Kind(r.PostFormValue("kind"))
		if !k.Valid() {
			return fail(http.StatusBadRequest, fmt.Sprintf("Choose a kind (%q is not one).", k))
		}
		name, arg = workflows.UpdateConfirmKind, workflows.KindInput{InboundID: id, Kind: k, By: by, Why: text, Was: was}
	case "reopen":
		rc, ok := s.temporal.(engine.RequestClient)
		if !ok {
			return fail(http.StatusServiceUnavailable, "Reopening is disabled: the dashboard's Temporal client cannot start workflows.")
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.updateTO)
		defer cancel()
		reason := "by " + by
		if text != "" {
			reason += ": " + text
		}
		if err := engine.ReopenRequest(ctx, rc, s.taskQueue, b.WorkflowID, reason); err != nil {
			s.log.Warn("reopen refused", slog.String("request", b.WorkflowID), slog.Any("err", err))
			return fail(http.StatusBadGateway, "The request could not be reopened: "+err.Error())
		}
		return s.actionDone(w, r, c, b, action, by)
	}
	if err := s.requestUpdate(r, b.WorkflowID, action, name, arg); err != nil {
		s.log.Warn("request action refused", slog.String("request", b.WorkflowID), slog.String("action", action),
			slog.Any("err", err))
		return fail(http.StatusBadGateway, "The request did not take it: "+updateError(err))
	}
	return s.actionDone(w, r, c, b, action, by)
}

// saveDraft stores the complaint as the desk edited it, to send later.
// The form carries the revision of the draft it was loaded with: a save
// from a page loaded before someone else's save is refused, not written
// over theirs. The form's nonce makes a form sent twice one save.
func (s *server) saveDraft(w http.ResponseWriter, r *http.Request, c *campaignRow, b *boardRow, by string,
	fail func(int, string) error) error {
	switch {
	case b.Complaint == "":
		return fail(http.StatusBadRequest, "This request has no complaint to the regulator to draft.")
	case b.Complaint == foi.OutboundSent:
		return fail(http.StatusConflict, "The complaint to the regulator is already sent.")
	case b.Final():
		return fail(http.StatusConflict, fmt.Sprintf("The request is %s: its complaint is no longer to send.", b.Label()))
	}
	subject, body := strings.TrimSpace(r.PostFormValue("subject")), r.PostFormValue("body")
	if subject == "" || strings.TrimSpace(body) == "" {
		return fail(http.StatusBadRequest, "The complaint needs a subject and a text.")
	}
	base, err := strconv.Atoi(r.PostFormValue("revision"))
	if err != nil || base < 0 {
		return fail(http.StatusBadRequest, "The form lacks the draft's revision: reload the page.")
	}
	nonce := r.PostFormValue("nonce")
	if len(nonce) > 64 {
		nonce = ""
	}
	cur, err := s.st.SaveComplaintDraft(r.Context(), store.ComplaintDraft{RequestID: b.RequestID, Subject: subject,
		Body: body, SavedBy: by, SavedAt: s.now()}, base, nonce)
	if errors.Is(err, store.ErrDraftConflict) {
		who := "someone else"
		if cur != nil {
			who = cur.SavedBy
		}
		return fail(http.StatusConflict, fmt.Sprintf("The draft was saved by %s after this page was loaded, so yours is not saved: the page now shows theirs. Add your changes to it and save again.", who))
	}
	if err != nil {
		return err
	}
	return s.actionDone(w, r, c, b, "draft", by)
}

// draftChanged says why a complaint is not sent from a form loaded before
// the draft's last save ("" when it may go): the text sent would not be
// the one saved since.
func (s *server) draftChanged(r *http.Request, requestID int64) string {
	base, err := strconv.Atoi(r.PostFormValue("revision"))
	if err != nil {
		return "" // a form from before drafts were saved
	}
	d, err := s.st.ComplaintDraft(r.Context(), requestID)
	if err != nil || d.Revision == base {
		return ""
	}
	return fmt.Sprintf("The draft was saved again by %s after this page was loaded: nothing is sent. Read it as it now stands and send it again.", d.SavedBy)
}

func (s *server) actionDone(w http.ResponseWriter, r *http.Request, c *campaignRow, b *boardRow, action, by string) error {
	s.log.Info("request action", slog.String("request", b.WorkflowID), slog.String("action", action), slog.String("by", by))
	s.rememberDecider(w, r, by)
	http.Redirect(w, r, campaignHref(c.Slug, c.Year)+"/forces/"+url.PathEscape(b.Force)+"?done="+action, http.StatusSeeOther)
	return nil
}

// replyKind finds message id among the request's replies, with its kind
// as the page shows it (a person's decision, else the classifier's).
func (s *server) replyKind(ctx context.Context, requestID, id int64) (foi.Kind, bool) {
	tl, err := s.st.RequestTimeline(ctx, requestID)
	if err != nil {
		return "", false
	}
	for _, m := range tl.Inbound {
		if m.ID == id {
			return m.Kind, true
		}
	}
	return "", false
}

// requestUpdate sends an Update to a request, reopening it first if its
// run has ended (where the client can start workflows). The form's nonce
// makes the update's ID, so that a form sent twice is one Update.
func (s *server) requestUpdate(r *http.Request, workflowID, action, name string, arg any) error {
	updateID := "force/" + action + "/" + workflowID
	rc, ok := s.temporal.(engine.RequestClient)
	if !ok {
		var st workflows.RequestStatus
		return s.updateInto(r, workflowID, name, updateID, arg, &st)
	}
	if n := r.PostFormValue("nonce"); n != "" && len(n) <= 64 {
		updateID += "/" + n
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.updateTO)
	defer cancel()
	_, err := engine.UpdateRequestID(ctx, rc, s.taskQueue, workflowID, updateID, name, arg)
	return err
}

// updateError is a refused Update's reason as a person reads it: the
// validator's words, without Temporal's wrapping.
func updateError(err error) string {
	var ae interface{ Message() string }
	if errors.As(err, &ae) && ae.Message() != "" {
		return ae.Message()
	}
	return err.Error()
}
