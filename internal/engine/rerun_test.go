package engine

import (
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/foidesk/foidesk/internal/store"
	"github.com/foidesk/foidesk/workflows"
)

func TestRerunDocument(t *testing.T) {
	d := store.RequestDocument{RequestID: 7, RequestWorkflowID: "request/cro/2025/durham",
		WorkflowID: "document/cro/2025/durham/aa", DocumentID: 11, SHA256: "aa", Filename: "[x](y).csv", InboundID: 3}
	opts, in := RerunDocument(d, "foidesk")
	if opts.ID != d.WorkflowID || opts.TaskQueue != "foidesk" || !opts.WorkflowExecutionErrorWhenAlreadyStarted ||
		opts.WorkflowIDReusePolicy != enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE ||
		opts.WorkflowIDConflictPolicy != enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL {
		t.Errorf("options %+v", opts)
	}
	if opts.StaticSummary != workflows.RerunSummary(d.Filename) || opts.StaticSummary != `rerun: \[x\]\(y\)\.csv` {
		t.Errorf("summary %q", opts.StaticSummary)
	}
	if in.RequestID != 7 || in.RequestWorkflowID != d.RequestWorkflowID || in.Document.ID != 11 || in.Document.SHA256 != "aa" ||
		in.Document.Filename != d.Filename || in.Document.InboundID != 3 {
		t.Errorf("input %+v", in)
	}
}
