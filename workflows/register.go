package workflows

// Registry is what workflows are registered with: a worker.Worker or a
// worker.WorkflowReplayer.
type Registry interface {
	RegisterWorkflow(w any)
}

// Register registers every foidesk workflow.
func Register(r Registry) {
	r.RegisterWorkflow(CampaignWorkflow)
	r.RegisterWorkflow(RequestWorkflow)
	r.RegisterWorkflow(YearlyCampaignWorkflow)
	r.RegisterWorkflow(InboxWorkflow)
	r.RegisterWorkflow(DocumentWorkflow)
}
