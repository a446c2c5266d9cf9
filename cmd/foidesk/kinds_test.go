package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
)

// foidesk inbox kinds against a real database: the replies waiting, each
// with the kinds offered beside the one proposed and, with --evidence,
// what the classifier saw; with --all, the desk's decisions measured.
func TestInboxKindsCommand(t *testing.T) {
	url := dbtest.URL(t)
	st := dbtest.Open(t, url)
	ctx := context.Background()
	_, rid := dbtest.DurhamRequest(t, st)
	reply := func(uid int, kind foi.Kind, result string) int64 {
		t.Helper()
		var id int64
		if err := dbtest.SQL(t, st).QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw, subject, from_addr)
			VALUES ('INBOX', 1, $1, sha256($2::bytea), $2::bytea, 'RE: FOI 123/25', 'foi@durham.police.uk') RETURNING id`,
			uid, fmt.Sprintf("From: Durham Constabulary <foi@durham.police.uk>\r\nSubject: RE: FOI 123/25\r\n\r\n"+
				"We estimate that the cost of complying with your request would exceed the appropriate limit, so "+
				"section 12(1) of the Freedom of Information Act applies. (%d)\r\n", uid)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DecideInbound(ctx, id, store.InboundDecision{Status: foi.InboundMatched, Kind: kind,
			Classification: json.RawMessage(result)}); err != nil {
			t.Fatal(err)
		}
		if err := st.OpenReplyReview(ctx, store.ReplyReview{RequestID: rid, InboundID: id, ProposedKind: kind,
			Confidence: 0.6, Reason: "a refusal may give figures"}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	reply(1, foi.KindRefusal, `{"kind":"refusal","confidence":0.6,"alternatives":["partial_response","not_held"],
		"evidence":[{"rule":"refusal:cost","kind":"refusal","weight":90,"source":"body","phrase":"would exceed the appropriate limit"}]}`)
	decided := reply(2, foi.KindResponse, `{"kind":"response","confidence":0.5,"alternatives":["partial_response","refusal"]}`)
	if _, err := st.ResolveReplyReview(ctx, rid, decided, foi.KindPartialResponse, "ed", ""); err != nil {
		t.Fatal(err)
	}
	kinds := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		a := &app{stdout: &out, stderr: &errb, getenv: func(k string) string {
			if k == "DATABASE_URL" {
				return url
			}
			return ""
		}}
		if code := run(ctx, append([]string{"inbox", "kinds"}, args...), a); code != 0 {
			t.Fatalf("inbox kinds %v: exit %d: %s", args, code, errb.String())
		}
		return out.String()
	}
	out := kinds("--evidence")
	for _, want := range []string{"partial_response, not_held", "refusal, body: \"would exceed the appropriate limit\""} {
		if !strings.Contains(out, want) {
			t.Errorf("inbox kinds --evidence lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "partial_response, refusal") || strings.Contains(out, "decided by a person") {
		t.Errorf("inbox kinds lists a decided reply:\n%s", out)
	}
	out = kinds("--all")
	if !strings.Contains(out, "1 decided by a person: the kind proposed right for 0 (0%), the right kind among those offered for 1 (100%)") {
		t.Errorf("inbox kinds --all does not measure the desk's decision:\n%s", out)
	}

	// The decided reply, exported as a labelled example, is one the
	// classifier can be measured on: labelled with the desk's kind, not
	// the one proposed.
	dir := t.TempDir()
	if out := kinds("--export", dir); !strings.Contains(out, "1 labelled replies written") {
		t.Fatalf("inbox kinds --export: %s", out)
	}
	code, stdout, stderr := runCLI(t, "classify", "--measure", dir)
	if code != 0 {
		t.Fatalf("classify --measure on the export: exit %d: %s", code, stderr)
	}
	for _, want := range []string{", 1 forces: 1 replies", "partial_response         0/1     0.0%  refusal 1", "references found      -"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("classify --measure on the export lacks %q:\n%s", want, stdout)
		}
	}
}

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
		if got := kindList(alternativeKinds(it)); got != tc.want {
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
	got := strings.Join(evidenceLines(storedResult(it)), "\n")
	want := "  refusal, body: \"would exceed the appropriate limit\"\n  reference:labelled, subject: \"FOI 123/25\""
	if got != want {
		t.Errorf("evidence lines:\n%s\nwant:\n%s", got, want)
	}
	if lines := evidenceLines(storedResult(store.ReplyReview{Classification: []byte("null")})); len(lines) != 0 {
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
	var got decidedTally
	for _, it := range items {
		got.add(it, alternativeKinds(it))
	}
	if want := (decidedTally{decided: 3, proposed: 1, offered: 2}); got != want {
		t.Errorf("tally %+v, want %+v", got, want)
	}
}
