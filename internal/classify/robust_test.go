package classify

import (
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/foidesk/foidesk/internal/foi"
)

// Renderings a real reply goes through before it reaches the classifier:
// a PDF letter's text wraps at its own width and hyphenates words across
// lines; a web page's text comes as one long line per paragraph; mail
// clients re-wrap at 72 columns. The kind must not depend on which of
// them a letter came through. TestRenderingsKeepKind applies each to the
// tuning replies and counts the replies whose kind changes.

// rendering is one way of laying out the same text; with letter, the
// text is sent as an attached letter under a covering line.
type rendering struct {
	name   string
	fn     func(string) string
	letter bool
}

// coveringLine is the body of an e-mail whose letter is attached.
const coveringLine = "Dear Requester,\n\nPlease find attached our response to your request for information.\n\nKind regards,\nFreedom of Information Unit"

// quotedRequest is a requester's message as mail clients quote it below
// a reply: its words ask for figures and name exemptions and costs, which
// must not count as the force's.
const quotedRequest = `

-----Original Message-----
From: Requester <request-1234@whatdotheyknow.com>
Sent: 02 March 2026 10:00
To: FOI <foi@police.example>
Subject: Freedom of Information request - Community resolutions

Dear Police,

Please provide the number of community resolutions given to foreign
nationals in each of the last three years. If the information is not held
in full, please provide what you hold. If the cost of compliance would
exceed the appropriate limit, please let me know what you could provide
within it, and do not rely on section 40 for numbers below five.

Yours faithfully,

Requester`

// quoteRequest puts the request, quoted, below the reply.
func quoteRequest(s string) string { return s + quotedRequest }

// forward is the reply as a journalist forwards it to the desk from their
// own mailbox: a line of their own, then the force's message under the
// mail client's forwarding header.
func forward(s string) string {
	return "FYI - this came to me rather than the desk.\n\n---------- Forwarded message ---------\n" +
		"From: FOI Unit <foi@police.example>\nDate: Mon, 2 Mar 2026 at 10:00\nSubject: RE: Freedom of Information request\n" +
		"To: <journalist@newsroom.example>\n\n" + s
}

// signOff adds what mail systems add below a force's message: a
// confidentiality notice whose words (disclose, not, exempt) are not the
// force's answer, and a list footer.
func signOff(s string) string {
	return s + `

This email and any attachments are confidential and may be legally privileged. If you are not the intended recipient you must not use, disclose, copy or distribute it: please notify the sender and delete it. Information in this email may be exempt from disclosure under the Freedom of Information Act 2000.

All communications may be monitored and recorded.

Please consider the environment before printing this email.`
}

// coveringOnly reports whether r is a covering note's: its answer is
// in an attachment the corpus does not hold.
func coveringOnly(r Result) bool {
	for _, e := range r.Evidence {
		if e.Rule == "response:covering-note" {
			return true
		}
	}
	return false
}

// decides reports whether k is a decision on the request, the kind of
// reply forces send as an attached letter.
func decides(k foi.Kind) bool {
	switch k {
	case foi.KindRefusal, foi.KindNotHeld, foi.KindResponse, foi.KindPartialResponse, foi.KindInternalReview, foi.KindOther:
		return true
	}
	return false
}

// render applies rd to c's input.
func (rd rendering) render(c realCase) *Input {
	in := *c.in
	in.Body = rd.fn(in.Body)
	if rd.letter {
		in.Letters = []Letter{{Name: "response.pdf", Text: in.Body}}
		in.Body = coveringLine
	}
	return &in
}

var renderings = []rendering{
	{"wrapped at 60 columns", func(s string) string { return wrapLines(s, 60, false) }, false},
	{"wrapped at 45 columns", func(s string) string { return wrapLines(s, 45, false) }, false},
	{"wrapped at 80 columns, words hyphenated", func(s string) string { return wrapLines(s, 80, true) }, false},
	{"wrapped at 60 columns, words hyphenated", func(s string) string { return wrapLines(s, 60, true) }, false},
	{"paragraphs on one line", unwrapParagraphs, false},
	{"typographic quotes and dashes", typographic, false},
	{"the request quoted below the reply", quoteRequest, false},
	{"forwarded by a journalist", forward, false},
	{"a disclaimer and a mail-list footer below", signOff, false},
	{"a letter attached under a covering line", func(s string) string { return s }, true},
	{"a letter wrapped at 60 columns, attached under a covering line", func(s string) string { return wrapLines(s, 60, true) }, true},
}

// wrapLines breaks every line longer than width at the last space before
// it; with hyphenate, a long word at the break is split with a hyphen, as
// PDF text extraction leaves it.
func wrapLines(s string, width int, hyphenate bool) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		for utf8.RuneCountInString(line) > width {
			r := []rune(line)
			cut := strings.LastIndexByte(string(r[:width]), ' ')
			if cut <= 0 {
				break
			}
			head, tail := string(r[:width])[:cut], strings.TrimLeft(string(r)[cut:], " ")
			if hyphenate {
				// Split the first word of the rest if it is long enough.
				w, rest, _ := strings.Cut(tail, " ")
				if n := len(w); n >= 8 && isLetters(w) {
					head += " " + w[:n/2] + "-"
					tail = w[n/2:]
					if rest != "" {
						tail += " " + rest
					}
				}
			}
			out = append(out, head)
			line = tail
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func isLetters(w string) bool {
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// unwrapParagraphs joins the lines of each sentence into one, as HTML
// renderings give them: a line of 50 characters or more that does not end
// a sentence is joined to the next non-blank line, unless that line opens
// an item of a list ("6. This information is exempt"), which an HTML
// rendering keeps on a line of its own. Short lines (headings, list items,
// table rows) and lines ending a sentence stay as they are.
func unwrapParagraphs(s string) string {
	lines := strings.Split(s, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		for len(l) >= 50 && i+1 < len(lines) && len(strings.TrimSpace(lines[i+1])) > 0 && !listItemRe.MatchString(lines[i+1]) &&
			!strings.ContainsAny(strings.TrimSpace(l)[len(strings.TrimSpace(l))-1:], ".:;?!") {
			i++
			l = strings.TrimRight(l, " ") + " " + strings.TrimLeft(lines[i], " ")
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// typographic uses the curly quotes, dashes and no-break spaces of word
// processors.
func typographic(s string) string {
	var b strings.Builder
	open := true
	for _, r := range s {
		switch r {
		case '\'':
			b.WriteRune('\u2019')
		case '"':
			if open {
				b.WriteRune('\u201c')
			} else {
				b.WriteRune('\u201d')
			}
			open = !open
		case '-':
			b.WriteRune('\u2013')
		default:
			b.WriteRune(r)
		}
	}
	return strings.ReplaceAll(b.String(), ". ", ".\u00a0")
}

// maxRenderingChanges is how many replies of a set may change kind, or
// lose their reference, under one rendering.
const maxRenderingChanges = 2

func TestRenderingsKeepKind(t *testing.T) {
	var tuning, heldOut []realCase
	for _, dir := range slices.Concat([]string{"real"}, policeTuningDirs, []string{"heldout", "heldout3", "heldout4", "heldout6", "heldout7", "heldout8"}) {
		for _, c := range loadRealCases(t, dir, dir != "real" && !slices.Contains(policeTuningDirs, dir)) {
			if isTuningForce(c.force) {
				tuning = append(tuning, c)
			} else {
				heldOut = append(heldOut, c)
			}
		}
	}
	tuning = append(tuning, loadOlderCases(t)...)
	// Public bodies' replies: other producers again; the tuning half's
	// changes are named, the held-out ones counted.
	var pubTuning, pubHeldOut []realCase
	for _, dir := range publicDirs() {
		for _, c := range loadRealCases(t, dir, true) {
			if isPublicTuning(dir, c.force) {
				pubTuning = append(pubTuning, c)
			} else {
				pubHeldOut = append(pubHeldOut, c)
			}
		}
	}
	// Each rendering reads every reply again: they run side by side, on
	// the same read-only cases.
	for _, rd := range renderings {
		t.Run(rd.name, func(t *testing.T) {
			t.Parallel()
			for _, set := range []struct {
				name  string
				cases []realCase
			}{{"tuning", tuning}, {"held-out", heldOut}, {"public bodies, tuning", pubTuning}, {"public bodies, held-out", pubHeldOut}} {
				n, kinds, refs := 0, 0, 0
				moves := map[string]int{} // held-out: counts only
				for _, c := range set.cases {
					if rd.letter && (coveringOnly(c.got) || !decides(c.want)) {
						continue // a covering note is not a letter; receipts are not sent as one
					}
					n++
					got := Classify(rd.render(c), nil)
					if got.Kind != c.got.Kind {
						kinds++
						if strings.HasSuffix(set.name, "tuning") {
							t.Logf("%s: %s: %s -> %s", rd.name, c.name, c.got.Kind, got.Kind)
						} else {
							moves[string(c.got.Kind)+" -> "+string(got.Kind)]++
						}
					}
					if got.Reference != c.got.Reference {
						refs++
						if strings.HasSuffix(set.name, "tuning") {
							t.Logf("%s: %s: reference %q -> %q", rd.name, c.name, c.got.Reference, got.Reference)
						}
					}
				}
				t.Logf("%s, %s: of %d replies, %d change kind and %d change reference %v", rd.name, set.name, n, kinds, refs, moves)
				if kinds > maxRenderingChanges || refs > maxRenderingChanges {
					t.Errorf("%s, %s: %d replies change kind and %d reference, at most %d may", rd.name, set.name, kinds, refs, maxRenderingChanges)
				}
			}
		})
	}
}

// TestRenderingDebug prints, for one tuning reply (RD_CASE, its file name
// without .txt) and the renderings whose names start with RD_WHICH, the
// evidence before and after; it is skipped without RD_CASE.
func TestRenderingDebug(t *testing.T) {
	name, which := os.Getenv("RD_CASE"), os.Getenv("RD_WHICH")
	if name == "" {
		t.Skip()
	}
	for _, c := range append(loadRealCases(t, "real", false), loadOlderCases(t)...) {
		if c.name != name {
			continue
		}
		for _, rd := range renderings {
			if !strings.HasPrefix(rd.name, which) {
				continue
			}
			got := Classify(rd.render(c), nil)
			t.Logf("%s -> %s", c.got.Kind, got.Kind)
			for _, e := range c.got.Evidence {
				t.Logf("before %s %s %d %q", e.Rule, e.Kind, e.Weight, e.Phrase)
			}
			for _, e := range got.Evidence {
				t.Logf("after  %s %s %d %q", e.Rule, e.Kind, e.Weight, e.Phrase)
			}
		}
	}
}

func TestReflow(t *testing.T) {
	tests := []struct{ in, want string }{
		{"the information you have requested is\nnot held", "the information you have requested is not held"},
		{"the informa-\ntion is held", "the information is held"},
		{"for the years 2015 and\n2016 there were 3", "for the years 2015 and 2016 there were 3"},
		{"Question 1\nNot held.\nQuestion 2\n4,132", "Question 1\nNot held.\nQuestion 2\n4,132"},
		{"Our response is:\n1. none", "Our response is:\n1. none"},
		{"2019 - 5\n2020 - 7", "2019 - 5\n2020 - 7"},
		{"> quoted\nline", "> quoted\nline"},
		{"Co-\nordinator", "Co- ordinator"}, // a capital before the hyphen: not known to be one word
		{"a dash -\nthen more", "a dash - then more"},
		{"one line", "one line"},
	}
	for _, tt := range tests {
		if got := reflow(tt.in); got != tt.want {
			t.Errorf("reflow(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
