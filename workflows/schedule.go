package workflows

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/foi"
)

// YearlyInput is what a campaign's yearly schedule starts with: the spec as
// written for its first year.
type YearlyInput struct {
	Spec     campaign.Spec `json:"spec"`
	BaseYear int           `json:"base_year"`
}

// YearlyCampaignWorkflow is started by a campaign's Temporal Schedule each
// year. It shifts the requested period by the years since the first run and
// runs that year's CampaignWorkflow as a child, so each year's run has its
// own ID (campaign/<slug>/<year>) and its own history.
func YearlyCampaignWorkflow(ctx workflow.Context, in YearlyInput) (*CampaignSummary, error) {
	year := calendar.DateOf(workflow.Now(ctx)).Year()
	spec := in.Spec
	spec.Period = spec.Period.Shift(year - in.BaseYear)
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            foi.CampaignWorkflowID(spec.Slug, year),
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		StaticSummary:         yearlyRunSummary(spec.Title, year, spec.Period.Label()),
		WorkflowRunTimeout:    0,
		WorkflowTaskTimeout:   10 * time.Second,
	})
	var sum CampaignSummary
	if err := workflow.ExecuteChildWorkflow(cctx, CampaignWorkflow, CampaignInput{Spec: spec, Year: year}).Get(ctx, &sum); err != nil {
		return nil, fmt.Errorf("campaign %s %d: %w", spec.Slug, year, err)
	}
	return &sum, nil
}
