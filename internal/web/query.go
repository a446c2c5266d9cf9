package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/force"
	"github.com/foidesk/foidesk/internal/store"
)

// campaignRow is a campaign run with its counts.
type campaignRow struct {
	store.CampaignOverview
	Late int // requests without an outcome past their due date (set by lateCounts)
}

func (s *server) listCampaigns(ctx context.Context) ([]campaignRow, error) {
	cs, err := s.st.CampaignOverviews(ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]campaignRow, len(cs))
	for i, c := range cs {
		rows[i] = campaignRow{CampaignOverview: c}
	}
	return rows, nil
}

func (s *server) campaign(ctx context.Context, slug string, year int) (*campaignRow, error) {
	c, err := s.st.CampaignOverview(ctx, slug, year)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound(fmt.Sprintf("Campaign %s for %d", slug, year))
	}
	if err != nil {
		return nil, err
	}
	return &campaignRow{CampaignOverview: *c}, nil
}

// timeScale is the campaign's time scale (1: real time).
func (c *campaignRow) timeScale() float64 {
	var spec struct {
		TimeScale float64 `json:"time_scale"`
	}
	if json.Unmarshal(c.Spec, &spec) != nil || spec.TimeScale <= 0 {
		return 1
	}
	return spec.TimeScale
}

// clockAt maps a real time onto the campaign's clock: a campaign on time
// scale N lives N days per real day from its start. The start is taken as
// the campaign row's creation, a moment after the workflow's.
func (c *campaignRow) clockAt(real time.Time) time.Time {
	scale := c.timeScale()
	if scale == 1 || real.Before(c.CreatedAt) {
		return real
	}
	return c.CreatedAt.Add(time.Duration(float64(real.Sub(c.CreatedAt)) * scale))
}

// today is the campaign's date now: the date its clock shows (at its end,
// for a finished run), and never before the latest event recorded.
func (c *campaignRow) today(now time.Time) calendar.Date {
	at := c.clockAt(now)
	var sum struct {
		FinishedAt time.Time `json:"finished_at"`
	}
	if c.Status == foi.CampaignCompleted && json.Unmarshal(c.Summary, &sum) == nil && !sum.FinishedAt.IsZero() {
		at = sum.FinishedAt
	} else if c.Status != foi.CampaignRunning && c.CompletedAt != nil {
		at = c.clockAt(*c.CompletedAt)
	}
	if c.LatestEvent != nil && c.LatestEvent.After(at) {
		at = *c.LatestEvent
	}
	return calendar.DateOf(at)
}

// lateCounts sets each campaign's Late: its requests without an outcome
// that are working days past their due date on the campaign's today.
func (s *server) lateCounts(ctx context.Context, cs []campaignRow, now time.Time) error {
	if len(cs) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		idx[c.ID], ids[i] = i, c.ID
	}
	due, err := s.st.DueRequests(ctx, ids)
	if err != nil {
		return err
	}
	today := map[int64]calendar.Date{}
	for _, d := range due {
		c := &cs[idx[d.CampaignID]]
		if _, ok := today[d.CampaignID]; !ok {
			today[d.CampaignID] = c.today(now)
		}
		b := boardRow{Force: d.ForceSlug, Regime: d.Regime, State: d.State, Due: dateOf(d.DueOn)}
		if s.overdue(&b, today[d.CampaignID]) > 0 {
			c.Late++
		}
	}
	return nil
}

// boardRow is one force's request on a campaign's board.
type boardRow struct {
	RequestID    int64
	Force        string
	ForceName    string
	Regime       string // the force's, as stored
	State        foi.State
	WorkflowID   string
	Reference    string
	Due          *calendar.Date
	Received     *calendar.Date
	SentAt       *time.Time
	Chasers      int
	Paused       bool
	LastEvent    string
	LastEventAt  *time.Time
	Documents    int
	Observations int
	// Overdue is the number of working days past the due date on the
	// campaign's today, for a request without an outcome.
	Overdue int
	// Closed is set for a request closed unanswered; Complaint is what
	// became of its complaint to the regulator.
	Closed    bool
	Complaint foi.OutboundStatus
	// LetterRefused: unsent, the mail server refused the letter for good.
	LetterRefused bool
}

// Final reports whether the request has an outcome.
func (b boardRow) Final() bool { return b.State.Final() }

// Condition is the request's status in the shared vocabulary.
func (b boardRow) Condition() foi.Condition {
	return foi.Condition{State: b.State, Closed: b.Closed, Complaint: b.Complaint, LetterRefused: b.LetterRefused}
}

// Finished reports whether the request's run is over: an outcome, or
// closed unanswered (as the CLI and the campaign workflow count).
func (b boardRow) Finished() bool { return b.Condition().Finished() }

// Label is the request's status in words.
func (b boardRow) Label() string { return b.Condition().Label() }

func dateOf(t *time.Time) *calendar.Date {
	if t == nil {
		return nil
	}
	d := calendar.NewDate(t.Year(), t.Month(), t.Day())
	return &d
}

// regime is the working-day rule a force's deadlines follow: the
// registry's, else the database's copy.
func regime(slug, stored string) foi.Regime {
	if f, ok := force.Lookup(slug); ok && f.Regime == foi.RegimeFOISA {
		return foi.RegimeFOISA
	} else if ok {
		return foi.RegimeFOIA
	}
	if stored == foi.RegimeFOISA.String() {
		return foi.RegimeFOISA
	}
	return foi.RegimeFOIA
}

// overdue counts the working days a request is past due on today; 0 for
// one with an outcome or no due date.
func (s *server) overdue(b *boardRow, today calendar.Date) int {
	if b.Due == nil || b.Final() || !today.After(*b.Due) {
		return 0
	}
	n, err := s.cal.Overdue(regime(b.Force, b.Regime), *b.Due, today)
	if err != nil {
		// Only an unknown regime fails with estimates allowed; count days.
		return b.Due.DaysUntil(today)
	}
	return n
}

// boardRowOf makes a board's row of a request, with the working days it
// is overdue on today.
func (s *server) boardRowOf(r store.BoardRequest, today calendar.Date) boardRow {
	b := boardRow{RequestID: r.RequestID, Force: r.ForceSlug, ForceName: r.ForceName, Regime: r.Regime, State: r.State,
		WorkflowID: r.WorkflowID, Reference: r.Reference, Due: dateOf(r.DueOn), Received: dateOf(r.ReceivedOn),
		SentAt: r.SentAt, Chasers: r.Chasers, Paused: r.Paused, LastEvent: r.LastEvent, LastEventAt: r.LastEventAt,
		Documents: r.Documents, Observations: r.Observations, Closed: r.Closed, Complaint: r.Complaint,
		LetterRefused: r.LetterRefused}
	b.Overdue = s.overdue(&b, today)
	return b
}

func (s *server) boardRows(ctx context.Context, c *campaignRow, today calendar.Date) ([]boardRow, error) {
	rs, err := s.st.CampaignBoard(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("board of %s/%d: %w", c.Slug, c.Year, err)
	}
	rows := make([]boardRow, len(rs))
	for i, r := range rs {
		rows[i] = s.boardRowOf(r, today)
	}
	return rows, nil
}

func (s *server) boardRow(ctx context.Context, c *campaignRow, forceSlug string, today calendar.Date) (*boardRow, error) {
	r, err := s.st.BoardRequest(ctx, c.ID, forceSlug)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound(fmt.Sprintf("A request to %s in %s %d", forceSlug, c.Slug, c.Year))
	}
	if err != nil {
		return nil, err
	}
	b := s.boardRowOf(*r, today)
	return &b, nil
}

// outboundMsg is an email we sent (or drafted) for a request.
type outboundMsg = store.TimelineOutbound

// inboundMsg is a received email matched to a request.
type inboundMsg = store.TimelineInbound

// event is one entry of a request's audit trail.
type event = store.TimelineEvent

// timelineEntry is a line of a force's timeline: a state change or other
// event, with the email it concerns, or an email no event mentions.
type timelineEntry struct {
	At   time.Time
	Kind string
	// Summary is the entry in words: "partial answer; s.12 cited for the
	// rest".
	Summary string
	From    foi.State
	To      foi.State
	Note    string
	By      string
	Extra   []keyValue
	Out     *outboundMsg
	In      *inboundMsg
	Sorted  int // tie-break: events in sequence, then emails
}

type keyValue struct{ Key, Value string }

// buildTimeline merges events and emails. An event that names an email (a
// send's message_id, a reply's inbound_id) carries it; emails no event
// names stand on their own at their time on the campaign's clock.
func buildTimeline(c *campaignRow, events []event, outs []outboundMsg, ins []inboundMsg) []timelineEntry {
	outByID := map[string]*outboundMsg{}
	for i := range outs {
		outByID[outs[i].MessageID] = &outs[i]
	}
	inByID := map[int64]*inboundMsg{}
	for i := range ins {
		inByID[ins[i].ID] = &ins[i]
	}
	usedOut, usedIn := map[int64]bool{}, map[int64]bool{}
	var tl []timelineEntry
	for _, e := range events {
		te := timelineEntry{At: e.OccurredAt, Kind: e.Kind, Summary: eventSummary(e.Kind, e.Detail), From: e.From, To: e.To, Sorted: e.Seq}
		keys := make([]string, 0, len(e.Detail))
		for k := range e.Detail {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := e.Detail[k]
			switch k {
			case "note":
				te.Note = fmt.Sprint(v)
			case "by":
				te.By = fmt.Sprint(v)
			case "message_id":
				if o := outByID[fmt.Sprint(v)]; o != nil {
					te.Out, usedOut[o.ID] = o, true
				} else {
					te.Extra = append(te.Extra, keyValue{k, fmt.Sprint(v)})
				}
			case "inbound_id":
				if f, ok := v.(float64); ok && inByID[int64(f)] != nil {
					m := inByID[int64(f)]
					te.In, usedIn[m.ID] = m, true
				}
			default:
				if kv, ok := detailPair(k, v); ok {
					te.Extra = append(te.Extra, kv)
				}
			}
		}
		if strings.EqualFold(te.Note, te.Summary) {
			te.Note = "" // the note says what the summary says
		}
		if te.Out != nil || te.In != nil {
			te.Extra = dropKeys(te.Extra, "subject", "kind", "to", "status") // shown with the email
		}
		tl = append(tl, te)
	}
	for i := range outs {
		if o := &outs[i]; !usedOut[o.ID] {
			at := o.CreatedAt
			if o.SentAt != nil {
				at = *o.SentAt
			}
			tl = append(tl, timelineEntry{At: c.clockAt(at), Kind: "email_out", Summary: o.Purpose.Label() + " " + string(o.Status), Out: o, Sorted: 1 << 30})
		}
	}
	for i := range ins {
		if m := &ins[i]; !usedIn[m.ID] {
			at := m.StoredAt
			if m.InternalDate != nil {
				at = *m.InternalDate
			}
			tl = append(tl, timelineEntry{At: c.clockAt(at), Kind: "email_in", Summary: foi.EventLabel("email_in"), In: m, Sorted: 1 << 30})
		}
	}
	sort.SliceStable(tl, func(i, j int) bool {
		if !tl[i].At.Equal(tl[j].At) {
			return tl[i].At.Before(tl[j].At)
		}
		return tl[i].Sorted < tl[j].Sorted
	})
	return tl
}

// eventSummary is an event in words, with the sections a refusal or a
// partial answer cites.
func eventSummary(kind string, detail map[string]any) string {
	sections := foi.SectionsText(stringsOf(detail["sections"]))
	switch kind {
	case "partial_response":
		if sections != "" {
			return "partial answer; " + sections + " cited for the rest"
		}
	case "refusal":
		if sections != "" {
			return "refused under " + sections
		}
	case "kind_confirmed", "kind_corrected", "kind_uncertain", "late_reply", "reply":
		if k, ok := detail["kind"].(string); ok && k != "" {
			return foi.EventLabel(kind) + ": " + foi.Kind(k).Label()
		}
	}
	return foi.EventLabel(kind)
}

// detailPair is an event's detail as words, or false for one the entry
// says already or that means nothing to a person.
func detailPair(k string, v any) (keyValue, bool) {
	switch k {
	case "sections":
		return keyValue{"sections cited", foi.SectionsText(stringsOf(v))}, true
	case "documents":
		var names []string
		if docs, ok := v.([]any); ok {
			for _, d := range docs {
				if m, ok := d.(map[string]any); ok {
					names = append(names, fmt.Sprint(m["filename"]))
				}
			}
		}
		if len(names) == 0 {
			return keyValue{}, false
		}
		return keyValue{"attached", strings.Join(names, ", ")}, true
	case "confidence":
		if f, ok := v.(float64); ok {
			return keyValue{"classifier's confidence", fmt.Sprintf("%.0f%%", f*100)}, true
		}
	case "working_days_overdue":
		return keyValue{"working days overdue", detailText(v)}, true
	case "kind", "was":
		if s, ok := v.(string); ok && s != "" {
			label := "kind"
			if k == "was" {
				label = "was"
			}
			return keyValue{label, foi.Kind(s).Label()}, true
		}
		return keyValue{}, false
	case "status":
		return keyValue{"status", stateText(detailText(v))}, true
	case "document_id":
		return keyValue{"document", detailText(v)}, true
	case "why":
		return keyValue{"why", detailText(v)}, true
	case "to":
		return keyValue{"to", detailText(v)}, true
	case "subject":
		return keyValue{"subject", detailText(v)}, true
	case "due":
		return keyValue{"due", detailText(v)}, true
	}
	switch v.(type) {
	case map[string]any, []any:
		return keyValue{}, false // structure for machines, not people
	}
	return keyValue{stateText(k), detailText(v)}, true
}

// stringsOf is a JSON array of strings as a slice.
func stringsOf(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func dropKeys(kv []keyValue, keys ...string) []keyValue {
	out := kv[:0]
	for _, p := range kv {
		drop := false
		for _, k := range keys {
			drop = drop || p.Key == k
		}
		if !drop {
			out = append(out, p)
		}
	}
	return out
}

func detailText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = detailText(p)
		}
		return strings.Join(parts, ", ")
	case nil:
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// docView is a document of a request with its tables.
type docView struct {
	store.ReceivedDocument
	Tables []tableView
}

// tableView is an extracted table ready to render.
type tableView struct {
	DocumentID   int64
	Index        int
	Method       string
	Page         int
	Sheet        string
	Title        string
	Notes        []string
	HeaderRows   int
	NRows, NCols int
	Confidence   float64
	Reasons      []string
	Rows         [][]cellView
	Truncated    bool
	Observations int // figures loaded (or proposed) from this table
}

// cellView is one rendered cell; an observation's cell says what it became.
type cellView struct {
	Text    string
	Ref     string
	RowSpan int
	ColSpan int
	Header  bool
	Obs     *obsView
}

// obsView is what a cell became in the dataset.
type obsView struct {
	Period string
	Dims   string
	Value  string
	Flag   string
}

// Title is the cell's tooltip: its reference and what it became.
func (c cellView) Title() string {
	t := c.Ref
	if c.Obs != nil {
		v := c.Obs.Value
		if c.Obs.Flag != "" {
			v = strings.TrimSpace(v + " " + c.Obs.Flag)
		}
		t = strings.TrimSpace(fmt.Sprintf("%s → %s %s = %s", c.Ref, c.Obs.Period, c.Obs.Dims, v))
	}
	return t
}

const (
	maxRenderRows = 300
	maxRenderCols = 60
)

type cellKey struct{ row, col int }

type gridCell struct {
	Text    string `json:"text"`
	Ref     string `json:"ref"`
	RowSpan int    `json:"row_span"`
	ColSpan int    `json:"col_span"`
	Covered bool   `json:"covered"`
}

// renderGrid turns a stored grid into rows of cells, merged cells spanning
// the positions they cover, marking the cells that became figures. Big
// grids are cut at maxRenderRows × maxRenderCols.
func renderGrid(raw json.RawMessage, headerRows int, obs map[cellKey]*obsView) (rows [][]cellView, truncated bool, err error) {
	var grid [][]gridCell
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &grid); err != nil {
			return nil, false, fmt.Errorf("table cells: %w", err)
		}
	}
	nRows := len(grid)
	if nRows > maxRenderRows {
		nRows, truncated = maxRenderRows, true
	}
	for i := 0; i < nRows; i++ {
		src := grid[i]
		nCols := len(src)
		if nCols > maxRenderCols {
			nCols, truncated = maxRenderCols, true
		}
		row := make([]cellView, 0, nCols)
		for j := 0; j < nCols; j++ {
			g := src[j]
			if g.Covered {
				continue
			}
			cv := cellView{Text: g.Text, Ref: g.Ref, RowSpan: 1, ColSpan: 1, Header: i < headerRows, Obs: obs[cellKey{i, j}]}
			if g.RowSpan > 1 {
				cv.RowSpan = min(g.RowSpan, nRows-i)
			}
			if g.ColSpan > 1 {
				cv.ColSpan = min(g.ColSpan, nCols-j)
			}
			row = append(row, cv)
		}
		rows = append(rows, row)
	}
	return rows, truncated, nil
}

func formatValue(v *float64) string {
	if v == nil {
		return ""
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.6f", *v), "0"), ".")
}

func dimsText(dims map[string]string) string {
	keys := make([]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+dims[k])
	}
	return strings.Join(parts, ", ")
}

func (s *server) documents(ctx context.Context, requestID int64) ([]docView, error) {
	rds, err := s.st.ReceivedDocuments(ctx, requestID)
	if err != nil || len(rds) == 0 {
		return nil, err
	}
	docs := make([]docView, len(rds))
	ids := make([]int64, len(rds))
	for i, d := range rds {
		docs[i], ids[i] = docView{ReceivedDocument: d}, d.ID
	}
	cells, err := s.st.ObservationCells(ctx, requestID)
	if err != nil {
		return nil, err
	}
	obs := map[[2]int64]map[cellKey]*obsView{} // (document, table) → cell → observation
	for _, o := range cells {
		k := [2]int64{o.DocumentID, int64(o.TableIndex)}
		if obs[k] == nil {
			obs[k] = map[cellKey]*obsView{}
		}
		obs[k][cellKey{o.Row, o.Col}] = &obsView{Period: o.Period, Dims: dimsText(o.Dimensions), Value: formatValue(o.Value), Flag: o.Flag}
	}
	tables, err := s.tables(ctx, ids, func(doc int64, idx int) map[cellKey]*obsView { return obs[[2]int64{doc, int64(idx)}] })
	if err != nil {
		return nil, err
	}
	for i := range docs {
		docs[i].Tables = tables[docs[i].ID]
	}
	return docs, nil
}

// tables reads the extracted tables of documents, rendering each with the
// observations cellsOf gives for it.
func (s *server) tables(ctx context.Context, docIDs []int64, cellsOf func(doc int64, idx int) map[cellKey]*obsView) (map[int64][]tableView, error) {
	dts, err := s.st.DocumentTables(ctx, docIDs)
	if err != nil {
		return nil, err
	}
	out := map[int64][]tableView{}
	for _, dt := range dts {
		t := tableView{DocumentID: dt.DocumentID, Index: dt.Index, Method: dt.Method, Page: dt.Page, Sheet: dt.Sheet,
			Title: dt.Title, Notes: dt.Notes, HeaderRows: dt.HeaderRows, NRows: dt.NRows, NCols: dt.NCols,
			Confidence: dt.Confidence, Reasons: dt.Reasons}
		obs := cellsOf(t.DocumentID, t.Index)
		t.Observations = len(obs)
		if t.Rows, t.Truncated, err = renderGrid(dt.Cells, t.HeaderRows, obs); err != nil {
			return nil, fmt.Errorf("document %d table %d: %w", t.DocumentID, t.Index, err)
		}
		out[t.DocumentID] = append(out[t.DocumentID], t)
	}
	return out, nil
}
