package web

import (
	"context"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/store"
)

// Two forces sent the same bytes under different names: each force's page
// shows the document as its own message named it.
func TestForcePageNamesTheRequestsOwnFile(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	var forces []store.Force
	var reqs []store.NewRequest
	for _, slug := range []string{"durham", "kent"} {
		forces = append(forces, store.Force{Slug: slug, Name: slug + " Police", ShortName: slug, Category: "territorial",
			Regime: "foia", Domains: []string{}})
		reqs = append(reqs, store.NewRequest{ForceSlug: slug, WorkflowID: "request/cro/2025/" + slug, Token: "cro-2025/" + slug})
	}
	must(t, st.UpsertForces(ctx, forces))
	cid, ids, err := st.CreateCampaign(ctx, store.Campaign{Slug: "cro", Year: 2025, Title: "CRO", Spec: []byte(`{}`),
		WorkflowID: "campaign/cro/2025"}, reqs)
	must(t, err)
	names := map[string]string{"durham": "durham-figures.csv", "kent": "kent-foi-1234.csv"}
	for i, slug := range []string{"durham", "kent"} {
		var inbound int64
		must(t, dbtest.SQL(t, st).QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw)
			VALUES ('INBOX', 1, $1, sha256($2::bytea), $2::bytea) RETURNING id`, i+1, []byte(slug)).Scan(&inbound))
		docs, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: names[slug], ContentType: "text/csv",
			Data: []byte("Nationality,2023\nPolish,3\n"), Path: "attachments/" + names[slug]}})
		must(t, err)
		must(t, st.AttachDocument(ctx, ids[slug], docs[0], "document/"+slug,
			store.DocumentSource{InboundID: inbound, Filename: names[slug]}))
		v := 3.0
		_, err = st.LoadDocument(ctx, store.LoadInput{CampaignID: cid, RequestID: ids[slug], ForceSlug: slug, DocumentID: docs[0],
			Observations: []store.Observation{{TableIndex: 1, Row: 1, Col: 1, CellRef: "B2", Period: "2023",
				Dimensions: map[string]string{"nationality": "POL"}, Measure: "count", Value: &v, Raw: "3", Confidence: 1}}})
		must(t, err)
	}
	h := newHandler(t, st, nil)
	for slug, name := range names {
		body := get(t, h, "/campaigns/cro/2025/forces/"+slug, 200)
		other := names["durham"]
		if slug == "durham" {
			other = names["kent"]
		}
		if !strings.Contains(body, name) || !strings.Contains(body, "attachments/"+name) || strings.Contains(body, other) {
			t.Errorf("%s's page does not name its own file %s alone:\n%s", slug, name, body)
		}
	}

	// A corrected file from Durham replaces its first answer's figure: the
	// first answer's document says why it has none.
	var inbound int64
	must(t, dbtest.SQL(t, st).QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw)
		VALUES ('INBOX', 1, 3, sha256('correction'::bytea), 'correction') RETURNING id`).Scan(&inbound))
	docs, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: "durham-corrected.csv", ContentType: "text/csv",
		Data: []byte("Nationality,2023\nPolish,4\n"), Path: "durham-corrected.csv"}})
	must(t, err)
	must(t, st.AttachDocument(ctx, ids["durham"], docs[0], "document/durham/2",
		store.DocumentSource{InboundID: inbound, Filename: "durham-corrected.csv"}))
	v := 4.0
	res, err := st.LoadDocument(ctx, store.LoadInput{CampaignID: cid, RequestID: ids["durham"], ForceSlug: "durham", DocumentID: docs[0],
		Observations: []store.Observation{{TableIndex: 1, Row: 1, Col: 1, CellRef: "B2", Period: "2023",
			Dimensions: map[string]string{"nationality": "POL"}, Measure: "count", Value: &v, Raw: "4", Confidence: 1}}})
	must(t, err)
	if res.Superseded != 1 {
		t.Errorf("correction: %+v, want the first answer's figure superseded", res)
	}
	body := get(t, h, "/campaigns/cro/2025/forces/durham", 200)
	if !strings.Contains(body, "status-superseded") || !strings.Contains(body, "replaced by a later document") {
		t.Errorf("Durham's page does not show its first answer superseded:\n%s", body)
	}
}
