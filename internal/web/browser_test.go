package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/browsertest"
	"github.com/foidesk/foidesk/internal/classify"
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

// browserDied is what a tab's step panics with when the Chromium process
// itself died, so that inBrowser can start the test again.
type browserDied struct{ err error }

// browserAttempts is how many times inBrowser starts a test whose
// Chromium died.
const browserAttempts = 3

// inBrowser runs test against a fresh headless Chromium whose tab's
// context is cancelled after timeout. test sets up its own fixture, so
// that it can run again: Chromium now and then dies on a loaded machine
// (signal: segmentation fault, seen in CI), and a death before anything
// in the test failed starts the test again with a fresh fixture and
// browser, logged, at most browserAttempts times. Every other error fails
// the test as it would.
func inBrowser(t *testing.T, timeout time.Duration, test func(b *tab)) {
	t.Helper()
	bin := browsertest.Chromium(t)
	for attempt := 1; ; attempt++ {
		err := browserAttempt(t, bin, timeout, test)
		if err == nil {
			return
		}
		if t.Failed() || attempt == browserAttempts {
			t.Fatalf("Chromium died (attempt %d of %d): %v", attempt, browserAttempts, err)
		}
		t.Logf("Chromium died, starting the test again (attempt %d of %d): %v", attempt, browserAttempts, err)
	}
}

// browserAttempt runs test once, returning the error of a step if
// Chromium died during it.
func browserAttempt(t *testing.T, bin string, timeout time.Duration, test func(b *tab)) (died error) {
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browsertest.Options(bin)...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	defer cancelTimeout()
	defer func() {
		if r := recover(); r != nil {
			d, ok := r.(browserDied)
			if !ok {
				panic(r)
			}
			died = d.err
		}
	}()
	test(&tab{t: t, ctx: ctx, shots: os.Getenv("FOIDESK_WEB_SCREENSHOTS")})
	return nil
}

// check fails the test on err, or starts it again if Chromium died.
func (b *tab) check(err error) {
	b.t.Helper()
	if err == nil {
		return
	}
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		panic(browserDied{err})
	}
	b.t.Fatal(err)
}

// run runs browser steps.
func (b *tab) run(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.check(chromedp.Do(b.ctx, steps...))
}

// value runs a browser action that gives a value.
func value[T any](b *tab, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	b.check(err)
	return v
}

// eval evaluates a script that gives a number.
func (b *tab) eval(js string) int {
	b.t.Helper()
	return value(b, chromedp.Evaluate[int](js))
}

// str evaluates a script that gives a string.
func (b *tab) str(js string) string {
	b.t.Helper()
	return value(b, chromedp.Evaluate[string](js))
}

// text is the text of the element sel selects.
func (b *tab) text(sel string) string {
	b.t.Helper()
	return value(b, chromedp.Text(chromedp.CSS(sel)))
}

// shot saves the page as name.png when FOIDESK_WEB_SCREENSHOTS names a
// directory.
func (b *tab) shot(name string) {
	b.t.Helper()
	if b.shots == "" {
		return
	}
	png := value(b, chromedp.FullScreenshot(100))
	must(b.t, os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644))
}

// TestBrowser drives the dashboard in headless Chromium over a seeded
// 44-force campaign: the board, a force's page, approving a review item
// and downloading the CSV.
func TestBrowser(t *testing.T) {
	inBrowser(t, 60*time.Second, func(b *tab) {
		fx := seed(t)
		up := &updater{}
		srv := httptest.NewServer(newHandler(t, fx.st, &Options{Temporal: up}))
		defer srv.Close()

		rows := `document.querySelectorAll("table.board tbody tr.force").length`

		b.run(chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`table.list`)))
		b.shot("campaigns")

		// The board shows all 44 forces, the overdue ones marked.
		b.run(chromedp.Navigate(srv.URL+boardPath), chromedp.WaitVisible(chromedp.CSS(`table.board`)))
		b.shot("board")
		if forces, late := b.eval(rows), b.eval(`document.querySelectorAll("table.board tbody tr.force.late").length`); forces != 44 || late != 22 {
			t.Errorf("board shows %d forces, %d late; want 44 and 22", forces, late)
		}
		if title := value(b, chromedp.Title()); !strings.Contains(title, "Community resolutions") {
			t.Errorf("board title %q", title)
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
		path := b.str(`location.pathname`)
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
		progress := chromedp.Events(b.ctx, browser.DownloadProgress)
		yes := true
		b.run(chromedp.Navigate(srv.URL+boardPath+"/data"), chromedp.WaitVisible(chromedp.CSS(`svg.chart`)))
		b.shot("data")
		if b.shots != "" {
			png := value(b, chromedp.Screenshot(chromedp.CSS(`figure.chart`)))
			must(t, os.WriteFile(filepath.Join(b.shots, "chart.png"), png, 0o644))
		}
		b.run(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes})
			return err
		}), chromedp.Click(chromedp.CSS(`a[href$="/data.csv"]`)))
		var guid string
		for ev, err := range progress {
			b.check(err)
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
	})
}

// On the replies-to-check page, a reply as the classifier read it: Enter
// in the form sends the kind chosen in the list (the one proposed,
// preselected); an alternative's button sends that alternative.
func TestBrowserKinds(t *testing.T) {
	inBrowser(t, 60*time.Second, func(b *tab) {
		fx := seed(t)
		up := &updater{}
		srv := httptest.NewServer(newHandler(t, fx.st, &Options{Temporal: up}))
		defer srv.Close()
		// The reply as the classifier reads it.
		subject := "RE: Freedom of Information request FOI 1234/25"
		body := "Dear Sir or Madam,\n\nI estimate that the cost of complying with your request would exceed the appropriate limit, " +
			"and section 12(1) of the Act applies.\n\nHowever, the figures we could find within the limit are attached.\n\nFreedom of Information Unit"
		res := classify.Classify(&classify.Input{Subject: subject, From: "foi@durham.police.uk", Body: body, Force: "durham",
			Attachments: []string{"figures.csv"}}, nil)
		_, why := res.NeedsPerson(true)
		if len(res.Alternatives) != 2 {
			t.Fatalf("the classifier offers %v beside %s, want two kinds", res.Alternatives, res.Kind)
		}
		result, err := json.Marshal(res)
		must(t, err)
		inbound, _ := waitingReply(t, fx, waiting{subject: subject, body: body, reason: why, result: string(result)})
		sent := func(n int) workflows.KindInput {
			t.Helper()
			calls := up.recorded()
			if len(calls) != n {
				t.Fatalf("%d updates sent, want %d", len(calls), n)
			}
			in, ok := calls[n-1].Args[0].(workflows.KindInput)
			if !ok || calls[n-1].UpdateName != workflows.UpdateConfirmKind || in.InboundID != inbound {
				t.Fatalf("update sent: %+v", calls[n-1])
			}
			return in
		}

		b.run(chromedp.Navigate(srv.URL+"/kinds"), chromedp.WaitVisible(chromedp.CSS(`form.decide`)))
		b.shot("kinds")
		if n := b.eval(`document.querySelectorAll("form.decide button.alternative").length`); n != 2 {
			t.Errorf("%d alternative buttons, want 2", n)
		}
		b.run(chromedp.SendKeys(chromedp.CSS(`form.decide input[name="by"]`), "Sam Reporter"),
			chromedp.SendKeys(chromedp.CSS(`form.decide input[name="why"]`), "read it\r"),
			chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
		if in := sent(1); in.Kind != res.Kind || in.By != "Sam Reporter" || in.Why != "read it" {
			t.Errorf("Enter sent %+v, want the proposed %s", in, res.Kind)
		}

		// The decision is not recorded by the fake Temporal: the reply is
		// still there, and its second alternative decides in one click.
		second := res.Alternatives[1]
		b.run(chromedp.Navigate(srv.URL+"/kinds"), chromedp.WaitVisible(chromedp.CSS(`form.decide`)),
			chromedp.Click(chromedp.CSS(`form.decide button.alternative[value="`+string(second)+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
		if in := sent(2); in.Kind != second || in.By != "Sam Reporter" {
			t.Errorf("the second alternative's button sent %+v, want %s", in, second)
		}
	})
}
