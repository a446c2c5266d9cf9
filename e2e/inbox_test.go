package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/classify"
	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

// email builds a raw reply. attach, when set, is a CSV attachment; file,
// when set, any other.
type email struct {
	from, subject, messageID, inReplyTo string
	headers                             []string
	body                                string
	attach                              string
	file                                *attachment
}

type attachment struct {
	name, contentType string
	data              []byte
}

func (e email) raw() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: desk@foidesk.test\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: %s\r\nMIME-Version: 1.0\r\n",
		e.from, e.subject, e.messageID, time.Now().Format(time.RFC1123Z))
	if e.inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", e.inReplyTo, e.inReplyTo)
	}
	for _, h := range e.headers {
		b.WriteString(h + "\r\n")
	}
	body := strings.ReplaceAll(e.body, "\n", "\r\n")
	if e.attach != "" {
		e.file = &attachment{"figures.csv", "text/csv", []byte(e.attach)}
	}
	if e.file == nil {
		fmt.Fprintf(&b, "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", body)
		return b.Bytes()
	}
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", body)
	fmt.Fprintf(&b, "--b1\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--b1--\r\n",
		e.file.contentType, e.file.name, e.file.name, base64.StdEncoding.EncodeToString(e.file.data))
	return b.Bytes()
}

func fixtureBody(t *testing.T, name string) string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "shared", "fixtures", "replies", name))
	if err != nil {
		t.Skipf("reply fixtures not found: %v", err)
	}
	defer f.Close()
	fx, err := classify.ParseFixture(f)
	if err != nil {
		t.Fatal(err)
	}
	return fx.Body
}

// TestInboxMatchesAndSignals runs a campaign to five forces on a real
// Temporal server, delivers their replies to an IMAP server and checks that
// the InboxWorkflow stores each message once, matches it by the strongest
// evidence, classifies it and moves the right request — and that a spoofed
// sender, a duplicate and an out-of-office reply move nothing.
func TestInboxMatchesAndSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Temporal, PostgreSQL and IMAP")
	}
	metAck := fixtureBody(t, "01-acknowledgement-metropolitan.txt")
	wmResponse := fixtureBody(t, "06-response-west-midlands.txt")
	swRefusal := fixtureBody(t, "12-refusal-s12-south-wales.txt")

	s := startStack(t)
	spec := loadExample(t)
	spec.Targets = []string{"metropolitan", "west-midlands", "south-wales", "durham", "kent"}
	year := 2026
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if _, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: foi.CampaignWorkflowID(spec.Slug, year), TaskQueue: "foidesk",
	}, workflows.CampaignWorkflow, workflows.CampaignInput{Spec: *spec, Year: year}); err != nil {
		t.Fatal(err)
	}
	sent := map[string]string{} // force → Message-ID of its request
	for deadline := time.Now().Add(time.Minute); len(sent) < 5; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d requests sent", len(sent))
		}
		for _, m := range s.smtp.Messages() {
			tok := tokenOf(m.Subject)
			sent[tok[strings.LastIndexByte(tok, '/')+1:]] = m.MessageID
		}
	}
	token := func(force string) string { return foi.RequestToken(spec.Slug, year, force) }

	deliver := func(e email) {
		t.Helper()
		if err := s.imap.Deliver("INBOX", e.raw()); err != nil {
			t.Fatal(err)
		}
	}
	ack := email{from: "Met FOI <foi@met.police.uk>", subject: "RE: Freedom of Information request", messageID: "ack-1@met.police.uk",
		inReplyTo: sent["metropolitan"], body: metAck}
	deliver(ack)
	deliver(ack) // delivered twice: stored once
	deliver(email{from: "foi@westmidlands.police.uk", subject: "FOI response [FOI " + token("west-midlands") + "]",
		messageID: "resp-1@westmidlands.police.uk", body: wmResponse,
		attach: "Nationality,2022,2023,2024\nPolish,12,15,9\nRomanian,<5,7,11\n"})
	deliver(email{from: "foi@south-wales.police.uk", subject: "RE: Freedom of Information request", messageID: "ref-1@south-wales.police.uk",
		inReplyTo: sent["south-wales"], body: swRefusal})
	deliver(email{from: "foi@durham-police.co.uk", subject: "RE: [FOI " + token("durham") + "]", messageID: "spoof-1@durham-police.co.uk",
		body: "Please find the figures attached.", attach: "a,b\n1,2\n"})
	deliver(email{from: "john.smith@kent.police.uk", subject: "Automatic reply: Freedom of Information request",
		messageID: "ooo-1@kent.police.uk", inReplyTo: sent["kent"], headers: []string{"Auto-Submitted: auto-replied"},
		body: "I am out of the office until Monday with limited access to email."})

	if _, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: foi.InboxWorkflowID("INBOX"), TaskQueue: "foidesk",
	}, workflows.InboxWorkflow, workflows.InboxInput{Mailbox: "INBOX", MaxWait: 30 * time.Second}); err != nil {
		t.Fatal(err)
	}
	// The desk reads the replies the classifier is unsure of and gives
	// each its kind, as a journalist would.
	go desk(ctx, t, s, map[string]foi.Kind{
		"ack-1@met.police.uk": foi.KindAcknowledgement, "resp-1@westmidlands.police.uk": foi.KindResponse,
		"ref-1@south-wales.police.uk": foi.KindRefusal, "stray-1@gmail.com": foi.KindResponse,
		"resp-2@durham.police.uk": foi.KindResponse, "late-1@south-wales.police.uk": foi.KindResponse,
		"resp-3@met.police.uk": foi.KindResponse,
	})

	status := func(force string) workflows.RequestStatus {
		t.Helper()
		v, err := s.client.QueryWorkflow(ctx, foi.RequestWorkflowID(spec.Slug, year, force), "", workflows.QueryStatus)
		if err != nil {
			t.Fatalf("query %s: %v", force, err)
		}
		var st workflows.RequestStatus
		if err := v.Get(&st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	want := map[string]foi.State{
		"metropolitan": foi.StateAcknowledged, "west-midlands": foi.StateDataLoaded,
		"south-wales": foi.StateRefused, "durham": foi.StateSent, "kent": foi.StateSent,
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); !ok(); time.Sleep(200 * time.Millisecond) {
			if time.Now().After(deadline) {
				rows, _ := dbtest.SQL(t, s.store).Query(ctx, `SELECT id, status, coalesce(kind, ''), coalesce(triage_reason, ''), subject FROM inbound_messages ORDER BY id`)
				for rows.Next() {
					var id int64
					var st, kind, reason, subj string
					_ = rows.Scan(&id, &st, &kind, &reason, &subj)
					t.Logf("inbound %d: %s %s %q %q", id, st, kind, reason, subj)
				}
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	waitFor("the replies to be processed", func() bool {
		return count(t, s, `SELECT count(*) FROM inbound_messages WHERE status <> 'stored'`) == 5
	})
	for force, st := range want {
		waitFor(force+" to be "+string(st), func() bool { return status(force).State == st })
	}
	if got := status("metropolitan").Reference; got != "2014060002719" {
		t.Errorf("Met reference %q, want 2014060002719 from its acknowledgement", got)
	}
	if n := count(t, s, `SELECT count(*) FROM requests WHERE force_reference = '2014060002719'`); n != 1 {
		t.Errorf("reference learned on %d requests, want 1", n)
	}
	if n := count(t, s, `SELECT count(*) FROM inbound_messages`); n != 5 {
		t.Errorf("%d messages stored, want 5 (the duplicate dropped)", n)
	}
	if n := count(t, s, `SELECT count(*) FROM inbound_messages WHERE status = 'triage' AND triage_reason LIKE '%spoof%'`); n != 1 {
		t.Errorf("%d spoofed messages in triage, want 1", n)
	}
	if n := count(t, s, `SELECT count(*) FROM inbound_messages WHERE status = 'ignored' AND kind = 'auto_reply'`); n != 1 {
		t.Errorf("%d auto-replies ignored, want 1", n)
	}
	methods := map[string]string{}
	rows, err := dbtest.SQL(t, s.store).Query(ctx, `SELECT r.force_slug, m.method FROM message_matches m JOIN requests r ON r.id = m.request_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var f, m string
		if err := rows.Scan(&f, &m); err != nil {
			t.Fatal(err)
		}
		methods[f] = m
	}
	if fmt.Sprint(methods) != "map[kent:thread metropolitan:thread south-wales:thread west-midlands:token]" {
		t.Errorf("match methods %v", methods)
	}
	// Both attachments are kept, even the spoofed one's; the response's is
	// pending processing on its request.
	if n := count(t, s, `SELECT count(*) FROM documents`); n != 2 {
		t.Errorf("%d documents, want 2", n)
	}
	// The response's table went through its DocumentWorkflow into the
	// dataset: six figures, the suppressed one flagged, never zero, each
	// with the cell it came from.
	type obs struct {
		Nat, Period, Flag, Ref string
		Value                  *float64
	}
	var got []obs
	rows, err = dbtest.SQL(t, s.store).Query(ctx, `SELECT o.dimensions->>'nationality', o.period, coalesce(o.flag, ''), o.cell_ref, o.value::float8
		FROM observations o WHERE o.force_slug = 'west-midlands' ORDER BY o.row_index, o.col_index`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var o obs
		if err := rows.Scan(&o.Nat, &o.Period, &o.Flag, &o.Ref, &o.Value); err != nil {
			t.Fatal(err)
		}
		got = append(got, o)
	}
	if len(got) != 6 {
		t.Fatalf("west-midlands has %d observations, want 6: %+v", len(got), got)
	}
	if o := got[3]; o.Nat != "ROU" || o.Period != "2022" || o.Flag != "suppressed" || o.Value != nil || o.Ref == "" {
		t.Errorf("Romanian 2022 = %+v, want a suppressed flag with no value and a cell reference", o)
	}
	if o := got[0]; o.Nat != "POL" || o.Value == nil || *o.Value != 12 {
		t.Errorf("Polish 2022 = %+v, want 12", o)
	}
	// ... and running the document again (foidesk reprocess, after a
	// vocabulary fix say) changes nothing that was right.
	var wmDoc int64
	if err := dbtest.SQL(t, s.store).QueryRow(ctx, `SELECT document_id FROM observations WHERE force_slug = 'west-midlands' LIMIT 1`).Scan(&wmDoc); err != nil {
		t.Fatal(err)
	}
	if out := rerun(t, ctx, s, wmDoc, false); out.Status != "loaded" || out.Result == nil || out.Result.Observations != 6 ||
		out.Result.Inserted+out.Result.Updated+out.Result.Deleted != 0 {
		t.Errorf("rerun of West Midlands' document: %+v %+v, want loaded with 6 figures and no change", out, out.Result)
	}
	if n := count(t, s, `SELECT count(*) FROM observations WHERE force_slug = 'west-midlands'`); n != 6 {
		t.Errorf("%d observations after the rerun, want 6", n)
	}
	var sections []string
	if err := dbtest.SQL(t, s.store).QueryRow(ctx, `SELECT array(SELECT jsonb_array_elements_text(classification->'result'->'sections'))
		FROM inbound_messages WHERE message_id = 'ref-1@south-wales.police.uk'`).Scan(&sections); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(sections, func(s string) bool { return strings.HasPrefix(s, "s12") }) {
		t.Errorf("refusal sections %v, want s12", sections)
	}

	// A reply from a personal address matches nothing and waits in
	// triage; an operator assigns it to Kent's request, which takes it as
	// a response.
	deliver(email{from: "j.bloggs.kentpolice@gmail.com", subject: "your FOI request", messageID: "stray-1@gmail.com",
		body: fixtureBody(t, "08-response-norfolk.txt")})
	var stray int64
	waitFor("the stray reply in triage", func() bool {
		return dbtest.SQL(t, s.store).QueryRow(ctx, `SELECT id FROM inbound_messages WHERE message_id = 'stray-1@gmail.com' AND status = 'triage'`).Scan(&stray) == nil
	})
	upd, err := s.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: foi.InboxWorkflowID("INBOX"),
		UpdateName: workflows.UpdateAssign, WaitForStage: client.WorkflowUpdateStageCompleted,
		Args: []any{activities.AssignInput{InboundID: stray, RequestWorkflowID: foi.RequestWorkflowID(spec.Slug, year, "kent"), By: "desk"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := upd.Get(ctx, nil); err != nil {
		t.Fatalf("assign: %v", err)
	}
	waitFor("kent to be answered", func() bool { return status("kent").State == foi.StateAnswered })
	if n := count(t, s, `SELECT count(*) FROM message_matches WHERE method = 'operator'`); n != 1 {
		t.Errorf("%d operator matches, want 1", n)
	}

	// With the inbox idle on IDLE, a new reply reaches its request within
	// moments.
	start := time.Now()
	deliver(email{from: "foi@durham.police.uk", subject: "RE: Freedom of Information request", messageID: "resp-2@durham.police.uk",
		inReplyTo: sent["durham"], body: fixtureBody(t, "08-response-norfolk.txt"),
		attach: "Nationality,2022\nPolish,3\n"})
	waitFor("the reply to be stored", func() bool { return count(t, s, `SELECT count(*) FROM inbound_messages`) == 7 })
	stored := time.Since(start)
	waitFor("durham to be answered", func() bool {
		st := status("durham").State
		return st == foi.StateAnswered || st == foi.StateDataLoaded
	})
	t.Logf("reply stored %s after delivery, request answered after %s",
		stored.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	lateAndUncertainReplies(t, ctx, s, spec.Slug, year, sent, deliver, waitFor)

	// The Met answers with a scanned letter (testdata/scanned-letter.pdf:
	// a corpus PDF printed and scanned back at 200 dpi). Its table is read
	// by OCR and waits for a person: nothing is loaded before.
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Log("tesseract not installed: the scanned-letter step is skipped")
		return
	}
	scanned, err := os.ReadFile("testdata/scanned-letter.pdf")
	if err != nil {
		t.Fatal(err)
	}
	deliver(email{from: "foi@met.police.uk", subject: "RE: Freedom of Information request", messageID: "resp-3@met.police.uk",
		inReplyTo: sent["metropolitan"], body: fixtureBody(t, "08-response-norfolk.txt"),
		file: &attachment{"response.pdf", "application/pdf", scanned}})
	var reasons []string
	waitFor("the scanned letter's table in review", func() bool {
		return dbtest.SQL(t, s.store).QueryRow(ctx, `SELECT ri.reasons FROM review_items ri JOIN requests r ON r.id = ri.request_id
			WHERE r.force_slug = 'metropolitan' AND ri.status = 'open'`).Scan(&reasons) == nil
	})
	if !slices.ContainsFunc(reasons, func(r string) bool { return strings.Contains(r, "read by OCR") }) {
		t.Errorf("review reasons %q do not say the figures were read by OCR", reasons)
	}
	// The table is kept for the reviewer to see, marked as read by OCR.
	var method string
	var nRows, nCols int
	if err := dbtest.SQL(t, s.store).QueryRow(ctx, `SELECT et.method, et.n_rows, et.n_cols FROM extracted_tables et
		JOIN documents d ON d.id = et.document_id WHERE d.filename = 'response.pdf'`).Scan(&method, &nRows, &nCols); err != nil {
		t.Fatal(err)
	}
	if method != "ocr" || nRows != 13 || nCols != 6 {
		t.Errorf("scanned table: method %q, %d × %d; want ocr and the letter's 13 × 6", method, nRows, nCols)
	}
	// The proposal holds every figure of the letter (12 nationalities × 5
	// years) for the reviewer to compare with the scan.
	if n := count(t, s, `SELECT jsonb_array_length(ri.proposal->'observations') FROM review_items ri
		JOIN requests r ON r.id = ri.request_id WHERE r.force_slug = 'metropolitan'`); n != 60 {
		t.Errorf("the review proposes %d figures, want the letter's 60", n)
	}
	if n := count(t, s, `SELECT count(*) FROM observations o JOIN request_documents rd USING (request_id, document_id)
		JOIN documents d ON d.id = o.document_id WHERE o.force_slug = 'metropolitan' AND d.filename = 'response.pdf'`); n != 0 {
		t.Errorf("%d figures of the scanned letter loaded before review", n)
	}

	// Running a document again (foidesk reprocess) is refused while it
	// waits in review ...
	var metDoc int64
	if err := dbtest.SQL(t, s.store).QueryRow(ctx, `SELECT id FROM documents WHERE filename = 'response.pdf'`).Scan(&metDoc); err != nil {
		t.Fatal(err)
	}
	rerun(t, ctx, s, metDoc, true)
}

// lateAndUncertainReplies checks that nothing a force sends is lost on a
// guess or because its request has finished: a refused request's late
// answer reopens it and loads its figures; a one-line covering email with
// a CSV, which no kind fits, has its figures loaded at once while the
// request waits for a person, whose word then moves it.
func lateAndUncertainReplies(t *testing.T, ctx context.Context, s *stack, slug string, year int, sent map[string]string,
	deliver func(email), waitFor func(string, func() bool)) {
	t.Helper()
	state := func(force string) string {
		var st string
		_ = dbtest.SQL(t, s.store).QueryRow(ctx, `SELECT state FROM requests WHERE force_slug = $1`, force).Scan(&st)
		return st
	}
	// South Wales refused under s.12; its run has ended. Months later it
	// sends the figures after all.
	deliver(email{from: "foi@south-wales.police.uk", subject: "RE: Freedom of Information request", messageID: "late-1@south-wales.police.uk",
		inReplyTo: sent["south-wales"], body: fixtureBody(t, "08-response-norfolk.txt"),
		attach: "Nationality,2022,2023\nPolish,4,6\n"})
	waitFor("south-wales's late answer loaded", func() bool { return state("south-wales") == "data_loaded" })
	if n := count(t, s, `SELECT count(*) FROM observations WHERE force_slug = 'south-wales'`); n != 2 {
		t.Errorf("south-wales has %d figures after its late answer, want 2", n)
	}
	if n := count(t, s, `SELECT count(*) FROM request_events e JOIN requests r ON r.id = e.request_id
		WHERE r.force_slug = 'south-wales' AND e.kind = 'reopened'`); n != 1 {
		t.Errorf("south-wales reopened %d times, want once", n)
	}
	// The inbox's history, which reopened the request with its reply, and
	// the reopened run's replay against today's code (and are kept for
	// workflows/replay_test.go with UPDATE_HISTORIES=1).
	replayAndKeep(ctx, t, s.client, foi.InboxWorkflowID("INBOX"), "inbox_INBOX_reopen-with-reply")
	replayAndKeep(ctx, t, s.client, foi.RequestWorkflowID(slug, year, "south-wales"), "request_reopened-with-reply")

	// The Met, acknowledged, sends only "Please find attached." and a CSV.
	deliver(email{from: "foi@met.police.uk", subject: "RE: Freedom of Information request", messageID: "cover-1@met.police.uk",
		inReplyTo: sent["metropolitan"], body: "Please find attached.\n\nMetropolitan Police Service",
		attach: "Nationality,2022\nPolish,21\nRomanian,17\n"})
	var review store.ReplyReview
	waitFor("the covering email in the kinds to check", func() bool {
		items, err := s.store.ReplyReviews(ctx, string(foi.ReplyReviewOpen), 0)
		if err != nil {
			return false
		}
		for _, it := range items {
			if m, err := s.store.InboundMessage(ctx, it.InboundID); err == nil && m.MessageID == "cover-1@met.police.uk" {
				review = it
				return true
			}
		}
		return false
	})
	// The person deciding sees what the classifier saw: its result as
	// the inbox stored it, with the evidence and a second kind to offer.
	var res classify.Result
	if err := json.Unmarshal(review.Classification, &res); err != nil || res.Kind != review.ProposedKind ||
		len(res.Evidence) == 0 || len(res.Alternatives) == 0 || slices.Contains(res.Alternatives, res.Kind) {
		t.Errorf("the covering email's review carries classification %s (%v): want the classifier's result", review.Classification, err)
	}
	waitFor("the covering email's figures loaded", func() bool {
		return count(t, s, `SELECT count(*) FROM observations WHERE force_slug = 'metropolitan'`) == 2
	})
	if st := state("metropolitan"); st != "acknowledged" {
		t.Errorf("metropolitan is %s while its reply's kind waits for a person, want acknowledged", st)
	}
	wid := foi.RequestWorkflowID(slug, year, "metropolitan")
	st, err := engine.UpdateRequest(ctx, s.client, "foidesk", wid, workflows.UpdateConfirmKind,
		workflows.KindInput{InboundID: review.InboundID, Kind: foi.KindResponse, By: "desk", Why: "the CSV is the answer"})
	if err != nil {
		t.Fatalf("confirm kind: %v", err)
	}
	if st.State != foi.StateAnswered && st.State != foi.StateDataLoaded {
		t.Errorf("after the desk's word the Met is %s, want answered", st.State)
	}
	waitFor("the Met's figures to count as its answer", func() bool { return state("metropolitan") == "data_loaded" })
	if n := count(t, s, `SELECT count(*) FROM reply_reviews WHERE inbound_id = $1 AND status <> 'open' AND kind = 'response' AND resolved_by = 'desk'`,
		review.InboundID); n != 1 {
		t.Errorf("the desk's word on the covering email recorded %d times, want once", n)
	}
	// A note on a request whose run has ended reopens it.
	if _, err := engine.UpdateRequest(ctx, s.client, "foidesk", foi.RequestWorkflowID(slug, year, "kent"),
		workflows.UpdateAddNote, workflows.NoteInput{Text: "called the FOI office", By: "desk"}); err != nil {
		t.Fatalf("note on a finished request: %v", err)
	}
	if n := count(t, s, `SELECT count(*) FROM request_events e JOIN requests r ON r.id = e.request_id
		WHERE r.force_slug = 'kent' AND e.kind = 'note'`); n != 1 {
		t.Errorf("%d notes on kent, want 1", n)
	}
}

// desk gives the replies waiting for a person the kinds in truth (by
// Message-ID) until ctx ends; replies it does not know it leaves.
func desk(ctx context.Context, t *testing.T, s *stack, truth map[string]foi.Kind) {
	done := map[int64]bool{}
	for ctx.Err() == nil {
		items, _ := s.store.ReplyReviews(ctx, string(foi.ReplyReviewOpen), 0)
		for _, it := range items {
			m, err := s.store.InboundMessage(ctx, it.InboundID)
			if err != nil || done[it.ID] {
				continue
			}
			k, ok := truth[m.MessageID]
			if !ok {
				continue
			}
			done[it.ID] = true
			if _, err := engine.UpdateRequest(ctx, s.client, "foidesk", it.WorkflowID, workflows.UpdateConfirmKind,
				workflows.KindInput{InboundID: it.InboundID, Kind: k, By: "desk"}); err != nil && ctx.Err() == nil {
				t.Logf("desk: %s: %v", m.MessageID, err)
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// rerun starts document's DocumentWorkflow again as foidesk reprocess
// does, and returns the run's outcome; refused says a run is still going
// and the start must be refused.
func rerun(t *testing.T, ctx context.Context, s *stack, document int64, refused bool) *workflows.DocumentStatus {
	t.Helper()
	docs, err := s.store.RequestDocuments(ctx, document)
	if err != nil || len(docs) != 1 {
		t.Fatalf("requests of document %d: %v, %v", document, docs, err)
	}
	opts, in := engine.RerunDocument(docs[0], "foidesk")
	run, err := s.client.ExecuteWorkflow(ctx, opts, workflows.DocumentWorkflow, in)
	var running *serviceerror.WorkflowExecutionAlreadyStarted
	if refused {
		if !errors.As(err, &running) {
			t.Errorf("rerunning document %d while it waits: %v, want WorkflowExecutionAlreadyStarted", document, err)
		}
		return nil
	}
	if err != nil {
		t.Fatalf("rerun document %d: %v", document, err)
	}
	var out workflows.DocumentStatus
	if err := run.Get(ctx, &out); err != nil {
		t.Fatalf("rerun document %d: %v", document, err)
	}
	return &out
}

func count(t *testing.T, s *stack, q string, args ...any) int {
	t.Helper()
	var n int
	if err := dbtest.SQL(t, s.store).QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
