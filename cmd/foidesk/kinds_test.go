package main

import (
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
)

// The listing's OR column is the classifier's alternative, and only a
// kind that is one and differs from the proposal.
func TestAlternativeKind(t *testing.T) {
	for _, tc := range []struct {
		stored string
		want   foi.Kind
	}{
		{`{"kind":"refusal","alternative":"partial_response"}`, foi.KindPartialResponse},
		{`{"kind":"refusal","alternative":"refusal"}`, ""},
		{`{"kind":"refusal","alternative":"planet"}`, ""},
		{`{"kind":"refusal"}`, ""},
		{`null`, ""},
		{`not json`, ""},
	} {
		it := store.ReplyReview{ProposedKind: foi.KindRefusal, Classification: []byte(tc.stored)}
		if got := alternativeKind(it); got != tc.want {
			t.Errorf("%s: alternative %q, want %q", tc.stored, got, tc.want)
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
