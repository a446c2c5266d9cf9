package classify

import (
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
)

func TestReferenceFound(t *testing.T) {
	got := Result{Reference: "FOI 123/25", References: []string{"PUB 1098"}}
	for _, tc := range []struct {
		want []string
		ok   bool
	}{
		{[]string{"FOI 123/25"}, true},
		{[]string{"foi 123/25"}, true},        // compared normalised
		{[]string{"14859", "PUB 1098"}, true}, // any of several
		{[]string{"FOI 124/25"}, false},
		{nil, false}, // labelled none, one found
	} {
		if ok := ReferenceFound(got, tc.want); ok != tc.ok {
			t.Errorf("ReferenceFound(%q) = %v, want %v", tc.want, ok, tc.ok)
		}
	}
	if !ReferenceFound(Result{}, nil) || ReferenceFound(Result{}, []string{"FOI 1"}) {
		t.Error("nothing found: right only when none is labelled")
	}
}

// Measure counts a reply's reference only when it is labelled, and the
// table says of how many.
func TestMeasureReferencesLabelled(t *testing.T) {
	right := Labelled{Producer: "kent", Want: foi.KindRefusal, Got: Result{Kind: foi.KindRefusal}, RefLabelled: true, RefRight: true}
	wrong := Labelled{Producer: "durham", Want: foi.KindResponse, Got: Result{Kind: foi.KindRefusal, Confidence: 1}}
	for _, tc := range []struct {
		cases []Labelled
		line  string
	}{
		{[]Labelled{right}, "references found      1  100.0%\n"},
		{[]Labelled{wrong}, "references found      -          (no reference labelled)"},
		{[]Labelled{right, wrong}, "references found      1  100.0%  (of the 1 replies whose reference is labelled)"},
	} {
		s := Measure(tc.cases)
		if tab := s.Table("t"); !strings.Contains(tab, tc.line) {
			t.Errorf("table lacks %q:\n%s", tc.line, tab)
		}
	}
	s := Measure([]Labelled{right, wrong})
	if s.N != 2 || s.Producers != 2 || s.Lenient != 1 || s.Handled != 2 || s.Refs != 1 || s.RefsLabelled != 1 || s.PerKind[foi.KindResponse] != [2]int{0, 1} ||
		s.Confusion[foi.KindResponse][foi.KindRefusal] != 1 {
		t.Errorf("measure %+v", s)
	}
}

func TestSameHandling(t *testing.T) {
	for _, tc := range []struct {
		a, b foi.Kind
		same bool
	}{
		{foi.KindRefusal, foi.KindPartialResponse, true},
		{foi.KindNotHeld, foi.KindResponse, true},
		{foi.KindAutoAcknowledgement, foi.KindAcknowledgement, true},
		{foi.KindAcknowledgement, foi.KindResponse, false},
		{foi.KindExtension, foi.KindRefusal, false},
		{foi.KindOther, foi.KindResponse, false},
		{foi.KindClarification, foi.KindClarification, true},
	} {
		if got := SameHandling(tc.a, tc.b); got != tc.same {
			t.Errorf("SameHandling(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}
