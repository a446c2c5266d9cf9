package engine

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/workflows"
)

// RequestClient is the part of a Temporal client that UpdateRequest uses.
type RequestClient interface {
	ExecuteWorkflow(ctx context.Context, options client.StartWorkflowOptions, workflow any, args ...any) (client.WorkflowRun, error)
	UpdateWorkflow(ctx context.Context, options client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error)
}

// UpdateRequest sends an operator's Update to a request and returns its
// status after it. A request whose run has ended (closed unanswered,
// answered, withdrawn) is reopened first: a new run under the same ID
// carries on from the database and takes the Update, so that a desk can
// still note, mark answered or correct a reply's kind months later.
func UpdateRequest(ctx context.Context, c RequestClient, taskQueue, workflowID, name string, arg any) (*workflows.RequestStatus, error) {
	st, err := updateRequest(ctx, c, workflowID, name, arg)
	if !isFinished(err) {
		return st, err
	}
	_, err = c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflowID,
		TaskQueue:                taskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		StaticSummary:            "reopened: " + workflows.MarkdownText(name),
	}, workflows.RequestWorkflow, workflows.RequestInput{Reopen: &workflows.Reopen{WorkflowID: workflowID, Reason: name + " by an operator"}})
	if err != nil {
		return nil, fmt.Errorf("reopen %s: %w", workflowID, err)
	}
	return updateRequest(ctx, c, workflowID, name, arg)
}

func updateRequest(ctx context.Context, c RequestClient, workflowID, name string, arg any) (*workflows.RequestStatus, error) {
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return nil, err
	}
	var st workflows.RequestStatus
	if err := h.Get(ctx, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// isFinished reports whether err says the workflow has no running run.
func isFinished(err error) bool {
	var nf *serviceerror.NotFound
	return err != nil && errors.As(err, &nf)
}
