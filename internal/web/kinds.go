package web

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/foidesk/foidesk/internal/classify"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/force"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

// kindView is a reply whose kind waits for a person, with what the
// classifier saw.
type kindView struct {
	store.ReplyReview
	ForceName string
	// Alternatives are the kinds the reply most likely is if it is not
	// the one proposed (classify.Result.Alternatives), each offered as a
	// button of its own.
	Alternatives []foi.Kind
	Evidence     []classify.Evidence // the evidence that counted
	Preview      string
	More         bool
	Documents    []triageDoc
	Nonce        string
}

type kindsData struct {
	Items   []kindView
	Kinds   []string
	Enabled bool
	By      string
}

const maxKindItems = 100

func (s *server) kinds(w http.ResponseWriter, r *http.Request) error {
	return s.showKinds(w, r, http.StatusOK, "", "")
}

func (s *server) showKinds(w http.ResponseWriter, r *http.Request, status int, flash, errText string) error {
	ctx := r.Context()
	items, err := s.st.ReplyReviews(ctx, string(foi.ReplyReviewOpen), maxKindItems)
	if err != nil {
		return err
	}
	d := &kindsData{Enabled: s.temporal != nil, By: s.decider(r)}
	for _, k := range classify.Kinds() {
		d.Kinds = append(d.Kinds, string(k))
	}
	for _, it := range items {
		v := kindView{ReplyReview: it, ForceName: forceName(it.ForceSlug), Nonce: nonce()}
		var res classify.Result
		if json.Unmarshal(it.Classification, &res) == nil {
			v.Alternatives = res.AlternativesTo(it.ProposedKind)
			v.Evidence = res.CountedEvidence(classify.ShownEvidence)
		}
		tv := triageView{TriageItem: store.TriageItem{ID: it.InboundID}}
		if err := s.preview(ctx, &tv); err != nil {
			return err
		}
		v.Preview, v.More, v.Documents = tv.Preview, tv.More, tv.Documents
		d.Items = append(d.Items, v)
	}
	p := &page{Title: "Replies to check", Flash: flash, Error: errText, Data: d}
	if id := r.URL.Query().Get("done"); id != "" && flash == "" {
		if _, err := strconv.ParseInt(id, 10, 64); err == nil {
			p.Flash = "The reply's kind is recorded; its request has moved as a reply of that kind would."
		}
	}
	s.render(w, r, status, "kinds", p)
	return nil
}

// kindDecide sends a person's word on a reply's kind to its request as the
// confirm-kind Update.
func (s *server) kindDecide(w http.ResponseWriter, r *http.Request) error {
	if err := s.readForm(w, r, "the replies to check"); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("Reply")
	}
	it, err := s.st.ReplyReviewByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound(fmt.Sprintf("Reply %d", id))
	} else if err != nil {
		return err
	}
	fail := func(status int, msg string) error {
		return s.showKinds(w, r, status, "", fmt.Sprintf("Reply %d (%s): %s", it.InboundID, it.Subject, msg))
	}
	if s.temporal == nil {
		return fail(http.StatusServiceUnavailable, "deciding is disabled: the dashboard has no connection to Temporal (set TEMPORAL_ADDRESS for foidesk serve).")
	}
	if it.Status != foi.ReplyReviewOpen {
		return fail(http.StatusConflict, fmt.Sprintf("already decided: %s as %s.", it.Status, it.Kind))
	}
	// "pick" is a button that names an alternative in one step; the
	// form's own button sends the kind chosen in the list.
	kind := cmp.Or(r.PostFormValue("pick"), r.PostFormValue("kind"))
	in := workflows.KindInput{InboundID: it.InboundID, Kind: foi.Kind(kind),
		By: strings.TrimSpace(r.PostFormValue("by")), Why: strings.TrimSpace(r.PostFormValue("why"))}
	if u := userFrom(r.Context()); u != "" {
		in.By = u
	}
	switch {
	case !in.Kind.Valid():
		return fail(http.StatusBadRequest, fmt.Sprintf("choose a kind (%q is not one).", in.Kind))
	case in.By == "":
		return fail(http.StatusBadRequest, "say who you are (the “by” field): decisions are kept with a name.")
	case utf8.RuneCountInString(in.By) > 100 || utf8.RuneCountInString(in.Why) > 2000:
		return fail(http.StatusBadRequest, "name or reason too long.")
	}
	var st workflows.RequestStatus
	err = s.updateInto(r, it.WorkflowID, workflows.UpdateConfirmKind, "kind/"+strconv.FormatInt(id, 10), in, &st)
	if err != nil {
		s.log.Warn("reply kind refused", slog.Int64("inbound_id", it.InboundID), slog.String("request", it.WorkflowID),
			slog.Any("err", err))
		return fail(http.StatusBadGateway, "the request did not take the decision: "+err.Error())
	}
	s.log.Info("reply kind decided", slog.Int64("inbound_id", it.InboundID), slog.String("request", it.WorkflowID),
		slog.String("kind", string(in.Kind)), slog.String("by", in.By))
	s.rememberDecider(w, r, in.By)
	http.Redirect(w, r, "/kinds?done="+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// forceName is a force's name from the registry, or its slug.
func forceName(slug string) string {
	if f, ok := force.Lookup(slug); ok {
		return f.Name
	}
	return slug
}
