package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/force"
	"github.com/foidesk/foidesk/internal/normalise"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

// reviewView is a review item with what the normaliser proposed.
type reviewView struct {
	store.ReviewItem
	Year         int
	Slug         string
	ForceName    string
	ForceHref    string
	CampaignHref string
	DocHref      string
	TemporalURL  string
	Decisions    []proposedDecision
	Observations []proposedObservation
	Confidence   float64
	MoreObs      int
	// ProposalError says why the stored proposal could not be read; the
	// item can still be decided.
	ProposalError string
	Table         *tableView // the extracted table, when stored
	Nonce         string
	// Remap offers the choices of a remap without JSON (open items);
	// Preview is what the remap the form holds would load.
	Remap   *remapForm
	Preview *remapPreview
}

type proposedDecision struct {
	Kind       string  `json:"kind"`
	Subject    string  `json:"subject"`
	Text       string  `json:"text"`
	Dimension  string  `json:"dimension"`
	Code       string  `json:"code"`
	Confidence float64 `json:"confidence"`
	Reason     string  `json:"reason"`
}

type proposedObservation struct {
	Period struct {
		Label string `json:"label"`
	} `json:"period"`
	Dims  map[string]string `json:"dims"`
	Value *float64          `json:"value"`
	Flag  string            `json:"flag"`
	Raw   string            `json:"raw"`
	Row   int               `json:"row"`
	Col   int               `json:"col"`
	Ref   string            `json:"ref"`
}

// DimsText is the observation's breakdown as "k=v, …".
func (o proposedObservation) DimsText() string { return dimsText(o.Dims) }

const maxProposedRows = 100

// reviewData is the review page's data.
type reviewData struct {
	Status    string
	Statuses  []filterLink
	Items     []reviewView
	Enabled   bool
	By        string
	Documents int // distinct documents (workflows) waiting
	// Lists are the code lists the remap forms search, one per dimension.
	Lists []codeList
}

// reviewFilters are the review page's filters: each status of a review
// item, then all of them.
var reviewFilters = append(texts(foi.ReviewStatuses()), "all")

// texts gives the names of vocabulary values.
func texts[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func (s *server) reviewQueue(w http.ResponseWriter, r *http.Request) error {
	return s.showReview(w, r, http.StatusOK, "", "")
}

// showReview renders the queue with an optional flash or error line.
func (s *server) showReview(w http.ResponseWriter, r *http.Request, status int, flash, errText string) error {
	return s.showReviewWith(w, r, status, flash, errText, nil)
}

// showReviewWith renders the queue, one item's form filled in and its
// remap previewed when pv is set.
func (s *server) showReviewWith(w http.ResponseWriter, r *http.Request, status int, flash, errText string, pv *previewState) error {
	filter := r.URL.Query().Get("status")
	if filter == "" {
		filter = string(foi.ReviewOpen)
	}
	if !slices.Contains(reviewFilters, filter) {
		return badRequest("Unknown review status %q.", filter)
	}
	q := foi.ReviewStatus(filter)
	if filter == "all" {
		q = ""
	}
	items, err := s.st.Reviews(r.Context(), q, 200)
	if err != nil {
		return err
	}
	d := &reviewData{Status: filter, Enabled: s.temporal != nil, By: s.decider(r)}
	for _, st := range reviewFilters {
		d.Statuses = append(d.Statuses, filterLink{Label: st, Value: st, Href: "/review?status=" + st, Active: st == filter})
	}
	proposals := map[[2]int64]map[cellKey]*obsView{}
	var docIDs []int64
	workflowsWaiting := map[string]bool{}
	for _, it := range items {
		v := reviewView{ReviewItem: it, DocHref: "/documents/" + strconv.FormatInt(it.DocumentID, 10),
			TemporalURL: s.temporalURL(it.WorkflowID), Nonce: nonce(), ForceName: it.ForceSlug}
		if f, ok := force.Lookup(it.ForceSlug); ok {
			v.ForceName = f.Name
		}
		if ref, ok := reviewRequest(it.WorkflowID); ok {
			v.Slug, v.Year = ref.Campaign, ref.Year
			v.CampaignHref = campaignHref(ref.Campaign, ref.Year)
			v.ForceHref = v.CampaignHref + "/forces/" + url.PathEscape(it.ForceSlug)
		}
		prop, err := foi.DecodeProposal[proposedDecision, proposedObservation](it.Proposal)
		if err != nil {
			s.log.Warn("review proposal not readable", slog.Int64("review_id", it.ID), slog.Any("err", err))
			v.ProposalError = fmt.Sprintf("Review item %d: the normaliser's proposal could not be read (%v). "+
				"The table and its reasons are shown; the item can still be decided.", it.ID, err)
		} else {
			v.Decisions, v.Confidence = prop.Decisions, prop.Confidence
			cells := map[cellKey]*obsView{}
			for _, o := range prop.Observations {
				cells[cellKey{o.Row, o.Col}] = &obsView{Period: o.Period.Label, Dims: dimsText(o.Dims),
					Value: formatValue(o.Value), Flag: o.Flag}
			}
			proposals[[2]int64{it.DocumentID, int64(it.TableIndex)}] = cells
			v.Observations = prop.Observations
			if len(v.Observations) > maxProposedRows {
				v.MoreObs = len(v.Observations) - maxProposedRows
				v.Observations = v.Observations[:maxProposedRows]
			}
		}
		if it.Status == foi.ReviewOpen {
			workflowsWaiting[it.WorkflowID] = true
		}
		docIDs = append(docIDs, it.DocumentID)
		d.Items = append(d.Items, v)
	}
	d.Documents = len(workflowsWaiting)
	if len(docIDs) > 0 {
		tables, err := s.tables(r.Context(), docIDs, func(doc int64, idx int) map[cellKey]*obsView {
			return proposals[[2]int64{doc, int64(idx)}]
		})
		if err != nil {
			return err
		}
		for i := range d.Items {
			for j, t := range tables[d.Items[i].DocumentID] {
				if t.Index == d.Items[i].TableIndex {
					d.Items[i].Table = &tables[d.Items[i].DocumentID][j]
				}
			}
		}
	}
	if err := s.remapForms(r.Context(), d.Items, pv); err != nil {
		return err
	}
	d.Lists = codeLists(d.Items)
	p := &page{Title: "Review queue", Flash: flash, Error: errText, Data: d}
	if f := r.URL.Query().Get("done"); f != "" && flash == "" {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			if a := r.URL.Query().Get("action"); a == "approve" || a == "reject" || a == "remap" {
				p.Flash = fmt.Sprintf("Review item %d: %s sent; the document's workflow has accepted it and carries on.", id, a)
			}
		}
	}
	s.render(w, r, status, "review", p)
	return nil
}

// reviewRequest names the request of a review item from its
// DocumentWorkflow's ID.
func reviewRequest(documentWorkflowID string) (foi.RequestRef, bool) {
	reqID, _, err := foi.ParseDocumentWorkflowID(documentWorkflowID)
	if err != nil {
		return foi.RequestRef{}, false
	}
	ref, err := foi.ParseRequestWorkflowID(reqID)
	return ref, err == nil
}

func nonce() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decider is who is deciding: the basic-auth user, else the name last
// given in a form.
func (s *server) decider(r *http.Request) string {
	if u := userFrom(r.Context()); u != "" {
		return u
	}
	if c, err := r.Cookie(byCookie); err == nil {
		if v, err := url.QueryUnescape(c.Value); err == nil && utf8.ValidString(v) {
			return v
		}
	}
	return ""
}

// readForm reads a posted decision form, bounded in size, and refuses it
// without a valid CSRF token; page names where to reload it from.
func (s *server) readForm(w http.ResponseWriter, r *http.Request, page string) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return badRequest("The form could not be read: %v", err)
	}
	if !s.auth.checkCSRF(r) {
		return &httpError{http.StatusForbidden, "The form's security token is missing or stale; reload " + page + " and try again."}
	}
	return nil
}

// update sends arg to a workflow as the Update name, and waits, within
// the dashboard's bound, for the workflow to complete it. The form's nonce
// joins updateID, so that the same form sent twice is one update.
func (s *server) update(r *http.Request, workflowID, name, updateID string, arg any) error {
	var result string
	return s.updateInto(r, workflowID, name, updateID, arg, &result)
}

// updateInto is update, decoding the Update's result into result.
func (s *server) updateInto(r *http.Request, workflowID, name, updateID string, arg, result any) error {
	if n := r.PostFormValue("nonce"); n != "" && len(n) <= 64 {
		updateID += "/" + n
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.updateTO)
	defer cancel()
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		UpdateID: updateID, WorkflowID: workflowID, UpdateName: name,
		Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, result)
}

// rememberDecider keeps the name given in a form for the next one.
func (s *server) rememberDecider(w http.ResponseWriter, r *http.Request, by string) {
	secure := s.auth.secure(r)
	http.SetCookie(w, &http.Cookie{Name: byCookie, Value: url.QueryEscape(by), Path: "/", HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteStrictMode, MaxAge: 180 * 24 * 3600})
}

const maxFormBytes = 64 << 10

// reviewDecide sends an operator's decision on a review item to the
// item's DocumentWorkflow as a Temporal Update, and waits for the workflow
// to accept it.
func (s *server) reviewDecide(w http.ResponseWriter, r *http.Request) error {
	if err := s.readForm(w, r, "the review queue"); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("Review item")
	}
	it, err := s.st.Review(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound(fmt.Sprintf("Review item %d", id))
	} else if err != nil {
		return err
	}
	// A failed decision shows the queue again with the form as it was sent.
	keep := &previewState{id: id, form: r.PostForm}
	fail := func(status int, msg string) error {
		return s.showReviewWith(w, r, status, "", fmt.Sprintf("Review item %d (%s, %s table %d): %s", id, it.ForceSlug, it.Filename, it.TableIndex, msg), keep)
	}
	action := r.PostForm.Get("action")
	if s.temporal == nil && action != "preview" {
		return fail(http.StatusServiceUnavailable, "review actions are disabled: the dashboard has no connection to Temporal (set TEMPORAL_ADDRESS for foidesk serve).")
	}
	if it.Status != foi.ReviewOpen {
		return fail(http.StatusConflict, "already "+string(it.Status)+".")
	}
	var in workflows.ReviewInput
	if action == "preview" {
		in.Action = action
	} else if in, err = reviewInput(r.PostForm, it.TableIndex); err != nil {
		return fail(http.StatusBadRequest, err.Error())
	}
	if in.Action == "remap" || in.Action == "preview" {
		schema, err := s.reviewSchema(r.Context(), it.RequestID)
		if err != nil {
			return err
		}
		o, err := formOverrides(r.PostForm, schema)
		if err == nil {
			err = schema.CheckOverrides(o)
		}
		if err != nil {
			return fail(http.StatusBadRequest, err.Error())
		}
		if in.Action == "preview" {
			return s.showReviewWith(w, r, http.StatusOK, "", "", &previewState{id: id, form: r.PostForm, overrides: o, schema: schema})
		}
		in.Overrides = map[int]*normalise.Overrides{it.TableIndex: o}
	}
	if u := userFrom(r.Context()); u != "" {
		in.By = u
	}
	if err := s.update(r, it.WorkflowID, workflows.UpdateReview, "review/"+strconv.FormatInt(id, 10), in); err != nil {
		s.log.Warn("review decision refused", slog.Int64("review_id", id), slog.String("workflow_id", it.WorkflowID),
			slog.String("action", in.Action), slog.Any("err", err))
		return fail(http.StatusBadGateway, "the workflow did not take the decision: "+err.Error())
	}
	s.log.Info("review decision", slog.Int64("review_id", id), slog.String("workflow_id", it.WorkflowID),
		slog.String("action", in.Action), slog.String("by", in.By))
	s.rememberDecider(w, r, in.By)
	back := url.Values{"done": {strconv.FormatInt(id, 10)}, "action": {in.Action}}
	http.Redirect(w, r, "/review?"+back.Encode(), http.StatusSeeOther)
	return nil
}

// reviewInput reads a decision from a form: action, by and note; a remap's
// overrides are read by formOverrides.
func reviewInput(f url.Values, tableIndex int) (workflows.ReviewInput, error) {
	in := workflows.ReviewInput{
		Action: f.Get("action"),
		By:     strings.TrimSpace(f.Get("by")),
		Note:   strings.TrimSpace(f.Get("note")),
	}
	switch in.Action {
	case "approve", "reject", "remap":
	default:
		return in, fmt.Errorf("unknown action %q: approve, reject, preview or remap", in.Action)
	}
	if in.By == "" {
		return in, errors.New("say who you are (the “by” field): decisions are kept with a name")
	}
	if utf8.RuneCountInString(in.By) > 100 || utf8.RuneCountInString(in.Note) > 2000 {
		return in, errors.New("name or note too long")
	}
	return in, nil
}
