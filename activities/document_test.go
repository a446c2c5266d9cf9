package activities

import (
	"context"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The same bytes came first from one force as export.htm and then from
// another as figures.csv: processing them for the second reads them as the
// CSV its message named, and its figures cite that name.
func TestProcessDocumentReadsTheRequestsOwnFilename(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	must(t, st.UpsertForces(ctx, []store.Force{
		{Slug: "durham", Name: "Durham Constabulary", ShortName: "Durham", Category: "territorial", Regime: "foia", Domains: []string{}},
		{Slug: "kent", Name: "Kent Police", ShortName: "Kent", Category: "territorial", Regime: "foia", Domains: []string{}},
	}))
	spec := `{"dataset": {"measure": {"name": "community_resolutions", "unit": "count"},
		"dimensions": [{"name": "period", "kind": "period"}, {"name": "nationality", "kind": "nationality"}],
		"periods": {"from": 2022, "to": 2023, "kind": "calendar"}}}`
	_, ids, err := st.CreateCampaign(ctx, store.Campaign{Slug: "cro", Year: 2025, Title: "CRO", Spec: []byte(spec),
		WorkflowID: "campaign/cro/2025"}, []store.NewRequest{
		{ForceSlug: "durham", WorkflowID: "request/cro/2025/durham", Token: "cro-2025/durham"},
		{ForceSlug: "kent", WorkflowID: "request/cro/2025/kent", Token: "cro-2025/kent"},
	})
	must(t, err)
	data := []byte("Nationality,2022,2023\nPolish,12,7\nRomanian,3,4\n")
	var doc int64
	msgs := map[string]int64{}
	for i, f := range []struct{ slug, name string }{{"durham", "export.htm"}, {"kent", "figures.csv"}} {
		var inbound int64
		must(t, dbtest.SQL(t, st).QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw)
			VALUES ('INBOX', 1, $1, sha256($2::bytea), $2::bytea) RETURNING id`, i+1, []byte(f.slug)).Scan(&inbound))
		docs, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: f.name, ContentType: "application/octet-stream",
			Data: data, Path: f.name}})
		must(t, err)
		doc, msgs[f.slug] = docs[0], inbound
	}
	a := &Activities{Store: st}
	in := DocumentInput{RequestID: ids["kent"], DocumentID: doc, WorkflowID: "document/kent", InboundID: msgs["kent"],
		Filename: "figures.csv", Approve: true}
	must(t, a.AttachDocument(ctx, in))
	out, err := a.ProcessDocument(ctx, in)
	must(t, err)
	if out.Status != "loaded" || out.Inserted != 4 {
		t.Fatalf("processing Kent's figures.csv: %+v, want 4 figures loaded", out)
	}
	var cited string
	must(t, dbtest.SQL(t, st).QueryRow(ctx, `SELECT DISTINCT coalesce(rd.filename, d.filename) FROM observations o
		JOIN request_documents rd ON rd.request_id = o.request_id AND rd.document_id = o.document_id
		JOIN documents d ON d.id = o.document_id WHERE o.request_id = $1`, ids["kent"]).Scan(&cited))
	if cited != "figures.csv" {
		t.Errorf("Kent's figures cite %q, want figures.csv", cited)
	}
}
