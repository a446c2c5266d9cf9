package main

import (
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
