package classify

import (
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
)

var updateModel = flag.Bool("update-model", false, "rewrite model.txt from the tuning set")

// tuningExamples are the words and labels of the tuning set's replies: the
// tuning producers' files of testdata/real, the older fixtures, the
// tuning half of testdata/public, the policetune collections and the public
// tuning collections (tuningCollections). No held-out reply is read.
func tuningExamples(t *testing.T) []modelExample {
	t.Helper()
	var out []modelExample
	var cases []realCase
	for _, c := range slices.Concat(loadRealCases(t, "real", false), loadOlderCases(t), loadPoliceTuning(t)) {
		if isTuningForce(c.force) {
			cases = append(cases, c)
		}
	}
	for _, dir := range append([]string{"public"}, tuningCollections...) {
		for _, c := range loadRealCases(t, dir, true) {
			if isPublicTuning(dir, c.force) {
				cases = append(cases, c)
			}
		}
	}
	for _, c := range cases {
		subject := normaliseText(c.in.Subject)
		out = append(out, modelExample{Kind: c.want, Words: modelWords(subject, prepare(c.in.Body).kept)})
	}
	return out
}

// TestWordingModel checks that model.txt is the model of the tuning set
// as it stands (-update-model rewrites it), and that it reads back.
func TestWordingModel(t *testing.T) {
	ex := tuningExamples(t)
	if len(ex) < 150 {
		t.Fatalf("%d tuning replies, want the 160 of the split", len(ex))
	}
	want := trainModel(ex).format()
	if *updateModel {
		if err := os.WriteFile("model.txt", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if modelText != want && !*updateModel {
		t.Fatal("model.txt is not the model of the tuning set: go test ./internal/classify -run TestWordingModel -update-model")
	}
	m, err := parseModel(want)
	if err != nil {
		t.Fatal(err)
	}
	if m.format() != want {
		t.Error("the model does not read back as written")
	}
	if _, err := parseModel("# x\nresponse=1\nword\t1\t2\n"); err == nil {
		t.Error("a word line with too many counts was accepted")
	}
}

// The model proposes kinds on wording it has seen: a tuning reply's own
// words (in-sample) lead to its kind for most of the tuning set, and too
// few known words give no proposal.
func TestWordingModelPredicts(t *testing.T) {
	ex := tuningExamples(t)
	m := trainModel(ex)
	right, n := 0, 0
	for _, e := range ex {
		if kindIndex(m.kinds, e.Kind) < 0 {
			continue
		}
		n++
		if k, _, ok := m.predict(e.Words); ok && k == e.Kind {
			right++
		}
	}
	if n == 0 || float64(right)/float64(n) < 0.8 {
		t.Errorf("in-sample: %d of %d right, want 80%% or more", right, n)
	}
	if _, _, ok := m.predict(modelWords("", "Thank you.")); ok {
		t.Error("a two-word reply got a proposal")
	}
	// A reply no rule matches gets the model's kind, for a person.
	sample := "The force's records for the period you asked about show the totals by year, set out for each division in turn, with the offences grouped as the Home Office groups them."
	res := Classify(&Input{Body: sample}, nil)
	if res.Kind == foi.KindOther || res.Confidence != modelConfidence {
		t.Fatalf("a rule matched the sample (%s %.2f): nothing for the model to do", res.Kind, res.Confidence)
	}
	if person, _ := res.NeedsPerson(false); !person {
		t.Errorf("the model's proposal %s was acted on without a person", res.Kind)
	}
	// The same words as a letter under a covering line that only points
	// to it get the same proposal, not the covering line's "response".
	lres := Classify(&Input{Body: "Please find attached our response.", Letters: []Letter{{Name: "letter.pdf", Text: sample}}}, nil)
	if lres.Kind != res.Kind || lres.Confidence != modelConfidence {
		t.Errorf("as a letter: %s %.2f, want the model's %s at %.2f", lres.Kind, lres.Confidence, res.Kind, modelConfidence)
	}
}

// A letter to a force (a requester's chaser, quoted or forwarded) gets no
// proposal from a model that only knows forces' letters; a force's letter
// does.
func TestToAForce(t *testing.T) {
	for body, want := range map[string]bool{
		"Dear Kent Police,\n\nPlease could you let me know when I can expect a response.": true,
		"\n  Dear FOI Team,\nI am writing to ask for an internal review.":                 true,
		"Dear Sir or Madam,\n\nPlease find attached our response.":                        false,
		"Dear [requester]\n\nFreedom of Information Request Reference No: 123":            false,
		"Please find attached the response to your request.":                              false,
	} {
		if got := toAForce(body); got != want {
			t.Errorf("toAForce(%q) = %v, want %v", body, got, want)
		}
	}
}

// The words shown for a kind the model proposes are the reply's own, each
// at least twice as likely in that kind's replies, and none repeats
// another.
func TestWordingModelTelling(t *testing.T) {
	m, err := theModel()
	if err != nil {
		t.Fatal(err)
	}
	words := modelWords("", "Thank you for your request. Please find attached the figures for the years requested, extracted from our systems.")
	got := m.telling(words, foi.KindResponse, 3)
	if len(got) == 0 {
		t.Fatal("no telling words for a response's wording")
	}
	for i, w := range got {
		if !slices.Contains(words, strings.ReplaceAll(w, " ", "_")) {
			t.Errorf("%q is not a word of the reply", w)
		}
		for _, o := range got[:i] {
			if slices.Contains(strings.Fields(o), w) || slices.Contains(strings.Fields(w), o) {
				t.Errorf("%q repeats %q", w, o)
			}
		}
	}
	if slices.Contains(got, "the") || slices.Contains(got, "you") {
		t.Errorf("common words shown as telling: %q", got)
	}
	if got := m.telling(words, foi.Kind("nonsense"), 3); got != nil {
		t.Errorf("a kind the model does not know: %q", got)
	}
}

// TestModelWordsSkipMailHeaders: the header of a forwarded message is
// not the reply's wording, so forwarding a reply does not change what the
// wording model reads.
func TestModelWordsSkipMailHeaders(t *testing.T) {
	body := "Thank you for your request. Any queries, please contact us."
	fwd := "---------- Forwarded message ---------\nFrom: FOI Unit <foi@example.org>\nDate: Mon, 2 Mar 2026 at 10:00\nSubject: RE: request\nTo: <desk@example.org>\n\n" + body
	got, want := modelWords("", fwd), modelWords("", "---------- Forwarded message ---------\n\n"+body)
	if !slices.Equal(got, want) {
		t.Errorf("modelWords with a forwarded header = %v, want %v", got, want)
	}
	if slices.Contains(got, "mar") || slices.Contains(got, "unit") {
		t.Errorf("header words read: %v", got)
	}
}

// TestForwardedReplyWording: a reply forwarded to the desk is proposed
// the kind its own words are like, whatever the forwarder wrote above it
// (a Cheshire East receipt that no rule reads, under the forwarding note
// of the robustness test's rendering).
func TestForwardedReplyWording(t *testing.T) {
	for _, c := range loadRealCases(t, "publictune4", false) {
		if c.name != "cheshire-east-council-02-response" {
			continue
		}
		in := *c.in
		in.Body = forward(in.Body)
		fwd := Classify(&in, nil)
		if fwd.Kind != c.got.Kind {
			t.Errorf("forwarded: %s, read directly: %s", fwd.Kind, c.got.Kind)
		}
		if !slices.ContainsFunc(fwd.Evidence, func(e Evidence) bool { return e.Rule == "forwarded:read" }) {
			t.Errorf("the forwarded message was not read as the reply: %+v", fwd.Evidence)
		}
		return
	}
	t.Fatal("publictune4/cheshire-east-council-02-response not found")
}
