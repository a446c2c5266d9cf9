package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/examples"
	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/config"
	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/devstack"
	"github.com/foidesk/foidesk/internal/devstack/devstacktest"
	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/workflows"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// A reopened run's status replaces what an ended campaign last heard, with
// the counts and the overdue list after it; a run the campaign heard from
// before it ended changes nothing.
func TestApplyReopened(t *testing.T) {
	due := calendar.NewDate(2025, time.March, 3)
	end := time.Date(2025, time.June, 2, 9, 0, 0, 0, time.UTC)
	st := &workflows.CampaignStatus{Slug: "cro", Year: 2025, Today: calendar.NewDate(2025, time.June, 2), Total: 3, Finished: 3,
		ByState: map[foi.State]int{foi.StateRegulator: 2, foi.StateDataLoaded: 1},
		Overdue: []workflows.OverdueForce{
			{Force: "durham", State: foi.StateRegulator, Due: due, WorkingDaysOverdue: 60},
			{Force: "kent", State: foi.StateRegulator, Due: due, WorkingDaysOverdue: 60},
		},
		Requests: []workflows.RequestState{
			{Force: "durham", State: foi.StateRegulator, Due: &due, LastEvent: "closed_unanswered", LastEventAt: end, Label: "closed unanswered — complaint drafted"},
			{Force: "kent", State: foi.StateRegulator, Due: &due, LastEvent: "closed_unanswered", LastEventAt: end, Label: "closed unanswered — complaint drafted"},
			{Force: "essex", State: foi.StateDataLoaded, LastEvent: "data_loaded", LastEventAt: end},
		}}
	later := end.Add(30 * 24 * time.Hour)
	fresh := []*workflows.RequestStatus{
		// Reopened and marked answered after the campaign ended.
		{Force: "durham", State: foi.StateAnswered, Due: &due, Today: calendar.DateOf(later), Label: "answered",
			Timeline: []workflows.TimelineEntry{{At: later.Add(-time.Hour), Kind: "reopened"}, {At: later, Kind: "marked_answered"}}},
		// Reopened before the end, and heard: older than what the campaign has.
		{Force: "kent", State: foi.StateChased, Label: "chased",
			Timeline: []workflows.TimelineEntry{{At: end.Add(-time.Hour), Kind: "note"}}},
		nil,
	}
	applyReopened(st, fresh)
	r := st.Requests[0]
	if r.State != foi.StateAnswered || r.Label != "answered" || r.LastEvent != "marked_answered" || !r.LastEventAt.Equal(later) {
		t.Errorf("reopened request: %+v", r)
	}
	if st.Requests[1].State != foi.StateRegulator || st.Requests[1].Label != "closed unanswered — complaint drafted" {
		t.Errorf("a run heard before the end changed the status: %+v", st.Requests[1])
	}
	if st.ByState[foi.StateAnswered] != 1 || st.ByState[foi.StateRegulator] != 1 || st.ByState[foi.StateDataLoaded] != 1 {
		t.Errorf("by state %v", st.ByState)
	}
	if len(st.Overdue) != 1 || st.Overdue[0].Force != "kent" {
		t.Errorf("overdue %+v, want kent only", st.Overdue)
	}
	if st.Finished != 3 || st.Today != calendar.DateOf(later) {
		t.Errorf("finished %d, today %s", st.Finished, st.Today)
	}

	// A reopened request that is live again (a reply's kind corrected
	// back to an acknowledgement) is no longer finished.
	fresh = []*workflows.RequestStatus{nil, nil, {Force: "essex", State: foi.StateAcknowledged, Label: "acknowledged",
		Timeline: []workflows.TimelineEntry{{At: later.Add(time.Hour), Kind: "kind_corrected"}}}}
	applyReopened(st, fresh)
	if st.Finished != 2 || st.Requests[2].State != foi.StateAcknowledged {
		t.Errorf("finished %d, essex %+v", st.Finished, st.Requests[2])
	}
}

// campaign status on a campaign whose run has ended shows a request
// reopened since as it stands now, not as the campaign last heard it: on
// a real Temporal, with a real worker and database, a one-force campaign
// closes its request unanswered; the desk then marks it answered (which
// reopens it); the campaign's own status still says closed unanswered, and
// campaign status says answered.
func TestCampaignStatusAfterReopen(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	st := dbtest.DB(t)
	tp, tc := devTemporal(ctx, t)
	log := slog.New(slog.DiscardHandler)
	cfg, err := config.Load(func(k string) string {
		if k == "FOIDESK_FROM_ADDRESS" {
			return "foi-desk@newsroom.example"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	acts, err := newActivities(cfg, st, log)
	if err != nil {
		t.Fatal(err)
	}
	w := worker.New(tc, cfg.TemporalTaskQueue, worker.Options{
		Interceptors: []interceptor.WorkerInterceptor{activities.HeartbeatInterceptor()}})
	workflows.Register(w)
	w.RegisterActivity(acts)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	spec, err := campaign.Parse(bytes.NewReader(examples.CROForeignNationals))
	if err != nil {
		t.Fatal(err)
	}
	const force = "durham"
	// Twenty campaign days a second: the ladder runs out and the request
	// closes in a few seconds.
	spec.Slug, spec.Targets, spec.TimeScale = "status-reopen", []string{force}, 20*86400
	year := calendar.DateOf(time.Now()).Year()
	campaignID := foi.CampaignWorkflowID(spec.Slug, year)
	wr, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: campaignID, TaskQueue: cfg.TemporalTaskQueue},
		workflows.CampaignWorkflow, workflows.CampaignInput{Spec: *spec, Year: year, CloseAfter: 1})
	if err != nil {
		t.Fatal(err)
	}
	var sum workflows.CampaignSummary
	if err := wr.Get(ctx, &sum); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(sum.Unanswered, force) {
		t.Fatalf("the campaign ended with %+v, want %s closed unanswered", sum.Results, force)
	}

	cli := func(args ...string) string { t.Helper(); return runTemporalCLI(ctx, t, tp.Addr, args...) }
	status := func() workflows.CampaignStatus {
		t.Helper()
		var s workflows.CampaignStatus
		out := cli("campaign", "status", spec.Slug, "--year", strconv.Itoa(year), "--json")
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return s
	}
	before := status()
	if len(before.Requests) != 1 || !strings.HasPrefix(before.Requests[0].Label, "closed unanswered") || len(before.Overdue) != 1 {
		t.Fatalf("status before reopening: %+v", before)
	}

	wid := foi.RequestWorkflowID(spec.Slug, year, force)
	if _, err := engine.UpdateRequest(ctx, tc, cfg.TemporalTaskQueue, wid, workflows.UpdateMarkAnswered,
		workflows.MarkAnsweredInput{Note: "answered by post", By: "desk"}); err != nil {
		t.Fatal(err)
	}
	// The campaign's own answer is what it heard before it ended.
	v, err := tc.QueryWorkflow(ctx, campaignID, "", workflows.QueryStatus)
	if err != nil {
		t.Fatal(err)
	}
	var stale workflows.CampaignStatus
	if err := v.Get(&stale); err != nil {
		t.Fatal(err)
	}
	if stale.Requests[0].State == foi.StateAnswered {
		t.Fatal("the ended campaign heard of the reopened run: this test no longer tests anything")
	}

	after := status()
	r := after.Requests[0]
	if r.State != foi.StateAnswered || r.Label != "answered" || r.LastEvent != "marked_answered" {
		t.Errorf("status after marking answered: %+v", r)
	}
	if after.ByState[foi.StateAnswered] != 1 || len(after.Overdue) != 0 || after.Finished != 1 {
		t.Errorf("counts after marking answered: by state %v, overdue %+v, finished %d", after.ByState, after.Overdue, after.Finished)
	}
	if board := cli("campaign", "status", spec.Slug, "--year", strconv.Itoa(year)); !strings.Contains(board, "answered") ||
		strings.Contains(board, "closed unanswered") {
		t.Errorf("the CLI's board:\n%s", board)
	}
	// The database, which the dashboard's board reads, agrees.
	var state string
	if err := dbtest.SQL(t, st).QueryRow(ctx, `SELECT state FROM requests WHERE workflow_id = $1`, wid).Scan(&state); err != nil {
		t.Fatal(err)
	}
	if foi.State(state) != r.State {
		t.Errorf("database says %s, CLI %s", state, r.State)
	}
}

// A worker started on a namespace that lacks a search attribute foidesk's
// workflows set (FoiCondition, after an upgrade) registers what is missing
// before it polls, rather than let every request stall on setting it.
func TestWorkerRegistersMissingSearchAttributes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Temporal")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, tc := devTemporal(ctx, t)
	log := slog.New(slog.DiscardHandler)
	const ns = "older"
	if _, err := tc.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: ns, WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var missing []string
	var err error
	for i := 0; ; i++ {
		if missing, err = engine.MissingSearchAttributes(ctx, tc, ns); err == nil {
			break
		}
		if i == 100 {
			t.Fatalf("the new namespace: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !slices.Contains(missing, workflows.AttrCondition.GetName()) || len(missing) != len(workflows.SearchAttributes) {
		t.Fatalf("a bare namespace lacks %v, want all of %v", missing, workflows.SearchAttributes)
	}
	if err := checkSearchAttributes(ctx, &config.Config{TemporalNamespace: ns}, tc, log); err != nil {
		t.Fatal(err)
	}
	if missing, err := engine.MissingSearchAttributes(ctx, tc, ns); err != nil || len(missing) != 0 {
		t.Errorf("after the worker's check the namespace lacks %v (%v)", missing, err)
	}
}

// devTemporal starts Temporal's development server and a client of it,
// both stopped when the test ends.
func devTemporal(ctx context.Context, t *testing.T) (*devstack.Temporal, client.Client) {
	t.Helper()
	tp, err := devstack.StartTemporal(ctx, &devstack.TemporalOptions{Binary: devstacktest.Binary(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tp.Stop)
	tc, err := engine.Dial(ctx, engine.Options{Address: tp.Addr, Namespace: tp.Namespace, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	return tp, tc
}

// runTemporalCLI runs foidesk with args in-process against the Temporal server at
// temporalAddr, and returns what it printed; a non-zero exit fails the
// test.
func runTemporalCLI(ctx context.Context, t *testing.T, temporalAddr string, args ...string) string {
	t.Helper()
	var b bytes.Buffer
	a := &app{stdout: &b, stderr: &b, getenv: func(k string) string {
		switch k {
		case "TEMPORAL_ADDRESS":
			return temporalAddr
		case "FOIDESK_LOG_LEVEL":
			return "error"
		}
		return ""
	}}
	if code := run(ctx, args, a); code != 0 {
		t.Fatalf("foidesk %s: exit %d\n%s", strings.Join(args, " "), code, b.String())
	}
	return b.String()
}
