package workflows

import (
	"fmt"
	"sort"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/foidesk/foidesk/activities"
	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/foi"
)

// CampaignInput starts a CampaignWorkflow.
type CampaignInput struct {
	Spec campaign.Spec `json:"spec"`
	Year int           `json:"year"`
	// CloseAfter passes to each request (0: the request's default).
	CloseAfter int `json:"close_after,omitempty"`
}

// OverdueForce is a line of the campaign status's overdue list.
type OverdueForce struct {
	Force              string        `json:"force"`
	ForceName          string        `json:"force_name"`
	State              foi.State     `json:"state"`
	Due                calendar.Date `json:"due"`
	WorkingDaysOverdue int           `json:"working_days_overdue"`
	ChasersSent        int           `json:"chasers_sent"`
}

// CampaignStatus answers QueryStatus on a CampaignWorkflow.
type CampaignStatus struct {
	Slug     string            `json:"slug"`
	Year     int               `json:"year"`
	Title    string            `json:"title"`
	Today    calendar.Date     `json:"today"`
	Total    int               `json:"total"`
	Finished int               `json:"finished"`
	ByState  map[foi.State]int `json:"by_state"`
	Overdue  []OverdueForce    `json:"overdue"`
	Requests []RequestState    `json:"requests"`
}

// CampaignSummary is a finished campaign run's result, also stored in the
// campaigns table.
type CampaignSummary struct {
	Slug        string            `json:"slug"`
	Year        int               `json:"year"`
	Total       int               `json:"total"`
	ByState     map[foi.State]int `json:"by_state"`
	Unanswered  []string          `json:"unanswered,omitempty"`
	ChasersSent int               `json:"chasers_sent"`
	Results     []RequestResult   `json:"results"`
	StartedAt   time.Time         `json:"started_at"`
	FinishedAt  time.Time         `json:"finished_at"` // campaign time
}

// CampaignWorkflow sends a campaign's request to every target force, one
// RequestWorkflow each, and follows them all to their end.
func CampaignWorkflow(ctx workflow.Context, in CampaignInput) (*CampaignSummary, error) {
	info := workflow.GetInfo(ctx)
	clock := Clock{Origin: workflow.Now(ctx), Scale: in.Spec.TimeScale}
	actx := workflow.WithActivityOptions(ctx, activityOptions)

	var created activities.CreateCampaignResult
	err := workflow.ExecuteActivity(actx, (*activities.Activities).CreateCampaign, activities.CreateCampaignInput{
		Spec: in.Spec, Year: in.Year, WorkflowID: info.WorkflowExecution.ID,
		ClockOrigin: clock.Origin, ClockScale: clock.Scale,
	}).Get(ctx, &created)
	if err != nil {
		return nil, fmt.Errorf("create campaign: %w", err)
	}

	states := map[string]*RequestState{}
	order := make([]string, 0, len(created.Targets))
	for _, t := range created.Targets {
		states[t.Force.Slug] = &RequestState{Force: t.Force.Slug, ForceName: t.Force.Name, State: foi.StateDraft}
		order = append(order, t.Force.Slug)
	}
	results := map[string]*RequestResult{}
	status := func() CampaignStatus {
		return campaignStatus(in, clock.Today(ctx), order, states, len(results))
	}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (CampaignStatus, error) { return status(), nil }); err != nil {
		return nil, err
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx,
		AttrCampaign.ValueSet(in.Spec.Slug), AttrState.ValueSet(string(foi.CampaignRunning))); err != nil {
		return nil, err
	}

	stateCh := workflow.GetSignalChannel(ctx, SignalRequestState)
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(stateCh, func(c workflow.ReceiveChannel, _ bool) {
		var st RequestState
		c.Receive(ctx, &st)
		if cur, ok := states[st.Force]; ok && !st.LastEventAt.Before(cur.LastEventAt) {
			*cur = st
		}
	})
	for _, t := range created.Targets {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            t.WorkflowID,
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
			StaticSummary:         requestRunSummary(t.Force.Name, in.Spec.Title, in.Year),
			TypedSearchAttributes: temporal.NewSearchAttributes(
				AttrCampaign.ValueSet(in.Spec.Slug), AttrForce.ValueSet(t.Force.Slug), AttrState.ValueSet(string(foi.StateDraft))),
		})
		ref := CampaignRef{ID: created.CampaignID, Slug: in.Spec.Slug, Year: in.Year, Title: in.Spec.Title}
		child := workflow.ExecuteChildWorkflow(cctx, RequestWorkflow, newRequestInput(ref, in.Spec, t, in.CloseAfter, clock))
		slug := t.Force.Slug
		sel.AddFuture(child, func(f workflow.Future) {
			var res RequestResult
			if err := f.Get(ctx, &res); err != nil {
				workflow.GetLogger(ctx).Error("request workflow failed", "force", slug, "error", err)
				res = RequestResult{Force: slug, State: states[slug].State}
			}
			results[slug] = &res
			states[slug].State, states[slug].Closed = res.State, res.Unanswered
		})
	}
	for len(results) < len(created.Targets) {
		sel.Select(ctx)
	}
	// Drain state signals already delivered so the final status is complete.
	for sel.HasPending() {
		sel.Select(ctx)
	}

	summary := CampaignSummary{Slug: in.Spec.Slug, Year: in.Year, Total: len(order), ByState: map[foi.State]int{},
		StartedAt: clock.Origin, FinishedAt: clock.Now(ctx)}
	for _, slug := range order {
		res := results[slug]
		summary.Results = append(summary.Results, *res)
		summary.ByState[res.State]++
		summary.ChasersSent += res.ChasersSent
		if res.Unanswered {
			summary.Unanswered = append(summary.Unanswered, slug)
		}
	}
	// The activity takes the summary as raw JSON: the SDK's converter
	// writes it once, with no encoding in workflow code.
	if err := workflow.ExecuteActivity(actx, (*activities.Activities).CompleteCampaign, created.CampaignID, summary).Get(ctx, nil); err != nil {
		return nil, fmt.Errorf("complete campaign: %w", err)
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, AttrState.ValueSet(string(foi.CampaignCompleted))); err != nil {
		return nil, err
	}
	return &summary, nil
}

// newRequestInput is the input of a campaign's request to one force.
func newRequestInput(ref CampaignRef, spec campaign.Spec, t activities.Target, closeAfter int, clock Clock) RequestInput {
	return RequestInput{
		Campaign:      ref,
		Target:        t,
		Subject:       spec.Subject,
		Body:          spec.Body,
		Period:        spec.Period.Label(),
		Requester:     spec.Requester,
		Ladder:        spec.Chase.Ladder,
		SendRegulator: spec.Chase.SendRegulator,
		ChasingPaused: spec.Chase.Paused,
		CloseAfter:    closeAfter,
		Clock:         clock,
	}
}

func campaignStatus(in CampaignInput, today calendar.Date, order []string, states map[string]*RequestState, finished int) CampaignStatus {
	st := CampaignStatus{Slug: in.Spec.Slug, Year: in.Year, Title: in.Spec.Title, Today: today,
		Total: len(order), Finished: finished, ByState: map[foi.State]int{}}
	for _, slug := range order {
		rs := *states[slug]
		st.ByState[rs.State]++
		if rs.Due != nil && !rs.State.Final() && today.After(*rs.Due) {
			n := 0
			for _, d := range rs.WorkingDays {
				if d.After(today) {
					break
				}
				n++
			}
			st.Overdue = append(st.Overdue, OverdueForce{Force: rs.Force, ForceName: rs.ForceName, State: rs.State,
				Due: *rs.Due, WorkingDaysOverdue: n, ChasersSent: rs.ChasersSent})
		}
		rs.WorkingDays = nil
		st.Requests = append(st.Requests, rs)
	}
	sort.SliceStable(st.Overdue, func(i, j int) bool {
		return st.Overdue[i].WorkingDaysOverdue > st.Overdue[j].WorkingDaysOverdue
	})
	return st
}
