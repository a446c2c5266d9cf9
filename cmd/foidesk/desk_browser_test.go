package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/examples"
	"github.com/foidesk/foidesk/internal/browsertest"
	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/devstack/devstacktest"
	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/workflows"
)

// lockedBuffer is a bytes.Buffer the demo writes to while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestDeskInBrowser runs the demo, then works its dashboard in headless
// Chromium as the desk would: the board, every force's page (the
// correspondence, the status, one sent time), and the force page's
// actions through the real Temporal worker — a note, confirming a
// reply's kind, reopening, marking answered, withdrawing, and editing and
// sending a drafted complaint to the regulator — each seen on the page
// afterwards. With FOIDESK_SCREENSHOTS=DIR it saves PNGs of the key pages
// there (make screenshots).
//
// It runs a whole demo (about a minute), so it runs when asked:
// FOIDESK_DEMO_BROWSER=1 or FOIDESK_SCREENSHOTS.
func TestDeskInBrowser(t *testing.T) {
	shots := os.Getenv("FOIDESK_SCREENSHOTS")
	if os.Getenv("FOIDESK_DEMO_BROWSER") == "" && shots == "" {
		t.Skip("runs the whole demo: set FOIDESK_DEMO_BROWSER=1, or FOIDESK_SCREENSHOTS=DIR for the screenshots")
	}
	bin := browsertest.Chromium(t)
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	devstacktest.Binary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	out := &lockedBuffer{}
	dir := t.TempDir()
	a := &app{stdout: out, stderr: out, getenv: func(k string) string {
		switch k {
		case "FOIDESK_DATA_DIR":
			return dir
		case "FOIDESK_LOG_LEVEL":
			return "warn" // shown only if the test fails
		}
		return ""
	}}
	_, port, _ := net.SplitHostPort(freeLoopback(t))
	pgPort, _ := strconv.Atoi(port)
	httpAddr, temporalAddr := freeLoopback(t), freeLoopback(t)
	demoCtx, stopDemo := context.WithCancel(ctx)
	demoDone := make(chan error, 1)
	go func() {
		_, err := runDemo(demoCtx, a, demoOptions{Seed: 7, Speed: 2, PostgresPort: pgPort,
			TemporalListen: temporalAddr, UIAddr: "-", HTTPAddr: httpAddr})
		demoDone <- err
	}()
	defer func() {
		stopDemo()
		<-demoDone
	}()
	start := time.Now()
	for !strings.Contains(out.String(), "The stack stays up") {
		select {
		case err := <-demoDone:
			t.Fatalf("demo ended: %v\n%s", err, out.String())
		case <-ctx.Done():
			t.Fatalf("demo did not finish: %s", out.String())
		case <-time.After(500 * time.Millisecond):
		}
	}
	t.Logf("demo finished in %s", time.Since(start).Round(time.Second))

	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, browsertest.Options(bin)...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	base := "http://" + httpAddr
	board := fmt.Sprintf("/campaigns/cro-foreign-nationals/%d", calendar.DateOf(time.Now()).Year())
	browse := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	evalJSON := func(js string, v any) {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Evaluate[string](`JSON.stringify(`+js+`)`))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		if err := json.Unmarshal([]byte(s), v); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	shot := func(name string) {
		t.Helper()
		if shots == "" {
			return
		}
		// The window, not the whole page: a page of 44 forces' figures is
		// metres long.
		png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	open := func(path, wait string) {
		t.Helper()
		browse(chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(wait)))
	}

	// The board: 44 forces, all finished, in the shared words.
	open(board, "table.board")
	shot("board")
	var rows []struct{ Force, Name, Href, Label string }
	evalJSON(`[...document.querySelectorAll("table.board tbody tr.force")].map(r => ({Force: r.dataset.force,
		Name: r.querySelector("a").textContent, Href: r.querySelector("a").getAttribute("href"),
		Label: r.querySelector("span.state").textContent}))`, &rows)
	var summary string
	evalJSON(`document.querySelector("p.summary").textContent`, &summary)
	if len(rows) != 44 || !strings.Contains(summary, "44 finished") {
		t.Errorf("board shows %d forces, summary %q; want 44, all finished", len(rows), summary)
	}

	// Every force's page renders its correspondence: the request letter's
	// text first, every email with its text, one sent time, no JSON.
	type pageFacts struct {
		Status, Sent, TimelineSent, FirstPurpose, Letter, Timeline string
		Mails, Bodies                                              int
		Complaint, Kinds                                           bool
	}
	var closedDrafted, answered, withReplies []string
	for _, r := range rows {
		open(r.Href, "ol.thread")
		var f pageFacts
		evalJSON(`(() => { const q = s => document.querySelector(s);
			const sent = [...document.querySelectorAll("ol.timeline li")].find(li => li.querySelector(".kind").textContent === "request sent");
			return {Status: q("#status").textContent, Sent: q("#sent-at").textContent,
				TimelineSent: sent ? sent.querySelector("time").textContent : "",
				FirstPurpose: q("ol.thread li.mail").dataset.purpose,
				Letter: (q("ol.thread li.mail pre.mail-body") || {textContent: ""}).textContent,
				Timeline: q("ol.timeline").textContent,
				Mails: document.querySelectorAll("ol.thread li.mail").length,
				Bodies: document.querySelectorAll("ol.thread li.mail pre.mail-body").length,
				Complaint: !!q("form.act-complaint"), Kinds: !!q("form.act-kind")}; })()`, &f)
		switch {
		case f.Status != r.Label:
			t.Errorf("%s: page says %q, board %q", r.Force, f.Status, r.Label)
		case f.Sent == "" || f.Sent != f.TimelineSent:
			t.Errorf("%s: header sent %q, timeline %q", r.Force, f.Sent, f.TimelineSent)
		case f.FirstPurpose != "request" || !strings.Contains(f.Letter, "Freedom of Information"):
			t.Errorf("%s: first email %q: %.80q", r.Force, f.FirstPurpose, f.Letter)
		case f.Bodies != f.Mails:
			t.Errorf("%s: %d emails, %d with their text", r.Force, f.Mails, f.Bodies)
		case strings.Contains(f.Timeline, `{"`) || strings.Contains(f.Timeline, "sha256"):
			t.Errorf("%s: timeline shows JSON: %s", r.Force, f.Timeline)
		}
		if f.Complaint && strings.HasPrefix(f.Status, "closed unanswered — complaint drafted") {
			closedDrafted = append(closedDrafted, r.Href)
		}
		if strings.HasPrefix(f.Status, "answered") {
			answered = append(answered, r.Href)
		}
		if f.Kinds {
			withReplies = append(withReplies, r.Href)
		}
	}
	t.Logf("%d forces closed with a drafted complaint, %d answered, %d with replies", len(closedDrafted), len(answered), len(withReplies))
	if len(closedDrafted) < 2 || len(answered) == 0 || len(withReplies) == 0 {
		t.Fatalf("the demo's data lacks a closed request with a complaint, an answered one or a reply")
	}

	// The CLI, on the same Temporal, says what the board says: all 44
	// finished, and the closed requests closed unanswered with their
	// complaint drafted. (A request reopened after the campaign ended, by
	// a late letter, is shown by its own latest run, as on the board.)
	cli := func(args ...string) string { t.Helper(); return runTemporalCLI(ctx, t, temporalAddr, args...) }
	year := calendar.DateOf(time.Now()).Year()
	board2cli := cli("campaign", "status", "cro-foreign-nationals", "--year", strconv.Itoa(year))
	if !strings.Contains(board2cli, "44 of 44 finished") {
		t.Errorf("CLI status: %s", board2cli)
	}
	cliLabel := map[string]string{}
	for _, line := range strings.Split(board2cli, "\n") {
		if cols := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1); len(cols) >= 2 {
			cliLabel[cols[0]] = cols[1]
		}
	}
	agree := 0
	for _, r := range rows {
		if strings.HasPrefix(r.Label, "closed unanswered") && cliLabel[r.Name] != r.Label {
			t.Errorf("%s: board %q, CLI %q", r.Name, r.Label, cliLabel[r.Name])
		}
		if cliLabel[r.Name] == r.Label {
			agree++
		}
	}
	t.Logf("CLI and board agree on %d of %d forces", agree, len(rows))

	// act fills a form of the force page at path and sends it; it returns
	// the flash or the error the page shows after.
	act := func(path, form string, fields map[string]string) (flash, failed string) {
		t.Helper()
		open(path, "form.act-"+form)
		fs, _ := json.Marshal(fields)
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(() => { const f = document.querySelector("form.act-`+form+`");
			for (const [k, v] of Object.entries(`+string(fs)+`)) f.elements[k].value = v;
			f.querySelector("button").click(); return true; })()`)); err != nil {
			t.Fatalf("%s: %v", form, err)
		}
		browse(chromedp.WaitVisible(chromedp.CSS(`main > p[role=status], main > p[role=alert]`)))
		var res struct{ Flash, Error string }
		evalJSON(`({Flash: (document.querySelector("main > p[role=status]") || {}).textContent || "",
			Error: (document.querySelector("main > p[role=alert]") || {}).textContent || ""})`, &res)
		return res.Flash, res.Error
	}
	timeline := func() string {
		var s string
		evalJSON(`document.querySelector("ol.timeline").textContent`, &s)
		return s
	}
	status := func() string {
		var s string
		evalJSON(`document.querySelector("#status").textContent`, &s)
		return s
	}
	check := func(what, flash, failed string) {
		t.Helper()
		if flash == "" || failed != "" {
			t.Fatalf("%s: flash %q, error %q", what, flash, failed)
		}
	}

	// The drafted complaint, edited and sent: it goes, and the page says so.
	complaint := closedDrafted[0]
	open(complaint, "form.act-complaint")
	shot("force")
	if shots != "" {
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.getElementById("correspondence").scrollIntoView(); true`)); err != nil {
			t.Fatal(err)
		}
		shot("force-correspondence")
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.getElementById("complaint").scrollIntoView(); true`)); err != nil {
			t.Fatal(err)
		}
		shot("force-complaint")
	}
	var draft string
	evalJSON(`document.querySelector("form.act-complaint textarea").value`, &draft)
	if !strings.Contains(draft, "I wish to complain") {
		t.Errorf("complaint draft: %q", draft)
	}
	flash, failed := act(complaint, "complaint", map[string]string{"body": draft + "\nThe desk adds: still no answer.", "by": "Sam Reporter"})
	check("complaint", flash, failed)
	if tl := timeline(); !strings.Contains(tl, "complaint sent to the regulator") || !strings.Contains(tl, "Sam Reporter") {
		t.Errorf("after sending the complaint, the timeline: %s", tl)
	}
	if s := status(); s != "closed unanswered — complaint sent" {
		t.Errorf("after sending the complaint, status %q", s)
	}
	var sentBody string
	evalJSON(`[...document.querySelectorAll("ol.thread li.mail.out")].filter(li => li.dataset.purpose === "regulator").pop().querySelector("pre").textContent`, &sentBody)
	if !strings.Contains(sentBody, "The desk adds: still no answer.") {
		t.Errorf("the complaint sent: %q", sentBody)
	}
	if n := countOf(t, bctx, "form.act-complaint"); n != 0 {
		t.Error("a sent complaint is still offered for sending")
	}

	// A note on an answered request: its run reopens to take it.
	flash, failed = act(answered[0], "note", map[string]string{"text": "checked against the force's published figures", "by": "Sam Reporter"})
	check("note", flash, failed)
	if tl := timeline(); !strings.Contains(tl, "checked against the force's published figures") || !strings.Contains(tl, "reopened") {
		t.Errorf("after the note, the timeline: %s", tl)
	}

	// A reply's kind confirmed as it stands.
	flash, failed = act(withReplies[0], "kind", map[string]string{"by": "Sam Reporter", "text": "read it"})
	check("kind", flash, failed)
	if tl := timeline(); !strings.Contains(tl, "reply's kind confirmed") && !strings.Contains(tl, "reply's kind corrected") {
		t.Errorf("after confirming a kind, the timeline: %s", tl)
	}

	// Reopening, marking answered and withdrawing closed requests.
	flash, failed = act(closedDrafted[1], "reopen", map[string]string{"text": "a letter is expected", "by": "Sam Reporter"})
	check("reopen", flash, failed)
	// The new run records its reopening as it starts, just after.
	for i := 0; !strings.Contains(timeline(), "a letter is expected"); i++ {
		if i == 40 {
			t.Fatalf("after reopening, the timeline: %s", timeline())
		}
		time.Sleep(250 * time.Millisecond)
		open(closedDrafted[1], "ol.timeline")
	}
	flash, failed = act(closedDrafted[1], "answered", map[string]string{"text": "answered by post", "by": "Sam Reporter"})
	check("answered", flash, failed)
	if s := status(); s != "answered" {
		t.Errorf("after marking answered, status %q", s)
	}
	if len(closedDrafted) > 2 {
		flash, failed = act(closedDrafted[2], "withdraw", map[string]string{"text": "story dropped", "by": "Sam Reporter"})
		check("withdraw", flash, failed)
		if s := status(); s != "withdrawn" {
			t.Errorf("after withdrawing, status %q", s)
		}
	}
	// An answered request offers no withdrawal.
	open(closedDrafted[1], "ol.thread")
	if n := countOf(t, bctx, "form.act-withdraw"); n != 0 {
		t.Error("an answered request offers to withdraw it")
	}

	// An open request, for the actions a finished one does not offer: a
	// one-force campaign on real time to a force the simulator leaves
	// silent, so that it stays sent.
	silent := closedDrafted[len(closedDrafted)-1]
	silent = silent[strings.LastIndexByte(silent, '/')+1:]
	tc, err := engine.Dial(ctx, engine.Options{Address: temporalAddr, Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	spec, err := campaign.Parse(bytes.NewReader(examples.CROForeignNationals))
	if err != nil {
		t.Fatal(err)
	}
	spec.Slug, spec.Targets, spec.TimeScale = "desk-check", []string{silent}, 1
	if _, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: foi.CampaignWorkflowID(spec.Slug, year), TaskQueue: "foidesk"},
		workflows.CampaignWorkflow, workflows.CampaignInput{Spec: *spec, Year: year}); err != nil {
		t.Fatal(err)
	}
	openPage := fmt.Sprintf("/campaigns/%s/%d/forces/%s", spec.Slug, year, silent)
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for i := 0; !ok(); i++ {
			if i == 80 {
				t.Fatalf("waiting for %s: status %q", what, status())
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
	waitFor("the request to be sent", func() bool {
		resp, err := chromedp.RunResponse(bctx, chromedp.Navigate(base+openPage))
		return err == nil && resp.Status == 200 && status() == "sent"
	})
	flash, failed = act(openPage, "pause", map[string]string{"text": "the force asked for a week", "by": "Sam Reporter"})
	check("pause", flash, failed)
	if tl := timeline(); !strings.Contains(tl, "chasing paused") || countOf(t, bctx, "form.act-resume") != 1 {
		t.Errorf("after pausing, the timeline: %s", tl)
	}
	flash, failed = act(openPage, "resume", map[string]string{"by": "Sam Reporter"})
	check("resume", flash, failed)
	if tl := timeline(); !strings.Contains(tl, "chasing resumed") || countOf(t, bctx, "form.act-pause") != 1 {
		t.Errorf("after resuming, the timeline: %s", tl)
	}
	// The force asks for clarification (signalled as the inbox would), and
	// the desk answers from the page.
	wid := foi.RequestWorkflowID(spec.Slug, year, silent)
	if err := tc.SignalWorkflow(ctx, wid, "", workflows.SignalReply, workflows.Reply{Kind: foi.KindClarification,
		Subject: "Clarification needed", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	waitFor("the clarification to be asked", func() bool {
		open(openPage, "ol.timeline")
		return countOf(t, bctx, "form.act-clarify") == 1
	})
	if s := status(); s != "clarification asked" {
		t.Errorf("after the force asks for clarification, status %q", s)
	}
	flash, failed = act(openPage, "clarify", map[string]string{"text": "All offences, all nationalities other than British.", "by": "Sam Reporter"})
	check("clarify", flash, failed)
	if tl := timeline(); !strings.Contains(tl, "clarification sent") || status() != "sent" {
		t.Errorf("after clarifying (status %q), the timeline: %s", status(), tl)
	}
	var clarification string
	evalJSON(`[...document.querySelectorAll("ol.thread li.mail.out")].filter(li => li.dataset.purpose === "clarification_answer").map(li => li.querySelector("pre").textContent).join()`, &clarification)
	if !strings.Contains(clarification, "All offences, all nationalities other than British.") {
		t.Errorf("the clarification sent: %q", clarification)
	}
	// A note from the CLI shows on the page, and the CLI prints the status
	// in the page's words.
	if out := cli("campaign", "update", spec.Slug, silent, "note", "--text", "rang the FOI office", "--by", "cli",
		"--year", strconv.Itoa(year)); !strings.Contains(out, ": sent") {
		t.Errorf("CLI update: %s", out)
	}
	open(openPage, "ol.timeline")
	if tl := timeline(); !strings.Contains(tl, "rang the FOI office") {
		t.Errorf("after the CLI's note, the timeline: %s", tl)
	}
	flash, failed = act(openPage, "withdraw", map[string]string{"text": "story dropped", "by": "Sam Reporter"})
	check("withdraw an open request", flash, failed)
	if s := status(); s != "withdrawn" {
		t.Errorf("after withdrawing, status %q", s)
	}

	// The other pages, for the screenshots.
	if shots != "" {
		open(answered[0], "ol.thread")
		shot("force-answered")
		open(board+"/data", "main")
		shot("data")
		// The queue with every item, open or decided (the demo's tables may
		// all have loaded without one).
		open("/review?status=all", "main")
		shot("review")
		// The replies-to-check page is shot by internal/web's
		// TestBrowserKinds: the demo's desk leaves no reply waiting there.
	}
}

// countOf counts the elements matching a CSS selector on the page.
func countOf(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}
