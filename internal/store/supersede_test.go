package store_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/match"
	"github.com/foidesk/foidesk/internal/store"
)

// replies stores n messages answering a request, each carrying one
// document of its own, and returns the documents in the order of the
// messages. Documents are saved in the reverse order, so that their ids
// run against the messages': the order of the messages must decide.
func replies(t *testing.T, st *store.Store, rid int64, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var msgs []store.RawMessage
	for i := range n {
		msgs = append(msgs, store.RawMessage{UID: uint32(100 + i), MessageID: fmt.Sprintf("reply%d@durham", i),
			Raw: []byte(fmt.Sprintf("reply %d", i)), InternalDate: time.Now(), From: "foi@durham.police.uk"})
	}
	res, err := st.StoreMessages(ctx, "INBOX", store.Checkpoint{UIDValidity: 1, LastUID: uint32(100 + n)}, msgs)
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]int64, n)
	for i := n - 1; i >= 0; i-- {
		msg := res.Stored[i]
		name := fmt.Sprintf("reply%d.csv", i)
		ids, err := st.SaveDocuments(ctx, msg, []store.Document{{Filename: name, ContentType: "text/csv",
			Data: []byte(name), Path: name}})
		if err != nil {
			t.Fatal(err)
		}
		docs[i] = ids[0]
		if _, err := st.DecideInbound(ctx, msg, store.InboundDecision{Status: "matched", Kind: "response",
			Matches: []match.Match{{Candidate: match.Candidate{RequestID: rid}, Method: foi.MatchToken}}}); err != nil {
			t.Fatal(err)
		}
		if err := st.AttachDocument(ctx, rid, ids[0], "document/"+name, store.DocumentSource{InboundID: msg, Filename: name}); err != nil {
			t.Fatal(err)
		}
	}
	return docs
}

// fig is a figure of 2021–2023 by nationality.
func fig(row int, period, nat string, v float64) store.Observation {
	return store.Observation{TableIndex: 1, Row: row, Col: 1, CellRef: fmt.Sprintf("B%d", row+1), Period: period,
		Dimensions: map[string]string{"nationality": nat}, Measure: "count", Value: &v, Raw: fmt.Sprint(v), Confidence: 1}
}

// figures lists a request's observations as "document period nat=value".
func figures(t *testing.T, st *store.Store, rid int64) []string {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(), `SELECT document_id, period, dimensions->>'nationality', value::float8, loaded_at
		FROM observations WHERE request_id = $1`, rid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var doc int64
		var period, nat string
		var v float64
		var at time.Time
		if err := rows.Scan(&doc, &period, &nat, &v, &at); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d %s %s=%g %s", doc, period, nat, v, at.Format(time.RFC3339Nano)))
	}
	sort.Strings(out)
	return out
}

func docStatus(t *testing.T, st *store.Store, rid, doc int64) string {
	t.Helper()
	var s string
	if err := st.Pool().QueryRow(context.Background(), `SELECT status FROM request_documents WHERE request_id = $1 AND document_id = $2`,
		rid, doc).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCorrectionSupersedesEarlierFigures(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	cid, rid, _ := seedRequest(t, st)
	docs := replies(t, st, rid, 2)
	first, correction := docs[0], docs[1]
	if correction > first {
		t.Fatalf("documents %d, %d: want the correction's id lower, so that the messages decide", first, correction)
	}
	load := func(doc int64, obs ...store.Observation) store.LoadResult {
		t.Helper()
		res, err := st.LoadDocument(ctx, store.LoadInput{CampaignID: cid, RequestID: rid, ForceSlug: "durham",
			DocumentID: doc, Observations: obs})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	firstFigures := []store.Observation{fig(1, "2021", "POL", 10), fig(2, "2021", "ROU", 4), fig(3, "2022", "POL", 11)}
	if res := load(first, firstFigures...); res.Inserted != 3 || res.Superseded != 0 {
		t.Errorf("first answer: %+v, want 3 inserted, none superseded", res)
	}
	// The correction restates 2021 and 2022 for POL and adds 2023.
	res := load(correction, fig(1, "2021", "POL", 12), fig(2, "2022", "POL", 11), fig(3, "2023", "POL", 9))
	if res.Inserted != 3 || res.Superseded != 2 || res.SupersededByNewer != 0 {
		t.Errorf("correction: %+v, want 3 inserted and 2 of the first answer superseded", res)
	}
	want := []string{
		fmt.Sprintf("%d 2021 POL=12", correction), fmt.Sprintf("%d 2021 ROU=4", first),
		fmt.Sprintf("%d 2022 POL=11", correction), fmt.Sprintf("%d 2023 POL=9", correction),
	}
	sort.Strings(want)
	got := figures(t, st, rid)
	if len(got) != len(want) {
		t.Fatalf("after the correction: %q, want %q", got, want)
	}
	for i := range want {
		if got[i][:len(want[i])] != want[i] {
			t.Errorf("after the correction: figure %d is %q, want %q", i, got[i], want[i])
		}
	}
	if s := docStatus(t, st, rid, first); s != "loaded" {
		t.Errorf("first answer, one figure left: status %s, want loaded", s)
	}

	// Reprocessing the first answer afterwards changes nothing.
	res = load(first, firstFigures...)
	if res.SupersededByNewer != 2 || res.Superseded != 0 {
		t.Errorf("reloading the first answer: %+v, want its 2 restated figures superseded again", res)
	}
	if again := figures(t, st, rid); fmt.Sprint(again) != fmt.Sprint(got) {
		t.Errorf("reloading the first answer changed the figures:\n%q\nwas\n%q", again, got)
	}
	// Nor does reloading the correction.
	if res := load(correction, fig(1, "2021", "POL", 12), fig(2, "2022", "POL", 11), fig(3, "2023", "POL", 9)); res != (store.LoadResult{}) {
		t.Errorf("reloading the correction: %+v, want nothing changed", res)
	}
	if again := figures(t, st, rid); fmt.Sprint(again) != fmt.Sprint(got) {
		t.Errorf("reloading the correction changed the figures:\n%q\nwas\n%q", again, got)
	}

	// A correction of every figure leaves the first answer superseded, and
	// says so.
	load(correction, fig(1, "2021", "POL", 12), fig(2, "2022", "POL", 11), fig(3, "2023", "POL", 9), fig(4, "2021", "ROU", 5))
	if s := docStatus(t, st, rid, first); s != "superseded" {
		t.Errorf("first answer, every figure replaced: status %s, want superseded", s)
	}
	if s := docStatus(t, st, rid, correction); s != "loaded" {
		t.Errorf("correction: status %s, want loaded", s)
	}
	if n := count(t, st, `SELECT count(*) FROM observations WHERE request_id = $1 AND document_id = $2`, rid, first); n != 0 {
		t.Errorf("first answer keeps %d figures, want none", n)
	}
	// Reloading it now keeps it superseded, with none of its figures back.
	if res := load(first, firstFigures...); res.Inserted != 3 || res.SupersededByNewer != 3 {
		t.Errorf("reloading the superseded answer: %+v, want 3 inserted and superseded again", res)
	}
	if s := docStatus(t, st, rid, first); s != "superseded" {
		t.Errorf("first answer reloaded: status %s, want superseded", s)
	}
	if n := count(t, st, `SELECT count(*) FROM observations WHERE request_id = $1`, rid); n != 4 {
		t.Errorf("request has %d figures, want the correction's 4", n)
	}
}

// Another request's figures for the same keys are not another document's
// of the same request: nothing is superseded across requests.
func TestSupersedeStaysWithinTheRequest(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	cid, rids := seedRequests(t, st, 2)
	for i, rid := range rids {
		docs, err := st.SaveDocuments(ctx, 1, []store.Document{{Filename: "a.csv", ContentType: "text/csv",
			Data: []byte(fmt.Sprint("answer of ", i)), Path: "a.csv"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.AttachDocument(ctx, rid, docs[0], fmt.Sprint("document/", i), store.DocumentSource{}); err != nil {
			t.Fatal(err)
		}
		res, err := st.LoadDocument(ctx, store.LoadInput{CampaignID: cid, RequestID: rid, ForceSlug: benchForce(i),
			DocumentID: docs[0], Observations: []store.Observation{fig(1, "2021", "POL", 10)}})
		if err != nil || res.Superseded+res.SupersededByNewer != 0 {
			t.Fatalf("request %d: %+v, %v; want nothing superseded", rid, res, err)
		}
	}
	if n := count(t, st, `SELECT count(*) FROM observations`); n != 2 {
		t.Errorf("%d figures, want one per request", n)
	}
}

// Two documents of a request loading at once end with one row per key,
// the later message's, whether first loads or reloads.
func TestConcurrentLoadsKeepOneRowPerKey(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	cid, rid, _ := seedRequest(t, st)
	docs := replies(t, st, rid, 2)
	const n = 5000
	input := func(doc int64, bump float64) store.LoadInput {
		in := store.LoadInput{CampaignID: cid, RequestID: rid, ForceSlug: "durham", DocumentID: doc}
		for i := range n {
			in.Observations = append(in.Observations, fig(i+1, fmt.Sprint(2000+i%20), fmt.Sprint("N", i/20), float64(i)+bump))
		}
		return in
	}
	for round, bump := range []float64{0, 0.5} { // first loads, then reloads with new values
		var wg sync.WaitGroup
		errs := make([]error, len(docs))
		results := make([]store.LoadResult, len(docs))
		start := make(chan struct{})
		for i, doc := range docs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				results[i], errs[i] = st.LoadDocument(ctx, input(doc, bump+float64(i)))
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, document %d: %v", round, docs[i], err)
			}
		}
		if dup := count(t, st, `SELECT count(*) FROM (SELECT period, dimensions, measure FROM observations
				WHERE request_id = $1 GROUP BY 1, 2, 3 HAVING count(*) > 1) d`, rid); dup != 0 {
			t.Errorf("round %d: %d keys with more than one row", round, dup)
		}
		if kept := count(t, st, `SELECT count(*) FROM observations WHERE request_id = $1 AND document_id = $2`, rid, docs[1]); kept != n {
			t.Errorf("round %d: the later reply keeps %d figures, want %d (results %+v)", round, kept, n, results)
		}
		if s := docStatus(t, st, rid, docs[0]); s != "superseded" {
			t.Errorf("round %d: the earlier reply is %s, want superseded", round, s)
		}
	}
}
