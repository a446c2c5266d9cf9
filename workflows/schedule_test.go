package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/foidesk/foidesk/internal/campaign"
)

// A yearly re-run asks about the period shifted by the years since the
// first run, under its own year's workflow ID.
func TestYearlyRunShiftsThePeriod(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(YearlyCampaignWorkflow)
	env.RegisterWorkflow(CampaignWorkflow)
	env.SetStartTime(time.Date(2028, 1, 15, 9, 0, 0, 0, london))
	var got CampaignInput
	var gotID string
	env.OnWorkflow(CampaignWorkflow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in CampaignInput) (*CampaignSummary, error) {
			got, gotID = in, workflow.GetInfo(ctx).WorkflowExecution.ID
			return &CampaignSummary{Slug: in.Spec.Slug, Year: in.Year}, nil
		})
	spec := campaign.Spec{Slug: "cro", Title: "CRO", Period: campaign.Period{From: 2022, To: 2024, Kind: "calendar"}}
	env.ExecuteWorkflow(YearlyCampaignWorkflow, YearlyInput{Spec: spec, BaseYear: 2026})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if got.Year != 2028 || got.Spec.Period.From != 2024 || got.Spec.Period.To != 2026 || gotID != "campaign/cro/2028" {
		t.Errorf("child %s with year %d, period %s; want campaign/cro/2028 asking about 2024 to 2026", gotID, got.Year, got.Spec.Period.Label())
	}
}
