package classify

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
)

// fixtureWant is what a person reading the fixture expects. Kinds follow the
// fixture's "kind:" header, refined where the classifier has a finer kind
// and the fixture's own note says so; references are copied from the body
// (or subject) of the reply, not from the "reference-format:" header, which
// sometimes names a disclosure-log slug that the text does not contain.
type fixtureWant struct {
	force    string // slug
	kind     foi.Kind
	ref      string
	refs     []string // all references, when more than one
	sections []string // nil: not checked
	received string
	// headerDiffers explains a deliberate difference from the "kind:" header.
	headerDiffers string
}

var fixtureWants = map[string]fixtureWant{
	"01-acknowledgement-metropolitan.txt": {force: "metropolitan", kind: foi.KindAcknowledgement,
		ref: "2014060002719", received: "2014-06-25"},
	// Note: "generic AUTO-REPLY ... carries NO reference number".
	"03-acknowledgement-merseyside.txt": {force: "merseyside", kind: foi.KindAutoAcknowledgement},
	"04-acknowledgement-west-midlands.txt": {force: "west-midlands", kind: foi.KindAcknowledgement,
		received: "2011-05-13"},
	// Refusal under s.21 alone: information published elsewhere.
	"05-other-west-yorkshire.txt": {force: "west-yorkshire", kind: foi.KindOther,
		ref: "FOI 1730525/23", sections: []string{"s21(1)"}},
	"06-response-west-midlands.txt": {force: "west-midlands", kind: foi.KindResponse, ref: "709_15"},
	"08-response-norfolk.txt": {force: "norfolk", kind: foi.KindResponse,
		ref: "FOI 002559/17", received: "2017-02-03"},
	"10-refusal-s12-psni.txt": {force: "psni", kind: foi.KindRefusal,
		ref: "FOI/15521", sections: []string{"s12(1)"}},
	"11-refusal-s40-nottinghamshire.txt": {force: "nottinghamshire", kind: foi.KindRefusal,
		ref: "002183/13", sections: []string{"s40(2)"}, received: "2013-03-14"},
	// The cost limit is relied on in words ("exceed the 18 hours", "£450").
	"12-refusal-s12-south-wales.txt": {force: "south-wales", kind: foi.KindRefusal, sections: []string{"s12"}},
	"13-acknowledgement-west-mercia.txt": {force: "west-mercia", kind: foi.KindAcknowledgement,
		ref: "72029", received: "2021-04-12"},
	"14-extension-greater-manchester.txt": {force: "greater-manchester", kind: foi.KindExtension},
	"16-internal-review-greater-manchester.txt": {force: "greater-manchester", kind: foi.KindInternalReview,
		ref: "GSA/4762/12", sections: []string{"s40(2)"}, received: "2012-10-17"},
	"20-refusal-s12-kent.txt": {force: "kent", kind: foi.KindRefusal,
		ref: "16/06/669", sections: []string{"s12(2)"}, received: "2016-06-09"},
	"21-acknowledgement-british-transport-police.txt": {force: "british-transport-police",
		kind: foi.KindAcknowledgement, ref: "1009-11"},
	"25-refusal-s12-thames-valley.txt": {force: "thames-valley", kind: foi.KindRefusal,
		ref: "HQ/PA/002769/19", sections: []string{"s12(1)"}},
	"26-acknowledgement-essex.txt": {force: "essex", kind: foi.KindAcknowledgement,
		ref: "5607", refs: []string{"5607", "5608", "5609", "5610"}},
	// Note: "partial: recent years given, earlier years refused as not
	// readily retrievable / cost".
	"28-response-warwickshire.txt": {force: "warwickshire", kind: foi.KindPartialResponse,
		ref: "1112-2023", sections: []string{"s12"}, received: "2023-12-08"},
	"30-response-northumbria.txt": {force: "northumbria", kind: foi.KindResponse},
	"32-clarification-psni.txt": {force: "psni", kind: foi.KindRefusal, ref: "FOI/00013725",
		sections: []string{"s12(1)"},
		headerDiffers: "the fixture's note says the letter is the final s.12 refusal, recording a clarification " +
			"exchange already answered (\"Clarification Received\"); treating it as a request for clarification " +
			"would stop the clock on a request that has been answered"},
	// Note: figures attached "plus a neither-confirm-nor-deny ... under
	// s.24(2) and s.30(3)".
	"34-response-avon-and-somerset.txt": {force: "avon-and-somerset", kind: foi.KindPartialResponse,
		sections: []string{"s24(2)", "s30(3)"}},
	"38-response-metropolitan.txt": {force: "metropolitan", kind: foi.KindResponse, ref: "01.FOI.23.029569"},
}

// kindFamily maps a fixture header kind to the classifier kinds it covers.
var kindFamily = map[foi.Kind][]foi.Kind{
	foi.KindAcknowledgement: {foi.KindAcknowledgement, foi.KindAutoAcknowledgement},
	foi.KindResponse:        {foi.KindResponse, foi.KindPartialResponse},
	foi.KindRefusal:         {foi.KindRefusal, foi.KindPartialResponse},
}

func loadFixture(t testing.TB, name string) *Fixture {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "replies", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fx, err := ParseFixture(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return fx
}

func fixtureNames(t testing.TB) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "replies", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	if len(names) < 20 {
		t.Fatalf("found %d fixtures, want the 21 copied from the shared set", len(names))
	}
	return names
}

func TestFixtures(t *testing.T) {
	for _, name := range fixtureNames(t) {
		t.Run(strings.TrimSuffix(name, ".txt"), func(t *testing.T) {
			want, ok := fixtureWants[name]
			if !ok {
				t.Fatalf("no expectation for fixture %s: read it and add one to fixtureWants", name)
			}
			fx := loadFixture(t, name)

			// The table must agree with the fixture's own header.
			hk, err := fx.Kind()
			if err != nil {
				t.Fatal(err)
			}
			fam := kindFamily[hk]
			if fam == nil {
				fam = []foi.Kind{hk}
			}
			if !slices.Contains(fam, want.kind) && want.headerDiffers == "" {
				t.Fatalf("table kind %s does not fit header kind %q", want.kind, fx.Header("kind"))
			}

			in := fx.Input()
			in.Force = want.force
			got := Classify(in, nil)
			if got.Kind != want.kind {
				t.Errorf("kind = %s, want %s", got.Kind, want.kind)
			}
			if got.Reference != want.ref {
				t.Errorf("reference = %q, want %q", got.Reference, want.ref)
			}
			if want.refs != nil && !slices.Equal(got.References, want.refs) {
				t.Errorf("references = %q, want %q", got.References, want.refs)
			}
			if want.sections != nil && !slices.Equal(got.Sections, want.sections) {
				t.Errorf("sections = %q, want %q", got.Sections, want.sections)
			}
			if got.Received != want.received {
				t.Errorf("received = %q, want %q", got.Received, want.received)
			}
			if got.Due != "" {
				t.Errorf("due = %q, but no fixture states a due date", got.Due)
			}
			if got.Confidence <= 0 || got.Confidence > 1 {
				t.Errorf("confidence = %v, want in (0,1]", got.Confidence)
			}
			checkEvidence(t, got)
			if t.Failed() {
				for _, e := range got.Evidence {
					t.Logf("evidence: %+v", e)
				}
			}
		})
	}
}

// checkEvidence asserts that the winning kind is backed by counted evidence
// quoting text that is in fact in the input.
func checkEvidence(t *testing.T, r Result) {
	t.Helper()
	backed := false
	for _, e := range r.Evidence {
		if e.Rule == "" || e.Source == "" {
			t.Errorf("evidence without rule or source: %+v", e)
		}
		if e.Source.Counts() && e.Weight > 0 && (e.Kind == r.Kind ||
			(r.Kind == foi.KindPartialResponse && (e.Kind == foi.KindResponse || e.Kind == foi.KindRefusal || e.Kind == foi.KindNotHeld)) ||
			(r.Kind == foi.KindOther && e.Kind == foi.KindRefusal) ||
			(r.Kind == foi.KindAutoAcknowledgement && e.Kind == foi.KindAcknowledgement) ||
			(r.Kind == foi.KindAcknowledgement && e.Kind == foi.KindAutoAcknowledgement)) {
			backed = true
		}
	}
	if r.Kind != foi.KindOther && !backed {
		t.Errorf("kind %s has no counted evidence", r.Kind)
	}
}

// TestFixtureReferenceFunc checks the exported Reference on the same
// fixtures, as the inbox matcher calls it.
func TestFixtureReferenceFunc(t *testing.T) {
	for _, name := range fixtureNames(t) {
		want := fixtureWants[name]
		fx := loadFixture(t, name)
		ref, ev, ok := Reference(want.force, fx.Header("subject"), fx.Body)
		if ref != want.ref || ok != (want.ref != "") {
			t.Errorf("%s: Reference = %q, %v; want %q", name, ref, ok, want.ref)
		}
		if ok && !strings.Contains(ev.Phrase, ref) {
			t.Errorf("%s: evidence phrase %q does not quote %q", name, ev.Phrase, ref)
		}
	}
}

// No refusal moves its request on its own, however confident: the reason
// says what to look for. Figures beside the letters say it may answer a
// part; an exemption may withhold a part only; a cost refusal may give
// figures as advice.
func TestNeedsPersonRefusal(t *testing.T) {
	for _, tc := range []struct {
		secs    []string
		hasData bool
		why     string
	}{
		{[]string{"s12"}, false, "cost limit"},
		{[]string{"s12(2)"}, false, "cost limit"},
		{[]string{"s14(1)"}, false, "cost limit"},
		{[]string{"s12(1)"}, true, "brings documents or figures"},
		{[]string{"s31(1)"}, false, "under an exemption"},
		{[]string{"s40(2)", "s30"}, false, "under an exemption"},
		{nil, false, "under an exemption"},
	} {
		need, why := Result{Kind: foi.KindRefusal, Confidence: 0.99, Sections: tc.secs}.NeedsPerson(tc.hasData)
		if !need || !strings.Contains(why, tc.why) {
			t.Errorf("refusal under %v (data %v): person %v (%q), want a person (%q)", tc.secs, tc.hasData, need, why, tc.why)
		}
	}
	if need, _ := (Result{Kind: foi.KindAcknowledgement, Confidence: 0.9}).NeedsPerson(true); need {
		t.Error("an acknowledgement with an attachment waits for a person")
	}
}

// A force that points to information published elsewhere (s.21) has not
// sent the figures: the reply waits for someone to fetch them.
func TestNeedsPersonPublishedElsewhere(t *testing.T) {
	res := Classify(&Input{Body: `The information you have requested is already published and is therefore exempt under Section 21 of the Freedom of Information Act, as it is reasonably accessible to you by other means. It can be found at https://www.police.uk/crime-statistics.`}, nil)
	if res.Kind != foi.KindOther {
		t.Fatalf("kind %s, want other (s.21 alone)", res.Kind)
	}
	if need, why := res.NeedsPerson(false); !need || !strings.Contains(why, "published elsewhere") {
		t.Errorf("an s.21 pointer: person %v (%q), want a person to fetch the figures", need, why)
	}
	// No kind fits: however sure the rule that placed it there (a quoted
	// delivery failure), a person says what the reply does.
	if need, why := (Result{Kind: foi.KindOther, Confidence: 0.9}).NeedsPerson(false); !need || !strings.Contains(why, "no kind fits") {
		t.Errorf("a confident other: person %v (%q), want a person", need, why)
	}
}

// The first alternative is the kind a person choosing a reply's kind is
// offered next to the classifier's: a partial response for a whole answer
// or refusal, and for a partial response the whole kind its wording
// leaned to.
func TestAlternative(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		kind, alt  foi.Kind
	}{
		{"answer", "Please find below the information you requested.\n\n2021: 14\n2022: 17\n2023: 9\n",
			foi.KindResponse, foi.KindPartialResponse},
		{"cost refusal", "I estimate that the cost of complying with your request would exceed the appropriate limit. " +
			"Section 12(1) of the Act therefore applies and we are not obliged to comply with your request.",
			foi.KindRefusal, foi.KindPartialResponse},
		{"refused in part", "Please find attached the information you requested. Some of the information is exempt " +
			"under section 31(1)(a) of the Act and has been withheld, as explained below.",
			foi.KindPartialResponse, foi.KindResponse},
		{"cost refusal with figures", "I estimate that the cost of complying with your request would exceed the appropriate limit. " +
			"Section 12(1) of the Act therefore applies and we are not obliged to comply with your request.\n\n" +
			"However, as a gesture of goodwill, the figures below are those we could find within the limit.\n\n" +
			"2021: 14\n2022: 17\n2023: 9\n",
			foi.KindPartialResponse, foi.KindRefusal},
	} {
		res := Classify(&Input{Body: tc.body}, nil)
		if res.Kind != tc.kind || len(res.Alternatives) == 0 || res.Alternatives[0] != tc.alt {
			t.Errorf("%s: kind %s, alternatives %q; want %s, then %s", tc.name, res.Kind, res.Alternatives, tc.kind, tc.alt)
		}
	}
}

// Whatever the reply, each alternative is a choice: never the kind
// itself, nor a kind that moves the request as it or an earlier
// alternative does.
func TestAlternativesAreOtherMoves(t *testing.T) {
	cases := slices.Concat(loadRealCases(t, "real", false), loadOlderCases(t), loadPoliceTuning(t))
	full := 0
	for _, c := range cases {
		alts := c.got.Alternatives
		if len(alts) > maxAlternatives {
			t.Errorf("%s: %d alternatives, at most %d", c.name, len(alts), maxAlternatives)
		}
		if len(alts) == maxAlternatives {
			full++
		}
		seen := []foi.Kind{c.got.Kind}
		for _, alt := range alts {
			if !alt.Valid() || slices.ContainsFunc(seen, func(k foi.Kind) bool { return SameMove(k, alt) }) {
				t.Errorf("%s: kind %s, alternatives %v", c.name, c.got.Kind, alts)
			}
			seen = append(seen, alt)
		}
	}
	// Nearly every reply has a full set to offer: the wording model ranks
	// every kind when the rules point nowhere else.
	if full < len(cases)*9/10 {
		t.Errorf("%d of %d replies have %d alternatives, want nearly all", full, len(cases), maxAlternatives)
	}
}

// What a person is shown of a stored result: its alternatives that are
// kinds other than the one recorded, and at most n items of the evidence
// that counted.
func TestResultShownToAPerson(t *testing.T) {
	r := Result{Kind: foi.KindRefusal,
		Alternatives: []foi.Kind{foi.KindPartialResponse, "planet", foi.KindRefusal, foi.KindPartialResponse, foi.KindNotHeld},
		Evidence: []Evidence{
			{Rule: "a", Source: SourceBody}, {Rule: "b", Source: SourceQuoted},
			{Rule: "c", Source: SourceLetter}, {Rule: "d", Source: SourceBoilerplate}, {Rule: "e", Source: SourceSubject},
		}}
	if got, want := r.AlternativesTo(foi.KindRefusal), []foi.Kind{foi.KindPartialResponse, foi.KindNotHeld}; !slices.Equal(got, want) {
		t.Errorf("alternatives to refusal %v, want %v", got, want)
	}
	var rules []string
	for _, e := range r.CountedEvidence(2) {
		rules = append(rules, e.Rule)
	}
	if got := strings.Join(rules, ","); got != "a,c" {
		t.Errorf("counted evidence, at most 2: %s, want a,c", got)
	}
}
