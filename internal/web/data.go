package web

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/store"
)

// baseURL is the dashboard's address as the request reached it, for links
// that leave the browser (in an exported workbook).
func (s *server) baseURL(r *http.Request) string {
	scheme := "http"
	if s.auth.secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// figuresPerPage is how many figures one page of the data page's table
// shows (a variable so that tests page a small campaign).
var figuresPerPage = 100

// dataQuery is what the data page was asked for: a filter, the table's
// sort and page, and the charts' order.
type dataQuery struct {
	Filter dataset.Filter
	Sort   string // "" (source order), "value" (largest first), "value-asc"
	Order  string // charts: "" (largest first) or "name"
	Page   int    // 1-based
}

// reservedParams are the data page's own parameters; every other
// parameter named after a dimension filters by it.
var reservedParams = []string{"force", "period", "sort", "order", "page", "by"}

func parseDataQuery(r *http.Request, dims []string) (dataQuery, error) {
	v := r.URL.Query()
	q := dataQuery{Filter: dataset.Filter{Force: v.Get("force"), Period: v.Get("period"), Dims: map[string]string{}},
		Sort: v.Get("sort"), Order: v.Get("order"), Page: 1}
	for _, d := range dims {
		if !slices.Contains(reservedParams, d) {
			if code := v.Get(d); code != "" {
				q.Filter.Dims[d] = code
			}
		}
	}
	if q.Sort != "" && q.Sort != "value" && q.Sort != "value-asc" {
		return q, badRequest("Unknown sort %q (value or value-asc).", q.Sort)
	}
	if q.Order != "" && q.Order != "name" {
		return q, badRequest("Unknown chart order %q (name).", q.Order)
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return q, badRequest("Page %q is not a page number.", p)
		}
		q.Page = n
	}
	return q, nil
}

// values is the query as URL parameters, without the page.
func (q dataQuery) values() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("force", q.Filter.Force)
	set("period", q.Filter.Period)
	for k, code := range q.Filter.Dims {
		set(k, code)
	}
	set("sort", q.Sort)
	set("order", q.Order)
	return v
}

// href is base with the query, changed by fn.
func (q dataQuery) href(base string, fn func(url.Values)) string {
	v := q.values()
	if fn != nil {
		fn(v)
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// datasetData is the dataset page's data.
type datasetData struct {
	Campaign campaignView
	Summary  *dataset.Summary
	// All is how many figures the run has before filtering.
	All    int
	Charts []chartView
	Issues []dataset.Issue
	// IssueKinds counts the issues by kind, in order of first appearance.
	IssueKinds []issueKind
	Dims       []string
	Filters    []filterSelect
	Filtered   bool
	FilterText string // what the filter keeps, for people
	ClearHref  string
	Forces     []forceRow
	Population *populationNote
	Previous   int // the year of the previous run, 0 without one
	PrevHref   string
	Rows       []figureRow
	Page       pager
	SortLinks  []filterLink
	OrderLinks []filterLink
	CSVHref    string
	XLSXHref   string
	PrintHref  string
}

type issueKind struct {
	Kind string
	N    int
}

type chartView struct {
	Title string
	SVG   template.HTML
	Href  string // the chart alone, as an SVG file
}

// filterSelect is one of the filter form's choices.
type filterSelect struct {
	Name, Label string
	Selected    string
	Options     []dataset.Option
}

// populationNote says where the rates' populations come from.
type populationNote struct {
	Year, Source string
	Forces       int
}

// forceRow is one force in the data page's table of totals.
type forceRow struct {
	dataset.ForceTotal
	Href       string
	Population float64 // 0: not known
	Rate       *float64
	Before     *float64 // the previous run's total
	Percent    *float64 // change from Before
}

// figureRow is one figure in the data page's table.
type figureRow struct {
	dataset.Row
	// Printed cites the cell as the force printed it ("page 2, row
	// 'Polish', column '2023'"), Grid by its grid reference.
	Printed, Grid string
	Labels        []dimCell
	SourceHref    string
	ForceHref     string
}

type dimCell struct {
	Code, Label string
	ShowCode    bool // the code is worth showing beside its name
}

// pager is the figures table's pages.
type pager struct {
	N, Of      int // this page and how many
	From, To   int // figures shown, 1-based
	Total      int
	Prev, Next string
	First      string
	Last       string
}

// dataView is what the data page and the summary read: the campaign run,
// all its figures, the reader's filters and sort, and the checks.
type dataView struct {
	c      *campaignRow
	all    *dataset.Data
	q      dataQuery
	issues []dataset.Issue
}

func (s *server) loadDataView(r *http.Request) (*dataView, error) {
	c, err := s.campaignFromPath(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	all, err := dataset.Load(ctx, s.st, c.Slug, c.Year)
	if err != nil {
		return nil, err
	}
	q, err := parseDataQuery(r, all.Dims)
	if err != nil {
		return nil, err
	}
	issues, err := dataset.Check(ctx, s.st, c.Slug, c.Year)
	if err != nil {
		return nil, err
	}
	return &dataView{c: c, all: all, q: q, issues: issues}, nil
}

func (s *server) datasetPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.loadDataView(r)
	if err != nil {
		return err
	}
	c, all, q, issues := v.c, v.all, v.q, v.issues
	ctx := r.Context()
	data := all.Filtered(q.Filter)
	sum := dataset.Summarise(data)
	href := campaignHref(c.Slug, c.Year)
	dataHref := href + "/data"
	d := &datasetData{Campaign: campaignView{campaignRow: *c, Href: href, Today: c.today(s.now()), Scale: c.timeScale()},
		Summary: sum, All: len(all.Rows), Issues: issues, Dims: data.Dims, Filtered: !q.Filter.Empty(),
		CSVHref: href + "/data.csv", XLSXHref: href + "/data.xlsx", PrintHref: q.href(dataHref+"/summary", func(v url.Values) {
			v.Del("sort")
			v.Del("order")
		}), ClearHref: dataHref}
	d.IssueKinds = countIssueKinds(issues)
	d.Filters, d.FilterText = filterForm(all, q)

	prev, err := s.previousRun(ctx, c.Slug, c.Year, q.Filter)
	if err != nil {
		return err
	}
	if prev != nil {
		d.Previous = prev.year
		d.PrevHref = q.href(campaignHref(c.Slug, prev.year)+"/data", nil)
	}
	d.Forces = s.forceRows(sum, prev, href)
	if s.pop != nil {
		d.Population = &populationNote{Year: s.pop.Year, Source: s.pop.Source, Forces: s.pop.Forces()}
	}
	for _, by := range chartKinds(sum, s.pop != nil, q.Filter) {
		title, bars := chartBars(sum, by, href, q.Order, s.pop, q.Filter)
		d.Charts = append(d.Charts, chartView{Title: title, SVG: barChart(title, bars),
			Href: q.href(href+"/chart.svg", func(v url.Values) { v.Set("by", by); v.Del("sort") })})
	}
	for _, o := range []struct{ label, value string }{{"largest first", ""}, {"A–Z", "name"}} {
		d.OrderLinks = append(d.OrderLinks, filterLink{Label: o.label, Value: o.value, Active: q.Order == o.value,
			Href: q.href(dataHref, func(v url.Values) { setOrDel(v, "order", o.value) }) + "#charts"})
	}
	for _, o := range []struct{ label, value string }{{"as sent", ""}, {"largest first", "value"}, {"smallest first", "value-asc"}} {
		d.SortLinks = append(d.SortLinks, filterLink{Label: o.label, Value: o.value, Active: q.Sort == o.value,
			Href: q.href(dataHref, func(v url.Values) { setOrDel(v, "sort", o.value) }) + "#figures"})
	}

	rows := data.Rows
	if q.Sort != "" {
		rows = dataset.Sorted(rows, q.Sort == "value")
	}
	d.Page = paginate(len(rows), q.Page, func(n int) string {
		return q.href(dataHref, func(v url.Values) {
			if n > 1 {
				v.Set("page", strconv.Itoa(n))
			}
		}) + "#figures"
	})
	if q.Page > d.Page.Of && len(rows) > 0 {
		return notFound(fmt.Sprintf("Page %d of %d", q.Page, d.Page.Of))
	}
	if len(rows) > 0 {
		rows = rows[d.Page.From-1 : d.Page.To]
	}
	cite, err := s.citer(ctx, rows)
	if err != nil {
		return err
	}
	for _, row := range rows {
		c := cite(row)
		fr := figureRow{Row: row, Printed: c.Printed(), Grid: c.Grid(), SourceHref: row.SourcePath(), ForceHref: href + "/forces/" + url.PathEscape(row.Force)}
		for _, k := range data.Dims {
			code := row.Dims[k]
			fr.Labels = append(fr.Labels, dimCell{Code: code, Label: dataset.DimLabel(k, code), ShowCode: dataset.ShowCode(code)})
		}
		d.Rows = append(d.Rows, fr)
	}
	title := fmt.Sprintf("Data: %s %d", c.Title, c.Year)
	s.render(w, r, http.StatusOK, "dataset", &page{Title: title,
		Crumbs: []crumb{{"Campaigns", "/"}, {fmt.Sprintf("%s %d", c.Title, c.Year), href}}, Data: d})
	return nil
}

// citer reads the tables rows came from and returns how to cite each row's
// cell as printed. A table that cannot be read is cited by grid reference.
func (s *server) citer(ctx context.Context, rows []dataset.Row) (func(dataset.Row) dataset.Citation, error) {
	var ids []int64
	for _, r := range rows {
		if !slices.Contains(ids, r.DocumentID) {
			ids = append(ids, r.DocumentID)
		}
	}
	type key struct {
		doc   int64
		table int
	}
	type table struct {
		header int
		grid   [][]extract.Cell
	}
	tables := map[key]table{}
	if len(ids) > 0 {
		ts, err := s.st.DocumentTables(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			var g [][]extract.Cell
			if err := json.Unmarshal(t.Cells, &g); err != nil {
				s.log.Warn("data page: table cells", "document", t.DocumentID, "table", t.Index, "err", err)
				continue
			}
			tables[key{t.DocumentID, t.Index}] = table{t.HeaderRows, g}
		}
	}
	return func(r dataset.Row) dataset.Citation {
		c := dataset.Citation{Document: r.Document, Sheet: r.Sheet, Page: r.Page, Table: r.Table, Ref: r.CellRef}
		if t, ok := tables[key{r.DocumentID, r.Table}]; ok {
			c.Row, c.Column = dataset.CellLabels(t.grid, t.header, r.RowIndex, r.ColIndex)
		}
		return c
	}, nil
}

func setOrDel(v url.Values, k, val string) {
	if val == "" {
		v.Del(k)
		return
	}
	v.Set(k, val)
}

// paginate places page n of total rows, figuresPerPage a page.
func paginate(total, n int, href func(int) string) pager {
	p := pager{N: n, Total: total, Of: max(1, (total+figuresPerPage-1)/figuresPerPage)}
	if total == 0 {
		return p
	}
	p.N = min(n, p.Of)
	p.From = (p.N-1)*figuresPerPage + 1
	p.To = min(total, p.N*figuresPerPage)
	if p.N > 1 {
		p.Prev, p.First = href(p.N-1), href(1)
	}
	if p.N < p.Of {
		p.Next, p.Last = href(p.N+1), href(p.Of)
	}
	return p
}

// filterForm builds the filter choices from the whole run, and says in
// words what the filter keeps.
func filterForm(all *dataset.Data, q dataQuery) ([]filterSelect, string) {
	facets := all.Facets()
	var out []filterSelect
	var words []string
	add := func(name, label, selected string) {
		f := filterSelect{Name: name, Label: label, Selected: selected, Options: facets[name]}
		out = append(out, f)
		if selected != "" {
			shown := selected
			for _, o := range f.Options {
				if o.Value == selected {
					shown = o.Label
				}
			}
			words = append(words, label+" "+shown)
		}
	}
	add("force", "force", q.Filter.Force)
	add("period", "period", q.Filter.Period)
	for _, k := range all.Dims {
		if !slices.Contains(reservedParams, k) {
			add(k, stateText(k), q.Filter.Dims[k])
		}
	}
	return out, strings.Join(words, ", ")
}

// previousSummary is a campaign's previous run, summarised under the same
// filter.
type previousSummary struct {
	year int
	sum  *dataset.Summary
}

func (s *server) previousRun(ctx context.Context, slug string, year int, f dataset.Filter) (*previousSummary, error) {
	py, err := s.st.PreviousCampaignYear(ctx, slug, year)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pd, err := dataset.Load(ctx, s.st, slug, py)
	if err != nil {
		return nil, err
	}
	return &previousSummary{year: py, sum: dataset.Summarise(pd.Filtered(f))}, nil
}

// forceRows lines up each force's total with its rate and its previous
// total, largest total first.
func (s *server) forceRows(sum *dataset.Summary, prev *previousSummary, href string) []forceRow {
	before := map[string]float64{}
	if prev != nil {
		for _, f := range prev.sum.Forces {
			before[f.Force] = f.Total
		}
	}
	var out []forceRow
	for _, f := range sum.Forces {
		fr := forceRow{ForceTotal: f, Href: href + "/forces/" + url.PathEscape(f.Force)}
		if pop, ok := s.pop.Of(f.Force); ok {
			fr.Population = pop
			rate, _ := s.pop.Rate(f.Force, f.Total)
			fr.Rate = &rate
		}
		if b, ok := before[f.Force]; ok {
			fr.Before = &b
			if b != 0 {
				p := 100 * (f.Total - b) / b
				fr.Percent = &p
			}
		}
		out = append(out, fr)
	}
	slices.SortStableFunc(out, func(a, b forceRow) int {
		if c := cmp.Compare(b.Total, a.Total); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}

// chartKinds lists the charts a summary has: by force, per 100,000
// residents (with populations), by period, then by each dimension the
// filter does not hold to one value.
func chartKinds(sum *dataset.Summary, rates bool, f dataset.Filter) []string {
	kinds := []string{"force"}
	if rates {
		kinds = append(kinds, "rate")
	}
	if len(sum.Periods) > 1 {
		kinds = append(kinds, "period")
	}
	for _, d := range sum.Dims {
		if d.Name != "period" && f.Dims[d.Name] == "" {
			kinds = append(kinds, "dim:"+d.Name)
		}
	}
	return kinds
}

// chartBars returns the title and bars of one chart of a summary, largest
// first or (order "name") in label order. The title names what the filter
// keeps, so a chart of one nationality says which.
func chartBars(sum *dataset.Summary, by, href, order string, pop *dataset.Population, f dataset.Filter) (string, []bar) {
	measure := strings.ReplaceAll(sum.Measure, "_", " ")
	if measure == "" {
		measure = "figures"
	}
	var of []string
	if f.Period != "" {
		of = append(of, f.Period)
	}
	keys := make([]string, 0, len(f.Dims))
	for k := range f.Dims {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if code := f.Dims[k]; code != "" {
			of = append(of, dataset.LabelWithCode(k, code))
		}
	}
	if f.Force != "" {
		for _, ft := range sum.Forces {
			if ft.Force == f.Force {
				of = append(of, ft.Name)
			}
		}
	}
	subject := measure
	if len(of) > 0 {
		subject += ", " + strings.Join(of, ", ") + ","
	}
	var title string
	var bars []bar
	switch {
	case by == "force":
		for _, ft := range sum.Forces {
			bars = append(bars, bar{Label: ft.Name, Value: ft.Total, Href: href + "/forces/" + url.PathEscape(ft.Force)})
		}
		title = "Total " + subject + " by force"
	case by == "rate":
		if pop == nil {
			return "", nil
		}
		for _, ft := range sum.Forces {
			if rate, ok := pop.Rate(ft.Force, ft.Total); ok {
				bars = append(bars, bar{Label: ft.Name, Value: rate, Href: href + "/forces/" + url.PathEscape(ft.Force)})
			}
		}
		title = "Total " + subject + " per 100,000 residents, by force"
		if pop.Year != "" {
			title += " (population " + pop.Year + ")"
		}
	case by == "period":
		for _, p := range sum.Periods {
			bars = append(bars, bar{Label: p.Label, Value: p.Value})
		}
		// Periods read in time order, whatever the order asked for.
		return "Total " + subject + " by period", bars
	case strings.HasPrefix(by, "dim:"):
		name := strings.TrimPrefix(by, "dim:")
		for _, d := range sum.Dims {
			if d.Name != name {
				continue
			}
			for _, t := range d.Totals {
				bars = append(bars, bar{Label: dataset.LabelWithCode(name, t.Label), Value: t.Value})
			}
			title = "Total " + subject + " by " + strings.ReplaceAll(name, "_", " ")
		}
		if title == "" {
			return "", nil
		}
	default:
		return "", nil
	}
	if order == "name" {
		slices.SortStableFunc(bars, func(a, b bar) int { return cmp.Compare(a.Label, b.Label) })
	} else {
		slices.SortStableFunc(bars, func(a, b bar) int {
			if c := cmp.Compare(b.Value, a.Value); c != 0 {
				return c
			}
			return cmp.Compare(a.Label, b.Label)
		})
	}
	return title, bars
}

func (s *server) chartSVG(w http.ResponseWriter, r *http.Request) error {
	c, err := s.campaignFromPath(r)
	if err != nil {
		return err
	}
	data, err := dataset.Load(r.Context(), s.st, c.Slug, c.Year)
	if err != nil {
		return err
	}
	q, err := parseDataQuery(r, data.Dims)
	if err != nil {
		return err
	}
	by := r.URL.Query().Get("by")
	if by == "" {
		by = "force"
	}
	title, bars := chartBars(dataset.Summarise(data.Filtered(q.Filter)), by, campaignHref(c.Slug, c.Year), q.Order, s.pop, q.Filter)
	if title == "" {
		return notFound("Chart " + strconv.Quote(by))
	}
	w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n", barChart(title, bars))
	return err
}

// summaryData is the printable one-page summary's data.
type summaryData struct {
	Campaign    campaignView
	Generated   string
	FilterText  string
	Summary     *dataset.Summary
	Total       float64
	Forces      []forceRow // the largest totals
	MoreForces  int
	WithFigures int
	Dims        []summaryDim
	Population  *populationNote
	Previous    int
	Before      float64 // like for like: forces with figures in both runs
	After       float64
	Percent     *float64
	Both        int
	Issues      []issueKind
	DataHref    string
}

type summaryDim struct {
	Name string
	Top  []dataset.Total // labelled
	More int
}

const summaryTop = 10

// dataSummary is a one-page summary of a campaign run's figures, for
// printing: headline total, the forces and breakdowns with the most, rates,
// the change from the previous run and what to check before publishing.
func (s *server) dataSummary(w http.ResponseWriter, r *http.Request) error {
	v, err := s.loadDataView(r)
	if err != nil {
		return err
	}
	c, all, q, issues := v.c, v.all, v.q, v.issues
	ctx := r.Context()
	sum := dataset.Summarise(all.Filtered(q.Filter))
	href := campaignHref(c.Slug, c.Year)
	_, filterText := filterForm(all, q)
	d := &summaryData{Campaign: campaignView{campaignRow: *c, Href: href, Today: c.today(s.now()), Scale: c.timeScale()},
		Generated: fmtDate(s.now()), FilterText: filterText, Summary: sum, DataHref: q.href(href+"/data", nil)}
	for _, f := range sum.Forces {
		d.Total += f.Total
		if f.Figures > 0 {
			d.WithFigures++
		}
	}
	prev, err := s.previousRun(ctx, c.Slug, c.Year, q.Filter)
	if err != nil {
		return err
	}
	rows := s.forceRows(sum, prev, href)
	d.Forces = rows[:min(len(rows), summaryTop)]
	d.MoreForces = len(rows) - len(d.Forces)
	if prev != nil {
		d.Previous = prev.year
		for _, f := range rows {
			if f.Before != nil {
				d.Both++
				d.Before += *f.Before
				d.After += f.Total
			}
		}
		if d.Before != 0 {
			p := 100 * (d.After - d.Before) / d.Before
			d.Percent = &p
		}
	}
	for _, dt := range sum.Dims {
		sd := summaryDim{Name: dt.Name}
		for _, t := range dt.Totals {
			if len(sd.Top) == summaryTop {
				sd.More++
				continue
			}
			sd.Top = append(sd.Top, dataset.Total{Label: dataset.LabelWithCode(dt.Name, t.Label), Value: t.Value})
		}
		d.Dims = append(d.Dims, sd)
	}
	if s.pop != nil {
		d.Population = &populationNote{Year: s.pop.Year, Source: s.pop.Source, Forces: s.pop.Forces()}
	}
	d.Issues = countIssueKinds(issues)
	s.render(w, r, http.StatusOK, "summary", &page{Title: fmt.Sprintf("Summary: %s %d", c.Title, c.Year),
		Crumbs: []crumb{{"Campaigns", "/"}, {fmt.Sprintf("%s %d", c.Title, c.Year), href}, {"Data", q.href(href+"/data", nil)}}, Data: d})
	return nil
}

func init() {
	funcs["showcode"] = dataset.ShowCode
	// rate writes a rate per 100,000 with one decimal.
	funcs["rate"] = func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', 1, 64)
	}
	// signed writes a percentage change with its sign: "+12%", "-3%".
	funcs["signed"] = func(v *float64) string {
		if v == nil {
			return ""
		}
		p := int(math.Round(*v))
		if p > 0 {
			return "+" + strconv.Itoa(p) + "%"
		}
		return strconv.Itoa(p) + "%"
	}
}

// countIssueKinds counts the checks' issues by kind, in order of first
// appearance.
func countIssueKinds(issues []dataset.Issue) []issueKind {
	var out []issueKind
	for _, is := range issues {
		k := len(out)
		for i, ik := range out {
			if ik.Kind == is.Kind {
				k = i
			}
		}
		if k == len(out) {
			out = append(out, issueKind{Kind: is.Kind})
		}
		out[k].N++
	}
	return out
}
