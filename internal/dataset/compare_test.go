package dataset_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/store"
)

// seedRun records a campaign run whose forces each gave one figure per
// period and nationality: figures[force][period] is split between POL and
// ROU as given.
func seedRun(t *testing.T, st *store.Store, year int, figures map[string]map[string][2]float64) {
	t.Helper()
	ctx := context.Background()
	var forces []store.Force
	var reqs []store.NewRequest
	for slug := range figures {
		forces = append(forces, store.Force{Slug: slug, Name: slug + " Police", ShortName: slug, Category: "territorial",
			Regime: "foia", Domains: []string{}})
		reqs = append(reqs, store.NewRequest{ForceSlug: slug, WorkflowID: foi.RequestWorkflowID("cro", year, slug),
			Token: foi.RequestToken("cro", year, slug)})
	}
	must(t, st.UpsertForces(ctx, forces))
	cid, ids, err := st.CreateCampaign(ctx, store.Campaign{Slug: "cro", Year: year, Title: "CRO", Spec: []byte(`{}`),
		WorkflowID: foi.CampaignWorkflowID("cro", year)}, reqs)
	must(t, err)
	uid := 0
	for slug, periods := range figures {
		var inbound int64
		uid++
		must(t, dbtest.SQL(t, st).QueryRow(ctx, `INSERT INTO inbound_messages (mailbox, uid_validity, uid, sha256, raw)
			VALUES ('INBOX', $1, $2, sha256($3::bytea), $3::bytea) RETURNING id`, year, uid, []byte(fmt.Sprint(year, slug))).Scan(&inbound))
		docs, err := st.SaveDocuments(ctx, inbound, []store.Document{{Filename: slug + ".csv", ContentType: "text/csv",
			Data: []byte(fmt.Sprint(year, slug)), Path: slug + ".csv"}})
		must(t, err)
		must(t, st.AttachDocument(ctx, ids[slug], docs[0], fmt.Sprintf("document/%d/%s", year, slug), store.DocumentSource{}))
		var obs []store.Observation
		row := 0
		for period, v := range periods {
			for i, nat := range []string{"POL", "ROU"} {
				val := v[i]
				obs = append(obs, store.Observation{TableIndex: 1, Row: row, Col: i, CellRef: "B2", Period: period,
					Dimensions: map[string]string{"nationality": nat}, Measure: "count", Value: &val, Raw: "x", Confidence: 1})
			}
			row++
		}
		_, err = st.LoadDocument(ctx, store.LoadInput{CampaignID: cid, RequestID: ids[slug], ForceSlug: slug,
			DocumentID: docs[0], Observations: obs})
		must(t, err)
	}
}

func TestCompareRuns(t *testing.T) {
	st := dbtest.DB(t)
	seedRun(t, st, 2024, map[string]map[string][2]float64{
		"durham": {"2022": {10, 10}, "2023": {5, 5}},
		"kent":   {"2022": {40, 0}, "2023": {20, 20}},
		"essex":  {"2023": {3, 4}},
	})
	seedRun(t, st, 2025, map[string]map[string][2]float64{
		"durham": {"2023": {6, 6}, "2024": {15, 15}},
		"kent":   {"2023": {20, 20}, "2024": {10, 10}},
		"dorset": {"2024": {1, 1}},
	})
	c, err := dataset.CompareRuns(t.Context(), st, "cro", 2024, 2025, "")
	must(t, err)
	byForce := map[string]dataset.Change{}
	for _, f := range c.Forces {
		byForce[f.Force] = f
	}
	d := byForce["durham"]
	if *d.Before != 30 || *d.After != 42 || *d.Change != 12 || *d.Percent != 40 {
		t.Errorf("durham %+v, want 30 → 42, +12, +40%%", d)
	}
	if k := byForce["kent"]; *k.Before != 80 || *k.After != 60 || *k.Percent != -25 {
		t.Errorf("kent %+v, want 80 → 60, -25%%", k)
	}
	if c.Both != 2 || c.TotalBefore != 110 || c.TotalAfter != 102 {
		t.Errorf("like for like: %d forces, %v → %v; want 2, 110 → 102", c.Both, c.TotalBefore, c.TotalAfter)
	}
	if len(c.OnlyBefore) != 1 || c.OnlyBefore[0] != "essex" || len(c.OnlyAfter) != 1 || c.OnlyAfter[0] != "dorset" {
		t.Errorf("only before %v, only after %v", c.OnlyBefore, c.OnlyAfter)
	}

	// The period both runs asked about, alone.
	c, err = dataset.CompareRuns(t.Context(), st, "cro", 2024, 2025, "2023")
	must(t, err)
	for _, f := range c.Forces {
		if f.Force == "durham" && (*f.Before != 10 || *f.After != 12) {
			t.Errorf("durham in 2023: %v → %v, want 10 → 12", *f.Before, *f.After)
		}
	}
	if len(c.OnlyBefore) != 1 || c.OnlyBefore[0] != "essex" || len(c.OnlyAfter) != 0 {
		t.Errorf("2023 only: before %v, after %v", c.OnlyBefore, c.OnlyAfter)
	}

	_, err = dataset.CompareRuns(t.Context(), st, "cro", 2023, 2025, "")
	var missing *dataset.ErrNoCampaign
	if !errors.As(err, &missing) || missing.Year != 2023 {
		t.Errorf("missing run: %v", err)
	}
}
