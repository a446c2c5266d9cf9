package workflows

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
)

// TestReplayRecordedHistories replays histories recorded from real runs on
// a Temporal server against the current workflow code: the campaign's and
// requests' from e2e's lifecycle test, the inbox reopening a request with
// its reply and the run it reopened from e2e's inbox test (both with
// UPDATE_HISTORIES=1), and the inbox_INBOX_undelivered-* ones from staged
// runs on the development server, a reply its request never took, before
// and after undelivered-to-triage. A failure here means a change would
// break running workflows: guard it with workflow.GetVersion instead.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded histories in testdata/histories")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			Register(r)
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatal(err)
			}
		})
	}
}
