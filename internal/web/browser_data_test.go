package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

// TestBrowserData drives the data page, its summary and the source view in
// headless Chromium over the seeded campaign with a PDF reply added: the
// filter form, the chart order and table sort links, paging, a source link
// to a spreadsheet cell and to a PDF cell drawn on its page.
func TestBrowserData(t *testing.T) {
	inBrowser(t, 90*time.Second, func(b *tab) {
		fx := seed(t)
		pop, err := dataset.ReadPopulationFile("testdata/population-test.csv")
		must(t, err)
		pdfDoc, pdfRow, pdfCol := addPDFTable(t, fx)
		defer func(n int) { figuresPerPage = n }(figuresPerPage)
		figuresPerPage = 40
		srv := httptest.NewServer(newHandler(t, fx.st, &Options{Population: pop}))
		defer srv.Close()

		figures := `document.querySelectorAll("table.data tr.figure").length`

		b.run(chromedp.Navigate(srv.URL+boardPath+"/data"), chromedp.WaitVisible(chromedp.CSS(`svg.chart`)))
		b.shot("data-all")
		if n := b.eval(figures); n != 40 {
			t.Errorf("first page shows %d figures, want 40", n)
		}
		if n := b.eval(`document.querySelectorAll("figure.chart svg").length`); n != 4 {
			t.Errorf("%d charts, want 4 (force, rate, period, nationality)", n)
		}

		// The filter form: choose Romania, submit; the page, its chart and its
		// table follow.
		b.run(chromedp.SetValue(chromedp.CSS(`form.data-filter select[name="nationality"]`), "ROU"),
			chromedp.Click(chromedp.CSS(`form.data-filter button`)),
			chromedp.WaitVisible(chromedp.CSS(`a.clear`)))
		b.shot("data-romania")
		if q := b.str(`location.search`); !strings.Contains(q, "nationality=ROU") {
			t.Errorf("after filtering, the address is %q", q)
		}
		loaded := len(loadedForces(fx))
		if n := b.eval(figures); n != 3*loaded {
			t.Errorf("Romania: %d figures, want %d", n, 3*loaded)
		}
		if title := b.str(`document.querySelector("figure.chart figcaption").textContent`); !strings.Contains(title, "Romania (ROU), by force") {
			t.Errorf("first chart %q, want Romania by force", title)
		}
		if sel := b.str(`document.querySelector('select[name="nationality"]').value`); sel != "ROU" {
			t.Errorf("the form forgot the filter: %q", sel)
		}

		// Sort largest first: the table's first value is the largest.
		b.run(chromedp.Click(chromedp.CSS(`a.sort-value`)), chromedp.WaitVisible(chromedp.CSS(`#figures`)))
		vals := b.str(`Array.from(document.querySelectorAll("table.data td.value")).map(td => td.textContent.replace(/,/g, "")).join(" ")`)
		var nums []float64
		for _, f := range strings.Fields(vals) {
			var v float64
			fmt.Sscan(f, &v)
			nums = append(nums, v)
		}
		for i := 1; i < len(nums); i++ {
			if nums[i] > nums[i-1] {
				t.Errorf("sorted largest first, yet %v before %v", nums[i-1], nums[i])
				break
			}
		}

		// Paging through everything: clear the filter, next to the last page.
		b.run(chromedp.Click(chromedp.CSS(`a.clear`)), chromedp.WaitVisible(chromedp.CSS(`nav.pages`)))
		seen := b.eval(figures)
		for range 5 {
			if b.eval(`document.querySelectorAll("nav.pages a.next").length`) == 0 {
				break
			}
			b.run(chromedp.Click(chromedp.CSS(`nav.pages a.next`)), chromedp.Sleep(200*time.Millisecond), chromedp.WaitVisible(chromedp.CSS(`nav.pages`)))
			seen += b.eval(figures)
		}
		if seen != fx.observations+countPDFFigures {
			t.Errorf("paging showed %d figures, want all %d", seen, fx.observations+countPDFFigures)
		}

		// A spreadsheet cell's source link opens the cell, highlighted.
		b.run(chromedp.Navigate(srv.URL+boardPath+"/data"), chromedp.WaitVisible(chromedp.CSS(`a.cell`)))
		cite := b.str(`document.querySelector("a.cell").textContent`)
		b.run(chromedp.Click(chromedp.CSS(`a.cell`)), chromedp.WaitVisible(chromedp.CSS(`td.cited`)))
		b.shot("source-xlsx")
		if q := b.str(`document.querySelector("blockquote.citation").textContent`); !strings.Contains(q, strings.SplitN(cite, ", ", 2)[1]) {
			t.Errorf("source view cites %q, the data page %q", q, cite)
		}

		// A PDF cell: the page renders and the box is drawn on it.
		b.run(chromedp.Navigate(fmt.Sprintf("%s/documents/%d/tables/1?row=%d&col=%d", srv.URL, pdfDoc, pdfRow, pdfCol)),
			chromedp.WaitVisible(chromedp.CSS(`figure.page img`)),
			chromedp.Poll[chromedp.Void](`document.querySelector("figure.page img").complete && document.querySelector("figure.page img").naturalWidth > 0`))
		b.shot("source-pdf")
		if w := b.eval(`document.querySelector("figure.page img").naturalWidth`); w < 500 {
			t.Errorf("page image %d pixels wide: not rendered", w)
		}
		boxJSON := b.str(`JSON.stringify(document.querySelector("rect.cell-box").getBoundingClientRect())`)
		imgJSON := b.str(`JSON.stringify(document.querySelector("figure.page img").getBoundingClientRect())`)
		var box, img struct{ X, Y, Width, Height float64 }
		must(t, json.Unmarshal([]byte(boxJSON), &box))
		must(t, json.Unmarshal([]byte(imgJSON), &img))
		if box.Width <= 0 || box.X < img.X || box.Y < img.Y || box.X+box.Width > img.X+img.Width || box.Y+box.Height > img.Y+img.Height {
			t.Errorf("the cell's box %+v is not on the page %+v", box, img)
		}

		// The one-page summary, printed: no navigation, one A4 page.
		b.run(chromedp.Navigate(srv.URL+boardPath+"/data/summary?"+url.Values{"nationality": {"POL"}}.Encode()),
			chromedp.WaitVisible(chromedp.CSS(`article.onepage`)))
		b.shot("summary")
		b.run(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		}))
		if d := b.str(`getComputedStyle(document.querySelector("header.top")).display`); d != "none" {
			t.Errorf("printed, the navigation shows (display %s)", d)
		}
		b.shot("summary-print")
		pdf := value(b, chromedp.PrintToPDF())
		if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); pages != 1 {
			t.Errorf("the summary prints on %d pages, want one", pages)
		}
	})
}

// countPDFFigures is how many figures addPDFTable loads.
const countPDFFigures = 3

// addPDFTable stores the extractor's LibreOffice test PDF as a reply of
// the fixture's first force with its table and three of its figures loaded,
// and returns the document and the cell of one figure.
func addPDFTable(t *testing.T, fx *fixture) (doc int64, row, col int) {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile("../extract/testdata/pdf/lo02-writer-unruled.pdf")
	must(t, err)
	tables, err := extract.File(ctx, "reply.pdf", data, nil)
	must(t, err)
	tb := tables[0]
	var f = fx.forces[0]
	for _, ff := range fx.forces {
		if fx.kind[ff.Slug] == "loaded" {
			f = ff
			break
		}
	}
	inbound := receive(t, fx.st, 8101, fx.requests[f.Slug], f, "Re: the PDF", time.Now())
	docs, err := fx.st.SaveDocuments(ctx, inbound, []store.Document{{Filename: "reply.pdf", ContentType: "application/pdf", Data: data, Path: "reply.pdf"}})
	must(t, err)
	must(t, fx.st.AttachDocument(ctx, fx.requests[f.Slug], docs[0], "document/pdf", store.DocumentSource{}))
	cells, err := json.Marshal(tb.Rows)
	must(t, err)
	var obs []store.Observation
	for c := 1; c <= countPDFFigures; c++ {
		cell := tb.Rows[1][c]
		v := 0.0
		fmt.Sscan(strings.ReplaceAll(cell.Text, ",", ""), &v)
		obs = append(obs, store.Observation{TableIndex: 1, Page: tb.Source.Page, Row: 1, Col: c, CellRef: cell.Ref,
			Period: tb.Rows[0][c].Text, Dimensions: map[string]string{"nationality": "ERI"}, Measure: "community_resolutions",
			Value: &v, Raw: cell.Text, Confidence: 0.9})
	}
	_, err = fx.st.LoadDocument(ctx, store.LoadInput{CampaignID: fx.campaignID, RequestID: fx.requests[f.Slug], ForceSlug: f.Slug, DocumentID: docs[0],
		Tables: []store.ExtractedTable{{Index: 1, Method: string(tb.Method), Page: tb.Source.Page, HeaderRows: tb.HeaderRows,
			NRows: len(tb.Rows), NCols: len(tb.Rows[0]), Confidence: tb.Confidence, Cells: cells}}, Observations: obs})
	must(t, err)
	return docs[0], 1, 2
}

// TestBrowserRemap corrects a review item's reading in Chromium without
// JSON: choose the heading's dimension and the period, preview, remap.
func TestBrowserRemap(t *testing.T) {
	inBrowser(t, 60*time.Second, func(b *tab) {
		fx := seed(t)
		up := &updater{}
		srv := httptest.NewServer(newHandler(t, fx.st, &Options{Temporal: up}))
		defer srv.Close()
		b.run(chromedp.Navigate(srv.URL+"/review"), chromedp.WaitVisible(chromedp.CSS(`form.decide`)),
			chromedp.Click(chromedp.CSS(`details.remap > summary`)),
			chromedp.WaitVisible(chromedp.CSS(`select[name="header.0"]`)),
			chromedp.SetValue(chromedp.CSS(`select[name="header.0"]`), "nationality"),
			chromedp.SendKeys(chromedp.CSS(`input[name="constant.period"]`), "2023"),
			chromedp.Click(chromedp.CSS(`button.preview`)),
			chromedp.WaitVisible(chromedp.CSS(`section.preview`)))
		b.shot("review-preview")
		if got := b.str(`document.querySelector("p.preview-result").textContent`); !strings.Contains(got, "1 figure would load") {
			t.Errorf("preview says %q", got)
		}
		if got := b.str(`document.querySelector('select[name="header.0"]').value`); got != "nationality" {
			t.Errorf("after the preview the heading's choice is %q", got)
		}
		if n := len(up.recorded()); n != 0 {
			t.Fatalf("the preview sent %d updates", n)
		}
		b.run(chromedp.SendKeys(chromedp.CSS(`form.decide input[name="by"]`), "Sam Reporter"),
			chromedp.Click(chromedp.CSS(`details.remap button[value="remap"]`)),
			chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
		if flash := b.str(`document.querySelector("p.flash").textContent`); !strings.Contains(flash, "remap sent") {
			t.Errorf("after remapping: %q", flash)
		}
		calls := up.recorded()
		if len(calls) != 1 {
			t.Fatalf("%d updates sent, want 1", len(calls))
		}
		in := calls[0].Args[0].(workflows.ReviewInput)
		if o := in.Overrides[1]; in.Action != "remap" || o == nil || o.Headers["Country"] != "nationality" || o.Constants["period"] != "2023" {
			t.Errorf("remap sent %#v", in)
		}
	})
}
