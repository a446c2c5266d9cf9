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
	return UpdateRequestID(ctx, c, taskQueue, workflowID, "", name, arg)
}

// UpdateRequestID is UpdateRequest with the Update's ID: the same ID sent
// twice (a form posted twice) is one Update. "" lets Temporal choose.
func UpdateRequestID(ctx context.Context, c RequestClient, taskQueue, workflowID, updateID, name string, arg any) (*workflows.RequestStatus, error) {
	st, err := updateRequest(ctx, c, workflowID, updateID, name, arg)
	if !isFinished(err) {
		return st, err
	}
	if err := ReopenRequest(ctx, c, taskQueue, workflowID, name+" by an operator"); err != nil {
		return nil, err
	}
	return updateRequest(ctx, c, workflowID, updateID, name, arg)
}

// ReopenRequest starts a new run of a request whose run has ended: it
// carries on from the database, takes what it is sent, and ends a campaign
// day after the last thing it handled. A request whose run is going is
// left as it is.
func ReopenRequest(ctx context.Context, c RequestClient, taskQueue, workflowID, reason string) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflowID,
		TaskQueue:                taskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		StaticSummary:            "reopened: " + workflows.MarkdownText(reason),
	}, workflows.RequestWorkflow, workflows.RequestInput{Reopen: &workflows.Reopen{WorkflowID: workflowID, Reason: reason}})
	if err != nil {
		return fmt.Errorf("reopen %s: %w", workflowID, err)
	}
	return nil
}

func updateRequest(ctx context.Context, c RequestClient, workflowID, updateID, name string, arg any) (*workflows.RequestStatus, error) {
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		UpdateID: updateID, WorkflowID: workflowID, UpdateName: name, Args: []any{arg},
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
