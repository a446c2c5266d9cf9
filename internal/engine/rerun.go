package engine

import (
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

// RerunDocument gives what starts a document's processing again after a
// fix (a vocabulary entry, Tesseract or LibreOffice installed): a new run
// of its DocumentWorkflow under the same ID, refused while a run is going
// (one waiting in review takes a review decision instead). The new run
// replaces the document's rows in one transaction; its request, told
// again, keeps the state it has.
func RerunDocument(d store.RequestDocument, taskQueue string) (client.StartWorkflowOptions, workflows.DocumentInput) {
	return client.StartWorkflowOptions{
			ID:                       d.WorkflowID,
			TaskQueue:                taskQueue,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
			// Without it the client hands back the running run as if started.
			WorkflowExecutionErrorWhenAlreadyStarted: true,
			StaticSummary:                            workflows.RerunSummary(d.Filename),
		}, workflows.DocumentInput{RequestID: d.RequestID, RequestWorkflowID: d.RequestWorkflowID,
			Document: activities.DocumentRef{ID: d.DocumentID, SHA256: d.SHA256, Filename: d.Filename, InboundID: d.InboundID}}
}
