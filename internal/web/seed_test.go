package web

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/force"
	"github.com/foidesk/foidesk/internal/match"
	"github.com/foidesk/foidesk/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// The seeded campaign's clock: Thursday 20 March 2025, midday in London.
var testNow = time.Date(2025, time.March, 20, 12, 0, 0, 0, calendar.London)

const (
	testSlug = "cro-foreign-nationals"
	testYear = 2025
	// A reply subject and a table cell that try to run script.
	scriptSubject = `<script>alert("subject")</script> Re: FOI request`
	scriptCell    = `<img src=x onerror=alert("cell")>`
)

// fixture is a seeded 44-force campaign run. Forces are dealt round in
// fours: chased (reminder sent, past due), data_loaded (answered, figures
// loaded), acknowledged (due later) and sent (past due, no reply yet).
type fixture struct {
	st         *store.Store
	campaignID int64
	forces     []force.Force
	requests   map[string]int64
	kind       map[string]string // force slug → chased | loaded | acknowledged | sent
	// observations loaded in all, and with a value
	observations, valued int
	// the review item waiting and its document's workflow
	reviewID       int64
	reviewWorkflow string
	scriptForce    string // the force whose reply has scriptSubject
}

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

func at(m time.Month, d, h int) time.Time { return time.Date(2025, m, d, h, 0, 0, 0, calendar.London) }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var testSpec = `{"slug": "cro-foreign-nationals", "title": "Community resolutions issued to foreign nationals",
	"time_scale": 1, "dataset": {"measure": {"name": "community_resolutions"},
	"dimensions": [{"name": "period", "kind": "period"}, {"name": "nationality", "kind": "nationality"}]}}`

func seed(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st := dbtest.DB(t)
	all, err := force.Group("all44")
	must(t, err)
	fx := &fixture{st: st, forces: all, kind: map[string]string{}}

	var rows []store.Force
	var reqs []store.NewRequest
	for _, f := range all {
		domains := f.Domains
		if domains == nil {
			domains = []string{}
		}
		rows = append(rows, store.Force{Slug: f.Slug, Name: f.Name, ShortName: f.ShortName, Category: f.Category,
			Regime: f.Regime.String(), FOIEmail: f.FOIEmail, Domains: domains})
		reqs = append(reqs, store.NewRequest{ForceSlug: f.Slug,
			WorkflowID: foi.RequestWorkflowID(testSlug, testYear, f.Slug),
			Token:      foi.RequestToken(testSlug, testYear, f.Slug)})
	}
	must(t, st.UpsertForces(ctx, rows))
	fx.campaignID, fx.requests, err = st.CreateCampaign(ctx, store.Campaign{Slug: testSlug, Year: testYear,
		Title: "Community resolutions issued to foreign nationals", Spec: []byte(testSpec),
		WorkflowID: foi.CampaignWorkflowID(testSlug, testYear)}, reqs)
	must(t, err)

	uid := uint32(0)
	for i, f := range all {
		rid := fx.requests[f.Slug]
		seq := 0
		sentAt := at(time.February, 3, 9)
		due := date(2025, time.March, 3) // 20 working days after Monday 3 February
		chasers := 0
		record := func(kind string, from, to foi.State, when time.Time, detail map[string]any, received *time.Time) {
			t.Helper()
			must(t, st.RecordEvent(ctx, store.RequestEvent{RequestID: rid, Seq: seq, Kind: kind, FromState: from, ToState: to,
				OccurredAt: when, Detail: detail, State: to, SentAt: &sentAt, DueOn: due, ReceivedOn: received,
				ChasersSent: chasers}))
			seq++
		}
		send := func(purpose foi.Purpose, subject string, when time.Time) string {
			t.Helper()
			id := fmt.Sprintf("%s.%d@foidesk.test", f.Slug, seq)
			_, err := st.LedgerEntry(ctx, store.Outbound{RequestID: rid, MessageID: id, Purpose: purpose,
				From: "datadesk@example.org", To: f.FOIEmail, Subject: subject, Raw: []byte("raw"), Refs: []string{}})
			must(t, err)
			must(t, st.MarkSent(ctx, id, "sent", when))
			return id
		}
		subject := fmt.Sprintf("[FOI %s-%d/%s] Community resolutions issued to foreign nationals", testSlug, testYear, f.Slug)
		id := send("request", subject, sentAt)
		record("sent", "draft", "sent", sentAt, map[string]any{"message_id": id, "status": "sent", "to": f.FOIEmail, "note": "request sent"}, nil)

		switch i % 4 {
		case 0:
			fx.kind[f.Slug] = "chased"
			record("overdue", "sent", "overdue", at(time.March, 4, 0), map[string]any{"note": "no response by 2025-03-03"}, nil)
			chasers = 1
			id := send("reminder", "Re: "+subject, at(time.March, 4, 9))
			record("reminder", "overdue", "chased", at(time.March, 4, 9), map[string]any{"message_id": id, "status": "sent"}, nil)
		case 1:
			fx.kind[f.Slug] = "loaded"
			uid++
			subj := "Re: " + subject
			if fx.scriptForce == "" {
				fx.scriptForce, subj = f.Slug, scriptSubject
			}
			inbound := receive(t, st, uid, rid, f, subj, at(time.February, 27, 14))
			record("response", "sent", "answered", at(time.February, 27, 14),
				map[string]any{"inbound_id": inbound, "kind": "response", "subject": subj, "note": "answered with 1 document(s)"}, nil)
			n, v := loadFigures(t, st, fx, i, f, rid, inbound)
			fx.observations += n
			fx.valued += v
			record("data_loaded", "answered", "data_loaded", at(time.February, 27, 15), map[string]any{"note": "all documents processed"}, nil)
			if fx.reviewID == 0 {
				fx.reviewID, fx.reviewWorkflow = openReview(t, st, rid, inbound, f)
			}
		case 2:
			fx.kind[f.Slug] = "acknowledged"
			uid++
			inbound := receive(t, st, uid, rid, f, "Acknowledgement: "+subject, at(time.March, 4, 10))
			due = date(2025, time.April, 1)
			record("acknowledgement", "sent", "acknowledged", at(time.March, 4, 10),
				map[string]any{"inbound_id": inbound, "kind": "acknowledgement"}, date(2025, time.March, 4))
		default:
			fx.kind[f.Slug] = "sent"
		}
	}
	return fx
}

// receive stores an inbound email from the force and matches it to the request.
func receive(t testing.TB, st *store.Store, uid uint32, rid int64, f force.Force, subject string, when time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	raw := []byte(fmt.Sprintf("From: %s\r\nSubject: %s\r\n\r\nbody %d\r\n", f.FOIEmail, subject, uid))
	res, err := st.StoreMessages(ctx, "INBOX", store.Checkpoint{UIDValidity: 1, LastUID: uid}, []store.RawMessage{{
		UID: uid, MessageID: fmt.Sprintf("reply-%d@%s", uid, f.Slug), Raw: raw, InternalDate: when,
		From: "FOI Unit <" + f.FOIEmail + ">", Subject: subject}})
	must(t, err)
	id := res.Stored[0]
	_, err = st.DecideInbound(ctx, id, store.InboundDecision{Status: "matched", Kind: "response",
		Matches: []match.Match{{Candidate: match.Candidate{RequestID: rid}, Method: foi.MatchToken, Evidence: "subject token"}}})
	must(t, err)
	return id
}

var nationalities = []string{"POL", "ROU", "ALB"}

// loadFigures loads one table of figures by nationality and year for a
// force, ALB 2022 suppressed, and returns the observations loaded and how
// many have a value.
func loadFigures(t testing.TB, st *store.Store, fx *fixture, i int, f force.Force, rid, inbound int64) (int, int) {
	t.Helper()
	ctx := context.Background()
	name := f.Slug + "-response.xlsx"
	docs, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: name,
		ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		Data:        []byte("xlsx bytes of " + f.Slug), Path: name}})
	must(t, err)
	doc := docs[0]
	wf := foi.DocumentWorkflowID(foi.RequestWorkflowID(testSlug, testYear, f.Slug), fmt.Sprintf("%x", sha256.Sum256([]byte(f.Slug))))
	must(t, st.AttachDocument(ctx, rid, doc, wf, store.DocumentSource{}))
	type cell struct {
		Text string `json:"text"`
		Ref  string `json:"ref"`
	}
	grid := [][]cell{{{"Nationality", "A1"}, {"2022", "B1"}, {"2023", "C1"}, {"2024", "D1"}}}
	var obs []store.Observation
	valued := 0
	for r, nat := range nationalities {
		label := nat
		if i == 1 && r == 2 {
			label = scriptCell
		}
		row := []cell{{label, fmt.Sprintf("A%d", r+2)}}
		for c, year := range []string{"2022", "2023", "2024"} {
			ref := fmt.Sprintf("%c%d", 'B'+c, r+2)
			o := store.Observation{TableIndex: 1, Sheet: "Data", Row: r + 1, Col: c + 1, CellRef: ref, Period: year,
				Dimensions: map[string]string{"nationality": nat}, Measure: "community_resolutions", Confidence: 0.95}
			if nat == "ALB" && year == "2022" {
				o.Flag, o.Raw = "suppressed", "<5"
			} else {
				v := float64((i+1)*(r+1) + c)
				o.Value, o.Raw = &v, fmt.Sprint(v)
				valued++
			}
			row = append(row, cell{o.Raw, ref})
			obs = append(obs, o)
		}
		grid = append(grid, row)
	}
	cells, err := json.Marshal(grid)
	must(t, err)
	_, err = st.LoadDocument(ctx, store.LoadInput{CampaignID: fx.campaignID, RequestID: rid, ForceSlug: f.Slug, DocumentID: doc,
		Tables: []store.ExtractedTable{{Index: 1, Method: "xlsx", Sheet: "Data", Title: "Community resolutions by nationality",
			HeaderRows: 1, NRows: 4, NCols: 4, Confidence: 0.95, Cells: cells}},
		Observations: obs})
	must(t, err)
	return len(obs), valued
}

// openReview puts a second document of the request in the review queue.
func openReview(t testing.TB, st *store.Store, rid, inbound int64, f force.Force) (int64, string) {
	t.Helper()
	ctx := context.Background()
	docs, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: "breakdown.pdf", ContentType: "application/pdf",
		Data: []byte("%PDF-1.4 " + f.Slug), Path: "breakdown.pdf"}})
	must(t, err)
	wf := foi.DocumentWorkflowID(foi.RequestWorkflowID(testSlug, testYear, f.Slug), fmt.Sprintf("%x", sha256.Sum256([]byte("breakdown"))))
	must(t, st.AttachDocument(ctx, rid, docs[0], wf, store.DocumentSource{}))
	must(t, st.SetDocumentStatus(ctx, rid, docs[0], "review", ""))
	// The table as extracted, kept for the reviewer beside the proposal.
	must(t, st.SaveTables(ctx, docs[0], []store.ExtractedTable{{Index: 1, Method: "ocr", Page: 1, HeaderRows: 1, NRows: 2, NCols: 2,
		Confidence: 0.45, Reasons: []string{"read by OCR from a scanned page"},
		Cells: []byte(`[[{"text": "Country", "ref": "r1c1"}, {"text": "2023", "ref": "r1c2"}], [{"text": "Poland", "ref": "r2c1"}, {"text": "12", "ref": "r2c2"}]]`)}}))
	proposal := `{"decisions": [{"kind": "axis", "subject": "column A", "text": "Country", "dimension": "nationality", "confidence": 0.55, "reason": "heading not in the vocabulary"}],
		"observations": [{"period": {"label": "2023"}, "dims": {"nationality": "POL"}, "value": 12, "raw": "12", "row": 1, "col": 1, "ref": "r2c2"}],
		"confidence": 0.55}`
	id, err := st.OpenReview(ctx, store.ReviewItem{RequestID: rid, DocumentID: docs[0], TableIndex: 1, WorkflowID: wf,
		Reasons: []string{"column A: heading \"Country\" is not a known dimension"}, Proposal: []byte(proposal)})
	must(t, err)
	return id, wf
}

// updater records UpdateWorkflow calls in place of a Temporal client.
type updater struct {
	mu    sync.Mutex
	calls []client.UpdateWorkflowOptions
	err   error // returned by the call, to act a refusing validator
}

func (u *updater) UpdateWorkflow(ctx context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.calls = append(u.calls, o)
	if u.err != nil {
		return nil, u.err
	}
	return &updateHandle{o: o}, nil
}

func (u *updater) recorded() []client.UpdateWorkflowOptions {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]client.UpdateWorkflowOptions(nil), u.calls...)
}

type updateHandle struct{ o client.UpdateWorkflowOptions }

func (h *updateHandle) WorkflowID() string { return h.o.WorkflowID }
func (h *updateHandle) RunID() string      { return "run" }
func (h *updateHandle) UpdateID() string   { return h.o.UpdateID }
func (h *updateHandle) Get(ctx context.Context, v any) error {
	if p, ok := v.(*string); ok {
		*p = "accepted"
	}
	return nil
}

// newHandler builds the dashboard over st with the test clock.
func newHandler(t testing.TB, st *store.Store, opts *Options) http.Handler {
	t.Helper()
	o := Options{}
	if opts != nil {
		o = *opts
	}
	o.Store = st
	if o.Now == nil {
		o.Now = func() time.Time { return testNow }
	}
	h, err := New(&o)
	must(t, err)
	return h
}
