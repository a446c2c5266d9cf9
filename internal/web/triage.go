package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/force"
	"github.com/foidesk/foidesk/internal/mail"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

// triageView is a message in triage with what an operator needs to place
// it: who sent it, why it was not matched, its text and attachments, and
// the requests it could answer.
type triageView struct {
	store.TriageItem
	SenderForce string // the force the sender's domain belongs to, if any
	Preview     string // the start of the message's text
	More        bool   // the text goes on past Preview
	Documents   []triageDoc
	Selected    string // the request preselected in the form
	Nonce       string
}

type triageDoc struct {
	Href, Filename string
}

// requestChoice is a request a message can be assigned to.
type requestChoice struct {
	WorkflowID string
	Label      string // "Durham Constabulary (sent)"
	force      string
}

type campaignChoices struct {
	Campaign string // "cro-foreign-nationals/2025 — title"
	Requests []requestChoice
}

type triageData struct {
	Items     []triageView
	Campaigns []campaignChoices
	Enabled   bool
	By        string
}

const (
	maxTriageItems = 100
	previewRunes   = 600
	// maxPreviewBytes bounds the message parsed for a preview; attachments
	// are listed from what the inbox stored, not from the raw message.
	maxPreviewBytes = 2 << 20
)

func (s *server) triage(w http.ResponseWriter, r *http.Request) error {
	return s.showTriage(w, r, http.StatusOK, "", "")
}

func (s *server) showTriage(w http.ResponseWriter, r *http.Request, status int, flash, errText string) error {
	ctx := r.Context()
	items, err := s.st.Triage(ctx, maxTriageItems)
	if err != nil {
		return err
	}
	campaigns, err := s.assignable(ctx)
	if err != nil {
		return err
	}
	d := &triageData{Campaigns: campaigns, Enabled: s.temporal != nil, By: s.decider(r)}
	for _, it := range items {
		v := triageView{TriageItem: it, Nonce: nonce()}
		if f, ok := force.ByAddress(it.From); ok {
			v.SenderForce = f.Name
			// The sender's force in the newest running campaign is the
			// likeliest answer; the operator confirms it.
			for _, c := range campaigns {
				for _, rc := range c.Requests {
					if rc.force == f.Slug && v.Selected == "" {
						v.Selected = rc.WorkflowID
					}
				}
			}
		}
		if err := s.preview(ctx, &v); err != nil {
			return err
		}
		d.Items = append(d.Items, v)
	}
	p := &page{Title: "Triage", Flash: flash, Error: errText, Data: d}
	if id := r.URL.Query().Get("done"); id != "" && flash == "" {
		if _, err := strconv.ParseInt(id, 10, 64); err == nil {
			p.Flash = fmt.Sprintf("Message %s assigned: its request has been told, as if the message had matched on its own.", id)
		}
	}
	s.render(w, r, status, "triage", p)
	return nil
}

// preview fills in the start of a message's text and its attachments.
// A message that cannot be read says so in place of its text.
func (s *server) preview(ctx context.Context, v *triageView) error {
	docs, err := s.st.MessageDocuments(ctx, v.ID)
	if err != nil {
		return err
	}
	for _, d := range docs {
		v.Documents = append(v.Documents, triageDoc{Href: "/documents/" + strconv.FormatInt(d.ID, 10), Filename: d.Filename})
	}
	if v.Size > maxPreviewBytes {
		v.Preview = fmt.Sprintf("(a message of %d bytes: too large to preview here)", v.Size)
		return nil
	}
	m, err := s.st.InboundMessage(ctx, v.ID)
	if err != nil {
		return err
	}
	msg, err := mail.Parse(m.Raw, nil)
	if err != nil {
		v.Preview = "(the message could not be read: " + err.Error() + ")"
		return nil
	}
	text := strings.TrimSpace(msg.Text)
	if utf8.RuneCountInString(text) > previewRunes {
		runes := []rune(text)
		text, v.More = string(runes[:previewRunes]), true
	}
	v.Preview = text
	return nil
}

// assignable lists the requests of running campaigns, newest campaign
// first: the requests whose workflows can still be told of a reply.
func (s *server) assignable(ctx context.Context) ([]campaignChoices, error) {
	rs, err := s.st.AssignableRequests(ctx)
	if err != nil {
		return nil, err
	}
	var out []campaignChoices
	for _, r := range rs {
		label := fmt.Sprintf("%s/%d — %s", r.CampaignSlug, r.CampaignYear, r.CampaignTitle)
		if len(out) == 0 || out[len(out)-1].Campaign != label {
			out = append(out, campaignChoices{Campaign: label})
		}
		name := r.ForceSlug
		if f, ok := force.Lookup(r.ForceSlug); ok {
			name = f.Name
		}
		c := &out[len(out)-1]
		c.Requests = append(c.Requests, requestChoice{WorkflowID: r.WorkflowID, force: r.ForceSlug,
			Label: name + " (" + stateText(r.State) + ")"})
	}
	return out, nil
}

// triageAssign sends an operator's match of a message in triage to the
// inbox's workflow as a Temporal Update, which records it and tells the
// request as if the message had matched on its own.
func (s *server) triageAssign(w http.ResponseWriter, r *http.Request) error {
	if err := s.readForm(w, r, "the triage page"); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("Message")
	}
	m, err := s.st.InboundMessage(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound(fmt.Sprintf("Message %d", id))
	} else if err != nil {
		return err
	}
	fail := func(status int, msg string) error {
		return s.showTriage(w, r, status, "", fmt.Sprintf("Message %d (%s): %s", id, m.Subject, msg))
	}
	if s.temporal == nil {
		return fail(http.StatusServiceUnavailable, "assigning is disabled: the dashboard has no connection to Temporal (set TEMPORAL_ADDRESS for foidesk serve).")
	}
	if !m.Status.Triaged() {
		return fail(http.StatusConflict, "not in triage: it is "+string(m.Status)+".")
	}
	in := activities.AssignInput{InboundID: id, RequestWorkflowID: r.PostFormValue("request"),
		By: strings.TrimSpace(r.PostFormValue("by"))}
	if u := userFrom(r.Context()); u != "" {
		in.By = u
	}
	if in.By == "" {
		return fail(http.StatusBadRequest, "say who you are (the “by” field): assignments are kept with a name.")
	}
	if utf8.RuneCountInString(in.By) > 100 {
		return fail(http.StatusBadRequest, "name too long.")
	}
	campaigns, err := s.assignable(r.Context())
	if err != nil {
		return err
	}
	known := false
	for _, c := range campaigns {
		for _, rc := range c.Requests {
			known = known || rc.WorkflowID == in.RequestWorkflowID
		}
	}
	if !known {
		return fail(http.StatusBadRequest, fmt.Sprintf("choose a request of a running campaign (%q is not one).", in.RequestWorkflowID))
	}
	err = s.update(r, foi.InboxWorkflowID(m.Mailbox), workflows.UpdateAssign, "assign/"+strconv.FormatInt(id, 10), in)
	if err != nil {
		s.log.Warn("triage assignment refused", slog.Int64("inbound_id", id), slog.String("request", in.RequestWorkflowID),
			slog.Any("err", err))
		return fail(http.StatusBadGateway, "the inbox workflow did not take the assignment: "+err.Error())
	}
	s.log.Info("triage assignment", slog.Int64("inbound_id", id), slog.String("request", in.RequestWorkflowID),
		slog.String("by", in.By))
	s.rememberDecider(w, r, in.By)
	http.Redirect(w, r, "/triage?done="+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
