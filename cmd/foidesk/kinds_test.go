package main

import (
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
)

// The listing's OR column is the classifier's alternatives, kinds only and
// not the one proposed.
func TestAlternativeKinds(t *testing.T) {
	for _, tc := range []struct {
		stored string
		want   string
	}{
		{`{"kind":"refusal","alternatives":["partial_response","not_held"]}`, "partial_response, not_held"},
		{`{"kind":"refusal","alternatives":["refusal","planet","partial_response","partial_response"]}`, "partial_response"},
		{`{"kind":"refusal"}`, ""},
		{`null`, ""},
		{`not json`, ""},
	} {
		it := store.ReplyReview{ProposedKind: foi.KindRefusal, Classification: []byte(tc.stored)}
		if got := strings.Join(alternativeKinds(it), ", "); got != tc.want {
			t.Errorf("%s: alternatives %q, want %q", tc.stored, got, tc.want)
		}
	}
}

// --evidence prints what counted for the classifier, not what it set
// aside (a quoted earlier message).
func TestEvidenceLines(t *testing.T) {
	it := store.ReplyReview{ProposedKind: foi.KindRefusal, Classification: []byte(`{"kind":"refusal","evidence":[
		{"rule":"refusal:cost","kind":"refusal","weight":90,"source":"body","phrase":"would exceed the appropriate limit"},
		{"rule":"response:attached","kind":"response","weight":40,"source":"quoted","phrase":"please find attached"},
		{"rule":"reference:labelled","source":"subject","phrase":"FOI 123/25"}]}`)}
	got := strings.Join(evidenceLines(it), "\n")
	want := "  refusal, body: \"would exceed the appropriate limit\"\n  reference:labelled, subject: \"FOI 123/25\""
	if got != want {
		t.Errorf("evidence lines:\n%s\nwant:\n%s", got, want)
	}
	if lines := evidenceLines(store.ReplyReview{Classification: []byte("null")}); len(lines) != 0 {
		t.Errorf("no classification: %q", lines)
	}
}

// The desk's own decisions measure the classifier: the kind given against
// the one proposed and those offered.
func TestTallyDecided(t *testing.T) {
	offered := []byte(`{"alternatives":["partial_response","not_held"]}`)
	items := []store.ReplyReview{
		{ProposedKind: foi.KindRefusal, Kind: foi.KindRefusal, Classification: offered},
		{ProposedKind: foi.KindRefusal, Kind: foi.KindNotHeld, Classification: offered},
		{ProposedKind: foi.KindRefusal, Kind: foi.KindResponse, Classification: offered},
		{ProposedKind: foi.KindRefusal, Classification: offered}, // still open
	}
	if got, want := tallyDecided(items), (decidedTally{decided: 3, proposed: 1, offered: 2}); got != want {
		t.Errorf("tally %+v, want %+v", got, want)
	}
}
