package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/force"
	"github.com/foidesk/foidesk/internal/store"
)

// finalStates are the request states with an outcome.
var finalStates = map[string]bool{}

func init() {
	for _, s := range store.FinalStates {
		finalStates[s] = true
	}
}

// allStates lists the request states in lifecycle order, for filters.
var allStates = []string{"draft", "sent", "acknowledged", "awaiting_clarification", "extended", "overdue",
	"chased", "internal_review", "regulator", "answered", "partially_answered", "refused", "not_held",
	"withdrawn", "data_loaded"}

// campaignRow is a campaign run with its counts.
type campaignRow struct {
	ID           int64
	Slug         string
	Year         int
	Title        string
	Status       string
	WorkflowID   string
	CreatedAt    time.Time
	CompletedAt  *time.Time
	Spec         json.RawMessage
	Summary      json.RawMessage
	Requests     int
	Finished     int
	Late         int // requests without an outcome past their due date (set by lateCounts)
	Observations int
	OpenReviews  int
	OpenKinds    int // replies whose kind waits for a person
	LatestEvent  *time.Time
}

const campaignCols = `c.id, c.slug, c.year, c.title, c.status, c.workflow_id, c.created_at, c.completed_at,
	c.spec, coalesce(c.summary, 'null'),
	(SELECT count(*) FROM requests r WHERE r.campaign_id = c.id),
	(SELECT count(*) FROM requests r WHERE r.campaign_id = c.id AND r.state = ANY($1)),
	(SELECT count(*) FROM observations o WHERE o.campaign_id = c.id),
	(SELECT count(*) FROM review_items ri JOIN requests r ON r.id = ri.request_id WHERE r.campaign_id = c.id AND ri.status = 'open'),
	(SELECT count(*) FROM reply_reviews rr JOIN requests r ON r.id = rr.request_id WHERE r.campaign_id = c.id AND rr.status = 'open'),
	(SELECT max(r.last_event_at) FROM requests r WHERE r.campaign_id = c.id)`

func scanCampaign(row pgx.CollectableRow) (campaignRow, error) {
	var c campaignRow
	err := row.Scan(&c.ID, &c.Slug, &c.Year, &c.Title, &c.Status, &c.WorkflowID, &c.CreatedAt, &c.CompletedAt,
		&c.Spec, &c.Summary, &c.Requests, &c.Finished, &c.Observations, &c.OpenReviews, &c.OpenKinds, &c.LatestEvent)
	return c, err
}

func (s *server) listCampaigns(ctx context.Context) ([]campaignRow, error) {
	rows, err := s.st.Pool.Query(ctx, `SELECT `+campaignCols+` FROM campaigns c ORDER BY c.year DESC, c.slug`, store.FinalStates)
	if err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	return pgx.CollectRows(rows, scanCampaign)
}

func (s *server) campaign(ctx context.Context, slug string, year int) (*campaignRow, error) {
	rows, err := s.st.Pool.Query(ctx, `SELECT `+campaignCols+` FROM campaigns c WHERE c.slug = $2 AND c.year = $3`,
		store.FinalStates, slug, year)
	if err != nil {
		return nil, fmt.Errorf("campaign %s/%d: %w", slug, year, err)
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCampaign)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound(fmt.Sprintf("Campaign %s for %d", slug, year))
	}
	if err != nil {
		return nil, fmt.Errorf("campaign %s/%d: %w", slug, year, err)
	}
	return &c, nil
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
	if c.Status == "completed" && json.Unmarshal(c.Summary, &sum) == nil && !sum.FinishedAt.IsZero() {
		at = sum.FinishedAt
	} else if c.Status != "running" && c.CompletedAt != nil {
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
	rows, err := s.st.Pool.Query(ctx, `SELECT r.campaign_id, r.force_slug, f.regime, r.state, r.due_on
		FROM requests r JOIN forces f ON f.slug = r.force_slug
		WHERE r.campaign_id = ANY($1) AND r.due_on IS NOT NULL AND NOT (r.state = ANY($2))`, ids, store.FinalStates)
	if err != nil {
		return fmt.Errorf("late requests: %w", err)
	}
	defer rows.Close()
	today := map[int64]calendar.Date{}
	for rows.Next() {
		var cid int64
		var b boardRow
		var due *time.Time
		if err := rows.Scan(&cid, &b.Force, &b.Regime, &b.State, &due); err != nil {
			return fmt.Errorf("late requests: %w", err)
		}
		c := &cs[idx[cid]]
		if _, ok := today[cid]; !ok {
			today[cid] = c.today(now)
		}
		b.Due = dateOf(due)
		if s.overdue(&b, today[cid]) > 0 {
			c.Late++
		}
	}
	return rows.Err()
}

// boardRow is one force's request on a campaign's board.
type boardRow struct {
	RequestID    int64
	Force        string
	ForceName    string
	Regime       string
	State        string
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
}

// Final reports whether the request has an outcome.
func (b boardRow) Final() bool { return finalStates[b.State] }

func dateOf(t *time.Time) *calendar.Date {
	if t == nil {
		return nil
	}
	d := calendar.NewDate(t.Year(), t.Month(), t.Day())
	return &d
}

// regime is the working-day rule a force's deadlines follow: the
// registry's, else the database's copy.
func regime(slug, stored string) calendar.Regime {
	if f, ok := force.Lookup(slug); ok && f.Regime == force.RegimeFOISA {
		return calendar.FOISA
	} else if ok {
		return calendar.FOIA
	}
	if stored == "foisa" {
		return calendar.FOISA
	}
	return calendar.FOIA
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

const boardCols = `r.id, r.force_slug, f.name, f.regime, r.state, r.workflow_id, coalesce(r.force_reference, ''),
	r.due_on, r.received_on, r.sent_at, r.chasers_sent, r.chasing_paused,
	coalesce((SELECT e.kind FROM request_events e WHERE e.request_id = r.id ORDER BY e.seq DESC LIMIT 1), ''),
	r.last_event_at,
	(SELECT count(*) FROM request_documents rd WHERE rd.request_id = r.id),
	(SELECT count(*) FROM observations o WHERE o.campaign_id = r.campaign_id AND o.request_id = r.id)`

func (s *server) scanBoard(today calendar.Date) pgx.RowToFunc[boardRow] {
	return func(row pgx.CollectableRow) (boardRow, error) {
		var b boardRow
		var due, received *time.Time
		err := row.Scan(&b.RequestID, &b.Force, &b.ForceName, &b.Regime, &b.State, &b.WorkflowID, &b.Reference,
			&due, &received, &b.SentAt, &b.Chasers, &b.Paused, &b.LastEvent, &b.LastEventAt, &b.Documents, &b.Observations)
		b.Due, b.Received = dateOf(due), dateOf(received)
		b.Overdue = s.overdue(&b, today)
		return b, err
	}
}

func (s *server) boardRows(ctx context.Context, c *campaignRow, today calendar.Date) ([]boardRow, error) {
	rows, err := s.st.Pool.Query(ctx, `SELECT `+boardCols+` FROM requests r JOIN forces f ON f.slug = r.force_slug
		WHERE r.campaign_id = $1 ORDER BY f.name`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("board of %s/%d: %w", c.Slug, c.Year, err)
	}
	return pgx.CollectRows(rows, s.scanBoard(today))
}

func (s *server) boardRow(ctx context.Context, c *campaignRow, forceSlug string, today calendar.Date) (*boardRow, error) {
	rows, err := s.st.Pool.Query(ctx, `SELECT `+boardCols+` FROM requests r JOIN forces f ON f.slug = r.force_slug
		WHERE r.campaign_id = $1 AND r.force_slug = $2`, c.ID, forceSlug)
	if err != nil {
		return nil, fmt.Errorf("request of %s: %w", forceSlug, err)
	}
	b, err := pgx.CollectExactlyOneRow(rows, s.scanBoard(today))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound(fmt.Sprintf("A request to %s in %s %d", forceSlug, c.Slug, c.Year))
	}
	if err != nil {
		return nil, fmt.Errorf("request of %s: %w", forceSlug, err)
	}
	return &b, nil
}

// outboundMsg is an email we sent (or drafted) for a request.
type outboundMsg struct {
	ID        int64
	MessageID string
	Purpose   string
	From, To  string
	Subject   string
	Status    string
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    *time.Time
}

// inboundMsg is a received email matched to a request.
type inboundMsg struct {
	ID           int64
	MessageID    string
	From         string
	Subject      string
	Status       string
	Kind         string
	InternalDate *time.Time
	StoredAt     time.Time
	Method       string
	Evidence     string
}

// event is one entry of a request's audit trail.
type event struct {
	Seq        int
	Kind       string
	From, To   string
	OccurredAt time.Time
	Detail     map[string]any
}

// timelineEntry is a line of a force's timeline: a state change or other
// event, with the email it concerns, or an email no event mentions.
type timelineEntry struct {
	At     time.Time
	Kind   string
	From   string
	To     string
	Note   string
	By     string
	Extra  []keyValue
	Out    *outboundMsg
	In     *inboundMsg
	Sorted int // tie-break: events in sequence, then emails
}

type keyValue struct{ Key, Value string }

func (s *server) timeline(ctx context.Context, c *campaignRow, requestID int64) ([]timelineEntry, error) {
	evRows, err := s.st.Pool.Query(ctx, `SELECT seq, kind, coalesce(from_state, ''), coalesce(to_state, ''), occurred_at, detail
		FROM request_events WHERE request_id = $1 ORDER BY seq`, requestID)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	events, err := pgx.CollectRows(evRows, func(row pgx.CollectableRow) (event, error) {
		var e event
		err := row.Scan(&e.Seq, &e.Kind, &e.From, &e.To, &e.OccurredAt, &e.Detail)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	outRows, err := s.st.Pool.Query(ctx, `SELECT id, message_id, purpose, from_addr, to_addr, subject, status, attempts,
			coalesce(last_error, ''), created_at, sent_at
		FROM outbound_messages WHERE request_id = $1 ORDER BY id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("outbound: %w", err)
	}
	outs, err := pgx.CollectRows(outRows, func(row pgx.CollectableRow) (outboundMsg, error) {
		var o outboundMsg
		err := row.Scan(&o.ID, &o.MessageID, &o.Purpose, &o.From, &o.To, &o.Subject, &o.Status, &o.Attempts,
			&o.LastError, &o.CreatedAt, &o.SentAt)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("outbound: %w", err)
	}
	inRows, err := s.st.Pool.Query(ctx, `SELECT m.id, coalesce(m.message_id, ''), m.from_addr, m.subject, m.status,
			coalesce(m.kind, ''), m.internal_date, m.stored_at, mm.method, mm.evidence
		FROM message_matches mm JOIN inbound_messages m ON m.id = mm.inbound_id
		WHERE mm.request_id = $1 ORDER BY m.id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("inbound: %w", err)
	}
	ins, err := pgx.CollectRows(inRows, func(row pgx.CollectableRow) (inboundMsg, error) {
		var m inboundMsg
		err := row.Scan(&m.ID, &m.MessageID, &m.From, &m.Subject, &m.Status, &m.Kind, &m.InternalDate, &m.StoredAt,
			&m.Method, &m.Evidence)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("inbound: %w", err)
	}
	return buildTimeline(c, events, outs, ins), nil
}

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
		te := timelineEntry{At: e.OccurredAt, Kind: e.Kind, From: e.From, To: e.To, Sorted: e.Seq}
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
				te.Extra = append(te.Extra, keyValue{k, detailText(v)})
			}
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
			tl = append(tl, timelineEntry{At: c.clockAt(at), Kind: "email_out", Out: o, Sorted: 1 << 30})
		}
	}
	for i := range ins {
		if m := &ins[i]; !usedIn[m.ID] {
			at := m.StoredAt
			if m.InternalDate != nil {
				at = *m.InternalDate
			}
			tl = append(tl, timelineEntry{At: c.clockAt(at), Kind: "email_in", In: m, Sorted: 1 << 30})
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
	ID          int64
	Filename    string
	ContentType string
	Size        int64
	Status      string
	Error       string
	WorkflowID  string
	Path        string
	Tables      []tableView
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
	rows, err := s.st.Pool.Query(ctx, `SELECT d.id, coalesce(rd.filename, d.filename), d.content_type, d.size, rd.status,
			coalesce(rd.error, ''), rd.workflow_id,
			coalesce(rd.path, (SELECT string_agg(DISTINCT md.path, ', ') FROM message_documents md
				WHERE md.document_id = d.id AND (rd.inbound_id IS NULL OR md.inbound_id = rd.inbound_id)), '')
		FROM request_documents rd JOIN documents d ON d.id = rd.document_id
		WHERE rd.request_id = $1 ORDER BY d.id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	docs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (docView, error) {
		var d docView
		err := row.Scan(&d.ID, &d.Filename, &d.ContentType, &d.Size, &d.Status, &d.Error, &d.WorkflowID, &d.Path)
		return d, err
	})
	if err != nil || len(docs) == 0 {
		return docs, err
	}
	ids := make([]int64, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	obs := map[[2]int64]map[cellKey]*obsView{} // (document, table) → cell → observation
	orows, err := s.st.Pool.Query(ctx, `SELECT document_id, table_index, row_index, col_index, period, dimensions,
			value::float8, coalesce(flag, '')
		FROM observations WHERE campaign_id = (SELECT campaign_id FROM requests WHERE id = $1) AND request_id = $1`, requestID)
	if err != nil {
		return nil, fmt.Errorf("observations: %w", err)
	}
	for orows.Next() {
		var doc int64
		var table, r, c int
		var period, flag string
		var dims map[string]string
		var v *float64
		if err := orows.Scan(&doc, &table, &r, &c, &period, &dims, &v, &flag); err != nil {
			orows.Close()
			return nil, fmt.Errorf("observations: %w", err)
		}
		k := [2]int64{doc, int64(table)}
		if obs[k] == nil {
			obs[k] = map[cellKey]*obsView{}
		}
		obs[k][cellKey{r, c}] = &obsView{Period: period, Dims: dimsText(dims), Value: formatValue(v), Flag: flag}
	}
	orows.Close()
	if err := orows.Err(); err != nil {
		return nil, fmt.Errorf("observations: %w", err)
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
	rows, err := s.st.Pool.Query(ctx, `SELECT document_id, table_index, method, coalesce(page, 0), coalesce(sheet, ''),
			title, notes, header_rows, n_rows, n_cols, confidence, reasons, cells
		FROM extracted_tables WHERE document_id = ANY($1) ORDER BY document_id, table_index`, docIDs)
	if err != nil {
		return nil, fmt.Errorf("tables: %w", err)
	}
	defer rows.Close()
	out := map[int64][]tableView{}
	for rows.Next() {
		var t tableView
		var conf float32
		var cells json.RawMessage
		if err := rows.Scan(&t.DocumentID, &t.Index, &t.Method, &t.Page, &t.Sheet, &t.Title, &t.Notes, &t.HeaderRows,
			&t.NRows, &t.NCols, &conf, &t.Reasons, &cells); err != nil {
			return nil, fmt.Errorf("tables: %w", err)
		}
		t.Confidence = float64(conf)
		obs := cellsOf(t.DocumentID, t.Index)
		t.Observations = len(obs)
		if t.Rows, t.Truncated, err = renderGrid(cells, t.HeaderRows, obs); err != nil {
			return nil, fmt.Errorf("document %d table %d: %w", t.DocumentID, t.Index, err)
		}
		out[t.DocumentID] = append(out[t.DocumentID], t)
	}
	return out, rows.Err()
}
