package match

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/classify"
	"github.com/foidesk/foidesk/internal/foi"
)

// requests is an in-memory Lookup over a fixed set of requests and ledger
// entries; internal/store's implementation is tested against PostgreSQL.
type requests struct {
	cands  []Candidate
	ledger map[string]int64 // Message-ID → request id
	final  map[int64]bool
}

func (r *requests) byID(id int64) Candidate {
	for _, c := range r.cands {
		if c.RequestID == id {
			return c
		}
	}
	panic("no request")
}

func (r *requests) ByMessageIDs(_ context.Context, ids []string) ([]Candidate, error) {
	var out []Candidate
	for _, id := range ids {
		if rid, ok := r.ledger[id]; ok && !slices.ContainsFunc(out, func(c Candidate) bool { return c.RequestID == rid }) {
			out = append(out, r.byID(rid))
		}
	}
	return out, nil
}

func (r *requests) ByTokens(_ context.Context, toks []string) ([]Candidate, error) {
	var out []Candidate
	for _, c := range r.cands {
		if slices.Contains(toks, c.Token) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (r *requests) ByForceReferences(_ context.Context, slug string, refs []string) ([]Candidate, error) {
	var out []Candidate
	for _, c := range r.cands {
		if c.ForceSlug == slug && c.Reference != "" && slices.Contains(refs, classify.NormaliseReference(c.Reference)) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (r *requests) OpenByForce(_ context.Context, slug string) ([]Candidate, error) {
	var out []Candidate
	for _, c := range r.cands {
		if c.ForceSlug == slug && !r.final[c.RequestID] {
			out = append(out, c)
		}
	}
	return out, nil
}

func fixture() *requests {
	return &requests{
		cands: []Candidate{
			{RequestID: 1, ForceSlug: "durham", Token: "cro-2025/durham"},
			{RequestID: 2, ForceSlug: "kent", Token: "cro-2025/kent"},
			{RequestID: 3, ForceSlug: "metropolitan", Token: "cro-2025/metropolitan", Reference: "01/FOI/23/029569"},
			{RequestID: 4, ForceSlug: "metropolitan", Token: "stops-2025/metropolitan"},
			{RequestID: 5, ForceSlug: "kent", Token: "stops-2025/kent"},
			{RequestID: 6, ForceSlug: "essex", Token: "cro-2025/essex"},
		},
		ledger: map[string]int64{"req-1@foidesk.test": 1, "rem-1@foidesk.test": 1, "req-2@foidesk.test": 2},
		final:  map[int64]bool{5: true},
	}
}

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     Input
		want   []int64
		method foi.MatchMethod
		triage string // substring
	}{
		{name: "thread", in: Input{From: "foi@durham.police.uk", InReplyTo: []string{"rem-1@foidesk.test"},
			Subject: "RE: Freedom of Information request"}, want: []int64{1}, method: foi.MatchThread},
		{name: "thread through References only, legacy pnn domain",
			in:   Input{From: "FreedomOfInformation@Durham.PNN.Police.UK", References: []string{"x@y", "req-1@foidesk.test"}},
			want: []int64{1}, method: foi.MatchThread},
		{name: "token", in: Input{From: "foi@kent.police.uk", Subject: "FOI 123/25 [FOI cro-2025/kent]"},
			want: []int64{2}, method: foi.MatchToken},
		{name: "one email answering two requests by token",
			in: Input{From: "foi@met.police.uk",
				Subject: "Your requests [FOI cro-2025/metropolitan] and [FOI stops-2025/metropolitan]"},
			want: []int64{3, 4}, method: foi.MatchToken},
		{name: "reference learned from the acknowledgement",
			in: Input{From: "foi@met.police.uk", Subject: "Freedom of Information Request Reference No: 01/FOI/23/029569",
				Body: "Please quote the reference above."},
			want: []int64{3}, method: foi.MatchReference},
		{name: "domain: the force's only open request",
			in:   Input{From: "information@kent.police.uk", Subject: "Your request"},
			want: []int64{2}, method: foi.MatchDomain},
		{name: "domain with several open requests", in: Input{From: "foi@met.police.uk", Subject: "Your request"},
			triage: "2 open requests"},
		{name: "spoofed thread reply from another domain",
			in:     Input{From: "foi@durham-police.co.uk", InReplyTo: []string{"req-1@foidesk.test"}},
			triage: "possible spoof"},
		{name: "token of one force from another force's domain",
			in:     Input{From: "foi@kent.police.uk", Subject: "[FOI cro-2025/durham]"},
			triage: "domain of Kent Police"},
		{name: "look-alike domain", in: Input{From: "foi@durham.police.uk.example.com", Subject: "[FOI cro-2025/durham]"},
			triage: "possible spoof"},
		{name: "regulator in the thread", in: Input{From: "casework@ico.org.uk", InReplyTo: []string{"req-2@foidesk.test"}},
			want: []int64{2}, method: foi.MatchThread},
		{name: "stranger", in: Input{From: "someone@gmail.com", Subject: "hello"}, triage: "no request matches"},
		{name: "force with nothing open", in: Input{From: "foi@psni.police.uk", Subject: "hello"}, triage: "no open request"},
		{name: "bounce of our request", in: Input{From: "MAILER-DAEMON@mx.example", BounceOf: "req-2@foidesk.test"},
			want: []int64{2}, method: foi.MatchThread},
		{name: "bounce of something else", in: Input{From: "MAILER-DAEMON@mx.example", BounceOf: "other@x"},
			triage: "not in our ledger"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Find(context.Background(), fixture(), tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, m := range res.Matches {
				got = append(got, m.RequestID)
				if m.Method != tc.method {
					t.Errorf("method %s, want %s", m.Method, tc.method)
				}
				if m.Evidence == "" {
					t.Error("match without evidence")
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("matched %v, want %v (triage %q)", got, tc.want, res.Triage)
			}
			if tc.triage != "" && !strings.Contains(res.Triage, tc.triage) {
				t.Errorf("triage %q, want it to say %q", res.Triage, tc.triage)
			}
			if tc.triage == "" && res.Triage != "" {
				t.Errorf("unexpected triage %q", res.Triage)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	got := Tokens("RE: RE: Freedom of Information request [FOI cro-2025/durham] [foi CRO-2025/Kent] [FOI cro-2025/durham]")
	if !slices.Equal(got, []string{"cro-2025/durham", "cro-2025/kent"}) {
		t.Errorf("Tokens = %v", got)
	}
}
