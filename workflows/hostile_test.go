package workflows

// Hostile content in the Temporal Web UI, which renders summaries and
// details as Markdown: force names, campaign titles and file names must
// show as the characters they are. See "Hostile content" in the README.

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/foidesk/foidesk/internal/normalise"
)

var markupPayloads = []string{
	`<img src=x onerror=alert(1)>.csv`,
	`=HYPERLINK("evil.example","Click for source")&T(.csv`,
	`[Click for source](https://evil.example)`,
	"two\nlines\n# heading",
	"**bold** _em_ `code` ~~gone~~ ![img](x.png)",
	`<script>alert(1)</script>`,
	"&lt;img&gt; &#60;b&#62;",
}

// unescaped returns what is left of s once every backslash escape is taken
// out: no character that Markdown or HTML reads as markup may remain.
func unescaped(s string) string { return regexp.MustCompile(`\\.`).ReplaceAllString(s, "") }

func TestSummariesEscapeMarkup(t *testing.T) {
	for _, p := range markupPayloads {
		for name, got := range map[string]string{
			"campaign":  CampaignRunSummary(p, 2025),
			"yearly":    strings.TrimSuffix(yearlyRunSummary(p, 2025, "2024-25"), ` (2024\-25)`),
			"request":   requestRunSummary(p, p, 2025),
			"document":  documentRunSummary(p, p),
			"rerun":     RerunSummary(p),
			"markdown":  MarkdownText(p),
			"reopened":  "reopened: " + MarkdownText(p),
			"forceonly": MarkdownText(p) + " — answered",
		} {
			if bare := unescaped(got); strings.ContainsAny(bare, "<>[]()`*_#!&~=\n\r") {
				t.Errorf("%s summary of %q is %q: %q is left unescaped", name, p, got, bare)
			}
			if !strings.Contains(regexp.MustCompile(`\\(.)`).ReplaceAllString(got, "$1"), strings.ReplaceAll(p, "\n", " ")) {
				t.Errorf("%s summary %q does not show %q as written", name, got, p)
			}
		}
	}
}

// staticSummary finds a StaticSummary or SetCurrentDetails and what is
// put in it.
var staticSummary = regexp.MustCompile(`(StaticSummary:|SetCurrentDetails\()\s*(.*)`)

// TestEverySummaryIsEscaped reads the code that starts workflows and
// fails on a summary or details built without MarkdownText or one of the
// summary functions that call it, so a new one cannot slip in unescaped.
func TestEverySummaryIsEscaped(t *testing.T) {
	safe := regexp.MustCompile(`MarkdownText\(|RunSummary\(|RerunSummary\(|r\.summary\(ctx\)`)
	var files []string
	for _, dir := range []string{".", "../cmd/foidesk", "../internal/engine", "../activities"} {
		m, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			m := staticSummary.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			found++
			if !safe.MatchString(m[2]) && !regexp.MustCompile(`^"[^"]*",?$`).MatchString(strings.TrimSpace(m[2])) {
				t.Errorf("%s:%d sets a summary without MarkdownText: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
	if found < 6 {
		t.Errorf("found %d summaries, want at least 6: the search no longer sees them", found)
	}
}

// A remap whose codes are not in the dimension's vocabulary, or whose
// heading names no dimension, is refused before the workflow takes it,
// and the refusal names the value.
func TestDocumentRefusesHostileRemap(t *testing.T) {
	schema, err := normalise.ParseSchema([]byte(`
measure: {name: community_resolutions}
dimensions:
  - {name: period, kind: period}
  - {name: nationality, kind: nationality}
`))
	if err != nil {
		t.Fatal(err)
	}
	h := newDocHarness(t)
	h.schema = schema
	for _, code := range []string{"+1", "@SUM(1)", `=HYPERLINK("evil.example","Click for source")`, "X'); DROP TABLE observations;--"} {
		r := ReviewInput{Action: "remap", By: "desk", Overrides: map[int]*normalise.Overrides{
			1: {Values: map[string]map[string]string{"nationality": {"Elsewhere": code}}}}}
		h.env.RegisterDelayedCallback(func() {
			h.env.UpdateWorkflow(UpdateReview, "", &testsuite.TestUpdateCallback{
				OnReject: func(err error) {
					if !strings.Contains(err.Error(), strconv.Quote(code)) {
						t.Errorf("remap to %q refused with %q, which does not name it", code, err)
					}
				},
				OnAccept:   func() { t.Errorf("remap to %q accepted", code) },
				OnComplete: func(any, error) {},
			}, r)
		}, time.Hour)
	}
	h.update(t, time.Hour, ReviewInput{Action: "remap", By: "desk", Overrides: map[int]*normalise.Overrides{
		1: {Headers: map[string]string{"Country": "planet"}}}}, true)
	h.update(t, time.Hour, ReviewInput{Action: "remap", By: "desk", Overrides: map[int]*normalise.Overrides{
		1: {Headers: map[string]string{"Country": "nationality"}, Values: map[string]map[string]string{"nationality": {"n/k": "UNKNOWN"}}}}}, false)
	if st := h.run(t); st.Status != "loaded" || len(h.resolved) != 1 {
		t.Errorf("status %s after %d decisions, want loaded after the one sound remap", st.Status, len(h.resolved))
	}
}
