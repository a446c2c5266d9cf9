package dbtest

import (
	"context"
	"testing"

	"github.com/foidesk/foidesk/internal/store"
)

// DurhamRequest makes Durham Constabulary and a campaign, cro/2025, with
// one request to it (request/cro/2025/durham), and returns the campaign's
// and the request's ids.
func DurhamRequest(t testing.TB, st *store.Store) (campaignID, requestID int64) {
	t.Helper()
	ctx := context.Background()
	if err := st.UpsertForces(ctx, []store.Force{{Slug: "durham", Name: "Durham Constabulary", ShortName: "Durham",
		Category: "territorial", Regime: "foia", FOIEmail: "foi@durham.police.uk", Domains: []string{"durham.police.uk"}}}); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	cid, ids, err := st.CreateCampaign(ctx, store.Campaign{Slug: "cro", Year: 2025, Title: "CRO", Spec: []byte(`{}`),
		WorkflowID: "campaign/cro/2025"}, []store.NewRequest{{ForceSlug: "durham", WorkflowID: "request/cro/2025/durham", Token: "cro-2025/durham"}})
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return cid, ids["durham"]
}
