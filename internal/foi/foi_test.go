package foi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
)

func TestStateFinal(t *testing.T) {
	final := map[foi.State]bool{foi.StateAnswered: true, foi.StatePartiallyAnswered: true, foi.StateRefused: true,
		foi.StateNotHeld: true, foi.StateWithdrawn: true, foi.StateDataLoaded: true}
	for _, s := range foi.States() {
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
		if s.Final() != final[s] {
			t.Errorf("%s.Final() = %v", s, s.Final())
		}
	}
	if len(foi.FinalStates()) != len(final) {
		t.Errorf("FinalStates = %v", foi.FinalStates())
	}
	if foi.State("closed").Valid() || foi.State("closed").Final() {
		t.Error("an unknown state is valid or final")
	}
}

func TestStateOverdue(t *testing.T) {
	want := []foi.State{foi.StateOverdue, foi.StateChased, foi.StateInternalReview, foi.StateRegulator}
	got := foi.OverdueStates()
	if len(got) != len(want) {
		t.Fatalf("OverdueStates = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("OverdueStates = %v, want %v", got, want)
		}
	}
	for _, s := range foi.States() {
		if s.Overdue() && s.Final() {
			t.Errorf("%s is overdue and final", s)
		}
	}
}

func TestInboundStatusTriaged(t *testing.T) {
	for _, s := range foi.InboundStatuses() {
		want := s == foi.InboundTriage || s == foi.InboundFailed
		if s.Triaged() != want {
			t.Errorf("%s.Triaged() = %v", s, s.Triaged())
		}
	}
	if n := len(foi.TriagedStatuses()); n != 2 {
		t.Errorf("TriagedStatuses = %v", foi.TriagedStatuses())
	}
}

func TestKind(t *testing.T) {
	for _, tc := range []struct {
		k                          foi.Kind
		valid, answers, disclosure bool
	}{
		{foi.KindAcknowledgement, true, false, false},
		{foi.KindAutoAcknowledgement, true, false, false},
		{foi.KindClarification, true, false, false},
		{foi.KindExtension, true, false, false},
		{foi.KindRefusal, true, true, false},
		{foi.KindNotHeld, true, true, false},
		{foi.KindResponse, true, true, true},
		{foi.KindPartialResponse, true, true, true},
		{foi.KindInternalReview, true, true, true},
		{foi.KindAutoReply, true, false, false},
		{foi.KindOther, true, false, false},
		{foi.KindBounce, false, false, false},
		{"", false, false, false},
		{"Response", false, false, false},
	} {
		if got := tc.k.Valid(); got != tc.valid {
			t.Errorf("%q.Valid() = %v", tc.k, got)
		}
		if got := tc.k.Answers(); got != tc.answers {
			t.Errorf("%q.Answers() = %v", tc.k, got)
		}
		if got := tc.k.Disclosure(); got != tc.disclosure {
			t.Errorf("%q.Disclosure() = %v", tc.k, got)
		}
	}
	if len(foi.Kinds()) != 11 {
		t.Errorf("Kinds = %v", foi.Kinds())
	}
}

func TestRegime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want foi.Regime
		err  bool
	}{
		{"foia", foi.RegimeFOIA, false},
		{" FOIA 2000 ", foi.RegimeFOIA, false},
		{"foisa", foi.RegimeFOISA, false},
		{"FOISA2002", foi.RegimeFOISA, false},
		{"none", foi.RegimeNone, false},
		{"", foi.RegimeNone, true},
		{"eir", foi.RegimeNone, true},
	} {
		got, err := foi.ParseRegime(tc.in)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("ParseRegime(%q) = %v, %v", tc.in, got, err)
		}
	}
	// The JSON form is the name, as recorded payloads hold it.
	type payload struct {
		Regime foi.Regime `json:"regime"`
	}
	for _, r := range foi.Regimes() {
		b, err := json.Marshal(payload{r})
		if err != nil || string(b) != `{"regime":"`+r.String()+`"}` {
			t.Errorf("marshal %v = %s, %v", r, b, err)
		}
		var back payload
		if err := json.Unmarshal(b, &back); err != nil || back.Regime != r {
			t.Errorf("unmarshal %s = %v, %v", b, back.Regime, err)
		}
	}
	var p payload
	if err := json.Unmarshal([]byte(`{"regime":"FOISA"}`), &p); err != nil || p.Regime != foi.RegimeFOISA {
		t.Errorf("FOISA = %v, %v", p.Regime, err)
	}
	if err := json.Unmarshal([]byte(`{"regime":"scots"}`), &p); err == nil {
		t.Error("an unknown regime decoded")
	}
	if foi.RegimeNone.FOI() || !foi.RegimeFOIA.FOI() || !foi.RegimeFOISA.FOI() {
		t.Error("FOI()")
	}
	if foi.RegimeFOIA != 1 || foi.RegimeFOISA != 2 || foi.Regime(7).String() != "none" {
		t.Error("regime numbering changed")
	}
}

func TestParseRequestRef(t *testing.T) {
	want := foi.RequestRef{Campaign: "cro", Year: 2025, Force: "durham"}
	for _, s := range []string{"cro/2025/durham", "request/cro/2025/durham"} {
		if ref, err := foi.ParseRequestRef(s); err != nil || ref != want {
			t.Errorf("ParseRequestRef(%q) = %+v, %v", s, ref, err)
		}
	}
	for _, s := range []string{"", "cro/2025", "cro/25/durham", "campaign/cro/2025", "cro/2025/durham/x"} {
		if ref, err := foi.ParseRequestRef(s); err == nil {
			t.Errorf("ParseRequestRef(%q) = %+v, want an error", s, ref)
		}
	}
}

func TestDocumentStatusWaiting(t *testing.T) {
	for _, s := range foi.DocumentStatuses() {
		want := s == foi.DocPending || s == foi.DocExtracted || s == foi.DocReview
		if s.Waiting() != want {
			t.Errorf("%s.Waiting() = %v", s, s.Waiting())
		}
	}
}

func TestWorkflowIDs(t *testing.T) {
	if id := foi.CampaignWorkflowID("cro", 2025); id != "campaign/cro/2025" {
		t.Errorf("CampaignWorkflowID = %s", id)
	}
	if id := foi.RequestWorkflowID("cro", 2025, "durham"); id != "request/cro/2025/durham" {
		t.Errorf("RequestWorkflowID = %s", id)
	}
	if id := (foi.RequestRef{Campaign: "cro", Year: 2025, Force: "durham"}).WorkflowID(); id != "request/cro/2025/durham" {
		t.Errorf("RequestRef.WorkflowID = %s", id)
	}
	if tok := foi.RequestToken("cro", 2025, "durham"); tok != "cro-2025/durham" {
		t.Errorf("RequestToken = %s", tok)
	}
	if id := foi.DocumentWorkflowID("request/cro/2025/durham", "aa"); id != "document/cro/2025/durham/aa" {
		t.Errorf("DocumentWorkflowID = %s", id)
	}
	if id := foi.InboxWorkflowID("INBOX"); id != "inbox/INBOX" {
		t.Errorf("InboxWorkflowID = %s", id)
	}

	for _, tc := range []struct {
		id   string
		want foi.RequestRef
		err  bool
	}{
		{"request/cro-foreign-nationals/2026/avon-and-somerset", foi.RequestRef{"cro-foreign-nationals", 2026, "avon-and-somerset"}, false},
		{"request/cro/2025/durham", foi.RequestRef{"cro", 2025, "durham"}, false},
		{"cro/2025/durham", foi.RequestRef{}, true},
		{"request/cro/2025", foi.RequestRef{}, true},
		{"request/cro/2025/durham/extra", foi.RequestRef{}, true},
		{"request/cro/twenty/durham", foi.RequestRef{}, true},
		{"request/cro/02025/durham", foi.RequestRef{}, true},
		{"request//2025/durham", foi.RequestRef{}, true},
		{"request/cro/2025/", foi.RequestRef{}, true},
		{"campaign/cro/2025", foi.RequestRef{}, true},
		{"", foi.RequestRef{}, true},
	} {
		got, err := foi.ParseRequestWorkflowID(tc.id)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("ParseRequestWorkflowID(%q) = %+v, %v", tc.id, got, err)
		}
		if err == nil && got.WorkflowID() != tc.id {
			t.Errorf("%q does not round-trip: %s", tc.id, got.WorkflowID())
		}
	}

	for _, tc := range []struct {
		id   string
		slug string
		year int
		err  bool
	}{
		{"campaign/cro/2028", "cro", 2028, false},
		{"campaign/cro", "", 0, true},
		{"campaign/cro/2028/x", "", 0, true},
		{"request/cro/2028", "", 0, true},
		{"campaign/cro/y2k", "", 0, true},
	} {
		slug, year, err := foi.ParseCampaignWorkflowID(tc.id)
		if slug != tc.slug || year != tc.year || (err != nil) != tc.err {
			t.Errorf("ParseCampaignWorkflowID(%q) = %q, %d, %v", tc.id, slug, year, err)
		}
	}

	for _, tc := range []struct {
		id, req, sha string
		err          bool
	}{
		{"document/cro/2025/durham/aa", "request/cro/2025/durham", "aa", false},
		{"document/cro/2025/durham", "", "", true},
		{"document/kent", "", "", true},
		{"document/cro/x/durham/aa", "", "", true},
	} {
		req, sha, err := foi.ParseDocumentWorkflowID(tc.id)
		if req != tc.req || sha != tc.sha || (err != nil) != tc.err {
			t.Errorf("ParseDocumentWorkflowID(%q) = %q, %q, %v", tc.id, req, sha, err)
		}
		if err == nil && foi.DocumentWorkflowID(req, sha) != tc.id {
			t.Errorf("%q does not round-trip", tc.id)
		}
	}

	for _, tc := range []struct {
		id, mailbox string
		err         bool
	}{
		{"inbox/INBOX", "INBOX", false},
		{"inbox/Archive/FOI", "Archive/FOI", false},
		{"inbox/", "", true},
		{"INBOX", "", true},
	} {
		mb, err := foi.ParseInboxWorkflowID(tc.id)
		if mb != tc.mailbox || (err != nil) != tc.err {
			t.Errorf("ParseInboxWorkflowID(%q) = %q, %v", tc.id, mb, err)
		}
	}
}

func TestProposal(t *testing.T) {
	type decision struct {
		Header string `json:"header"`
	}
	type observation struct {
		Row   int      `json:"row"`
		Value *float64 `json:"value"`
	}
	v := 3.0
	p := foi.Proposal[decision, observation]{Decisions: []decision{{"Nationality"}},
		Observations: []observation{{Row: 2, Value: &v}}, Confidence: 0.5}
	b, err := p.Encode()
	// The form stored before the type was named: field names and order.
	if want := `{"decisions":[{"header":"Nationality"}],"observations":[{"row":2,"value":3}],"confidence":0.5}`; err != nil || string(b) != want {
		t.Errorf("Encode = %s, %v; want %s", b, err, want)
	}
	back, err := foi.DecodeProposal[decision, observation](b)
	if err != nil || len(back.Decisions) != 1 || back.Decisions[0].Header != "Nationality" || *back.Observations[0].Value != 3 || back.Confidence != 0.5 {
		t.Errorf("DecodeProposal = %+v, %v", back, err)
	}
	// A reader may decode only the parts it shows.
	only, err := foi.DecodeProposal[decision, json.RawMessage](b)
	if err != nil || len(only.Observations) != 1 {
		t.Errorf("DecodeProposal with raw observations = %+v, %v", only, err)
	}
	for _, empty := range []string{"", "null"} {
		z, err := foi.DecodeProposal[decision, observation]([]byte(empty))
		if err != nil || z.Decisions != nil || z.Confidence != 0 {
			t.Errorf("DecodeProposal(%q) = %+v, %v", empty, z, err)
		}
	}
	for _, bad := range []string{`{"decisions":"x"}`, `[1]`, `{`} {
		if _, err := foi.DecodeProposal[decision, observation]([]byte(bad)); err == nil || !strings.Contains(err.Error(), "review proposal") {
			t.Errorf("DecodeProposal(%q) error = %v", bad, err)
		}
	}
	// Nil lists encode as null, as the anonymous struct did.
	if b, _ := (foi.Proposal[decision, observation]{}).Encode(); string(b) != `{"decisions":null,"observations":null,"confidence":0}` {
		t.Errorf("zero Encode = %s", b)
	}
}
