package workflows

import "go.temporal.io/sdk/worker"

// Register registers every foidesk workflow with a worker.
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflow(CampaignWorkflow)
	r.RegisterWorkflow(RequestWorkflow)
	r.RegisterWorkflow(YearlyCampaignWorkflow)
}
