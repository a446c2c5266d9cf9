package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
)

// page is what every template gets.
type page struct {
	Title   string
	Message string // the error page's text
	Crumbs  []crumb
	CSRF    string
	Flash   string
	Error   string
	Data    any
	// Mailboxes whose last sync failed: every page says so, since a
	// failing inbox means replies are not coming in.
	Mailboxes []mailboxAlert
	// Waiting is the work waiting for a person, counted in the menu of
	// every page: a request whose reply waits for its kind is neither
	// moved nor chased until someone looks.
	Waiting store.Waiting
}

// mailboxAlert is a failing mailbox in the page's banner.
type mailboxAlert struct {
	Mailbox     string
	Error       string
	Failures    int
	Since       string // the last success, "never" before one
	LastErrorAt string
}

// failingMailboxes returns the mailboxes whose last sync failed. An error
// reading them is logged, not shown: the page matters more than its banner.
func (s *server) failingMailboxes(ctx context.Context) []mailboxAlert {
	hs, err := s.st.MailboxHealths(ctx)
	if err != nil {
		s.log.Warn("dashboard: mailbox health", slog.Any("err", err))
		return nil
	}
	var out []mailboxAlert
	for _, h := range hs {
		if !h.Failing() {
			continue
		}
		a := mailboxAlert{Mailbox: h.Mailbox, Error: h.LastError, Failures: h.ConsecutiveFailures, Since: "never"}
		if h.LastSuccessAt != nil {
			a.Since = h.LastSuccessAt.In(calendar.London).Format("2 Jan 2006 15:04")
		}
		if h.LastErrorAt != nil {
			a.LastErrorAt = h.LastErrorAt.In(calendar.London).Format("2 Jan 2006 15:04")
		}
		out = append(out, a)
	}
	return out
}

// waiting counts the work waiting for a person. An error is logged and
// shows no counts: the page matters more than its menu.
func (s *server) waiting(ctx context.Context) store.Waiting {
	w, err := s.st.Waiting(ctx)
	if err != nil {
		s.log.Warn("dashboard: waiting work", slog.Any("err", err))
	}
	return w
}

type crumb struct{ Label, Href string }

var pageNames = []string{"campaigns", "board", "force", "dataset", "summary", "source", "review", "triage", "kinds", "error"}

func parsePages() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

var funcs = template.FuncMap{
	// state shows a state's, a status's or a kind's name (a foi.State,
	// foi.Kind, a status or a string) with spaces for underscores.
	"state": func(v any) string { return stateText(fmt.Sprint(v)) },
	"date":  fmtDate,
	"when": func(t any) string {
		switch x := t.(type) {
		case time.Time:
			return x.In(calendar.London).Format("2 Jan 2006 15:04")
		case *time.Time:
			if x == nil {
				return ""
			}
			return x.In(calendar.London).Format("2 Jan 2006 15:04")
		}
		return ""
	},
	"num":   formatNumber,
	"count": func(n int) string { return formatNumber(float64(n)) },
	"numv":  func(v *float64) string { return formatValueHuman(v) },
	"pct":   func(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" },
	"size": func(n int64) string {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d bytes", n)
	},
	"join":       strings.Join,
	"eventLabel": foi.EventLabel,
	"path":       url.PathEscape,
	// label is a state's, a kind's or a purpose's name in words.
	"label": func(v any) string {
		switch x := v.(type) {
		case foi.State:
			return x.Label()
		case foi.Kind:
			return x.Label()
		case foi.Purpose:
			return x.Label()
		}
		return stateText(fmt.Sprint(v))
	},
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
}

// stateText is a state's, a status's or a kind's name as shown: with
// spaces for underscores.
func stateText[T ~string](s T) string { return strings.ReplaceAll(string(s), "_", " ") }

func fmtDate(d any) string {
	switch x := d.(type) {
	case calendar.Date:
		if x.IsZero() {
			return ""
		}
		return fmt.Sprintf("%d %s %d", x.Day(), x.Month().String()[:3], x.Year())
	case *calendar.Date:
		if x == nil {
			return ""
		}
		return fmtDate(*x)
	case time.Time:
		return x.In(calendar.London).Format("2 Jan 2006")
	case *time.Time:
		if x == nil {
			return ""
		}
		return fmtDate(*x)
	}
	return ""
}

func formatValueHuman(v *float64) string {
	if v == nil {
		return ""
	}
	return formatNumber(*v)
}

// render executes a page into a buffer and sends it, so a template error
// never leaves half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	p.CSRF = s.auth.csrfToken(w, r)
	p.Mailboxes = s.failingMailboxes(r.Context())
	p.Waiting = s.waiting(r.Context())
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("dashboard: render "+name, "err", err)
		http.Error(w, "the page could not be rendered; the error is in the server's log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// temporalURL links a workflow in the Temporal UI, or "" without one.
func (s *server) temporalURL(workflowID string) string {
	if s.uiURL == "" || workflowID == "" {
		return ""
	}
	return s.uiURL + "/namespaces/" + url.PathEscape(s.ns) + "/workflows/" + url.PathEscape(workflowID)
}

// campaignHref is the board's address.
func campaignHref(slug string, year int) string {
	return "/campaigns/" + url.PathEscape(slug) + "/" + strconv.Itoa(year)
}

func (s *server) campaignFromPath(r *http.Request) (*campaignRow, error) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 2000 || year > 2100 {
		return nil, notFound("Campaign year " + strconv.Quote(r.PathValue("year")))
	}
	return s.campaign(r.Context(), r.PathValue("slug"), year)
}

// campaignView is a campaign on the campaigns page.
type campaignView struct {
	campaignRow
	Href  string
	Today calendar.Date
	Scale float64
}

func (s *server) campaigns(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.listCampaigns(r.Context())
	if err != nil {
		return err
	}
	now := s.now()
	if err := s.lateCounts(r.Context(), rows, now); err != nil {
		return err
	}
	views := make([]campaignView, len(rows))
	for i, c := range rows {
		views[i] = campaignView{campaignRow: c, Href: campaignHref(c.Slug, c.Year), Today: c.today(now), Scale: c.timeScale()}
	}
	s.render(w, r, http.StatusOK, "campaigns", &page{Title: "Campaigns", Data: views})
	return nil
}

// boardData is the board page's data.
type boardData struct {
	Campaign  campaignView
	Rows      []boardRow
	Total     int
	Filter    string
	Sort      string
	Filters   []filterLink
	Late      int
	DataHref  string
	ForceHref func(string) string
	// TemporalURL links the campaign's workflow in the Temporal UI.
	TemporalURL string
}

type filterLink struct {
	Label  string
	Value  string
	Count  int
	Href   string
	Active bool
}

func (s *server) board(w http.ResponseWriter, r *http.Request) error {
	c, err := s.campaignFromPath(r)
	if err != nil {
		return err
	}
	today := c.today(s.now())
	rows, err := s.boardRows(r.Context(), c, today)
	if err != nil {
		return err
	}
	filter := r.URL.Query().Get("state")
	sortBy := r.URL.Query().Get("sort")
	keep, ok := stateFilter(filter)
	if !ok {
		return badRequest("Unknown state filter %q.", filter)
	}
	if sortBy != "" && sortBy != "late" && sortBy != "force" {
		return badRequest("Unknown sort %q (late or force).", sortBy)
	}
	href := campaignHref(c.Slug, c.Year)
	d := &boardData{Campaign: campaignView{campaignRow: *c, Href: href, Today: today, Scale: c.timeScale()},
		Total: len(rows), Filter: filter, Sort: sortBy, DataHref: href + "/data", TemporalURL: s.temporalURL(c.WorkflowID)}
	counts := map[foi.State]int{}
	open, closed := 0, 0
	for _, b := range rows {
		counts[b.State]++
		if b.Overdue > 0 {
			d.Late++
		}
		if !b.Finished() {
			open++
		}
		if b.Closed && !b.Final() {
			closed++
		}
		if keep(b) {
			d.Rows = append(d.Rows, b)
		}
	}
	link := func(label, value string, n int) filterLink {
		q := url.Values{}
		if value != "" {
			q.Set("state", value)
		}
		if sortBy != "" {
			q.Set("sort", sortBy)
		}
		h := href
		if len(q) > 0 {
			h += "?" + q.Encode()
		}
		return filterLink{Label: label, Value: value, Count: n, Href: h, Active: value == filter}
	}
	d.Filters = append(d.Filters, link("all", "", len(rows)), link("overdue", "late", d.Late),
		link("open", "open", open), link("finished", "finished", len(rows)-open))
	if closed > 0 {
		d.Filters = append(d.Filters, link("closed unanswered", "closed", closed))
	}
	for _, st := range foi.States() {
		if counts[st] > 0 {
			d.Filters = append(d.Filters, link(st.Label(), string(st), counts[st]))
		}
	}
	if sortBy == "late" {
		sort.SliceStable(d.Rows, func(i, j int) bool { return d.Rows[i].Overdue > d.Rows[j].Overdue })
	}
	d.ForceHref = func(f string) string { return href + "/forces/" + url.PathEscape(f) }
	s.render(w, r, http.StatusOK, "board", &page{Title: fmt.Sprintf("%s %d", c.Title, c.Year),
		Crumbs: []crumb{{"Campaigns", "/"}}, Data: d})
	return nil
}

// stateFilter returns the test for a board filter: "" (all), late (past
// due), open, finished, or a state's name.
func stateFilter(f string) (func(boardRow) bool, bool) {
	switch f {
	case "":
		return func(boardRow) bool { return true }, true
	case "late":
		return func(b boardRow) bool { return b.Overdue > 0 }, true
	case "open":
		return func(b boardRow) bool { return !b.Finished() }, true
	case "finished":
		return func(b boardRow) bool { return b.Finished() }, true
	case "closed":
		return func(b boardRow) bool { return b.Closed && !b.Final() }, true
	}
	if st := foi.State(f); st.Valid() {
		return func(b boardRow) bool { return b.State == st }, true
	}
	return nil, false
}

func (s *server) download(w http.ResponseWriter, r *http.Request, ext, contentType string, write func(*dataset.Data, *bytes.Buffer) error) error {
	c, err := s.campaignFromPath(r)
	if err != nil {
		return err
	}
	data, err := dataset.Load(r.Context(), s.st, c.Slug, c.Year)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := write(data, &buf); err != nil {
		return fmt.Errorf("export %s/%d as %s: %w", c.Slug, c.Year, ext, err)
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment",
		map[string]string{"filename": fmt.Sprintf("%s-%d.%s", c.Slug, c.Year, ext)}))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = buf.WriteTo(w)
	return err
}

func (s *server) downloadCSV(w http.ResponseWriter, r *http.Request) error {
	return s.download(w, r, "csv", "text/csv; charset=utf-8", func(d *dataset.Data, b *bytes.Buffer) error { return d.WriteCSV(b) })
}

func (s *server) downloadXLSX(w http.ResponseWriter, r *http.Request) error {
	return s.download(w, r, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		func(d *dataset.Data, b *bytes.Buffer) error {
			return d.WriteXLSX(b, &dataset.XLSXOptions{BaseURL: s.baseURL(r)})
		})
}

// document sends a stored attachment as a download. Its bytes came from
// outside, so it is never shown inline: always an attachment, never sniffed,
// sandboxed if a browser renders it anyway.
func (s *server) document(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("Document")
	}
	doc, err := s.st.Document(r.Context(), id)
	if err != nil {
		return err
	}
	ct := "application/octet-stream"
	if mt, _, err := mime.ParseMediaType(doc.ContentType); err == nil && safeDownloadType(mt) {
		ct = mt
	}
	name := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, doc.Filename)
	if name == "" {
		name = fmt.Sprintf("document-%d", doc.ID)
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc.Data)))
	_, err = w.Write(doc.Data)
	return err
}

// safeDownloadType reports whether a stored document's media type may be
// sent as it is; others (HTML, SVG, XML, scripts, anything unknown) go as
// application/octet-stream.
func safeDownloadType(mt string) bool {
	switch mt {
	case "application/pdf", "text/csv", "text/plain", "application/msword", "application/zip",
		"application/vnd.ms-excel", "application/vnd.ms-outlook", "application/ms-tnef", "message/rfc822",
		"image/png", "image/jpeg", "image/gif":
		return true
	}
	return strings.HasPrefix(mt, "application/vnd.openxmlformats-officedocument.") ||
		strings.HasPrefix(mt, "application/vnd.oasis.opendocument.")
}
