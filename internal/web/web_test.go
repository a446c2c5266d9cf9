package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/workflows"
)

// local makes a request as from a browser on this machine.
func local(method, target string, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, target, body)
	r.RemoteAddr = "127.0.0.1:50000"
	r.Host = "127.0.0.1:8080"
	return r
}

func do(t *testing.T, h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func get(t *testing.T, h http.Handler, target string, wantStatus int) string {
	t.Helper()
	rec := do(t, h, local("GET", target, nil))
	if rec.Code != wantStatus {
		t.Fatalf("GET %s: status %d, want %d\n%s", target, rec.Code, wantStatus, rec.Body)
	}
	return rec.Body.String()
}

var (
	reBoardRow = regexp.MustCompile(`<tr class="force( late)?( final)?" data-force="([a-z0-9-]+)">`)
	boardPath  = fmt.Sprintf("/campaigns/%s/%d", testSlug, testYear)
)

// boardForces returns the forces a board page lists, and which are marked late.
func boardForces(body string) (all []string, late map[string]bool) {
	late = map[string]bool{}
	for _, m := range reBoardRow.FindAllStringSubmatch(body, -1) {
		all = append(all, m[3])
		if m[1] != "" {
			late[m[3]] = true
		}
	}
	return all, late
}

func TestCampaignListAndBoard(t *testing.T) {
	fx := seed(t)
	h := newHandler(t, fx.st, nil)

	list := get(t, h, "/", http.StatusOK)
	if !strings.Contains(list, `href="`+boardPath+`"`) || !strings.Contains(list, "Community resolutions issued to foreign nationals") {
		t.Errorf("campaign list has no link to the run:\n%s", list)
	}
	// 44 forces, 11 finished, 22 overdue (chased, and sent with no reply).
	if !regexp.MustCompile(`<td class="n">44</td>\s*<td class="n">11</td>\s*<td class="n"><strong>22</strong></td>`).MatchString(list) {
		t.Errorf("campaign list does not count 44 forces, 11 finished, 22 overdue:\n%s", list)
	}

	body := get(t, h, boardPath, http.StatusOK)
	all, late := boardForces(body)
	if len(all) != 44 {
		t.Fatalf("board lists %d forces, want 44", len(all))
	}
	for _, f := range fx.forces {
		wantLate := fx.kind[f.Slug] == "chased" || fx.kind[f.Slug] == "sent"
		if late[f.Slug] != wantLate {
			t.Errorf("%s (%s): marked late %v, want %v", f.Slug, fx.kind[f.Slug], late[f.Slug], wantLate)
		}
	}
	// Due Monday 3 March; on Thursday 20 March that is 12 working days
	// late: the weekdays 4–7, 10–14 and 18–20 March. Monday 17 March is St
	// Patrick's Day, a bank holiday in Northern Ireland, so under FOIA
	// s.10(6) not a working day anywhere in the UK.
	chased := fx.forces[0]
	row := regexp.MustCompile(`(?s)data-force="` + chased.Slug + `">.*?</tr>`).FindString(body)
	if !strings.Contains(row, "<strong>12</strong>") || !strings.Contains(row, "3 Mar 2025") || !strings.Contains(row, ">chased<") {
		t.Errorf("chased force's row lacks its due date, state or 12 working days overdue:\n%s", row)
	}
	if !strings.Contains(row, `<td class="n">1</td>`) {
		t.Errorf("chased force's row does not count its chaser:\n%s", row)
	}

	for filter, kind := range map[string]string{"chased": "chased", "data_loaded": "loaded", "acknowledged": "acknowledged", "sent": "sent"} {
		got, _ := boardForces(get(t, h, boardPath+"?state="+filter, http.StatusOK))
		want := 0
		for _, k := range fx.kind {
			if k == kind {
				want++
			}
		}
		if len(got) != want {
			t.Errorf("?state=%s lists %d forces, want %d", filter, len(got), want)
		}
		for _, f := range got {
			if fx.kind[f] != kind {
				t.Errorf("?state=%s lists %s, which is %s", filter, f, fx.kind[f])
			}
		}
	}
	got, lateOnly := boardForces(get(t, h, boardPath+"?state=late&sort=late", http.StatusOK))
	if len(got) != 22 || len(lateOnly) != 22 {
		t.Errorf("?state=late lists %d forces (%d marked late), want 22", len(got), len(lateOnly))
	}
	get(t, h, boardPath+"?state=bogus", http.StatusBadRequest)
	get(t, h, "/campaigns/"+testSlug+"/1999", http.StatusNotFound)
	get(t, h, "/campaigns/nope/2025", http.StatusNotFound)
}

func TestForcePage(t *testing.T) {
	fx := seed(t)
	h := newHandler(t, fx.st, &Options{TemporalUIURL: "http://127.0.0.1:8233/", Namespace: "default"})
	var loaded string
	for _, f := range fx.forces {
		if fx.kind[f.Slug] == "loaded" && f.Slug != fx.scriptForce {
			loaded = f.Slug
			break
		}
	}
	body := get(t, h, boardPath+"/forces/"+loaded, http.StatusOK)

	wantLink := fmt.Sprintf(`href="http://127.0.0.1:8233/namespaces/default/workflows/request%%2F%s%%2F%d%%2F%s"`, testSlug, testYear, loaded)
	if !strings.Contains(body, wantLink) {
		t.Errorf("no link to the request's workflow in the Temporal UI (%s)", wantLink)
	}
	// Every email in and out, every state change, in order.
	order := []string{
		"Email out", "[FOI " + testSlug, // the request
		"sent → <strong>answered</strong>", "Email in", "Re: [FOI", // the reply
		"answered → <strong>answered, figures loaded</strong>",
	}
	pos := 0
	for _, s := range order {
		i := strings.Index(body[pos:], s)
		if i < 0 {
			t.Fatalf("force page lacks %q after position %d", s, pos)
		}
		pos += i
	}
	if !strings.Contains(body, "matched by token") {
		t.Error("the reply's match method is not shown")
	}
	// The document and its table, each figure's cell marked with what it became.
	if !strings.Contains(body, loaded+"-response.xlsx") || !strings.Contains(body, "Community resolutions by nationality") {
		t.Error("the document or its table's title is missing")
	}
	if n := strings.Count(body, `class="obs"`); n != 9 {
		t.Errorf("%d cells marked as figures, want 9", n)
	}
	if !strings.Contains(body, `title="B2 → 2022 nationality=POL = `) || !strings.Contains(body, `title="B4 → 2022 nationality=ALB = suppressed"`) {
		t.Error("cells do not carry their provenance (cell → period, breakdown, value or flag)")
	}

	// The chased force shows its reminder and lateness.
	chased := get(t, h, boardPath+"/forces/"+fx.forces[0].Slug, http.StatusOK)
	for _, s := range []string{"12 working days overdue", "overdue → <strong>chased</strong>", "reminder, sent"} {
		if !strings.Contains(chased, s) {
			t.Errorf("chased force page lacks %q", s)
		}
	}
	get(t, h, boardPath+"/forces/atlantis", http.StatusNotFound)
}

// A force's reply is untrusted: what it says must come out as text.
func TestUntrustedTextIsEscaped(t *testing.T) {
	fx := seed(t)
	h := newHandler(t, fx.st, nil)
	for _, path := range []string{boardPath + "/forces/" + fx.scriptForce, boardPath + "/data", "/review"} {
		body := get(t, h, path, http.StatusOK)
		for _, bad := range []string{"<script", "<img"} {
			if strings.Contains(strings.ToLower(body), bad) {
				t.Errorf("%s: %q appears unescaped", path, bad)
			}
		}
		if path == boardPath+"/forces/"+fx.scriptForce {
			if !strings.Contains(body, `&lt;script&gt;alert(&#34;subject&#34;)&lt;/script&gt; Re: FOI request`) {
				t.Errorf("%s: the hostile subject is not shown escaped", path)
			}
			if !strings.Contains(body, `&lt;img src=x onerror=alert(&#34;cell&#34;)&gt;`) {
				t.Errorf("%s: the hostile table cell is not shown escaped", path)
			}
		}
	}
}

// reviewForm fetches the review queue and returns the form fields of an
// item and the cookies the page set.
func reviewForm(t *testing.T, h http.Handler, id int64) (url.Values, []*http.Cookie) {
	t.Helper()
	return pageForm(t, h, "/review", "/review/"+strconv.FormatInt(id, 10))
}

// pageForm reads the hidden fields of the form posting to action on page,
// and the cookies the page set.
func pageForm(t *testing.T, h http.Handler, page, action string) (url.Values, []*http.Cookie) {
	t.Helper()
	rec := do(t, h, local("GET", page, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", page, rec.Code)
	}
	body := rec.Body.String()
	form := regexp.MustCompile(`(?s)<form method="post" action="` + regexp.QuoteMeta(action) + `".*?</form>`).FindString(body)
	if form == "" {
		t.Fatalf("no form for %s:\n%s", action, body)
	}
	vals := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="(\w+)" value="([^"]*)">`).FindAllStringSubmatch(form, -1) {
		vals.Set(m[1], m[2])
	}
	if vals.Get("csrf") == "" || vals.Get("nonce") == "" {
		t.Fatalf("form lacks csrf or nonce: %s", form)
	}
	return vals, rec.Result().Cookies()
}

func post(t *testing.T, h http.Handler, path string, form url.Values, cookies []*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	r := local("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return do(t, h, r)
}

func TestReviewDecisions(t *testing.T) {
	fx := seed(t)
	up := &updater{}
	h := newHandler(t, fx.st, &Options{Temporal: up})
	path := "/review/" + strconv.FormatInt(fx.reviewID, 10)

	queue := get(t, h, "/review", http.StatusOK)
	for _, s := range []string{"breakdown.pdf", "heading &#34;Country&#34; is not a known dimension", "1 proposed figure", "r2c2",
		"read by OCR from a scanned page", "<th title=", ">Poland</td>", `class="obs"`} {
		if !strings.Contains(queue, s) {
			t.Errorf("review queue lacks %q", s)
		}
	}

	form, cookies := reviewForm(t, h, fx.reviewID)
	form.Set("by", "Sam Reporter")
	form.Set("action", "approve")
	form.Set("note", "figures checked against the PDF")

	// Without the CSRF cookie, or with a forged token, or from another site: refused.
	if rec := post(t, h, path, form, nil); rec.Code != http.StatusForbidden {
		t.Errorf("POST without the CSRF cookie: %d, want 403", rec.Code)
	}
	forged := url.Values{}
	for k, v := range form {
		forged[k] = v
	}
	forged.Set("csrf", "forged")
	if rec := post(t, h, path, forged, cookies); rec.Code != http.StatusForbidden {
		t.Errorf("POST with a forged token: %d, want 403", rec.Code)
	}
	cross := local("POST", path, strings.NewReader(form.Encode()))
	cross.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	cross.Header.Set("Sec-Fetch-Site", "cross-site")
	for _, c := range cookies {
		cross.AddCookie(c)
	}
	if rec := do(t, h, cross); rec.Code != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", rec.Code)
	}
	if n := len(up.recorded()); n != 0 {
		t.Fatalf("%d updates sent for refused forms", n)
	}

	rec := post(t, h, path, form, cookies)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", rec.Code, rec.Body)
	}
	calls := up.recorded()
	if len(calls) != 1 {
		t.Fatalf("%d updates sent, want 1", len(calls))
	}
	c := calls[0]
	if c.WorkflowID != fx.reviewWorkflow || c.UpdateName != workflows.UpdateReview {
		t.Errorf("update %q to %q, want %q to %q", c.UpdateName, c.WorkflowID, workflows.UpdateReview, fx.reviewWorkflow)
	}
	in, ok := c.Args[0].(workflows.ReviewInput)
	if !ok || in.Action != "approve" || in.By != "Sam Reporter" || in.Note != "figures checked against the PDF" || in.Overrides != nil {
		t.Errorf("update argument %#v", c.Args)
	}
	if !strings.HasSuffix(c.UpdateID, "/"+form.Get("nonce")) {
		t.Errorf("update ID %q does not carry the form's nonce, so a double submit would act twice", c.UpdateID)
	}
	next := rec.Header().Get("Location")
	page := get(t, h, next, http.StatusOK)
	if !strings.Contains(page, fmt.Sprintf("Review item %d: approve sent", fx.reviewID)) {
		t.Errorf("no confirmation after the redirect to %s", next)
	}

	// Remap carries the table's overrides; bad JSON is refused before Temporal.
	form.Set("action", "remap")
	form.Set("overrides", `{"headers": {"Country": "nationality"}}`)
	if rec := post(t, h, path, form, cookies); rec.Code != http.StatusSeeOther {
		t.Fatalf("remap: %d\n%s", rec.Code, rec.Body)
	}
	calls = up.recorded()
	in = calls[len(calls)-1].Args[0].(workflows.ReviewInput)
	if o := in.Overrides[1]; in.Action != "remap" || o == nil || o.Headers["Country"] != "nationality" {
		t.Errorf("remap argument %#v", in)
	}
	form.Set("overrides", `{"headers": `)
	if rec := post(t, h, path, form, cookies); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "not valid JSON") {
		t.Errorf("remap with broken JSON: %d", rec.Code)
	}
	form.Set("action", "approve")
	form.Set("by", "  ")
	if rec := post(t, h, path, form, cookies); rec.Code != http.StatusBadRequest {
		t.Errorf("decision without a name: %d, want 400", rec.Code)
	}
	if n := len(up.recorded()); n != 2 {
		t.Errorf("%d updates sent, want 2: refused forms must not reach Temporal", n)
	}

	// The workflow's validator refusing is shown, not hidden.
	up.err = errors.New("document breakdown.pdf is loaded, not waiting for review")
	form.Set("by", "Sam Reporter")
	rec = post(t, h, path, form, cookies)
	if rec.Code != http.StatusBadGateway || !strings.Contains(rec.Body.String(), "is loaded, not waiting for review") {
		t.Errorf("refused update: %d\n%s", rec.Code, rec.Body)
	}

	// A resolved item takes no more decisions.
	must(t, fx.st.ResolveReviews(t.Context(), mustReview(t, fx).RequestID, mustReview(t, fx).DocumentID, "approved", nil, "Sam"))
	up.err = nil
	if rec := post(t, h, path, form, cookies); rec.Code != http.StatusConflict {
		t.Errorf("decision on a resolved item: %d, want 409", rec.Code)
	}
}

func mustReview(t *testing.T, fx *fixture) *struct{ RequestID, DocumentID int64 } {
	t.Helper()
	it, err := fx.st.Review(t.Context(), fx.reviewID)
	must(t, err)
	return &struct{ RequestID, DocumentID int64 }{it.RequestID, it.DocumentID}
}

func TestReviewWithoutTemporal(t *testing.T) {
	fx := seed(t)
	// Two dashboards with the same token agree on form tokens: take the
	// form from one with Temporal and send it to one without.
	with := newHandler(t, fx.st, &Options{Temporal: &updater{}, AuthToken: "s3cret"})
	without := newHandler(t, fx.st, &Options{AuthToken: "s3cret"})
	authed := func(r *http.Request) *http.Request {
		r.Header.Set("Authorization", "Bearer s3cret")
		return r
	}
	rec := do(t, without, authed(local("GET", "/review", nil)))
	if !strings.Contains(rec.Body.String(), "Review actions are disabled") || strings.Contains(rec.Body.String(), `<form method="post"`) {
		t.Error("without Temporal the queue must say actions are disabled and offer no forms")
	}
	rec = do(t, with, authed(local("GET", "/review", nil)))
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(rec.Body.String())
	if csrf == nil {
		t.Fatal("no form token on the queue with Temporal")
	}
	form := url.Values{"action": {"approve"}, "by": {"Sam"}, "csrf": {csrf[1]}}
	r := authed(local("POST", "/review/"+strconv.FormatInt(fx.reviewID, 10), strings.NewReader(form.Encode())))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range rec.Result().Cookies() {
		r.AddCookie(c)
	}
	rec = do(t, without, r)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "no connection to Temporal") {
		t.Errorf("decision without Temporal: %d\n%s", rec.Code, rec.Body)
	}
}

func TestDatasetAndDownloads(t *testing.T) {
	fx := seed(t)
	h := newHandler(t, fx.st, nil)

	page := get(t, h, boardPath+"/data", http.StatusOK)
	if n := strings.Count(page, `<svg xmlns="http://www.w3.org/2000/svg" class="chart"`); n != 3 {
		t.Errorf("%d charts on the dataset page, want 3 (by force, period, nationality)", n)
	}
	if !strings.Contains(page, "Total community resolutions by force") {
		t.Error("no chart by force")
	}
	if !strings.Contains(page, fmt.Sprintf("%d figures", fx.observations)) {
		t.Errorf("dataset page does not count %d figures", fx.observations)
	}

	// The CSV parses and has one row per observation, suppressed cells empty.
	rec := do(t, h, local("GET", boardPath+"/data.csv", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename=cro-foreign-nationals-2025.csv` {
		t.Errorf("Content-Disposition %q", cd)
	}
	records, err := csv.NewReader(rec.Body).ReadAll()
	must(t, err)
	if len(records) != fx.observations+1 {
		t.Fatalf("CSV has %d rows, want %d observations and a header", len(records)-1, fx.observations)
	}
	head := records[0]
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	suppressed := 0
	for _, r := range records[1:] {
		if r[col["flag"]] == "suppressed" {
			suppressed++
			if r[col["value"]] != "" {
				t.Errorf("suppressed cell exported with value %q", r[col["value"]])
			}
		}
	}
	if suppressed != fx.observations-fx.valued {
		t.Errorf("%d suppressed rows, want %d", suppressed, fx.observations-fx.valued)
	}

	rec = do(t, h, local("GET", boardPath+"/data.xlsx", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("XLSX: %d", rec.Code)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	must(t, err)
	rows, err := wb.GetRows("Data")
	must(t, err)
	if len(rows) != fx.observations+1 {
		t.Errorf("XLSX Data sheet has %d rows, want %d", len(rows), fx.observations+1)
	}

	// The chart alone is an SVG document whose bars follow the totals.
	rec = do(t, h, local("GET", boardPath+"/chart.svg?by=force", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/svg+xml; charset=utf-8" {
		t.Fatalf("chart.svg: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	bars := parseBars(t, rec.Body.String())
	if len(bars) != 11 {
		t.Errorf("%d bars by force, want the 11 forces with figures", len(bars))
	}
	get(t, h, boardPath+"/chart.svg?by=shoe-size", http.StatusNotFound)
}

// svgBar is a bar's value and drawn width.
type svgBar struct{ value, width float64 }

// parseBars checks that s is well-formed XML and returns its bars.
func parseBars(t *testing.T, s string) []svgBar {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	var bars []svgBar
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("chart is not well-formed XML: %v\n%s", err, s)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "rect" {
			continue
		}
		var b svgBar
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "width":
				b.width, _ = strconv.ParseFloat(a.Value, 64)
			case "data-value":
				b.value, _ = strconv.ParseFloat(a.Value, 64)
			}
		}
		bars = append(bars, b)
	}
	return bars
}

func TestDocumentDownload(t *testing.T) {
	fx := seed(t)
	h := newHandler(t, fx.st, nil)
	var id int64
	must(t, dbtest.SQL(t, fx.st).QueryRow(t.Context(), `SELECT id FROM documents WHERE filename = 'breakdown.pdf'`).Scan(&id))
	rec := do(t, h, local("GET", fmt.Sprintf("/documents/%d", id), nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") || !strings.HasPrefix(rec.Body.String(), "%PDF") {
		t.Errorf("document download: %d %v", rec.Code, rec.Header())
	}
	// A document claiming to be HTML is sent as bytes, never as a page.
	must(t, dbtest.SQL(t, fx.st).QueryRow(t.Context(), `INSERT INTO documents (sha256, filename, content_type, size, data)
		VALUES (sha256('h'::bytea), 'x".html', 'text/html', 1, '<script>alert(1)</script>') RETURNING id`).Scan(&id))
	rec = do(t, h, local("GET", fmt.Sprintf("/documents/%d", id), nil))
	if ct := rec.Header().Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("HTML document sent as %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="x\".html"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	get(t, h, "/documents/999999", http.StatusNotFound)
	get(t, h, "/documents/abc", http.StatusNotFound)
}

// BenchmarkPages renders the board, a force's page and the dataset page of
// the seeded 44-force campaign.
func BenchmarkPages(b *testing.B) {
	fx := seed(b)
	h := newHandler(b, fx.st, nil)
	for _, p := range []struct{ name, path string }{
		{"board", boardPath},
		{"force", boardPath + "/forces/" + fx.scriptForce},
		{"dataset", boardPath + "/data"},
		{"csv", boardPath + "/data.csv"},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, local("GET", p.path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", p.path, rec.Code)
				}
			}
		})
	}
}

// TestFailingInboxIsShownOnEveryPage: a mailbox whose syncs fail (replies
// not coming in) is announced on every page, with its error, until a sync
// succeeds.
func TestFailingInboxIsShownOnEveryPage(t *testing.T) {
	fx := seed(t)
	h := newHandler(t, fx.st, nil)
	ctx := context.Background()
	if body := get(t, h, "/", http.StatusOK); strings.Contains(body, "mailbox-down") {
		t.Fatal("inbox banner with no mailbox recorded")
	}
	if err := fx.st.RecordMailboxSync(ctx, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := fx.st.RecordMailboxSync(ctx, "INBOX", errors.New(`imap: LOGIN: <b>authentication failed</b>`)); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{"/", boardPath, "/review", "/triage"} {
		body := get(t, h, path, http.StatusOK)
		if !strings.Contains(body, "Inbox INBOX is not syncing") || !strings.Contains(body, "2 failed syncs in a row") ||
			!strings.Contains(body, "&lt;b&gt;authentication failed&lt;/b&gt;") {
			t.Errorf("%s: no escaped banner for the failing inbox:\n%s", path, body)
		}
	}
	if err := fx.st.RecordMailboxSync(ctx, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	if body := get(t, h, "/", http.StatusOK); strings.Contains(body, "mailbox-down") {
		t.Error("inbox banner after a successful sync")
	}
}
