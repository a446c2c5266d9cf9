package dataset_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/match"
	"github.com/foidesk/foidesk/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Two forces send byte-identical spreadsheets under different names: the
// bytes are stored once, and each request's figures cite its own message,
// filename and force.
func TestIdenticalFilesFromTwoForcesCiteTheirOwnMessage(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	must(t, st.UpsertForces(ctx, []store.Force{
		{Slug: "durham", Name: "Durham Constabulary", ShortName: "Durham", Category: "territorial", Regime: "foia", Domains: []string{}},
		{Slug: "cleveland", Name: "Cleveland Police", ShortName: "Cleveland", Category: "territorial", Regime: "foia", Domains: []string{}},
	}))
	cid, ids, err := st.CreateCampaign(ctx, store.Campaign{Slug: "cro", Year: 2025, Title: "CRO", Spec: []byte(`{}`),
		WorkflowID: "campaign/cro/2025"}, []store.NewRequest{
		{ForceSlug: "durham", WorkflowID: "request/cro/2025/durham", Token: "cro-2025/durham"},
		{ForceSlug: "cleveland", WorkflowID: "request/cro/2025/cleveland", Token: "cro-2025/cleveland"},
	})
	must(t, err)
	res, err := st.StoreMessages(ctx, "INBOX", store.Checkpoint{UIDValidity: 1, LastUID: 2}, []store.RawMessage{
		{UID: 1, MessageID: "durham-reply@durham.police.uk", Raw: []byte("durham's reply"), InternalDate: time.Now(),
			From: "foi@durham.police.uk", Subject: "FOI cro-2025/durham"},
		{UID: 2, MessageID: "cleveland-reply@cleveland.police.uk", Raw: []byte("cleveland's reply"), InternalDate: time.Now(),
			From: "foi@cleveland.police.uk", Subject: "FOI cro-2025/cleveland"},
	})
	must(t, err)
	durhamMsg, clevelandMsg := res.Stored[0], res.Stored[1]
	data := []byte("Nationality,2023\nPolish,12\n")
	durhamDocs, err := st.SaveDocuments(ctx, durhamMsg, []store.Document{
		{Filename: "durham-cro.csv", ContentType: "text/csv", Data: data, Path: "durham-cro.csv"}})
	must(t, err)
	clevelandDocs, err := st.SaveDocuments(ctx, clevelandMsg, []store.Document{
		{Filename: "table.csv", ContentType: "text/csv", Data: data, Path: "reply.zip/2023/table.csv"}})
	must(t, err)
	if durhamDocs[0] != clevelandDocs[0] {
		t.Fatalf("identical bytes stored as documents %d and %d, want one", durhamDocs[0], clevelandDocs[0])
	}
	doc := durhamDocs[0]
	for rid, msg := range map[int64]int64{ids["durham"]: durhamMsg, ids["cleveland"]: clevelandMsg} {
		_, err := st.DecideInbound(ctx, msg, store.InboundDecision{Status: "matched", Kind: "response",
			Matches: []match.Match{{Candidate: match.Candidate{RequestID: rid}, Method: foi.MatchToken}}})
		must(t, err)
	}
	// Durham's reference names its message and filename; Cleveland's is an
	// older payload without them, found from the request's matched message.
	must(t, st.AttachDocument(ctx, ids["durham"], doc, "document/durham", store.DocumentSource{InboundID: durhamMsg, Filename: "durham-cro.csv"}))
	must(t, st.AttachDocument(ctx, ids["cleveland"], doc, "document/cleveland", store.DocumentSource{}))
	// Attaching again changes nothing.
	must(t, st.AttachDocument(ctx, ids["cleveland"], doc, "document/cleveland", store.DocumentSource{}))

	var nDocs, nReqDocs int
	must(t, dbtest.SQL(t, st).QueryRow(ctx, `SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM request_documents)`).Scan(&nDocs, &nReqDocs))
	if nDocs != 1 || nReqDocs != 2 {
		t.Fatalf("%d documents and %d request documents, want 1 and 2", nDocs, nReqDocs)
	}
	want := map[string]struct {
		msg        int64
		file, path string
	}{
		"durham":    {durhamMsg, "durham-cro.csv", "durham-cro.csv"},
		"cleveland": {clevelandMsg, "table.csv", "reply.zip/2023/table.csv"},
	}
	for force, w := range want {
		var msg int64
		var file, path string
		must(t, dbtest.SQL(t, st).QueryRow(ctx, `SELECT inbound_id, filename, path FROM request_documents
			WHERE request_id = $1 AND document_id = $2`, ids[force], doc).Scan(&msg, &file, &path))
		if msg != w.msg || file != w.file || path != w.path {
			t.Errorf("%s's request document: message %d, %q at %q; want message %d, %q at %q", force, msg, file, path, w.msg, w.file, w.path)
		}
		d, err := st.RequestDocument(ctx, ids[force], doc)
		must(t, err)
		var got bytes.Buffer
		_, err = st.WriteDocumentData(ctx, doc, &got)
		must(t, err)
		if d.Filename != w.file || got.String() != string(data) || d.Size != int64(len(data)) {
			t.Errorf("%s's document read as %q (%d bytes, size %d), want %q", force, d.Filename, got.Len(), d.Size, w.file)
		}
	}
	mdocs, err := st.MessageDocuments(ctx, clevelandMsg)
	must(t, err)
	if len(mdocs) != 1 || mdocs[0].Filename != "table.csv" {
		t.Errorf("Cleveland's message carries %+v, want table.csv", mdocs)
	}
	rdocs, err := st.RequestDocuments(ctx, doc)
	must(t, err)
	for _, rd := range rdocs {
		force := strings.TrimPrefix(rd.RequestWorkflowID, "request/cro/2025/")
		if rd.Filename != want[force].file || rd.InboundID != want[force].msg {
			t.Errorf("RequestDocuments: %s has %q from message %d, want %q from %d", force, rd.Filename, rd.InboundID,
				want[force].file, want[force].msg)
		}
	}

	// Each force's figure, and Cleveland's table in review.
	for force, v := range map[string]float64{"durham": 12, "cleveland": 12} {
		_, err := st.LoadDocument(ctx, store.LoadInput{CampaignID: cid, RequestID: ids[force], ForceSlug: force, DocumentID: doc,
			Observations: []store.Observation{{TableIndex: 1, Row: 1, Col: 1, CellRef: "B2", Period: "2023",
				Dimensions: map[string]string{"nationality": "POL"}, Measure: "count", Value: &v, Raw: "12", Confidence: 1}}})
		must(t, err)
	}
	_, err = st.OpenReview(ctx, store.ReviewItem{RequestID: ids["cleveland"], DocumentID: doc, TableIndex: 2,
		WorkflowID: "document/cleveland", Reasons: []string{"unsure"}})
	must(t, err)
	reviews, err := st.Reviews(ctx, "open", 10)
	must(t, err)
	if len(reviews) != 1 || reviews[0].Filename != "table.csv" {
		t.Errorf("review queue shows %+v, want Cleveland's table.csv", reviews)
	}

	d, err := dataset.Load(ctx, st, "cro", 2025)
	must(t, err)
	if len(d.Rows) != 2 {
		t.Fatalf("%d rows exported, want 2", len(d.Rows))
	}
	for _, r := range d.Rows {
		w := want[r.Force]
		if r.Document != w.file || r.DocumentID != doc {
			t.Errorf("%s's figure cites %q (document %d), want %q", r.Force, r.Document, r.DocumentID, w.file)
		}
		if !strings.HasPrefix(r.Source(), w.file+",") {
			t.Errorf("%s's source %q does not name %s", r.Force, r.Source(), w.file)
		}
	}
	var csv strings.Builder
	must(t, d.WriteCSV(&csv))
	for force, w := range want {
		line := ""
		for _, l := range strings.Split(csv.String(), "\n") {
			if strings.HasPrefix(l, force+",") {
				line = l
			}
		}
		if !strings.Contains(line, w.file+", table 1, cell B2") {
			t.Errorf("CSV row of %s %q does not cite %s", force, line, w.file)
		}
	}
	if t.Failed() {
		fmt.Println(csv.String())
	}
}
