package workflows

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/foi"
)

// historyEvent is the part of a recorded history event this test reads.
type historyEvent struct {
	EventID   json.Number `json:"eventId"`
	EventType string      `json:"eventType"`
	// The attributes, under the one key of the event's type.
	ActivityScheduled *struct {
		ActivityType struct{ Name string } `json:"activityType"`
		Input        payloads              `json:"input"`
	} `json:"activityTaskScheduledEventAttributes"`
	ActivityCompleted *struct {
		ScheduledEventID json.Number `json:"scheduledEventId"`
		Result           payloads    `json:"result"`
	} `json:"activityTaskCompletedEventAttributes"`
	Signaled *struct {
		SignalName string   `json:"signalName"`
		Input      payloads `json:"input"`
	} `json:"workflowExecutionSignaledEventAttributes"`
	SignalInitiated *struct {
		SignalName string   `json:"signalName"`
		Input      payloads `json:"input"`
	} `json:"signalExternalWorkflowExecutionInitiatedEventAttributes"`
	Started *struct {
		WorkflowType struct{ Name string } `json:"workflowType"`
		Input        payloads              `json:"input"`
	} `json:"workflowExecutionStartedEventAttributes"`
	Completed *struct {
		Result payloads `json:"result"`
	} `json:"workflowExecutionCompletedEventAttributes"`
	ChildInitiated *struct {
		WorkflowType struct{ Name string } `json:"workflowType"`
		Input        payloads              `json:"input"`
	} `json:"startChildWorkflowExecutionInitiatedEventAttributes"`
	ChildCompleted *struct {
		WorkflowType struct{ Name string } `json:"workflowType"`
		Result       payloads              `json:"result"`
	} `json:"childWorkflowExecutionCompletedEventAttributes"`
	Upsert *struct {
		SearchAttributes struct {
			IndexedFields map[string]payload `json:"indexedFields"`
		} `json:"searchAttributes"`
	} `json:"upsertWorkflowSearchAttributesEventAttributes"`
}

type payload struct {
	Data []byte `json:"data"` // base64 in the file
}

type payloads struct {
	Payloads []payload `json:"payloads"`
}

// TestRecordedPayloadsKeepTheirEncoding decodes every payload of the
// recorded histories into the type the code now uses for it and encodes
// it again: the bytes must be the same, or a running workflow would see
// other data (or fail to decode it) after an upgrade.
func TestRecordedPayloadsKeepTheirEncoding(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no histories: %v", err)
	}
	activityIn := map[string]func() any{
		"CreateCampaign":     func() any { return &activities.CreateCampaignInput{} },
		"PlanDeadlines":      func() any { return &activities.PlanInput{} },
		"RecordEvent":        func() any { return &activities.RequestEvent{} },
		"SendEmail":          func() any { return &activities.SendInput{} },
		"SyncMailbox":        func() any { return &activities.SyncInput{} },
		"ProcessInbound":     func() any { return new(int64) },
		"ReturnToTriage":     func() any { return &activities.UndeliveredInput{} },
		"AssignInbound":      func() any { return &activities.AssignInput{} },
		"LoadRequest":        func() any { return new(string) },
		"OpenReplyReview":    func() any { return &activities.ReplyReviewInput{} },
		"ResolveReplyReview": func() any { return &activities.KindDecision{} },
	}
	activityOut := map[string]func() any{
		"CreateCampaign":     func() any { return &activities.CreateCampaignResult{} },
		"PlanDeadlines":      func() any { return &activities.Plan{} },
		"SendEmail":          func() any { return &activities.SendResult{} },
		"SyncMailbox":        func() any { return &activities.SyncOutput{} },
		"ProcessInbound":     func() any { return &activities.ProcessOutput{} },
		"ReturnToTriage":     func() any { return new(bool) },
		"AssignInbound":      func() any { return &activities.ProcessOutput{} },
		"LoadRequest":        func() any { return &activities.RequestSnapshot{} },
		"ResolveReplyReview": func() any { return new(foi.ReplyReviewStatus) },
	}
	signals := map[string]func() any{
		SignalRequestState: func() any { return &RequestState{} },
		SignalReply:        func() any { return &Reply{} },
		SignalDocumentDone: func() any { return &DocumentDone{} },
	}
	workflowIn := map[string]func() any{
		"CampaignWorkflow": func() any { return &CampaignInput{} },
		"RequestWorkflow":  func() any { return &RequestInput{} },
		"InboxWorkflow":    func() any { return &InboxInput{} },
		"DocumentWorkflow": func() any { return &DocumentInput{} },
	}
	workflowOut := map[string]func() any{
		"CampaignWorkflow": func() any { return &CampaignSummary{} },
		"RequestWorkflow":  func() any { return &RequestResult{} },
		"DocumentWorkflow": func() any { return &DocumentStatus{} },
	}
	checked := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var h struct {
			Events []historyEvent `json:"events"`
		}
		if err := json.Unmarshal(b, &h); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := filepath.Base(f)
		roundTrip := func(what string, p payload, v any) {
			t.Helper()
			if err := json.Unmarshal(p.Data, v); err != nil {
				t.Errorf("%s: %s: decode into %T: %v", name, what, v, err)
				return
			}
			got, err := json.Marshal(v)
			if err != nil {
				t.Errorf("%s: %s: encode %T: %v", name, what, v, err)
				return
			}
			if !bytes.Equal(got, p.Data) && !sameJSON(got, p.Data) {
				t.Errorf("%s: %s: %T encodes as\n%s\nrecorded\n%s", name, what, v, got, p.Data)
			}
			checked[reflect.TypeOf(v).Elem().String()]++
		}
		scheduled := map[string]string{}
		workflowType := ""
		for _, e := range h.Events {
			switch {
			case e.ActivityScheduled != nil:
				act := e.ActivityScheduled.ActivityType.Name
				scheduled[e.EventID.String()] = act
				in := e.ActivityScheduled.Input.Payloads
				if act == "CompleteCampaign" && len(in) == 2 {
					roundTrip(act, in[1], &CampaignSummary{})
				} else if nv, ok := activityIn[act]; ok && len(in) == 1 {
					roundTrip(act, in[0], nv())
				} else {
					t.Errorf("%s: activity %s with %d inputs: add it to this test", name, act, len(in))
				}
			case e.ActivityCompleted != nil:
				act := scheduled[e.ActivityCompleted.ScheduledEventID.String()]
				for _, p := range e.ActivityCompleted.Result.Payloads {
					if nv, ok := activityOut[act]; ok {
						roundTrip(act+" result", p, nv())
					} else {
						t.Errorf("%s: result of activity %q: add it to this test", name, act)
					}
				}
			case e.Signaled != nil || e.SignalInitiated != nil:
				sig, in := "", []payload(nil)
				if e.Signaled != nil {
					sig, in = e.Signaled.SignalName, e.Signaled.Input.Payloads
				} else {
					sig, in = e.SignalInitiated.SignalName, e.SignalInitiated.Input.Payloads
				}
				for _, p := range in {
					if nv, ok := signals[sig]; ok {
						roundTrip("signal "+sig, p, nv())
					} else {
						t.Errorf("%s: signal %q: add it to this test", name, sig)
					}
				}
			case e.Started != nil:
				workflowType = e.Started.WorkflowType.Name
				for _, p := range e.Started.Input.Payloads {
					roundTrip(workflowType+" input", p, workflowIn[workflowType]())
				}
			case e.Completed != nil:
				for _, p := range e.Completed.Result.Payloads {
					roundTrip(workflowType+" result", p, workflowOut[workflowType]())
				}
			case e.ChildInitiated != nil:
				for _, p := range e.ChildInitiated.Input.Payloads {
					roundTrip("child input", p, workflowIn[e.ChildInitiated.WorkflowType.Name]())
				}
			case e.ChildCompleted != nil:
				for _, p := range e.ChildCompleted.Result.Payloads {
					roundTrip("child result", p, workflowOut[e.ChildCompleted.WorkflowType.Name]())
				}
			case e.Upsert != nil:
				// FoiState holds a request's state or a campaign's status.
				if p, ok := e.Upsert.SearchAttributes.IndexedFields[AttrState.GetName()]; ok {
					var v string
					if err := json.Unmarshal(p.Data, &v); err != nil {
						t.Errorf("%s: %s: %v", name, AttrState.GetName(), err)
					} else if !foi.State(v).Valid() && v != string(foi.CampaignRunning) && v != string(foi.CampaignCompleted) {
						t.Errorf("%s: %s = %q, neither a state nor a campaign status", name, AttrState.GetName(), v)
					}
					checked["search attribute"]++
				}
			}
		}
	}
	for _, typ := range []string{"activities.RequestEvent", "activities.PlanInput", "activities.SendInput",
		"activities.SendResult", "activities.Plan", "workflows.RequestState", "workflows.RequestInput", "workflows.RequestResult",
		"workflows.CampaignSummary", "search attribute",
		"workflows.InboxInput", "activities.ProcessOutput", "activities.UndeliveredInput"} {
		if checked[typ] == 0 {
			t.Errorf("no recorded %s checked", typ)
		}
	}
	t.Logf("payloads checked: %v", checked)
}

// sameJSON reports whether two encodings hold the same data: a map's keys
// (an event's detail) may come in another order than the struct they were
// recorded from had its fields.
func sameJSON(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}
