package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/workflows"
)

// The CLI's board speaks the dashboard's words: a request closed
// unanswered says so, with its complaint, and events read as words.
func TestPrintBoardLabels(t *testing.T) {
	var out bytes.Buffer
	a := &app{stdout: &out}
	printBoard(a, &workflows.CampaignStatus{Slug: "cro", Year: 2025, Title: "CRO", Total: 2, Finished: 2,
		Requests: []workflows.RequestState{
			{ForceName: "Durham Constabulary", State: foi.StateRegulator, LastEvent: "closed_unanswered",
				Label: foi.Condition{State: foi.StateRegulator, Closed: true, Complaint: foi.OutboundDrafted}.Label()},
			{ForceName: "Kent Police", State: foi.StateDataLoaded, LastEvent: "data_loaded"},
		}})
	for _, want := range []string{"2 of 2 finished", "closed unanswered — complaint drafted", "answered, figures loaded", "figures loaded"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("board lacks %q:\n%s", want, out.String())
		}
	}
}
