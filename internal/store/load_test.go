package store_test

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/store"
)

// seedRequest makes a campaign with one request to Durham and one stored
// document, returning their ids.
func seedRequest(t testing.TB, st *store.Store) (campaignID, requestID, documentID int64) {
	t.Helper()
	ctx := context.Background()
	cid, rid := dbtest.DurhamRequest(t, st)
	var inbound int64
	if err := st.Pool().QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw)
		VALUES ('INBOX', 1, 1, sha256('x'::bytea), 'x') RETURNING id`).Scan(&inbound); err != nil {
		t.Fatal(err)
	}
	docs, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: "a.csv", ContentType: "text/csv", Data: []byte("a,b\n1,2\n"), Path: "a.csv"}})
	if err != nil {
		t.Fatal(err)
	}
	// Saving the same bytes again (another message, same attachment) keeps one document.
	again, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: "copy.csv", ContentType: "text/csv", Data: []byte("a,b\n1,2\n"), Path: "copy.csv"}})
	if err != nil || again[0] != docs[0] {
		t.Fatalf("same bytes stored as document %v (first %d), err %v", again, docs[0], err)
	}
	if _, err := st.Pool().Exec(ctx, `INSERT INTO request_documents (request_id, document_id, inbound_id, workflow_id)
		VALUES ($1, $2, $3, 'document/x')`, rid, docs[0], inbound); err != nil {
		t.Fatal(err)
	}
	return cid, rid, docs[0]
}

func obs(row, col int, nat string, v *float64, flag string) store.Observation {
	return store.Observation{TableIndex: 1, Row: row, Col: col, CellRef: "B2", Period: "2023",
		Dimensions: map[string]string{"nationality": nat}, Measure: "count", Value: v, Flag: flag, Raw: "x", Confidence: 0.9}
}

func f(v float64) *float64 { return &v }

func count(t *testing.T, st *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := st.Pool().QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLoadDocumentIsIdempotentAndAtomic(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	cid, rid, did := seedRequest(t, st)
	in := store.LoadInput{CampaignID: cid, RequestID: rid, ForceSlug: "durham", DocumentID: did,
		Tables: []store.ExtractedTable{{Index: 1, Method: "csv", NRows: 3, NCols: 2, Confidence: 0.9, Cells: []byte(`[]`)}},
		Observations: []store.Observation{
			obs(1, 1, "POL", f(12), ""), obs(2, 1, "ROU", nil, "suppressed"), obs(3, 1, "ALB", f(0), ""),
		}}
	res, err := st.LoadDocument(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 3 || res.Updated != 0 || res.Deleted != 0 {
		t.Errorf("first load %+v, want 3 inserted", res)
	}
	// The same load again changes nothing.
	if res, err = st.LoadDocument(ctx, in); err != nil || res != (store.LoadResult{}) {
		t.Errorf("second load %+v, %v; want no change", res, err)
	}
	if n := count(t, st, `SELECT count(*) FROM observations`); n != 3 {
		t.Errorf("%d observations after two loads, want 3", n)
	}
	if n := count(t, st, `SELECT count(*) FROM observations WHERE value = 0`); n != 1 {
		t.Errorf("%d zero values, want 1: a suppressed cell must never become 0", n)
	}

	// A failure in the middle — the third staged row breaks the
	// value-or-flag check at the merge — leaves the earlier load intact.
	bad := in
	bad.Observations = []store.Observation{obs(1, 1, "POL", f(99), ""), obs(4, 1, "GRC", f(5), ""), obs(5, 1, "ESP", nil, "")}
	if _, err := st.LoadDocument(ctx, bad); err == nil {
		t.Fatal("a load with an observation lacking both value and flag succeeded")
	}
	if n := count(t, st, `SELECT count(*) FROM observations WHERE value = 12 AND dimensions->>'nationality' = 'POL'`); n != 1 {
		t.Error("the failed load changed an earlier observation")
	}
	if n := count(t, st, `SELECT count(*) FROM observations`); n != 3 {
		t.Errorf("%d observations after a failed load, want 3", n)
	}

	// Reprocessing after a fix replaces the document's rows atomically:
	// one changed, one gone, one new.
	fixed := in
	fixed.Observations = []store.Observation{obs(1, 1, "POL", f(13), ""), obs(3, 1, "ALB", f(0), ""), obs(4, 1, "GRC", f(5), "")}
	res, err = st.LoadDocument(ctx, fixed)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 1 || res.Updated != 1 || res.Deleted != 1 {
		t.Errorf("reload %+v, want 1 inserted, 1 updated, 1 deleted", res)
	}
	if n := count(t, st, `SELECT count(*) FROM request_documents WHERE status = 'loaded'`); n != 1 {
		t.Error("request_documents not marked loaded")
	}
}

// Provenance is enforced by the database: an observation citing a document
// that is not its request's is refused, and a cited document record cannot
// be deleted.
func TestObservationProvenanceEnforced(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	cid, rid, did := seedRequest(t, st)
	_, err := st.LoadDocument(ctx, store.LoadInput{CampaignID: cid, RequestID: rid, ForceSlug: "durham", DocumentID: did + 1000,
		Observations: []store.Observation{obs(1, 1, "POL", f(1), "")}})
	if err == nil || !strings.Contains(err.Error(), "not a document of that request") {
		t.Errorf("load citing an unknown document: %v, want a provenance error", err)
	}
	if _, err := st.LoadDocument(ctx, store.LoadInput{CampaignID: cid, RequestID: rid, ForceSlug: "durham", DocumentID: did,
		Observations: []store.Observation{obs(1, 1, "POL", f(1), "")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `DELETE FROM request_documents`); err == nil {
		t.Error("deleted a document record that observations cite")
	}
}

// The COPY stream carries any text a document can hold — tabs, newlines,
// backslashes, a literal \N, a line of \. — and every value exactly.
func TestLoadDocumentRoundTripsAwkwardText(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	cid, rid, did := seedRequest(t, st)
	raws := []string{"a\tb", "line1\nline2", `C:\path\N`, `\N`, `\.`, "cr\r\nlf", "Zürich ≤5 ‘quoted’", `back\\slash`, ""}
	values := []float64{0.1, 12.5, -3, 1e15, 123456789.125, 0, 2.675, 1e-7, 7}
	in := store.LoadInput{CampaignID: cid, RequestID: rid, ForceSlug: "durham", DocumentID: did}
	for i, raw := range raws {
		o := obs(i+1, 1, `na\t"me`+"\t", f(values[i]), "")
		o.Raw, o.Sheet, o.CellRef = raw, "Sheet\t"+raw, raw
		in.Observations = append(in.Observations, o)
	}
	in.Observations[0].Value, in.Observations[0].Flag = nil, "suppressed\n<5"
	if _, err := st.LoadDocument(ctx, in); err != nil {
		t.Fatal(err)
	}
	rows, err := st.Pool().Query(ctx, `SELECT row_index, raw_text, sheet, cell_ref, value::text, coalesce(flag, ''),
			dimensions->>'nationality' FROM observations ORDER BY row_index`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var row int
		var raw, sheet, ref, flag, nat string
		var value *string
		if err := rows.Scan(&row, &raw, &sheet, &ref, &value, &flag, &nat); err != nil {
			t.Fatal(err)
		}
		i := row - 1
		n++
		if raw != raws[i] || sheet != "Sheet\t"+raws[i] || ref != raws[i] {
			t.Errorf("row %d: raw %q sheet %q ref %q, want %q", row, raw, sheet, ref, raws[i])
		}
		if nat != `na\t"me`+"\t" {
			t.Errorf("row %d: dimension %q", row, nat)
		}
		if i == 0 {
			if value != nil || flag != "suppressed\n<5" {
				t.Errorf("row 1: value %v flag %q, want NULL and the flag", value, flag)
			}
			continue
		}
		if want := strconv.FormatFloat(values[i], 'f', -1, 64); value == nil || *value != want {
			t.Errorf("row %d: value %v, want exactly %s", row, value, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(raws) {
		t.Errorf("%d rows read back, want %d", n, len(raws))
	}
}

// What PostgreSQL cannot store is refused with the cell named, and nothing
// of the load is kept.
func TestLoadDocumentRefusesUnstorableText(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	cid, rid, did := seedRequest(t, st)
	for name, tc := range map[string]struct {
		edit func(*store.Observation)
		want string
	}{
		"NUL in raw text":     {func(o *store.Observation) { o.Raw = "12\x00" }, "raw text: text contains a NUL byte"},
		"bad UTF-8 in period": {func(o *store.Observation) { o.Period = "20\xff23" }, "period: text is not valid UTF-8"},
		"NUL in a dimension":  {func(o *store.Observation) { o.Dimensions = map[string]string{"nationality": "P\x00L"} }, "dimensions: dimension \"nationality\""},
		"infinite value":      {func(o *store.Observation) { v := math.Inf(1); o.Value = &v }, "value: not a finite number"},
		"NaN confidence":      {func(o *store.Observation) { o.Confidence = math.NaN() }, "confidence: not a finite number"},
	} {
		t.Run(name, func(t *testing.T) {
			in := store.LoadInput{CampaignID: cid, RequestID: rid, ForceSlug: "durham", DocumentID: did}
			// Enough good rows first that the bad one is encoded after the
			// stream has started.
			for i := range 5000 {
				in.Observations = append(in.Observations, obs(i+1, 1, "POL", f(1), ""))
			}
			bad := obs(9999, 2, "POL", f(1), "")
			bad.CellRef = "C10000"
			tc.edit(&bad)
			in.Observations = append(in.Observations, bad)
			_, err := st.LoadDocument(ctx, in)
			if err == nil || !strings.Contains(err.Error(), "table 1 C10000 (row 9999, column 2): "+tc.want) {
				t.Errorf("error %v, want one naming the cell and %q", err, tc.want)
			}
			if n := count(t, st, `SELECT count(*) FROM observations`); n != 0 {
				t.Errorf("%d observations kept from a refused load", n)
			}
		})
	}
}

// The campaign and force written beside each observation must be its
// request's own.
func TestObservationCopiesMatchTheirRequest(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	cid, rid, did := seedRequest(t, st)
	for _, in := range []store.LoadInput{
		{CampaignID: cid + 1, RequestID: rid, ForceSlug: "durham", DocumentID: did},
		{CampaignID: cid, RequestID: rid, ForceSlug: "cleveland", DocumentID: did},
	} {
		in.Observations = []store.Observation{obs(1, 1, "POL", f(1), "")}
		_, err := st.LoadDocument(ctx, in)
		if err == nil || !strings.Contains(err.Error(), "which are not that request's") {
			t.Errorf("campaign %d force %s: %v, want a provenance error", in.CampaignID, in.ForceSlug, err)
		}
	}
}
