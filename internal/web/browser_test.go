package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/browsertest"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/workflows"
)

// tab is a headless Chromium tab driven by a test: each step fails the
// test on an error.
type tab struct {
	t     *testing.T
	ctx   context.Context
	shots string // FOIDESK_WEB_SCREENSHOTS: a directory to save pages in, to look at them
}

// startBrowser starts a headless Chromium for the test, closed when it
// ends, and returns its tab, whose context is cancelled after timeout.
func startBrowser(t *testing.T, bin string, timeout time.Duration) *tab {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin),
		chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1280, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		cancelAlloc()
	})
	return &tab{t: t, ctx: ctx, shots: os.Getenv("FOIDESK_WEB_SCREENSHOTS")}
}

// run runs browser steps.
func (b *tab) run(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// eval evaluates a script that gives a number.
func (b *tab) eval(js string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](js))
	must(b.t, err)
	return n
}

// str evaluates a script that gives a string.
func (b *tab) str(js string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	must(b.t, err)
	return s
}

// text is the text of the element sel selects.
func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	must(b.t, err)
	return s
}

// shot saves the page as name.png when FOIDESK_WEB_SCREENSHOTS names a
// directory.
func (b *tab) shot(name string) {
	b.t.Helper()
	if b.shots == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	must(b.t, err)
	must(b.t, os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644))
}

// TestBrowser drives the dashboard in headless Chromium over a seeded
// 44-force campaign: the board, a force's page, approving a review item
// and downloading the CSV.
func TestBrowser(t *testing.T) {
	bin := browsertest.Chromium(t)
	fx := seed(t)
	up := &updater{}
	srv := httptest.NewServer(newHandler(t, fx.st, &Options{Temporal: up}))
	defer srv.Close()

	b := startBrowser(t, bin, 60*time.Second)
	ctx := b.ctx
	rows := `document.querySelectorAll("table.board tbody tr.force").length`

	b.run(chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	b.shot("campaigns")

	// The board shows all 44 forces, the overdue ones marked.
	b.run(chromedp.Navigate(srv.URL+boardPath), chromedp.WaitVisible(chromedp.CSS(`table.board`)))
	b.shot("board")
	if forces, late := b.eval(rows), b.eval(`document.querySelectorAll("table.board tbody tr.force.late").length`); forces != 44 || late != 22 {
		t.Errorf("board shows %d forces, %d late; want 44 and 22", forces, late)
	}
	if title, err := chromedp.Run(ctx, chromedp.Title()); err != nil || !strings.Contains(title, "Community resolutions") {
		t.Errorf("board title %q, %v", title, err)
	}

	// Filtering by state, then opening a force's page from the board.
	b.run(chromedp.Click(chromedp.CSS(`nav.filters a[href$="state=chased"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.filters a.active[href$="state=chased"]`)))
	if n := b.eval(rows); n != 11 {
		t.Errorf("filter chased shows %d forces, want 11", n)
	}
	b.run(chromedp.Click(chromedp.CSS(`table.board tbody tr.force td a`)), chromedp.WaitVisible(chromedp.CSS(`ol.timeline`)))
	b.shot("force")
	first := fx.forces[0]
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	must(t, err)
	if heading := b.text("h1"); path != boardPath+"/forces/"+first.Slug || !strings.HasPrefix(heading, first.Name) {
		t.Errorf("opened %s (%q), want %s's page", path, heading, first.Name)
	}
	if n := b.eval(`document.querySelectorAll("ol.timeline li").length`); n != 3 { // sent, overdue, reminder
		t.Errorf("timeline has %d entries, want 3", n)
	}

	// The hostile reply's subject is shown as text; no script ran.
	b.run(chromedp.Navigate(srv.URL+boardPath+"/forces/"+fx.scriptForce), chromedp.WaitVisible(chromedp.CSS(`ol.timeline`)))
	b.shot("force-documents")
	if subject := b.text(`.mail.in .subject`); subject != scriptSubject {
		t.Errorf("reply subject shown as %q, want the text %q", subject, scriptSubject)
	}

	// Approving a review item sends the decision to its workflow.
	b.run(chromedp.Navigate(srv.URL+"/review"), chromedp.WaitVisible(chromedp.CSS(`form.decide`)))
	b.shot("review")
	b.run(chromedp.SendKeys(chromedp.CSS(`form.decide input[name="by"]`), "Sam Reporter"),
		chromedp.Click(chromedp.CSS(`form.decide button.approve`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
	if flash := b.text(`p.flash`); !strings.Contains(flash, fmt.Sprintf("Review item %d: approve sent", fx.reviewID)) {
		t.Errorf("after approving: %q", flash)
	}
	calls := up.recorded()
	if len(calls) != 1 {
		t.Fatalf("%d updates sent, want 1", len(calls))
	}
	if in, ok := calls[0].Args[0].(workflows.ReviewInput); !ok || calls[0].WorkflowID != fx.reviewWorkflow ||
		calls[0].UpdateName != workflows.UpdateReview || in.Action != "approve" || in.By != "Sam Reporter" {
		t.Errorf("update sent: %+v", calls[0])
	}

	// A stray reply from Durham's domain is offered to Durham's request,
	// with the name remembered from the review decision.
	stray := triaged(t, fx.st, 9100, "Records <records@durham.police.uk>", "Your request", "Figures attached.", "no thread, token or reference matched")
	b.run(chromedp.Navigate(srv.URL+"/triage"), chromedp.WaitVisible(chromedp.CSS(`form.decide`)))
	b.shot("triage")
	b.run(chromedp.Click(chromedp.CSS(`form.decide button.approve`)), chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
	if flash := b.text(`p.flash`); !strings.Contains(flash, fmt.Sprintf("Message %d assigned", stray)) {
		t.Errorf("after assigning: %q", flash)
	}
	calls = up.recorded()
	if len(calls) != 2 {
		t.Fatalf("%d updates sent, want 2", len(calls))
	}
	if in, ok := calls[1].Args[0].(activities.AssignInput); !ok || calls[1].WorkflowID != foi.InboxWorkflowID("INBOX") ||
		in.InboundID != stray || in.By != "Sam Reporter" || !strings.HasSuffix(in.RequestWorkflowID, "/durham") {
		t.Errorf("update sent: %+v", calls[1])
	}

	// The CSV downloads and parses with a row per observation.
	dir := t.TempDir()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	yes := true
	b.run(chromedp.Navigate(srv.URL+boardPath+"/data"), chromedp.WaitVisible(chromedp.CSS(`svg.chart`)))
	b.shot("data")
	if b.shots != "" {
		png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(`figure.chart`)))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(b.shots, "chart.png"), png, 0o644))
	}
	b.run(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes})
		return err
	}), chromedp.Click(chromedp.CSS(`a[href$="/data.csv"]`)))
	var guid string
	for ev, err := range progress {
		must(t, err)
		if ev.State == browser.DownloadProgressStateCompleted {
			guid = ev.GUID
			break
		}
	}
	f, err := os.Open(filepath.Join(dir, guid))
	must(t, err)
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	must(t, err)
	if len(records) != fx.observations+1 || records[0][0] != "force" {
		t.Fatalf("downloaded CSV has %d rows (header %v), want %d and a header", len(records)-1, records[0], fx.observations)
	}
	forcesInCSV := map[string]bool{}
	for _, r := range records[1:] {
		forcesInCSV[r[0]] = true
		if fx.kind[r[0]] != "loaded" {
			t.Errorf("CSV row for %s, which has no figures", r[0])
		}
	}
	if len(forcesInCSV) != 11 {
		t.Errorf("CSV covers %d forces, want 11", len(forcesInCSV))
	}
}
