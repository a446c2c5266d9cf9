package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
)

var (
	reValueCell = regexp.MustCompile(`<td class="n value">([^<]*)</td>`)
	reForceRow  = regexp.MustCompile(`(?s)<tr class="force-total">\s*<td><a href="[^"]*/forces/([a-z0-9-]+)">.*?</tr>`)
)

func parseNum(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return v
}

// loadedForces lists the fixture's forces with figures, in seed order,
// with their index in the registry group (the seed's figures depend on it).
func loadedForces(fx *fixture) map[string]int {
	out := map[string]int{}
	for i, f := range fx.forces {
		if fx.kind[f.Slug] == "loaded" {
			out[f.Slug] = i
		}
	}
	return out
}

// seedPrevious adds the campaign's 2024 run with one figure for a force.
func seedPrevious(t *testing.T, fx *fixture, forceSlug string, value float64) {
	t.Helper()
	ctx := context.Background()
	const year = testYear - 1
	cid, ids, err := fx.st.CreateCampaign(ctx, store.Campaign{Slug: testSlug, Year: year,
		Title: "Community resolutions issued to foreign nationals", Spec: []byte(testSpec),
		WorkflowID: foi.CampaignWorkflowID(testSlug, year)}, []store.NewRequest{{ForceSlug: forceSlug,
		WorkflowID: foi.RequestWorkflowID(testSlug, year, forceSlug), Token: foi.RequestToken(testSlug, year, forceSlug)}})
	must(t, err)
	var f = fx.forces[0]
	for _, ff := range fx.forces {
		if ff.Slug == forceSlug {
			f = ff
		}
	}
	inbound := receive(t, fx.st, 7001, ids[forceSlug], f, "Re: last year's request", time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC))
	docs, err := fx.st.SaveDocuments(ctx, inbound, []store.Document{{Filename: "2024.csv", ContentType: "text/csv",
		Data: []byte("Nationality,2021\nPolish," + fmt.Sprint(value)), Path: "2024.csv"}})
	must(t, err)
	must(t, fx.st.AttachDocument(ctx, ids[forceSlug], docs[0], "document/previous", store.DocumentSource{}))
	_, err = fx.st.LoadDocument(ctx, store.LoadInput{CampaignID: cid, RequestID: ids[forceSlug], ForceSlug: forceSlug, DocumentID: docs[0],
		Tables: []store.ExtractedTable{{Index: 1, Method: "csv", HeaderRows: 1, NRows: 2, NCols: 2, Confidence: 1,
			Cells: []byte(`[[{"text":"Nationality","ref":"A1"},{"text":"2021","ref":"B1"}],[{"text":"Polish","ref":"A2"},{"text":"` + fmt.Sprint(value) + `","ref":"B2"}]]`)}},
		Observations: []store.Observation{{TableIndex: 1, Row: 1, Col: 1, CellRef: "B2", Period: "2021",
			Dimensions: map[string]string{"nationality": "POL"}, Measure: "community_resolutions", Value: &value, Raw: fmt.Sprint(value), Confidence: 1}}})
	must(t, err)
}

func TestDataPageFiltersSortsAndNames(t *testing.T) {
	fx := seed(t)
	pop, err := dataset.ReadPopulationFile("testdata/population-test.csv")
	must(t, err)
	h := newHandler(t, fx.st, &Options{Population: pop})
	loaded := loadedForces(fx)

	// One nationality across forces: the chart by force has a bar per force
	// with figures, largest first, each the force's POL figures summed
	// (the seed gives force i, row 0 (POL), year c the value i+1+c).
	body := get(t, h, boardPath+"/data?nationality=POL", http.StatusOK)
	if !strings.Contains(body, "Total community resolutions, Poland (POL), by force") {
		t.Error("no chart of Poland by force on the filtered page")
	}
	if strings.Contains(body, "Poland (POL), by nationality") {
		t.Error("a chart by nationality of one nationality")
	}
	svg := get(t, h, boardPath+"/chart.svg?by=force&nationality=POL", http.StatusOK)
	bars := parseBars(t, svg)
	if len(bars) != len(loaded) {
		t.Fatalf("%d bars for POL, want %d", len(bars), len(loaded))
	}
	var want []float64
	for _, i := range loaded {
		want = append(want, float64(3*(i+1)+3))
	}
	slices.Sort(want)
	slices.Reverse(want)
	for k, b := range bars {
		if b.value != want[k] {
			t.Errorf("bar %d = %v, want %v (largest first)", k, b.value, want[k])
		}
	}
	// A–Z on request.
	svg = get(t, h, boardPath+"/chart.svg?by=force&nationality=POL&order=name", http.StatusOK)
	if names := regexp.MustCompile(`class="label" text-anchor="end">([^<]*)<`).FindAllStringSubmatch(svg, -1); !slices.IsSortedFunc(names, func(a, b []string) int { return strings.Compare(a[1], b[1]) }) {
		t.Errorf("order=name bars not in name order: %v", names)
	}
	// The filtered table shows only POL rows, named.
	if n := strings.Count(body, `<tr class="figure">`); n != 3*len(loaded) {
		t.Errorf("%d rows with nationality=POL, want %d", n, 3*len(loaded))
	}
	if !strings.Contains(body, `Poland <span class="code">POL</span>`) || strings.Contains(body, `<span class="code">ROU</span>`) {
		t.Error("the filtered table does not name Poland, or shows Romania")
	}
	if !strings.Contains(body, `<option value="ROU">Romania (ROU) · `) {
		t.Error("the nationality filter does not offer Romania by name")
	}

	// Sorted by value, largest first, suppressed cells last.
	body = get(t, h, boardPath+"/data?sort=value", http.StatusOK)
	var vals []float64
	cells := reValueCell.FindAllStringSubmatch(body, -1)
	for _, m := range cells {
		if m[1] == "" {
			continue
		}
		vals = append(vals, parseNum(t, m[1]))
	}
	if len(cells) != fx.observations || !slices.IsSortedFunc(vals, func(a, b float64) int { return int(b - a) }) || cells[len(cells)-1][1] != "" {
		t.Errorf("sort=value: %d rows, values %v", len(cells), vals)
	}

	// Rates from the population file: a tenth of the total per force (a
	// fifth for Durham, 500,000 residents).
	body = get(t, h, boardPath+"/data", http.StatusOK)
	rows := reForceRow.FindAllStringSubmatch(body, -1)
	if len(rows) != len(loaded) {
		t.Fatalf("%d forces in the totals table, want %d", len(rows), len(loaded))
	}
	reTotal := regexp.MustCompile(`<td class="n total">([^<]*)</td>`)
	reRate := regexp.MustCompile(`<td class="n rate">([^<]*)</td>`)
	for _, m := range rows {
		total := parseNum(t, reTotal.FindStringSubmatch(m[0])[1])
		rate := parseNum(t, reRate.FindStringSubmatch(m[0])[1])
		div := 10.0
		if m[1] == "durham" {
			div = 5
		}
		if rate != total/div {
			t.Errorf("%s: total %v, rate %v per 100,000, want %v", m[1], total, rate, total/div)
		}
	}
	if !strings.Contains(body, "population test-year; source: foidesk test file") {
		t.Error("the rates do not say where the populations come from")
	}
	if n := strings.Count(body, `<svg xmlns="http://www.w3.org/2000/svg" class="chart"`); n != 4 {
		t.Errorf("%d charts, want 4 (force, rate, period, nationality)", n)
	}

	get(t, h, boardPath+"/data?sort=sideways", http.StatusBadRequest)
}

func TestDataPagePages(t *testing.T) {
	fx := seed(t)
	h := newHandler(t, fx.st, nil)
	defer func(n int) { figuresPerPage = n }(figuresPerPage)
	figuresPerPage = 40
	seen := 0
	for p := 1; p <= 3; p++ {
		body := get(t, h, boardPath+"/data?sort=value&page="+strconv.Itoa(p), http.StatusOK)
		n := strings.Count(body, `<tr class="figure">`)
		want := min(40, fx.observations-seen)
		if n != want {
			t.Errorf("page %d has %d figures, want %d", p, n, want)
		}
		seen += n
		if !strings.Contains(body, fmt.Sprintf("page %d of 3", p)) {
			t.Errorf("page %d does not say which page it is", p)
		}
		if (p < 3) != strings.Contains(body, `class="next" href="`+html.EscapeString(boardPath+"/data?page="+strconv.Itoa(p+1)+"&sort=value")) {
			t.Errorf("page %d: next link wrong", p)
		}
	}
	if seen != fx.observations {
		t.Errorf("the pages show %d figures, want all %d", seen, fx.observations)
	}
	get(t, h, boardPath+"/data?page=4", http.StatusNotFound)
	get(t, h, boardPath+"/data?page=0", http.StatusBadRequest)
}

func TestDataPageYearOnYearAndSummary(t *testing.T) {
	fx := seed(t)
	loaded := loadedForces(fx)
	var slug string
	var idx int
	for s, i := range loaded {
		slug, idx = s, i
		break
	}
	// This year's total for the force: its nine figures less ALB 2022.
	now := 0.0
	for r := range 3 {
		for c := range 3 {
			if r == 2 && c == 0 {
				continue
			}
			now += float64((idx+1)*(r+1) + c)
		}
	}
	seedPrevious(t, fx, slug, now/2)
	h := newHandler(t, fx.st, nil)
	body := get(t, h, boardPath+"/data", http.StatusOK)
	var row string
	for _, m := range reForceRow.FindAllStringSubmatch(body, -1) {
		if m[1] == slug {
			row = m[0]
		}
	}
	if !strings.Contains(row, `<td class="n before">`+formatNumber(now/2)+`</td>`) || !strings.Contains(row, `<td class="n change">&#43;100%</td>`) {
		t.Errorf("%s's row does not show last year's %v and +100%%:\n%s", slug, now/2, row)
	}
	if !strings.Contains(body, fmt.Sprintf(`<a href="/campaigns/%s/%d/data">%d</a> total`, testSlug, testYear-1, testYear-1)) {
		t.Error("no link to the previous run's data")
	}

	sum := get(t, h, boardPath+"/data/summary", http.StatusOK)
	total := 0.0
	for _, i := range loaded {
		for r := range 3 {
			for c := range 3 {
				if r != 2 || c != 0 {
					total += float64((i+1)*(r+1) + c)
				}
			}
		}
	}
	if !strings.Contains(sum, `<strong class="total">`+formatNumber(total)+`</strong>`) {
		t.Errorf("the summary's headline is not the total %v", total)
	}
	if !strings.Contains(sum, fmt.Sprintf("Like for like with %d (1 force with figures in both runs): %s then, %s now, <strong>&#43;100%%</strong>",
		testYear-1, formatNumber(now/2), formatNumber(now))) {
		t.Error("the summary does not compare with the previous run like for like")
	}
	if !strings.Contains(sum, "Poland (POL)") || !strings.Contains(sum, "@media print") && !strings.Contains(sum, "data.css") {
		t.Error("the summary does not name nationalities or lacks its print style")
	}
	// Filtered, the summary says so.
	sum = get(t, h, boardPath+"/data/summary?nationality=ROU", http.StatusOK)
	if !strings.Contains(sum, "for nationality Romania") {
		t.Error("the filtered summary does not say what it covers")
	}
}
