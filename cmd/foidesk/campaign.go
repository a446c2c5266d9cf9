package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/workflows"
)

func init() {
	yearFlag := func(fs *flag.FlagSet) {
		fs.Int("year", 0, "the campaign run's year (default: this year)")
	}
	register(&command{
		name:    "campaign",
		summary: "validate, start, watch, steer and schedule campaigns",
		subs: []*command{
			{
				name: "validate", summary: "check a campaign spec", usage: "FILE",
				help: "Parse and validate a campaign YAML file; every problem is reported with its line and field.",
				run: func(ctx context.Context, a *app, args []string) error {
					spec, err := loadSpec(args)
					if err != nil {
						return err
					}
					n, _ := targetCount(spec)
					fmt.Fprintf(a.stdout, "%s: valid — %q, %d forces, period %s, time scale %g\n",
						args[0], spec.Title, n, spec.Period.Label(), spec.TimeScale)
					return nil
				},
			},
			{
				name: "start", summary: "start a campaign run (idempotent)", usage: "FILE [--year Y]",
				help: `Start the campaign's run for a year: one request to each target force,
tracked and chased by its own workflow. Starting a run that is already
running (or has finished) says so and changes nothing.`,
				flags: yearFlag,
				run: func(ctx context.Context, a *app, args []string) error {
					spec, err := loadSpec(args)
					if err != nil {
						return err
					}
					year := a.year()
					tc, err := a.temporal(ctx)
					if err != nil {
						return err
					}
					defer tc.Close()
					return startCampaign(ctx, a, tc, spec, year)
				},
			},
			{
				name: "status", summary: "show a campaign run's board", usage: "SLUG [--year Y] [--json]",
				flags: func(fs *flag.FlagSet) {
					yearFlag(fs)
					fs.Bool("json", false, "print JSON")
				},
				run: func(ctx context.Context, a *app, args []string) error {
					if len(args) != 1 {
						return usageErrorf("campaign status takes one SLUG")
					}
					tc, err := a.temporal(ctx)
					if err != nil {
						return err
					}
					defer tc.Close()
					st, err := campaignStatus(ctx, tc, args[0], a.year())
					if err != nil {
						return err
					}
					if a.flagBool("json") {
						enc := json.NewEncoder(a.stdout)
						enc.SetIndent("", "  ")
						return enc.Encode(st)
					}
					printBoard(a, st)
					return nil
				},
			},
			{
				name: "update", summary: "act on one force's request", usage: "SLUG FORCE ACTION [--text T] [--year Y]",
				help: `Operator actions on one request:
  withdraw              withdraw the request (--text gives the reason)
  pause | resume        pause or resume chasing
  clarify               answer the force's request for clarification (--text)
  answered              mark answered by hand (--text notes how)
  note                  add a note to the timeline (--text)
  complaint             send the complaint to the regulator as written
                        (--subject, and --text for its text)
  reopen                start a new run of a finished request (--text why)
  resend                send a request letter the mail server refused again
                        (--to a corrected address, --text why)
A request whose run has ended (closed unanswered, answered, refused) is
reopened to take the action; a withdrawn one records it.`,
				flags: func(fs *flag.FlagSet) {
					yearFlag(fs)
					fs.String("text", "", "the reason, clarification, note or complaint")
					fs.String("subject", "", "the complaint's subject")
					fs.String("to", "", "resend: the force's corrected address")
					fs.String("by", os.Getenv("USER"), "who is acting, for the audit trail")
				},
				run: func(ctx context.Context, a *app, args []string) error {
					if len(args) != 3 {
						return usageErrorf("campaign update takes SLUG FORCE ACTION")
					}
					name, arg, err := updateFor(args[2], a.flagString("text"), a.flagString("by"))
					switch args[2] {
					case "complaint":
						name, arg, err = workflows.UpdateSendComplaint, workflows.ComplaintInput{
							Subject: a.flagString("subject"), Body: a.flagString("text"), By: a.flagString("by")}, nil
					case "resend":
						name, arg, err = workflows.UpdateResendRequest, workflows.ResendInput{
							To: a.flagString("to"), Reason: a.flagString("text"), By: a.flagString("by")}, nil
					}
					if err != nil && args[2] != "reopen" {
						return err
					}
					tc, err := a.temporal(ctx)
					if err != nil {
						return err
					}
					defer tc.Close()
					cfg, err := a.config()
					if err != nil {
						return err
					}
					id := foi.RequestWorkflowID(args[0], a.year(), args[1])
					if args[2] == "reopen" {
						reason := "by " + a.flagString("by")
						if t := a.flagString("text"); t != "" {
							reason += ": " + t
						}
						if err := engine.ReopenRequest(ctx, tc, cfg.TemporalTaskQueue, id, reason); err != nil {
							return err
						}
						fmt.Fprintf(a.stdout, "%s: reopened\n", id)
						return nil
					}
					// A request whose run has ended is reopened to take it.
					st, err := engine.UpdateRequest(ctx, tc, cfg.TemporalTaskQueue, id, name, arg)
					if err != nil {
						return fmt.Errorf("%s on %s: %w", args[2], id, err)
					}
					fmt.Fprintf(a.stdout, "%s: %s\n", st.ForceName, statusLabel(st.Label, st.State))
					return nil
				},
			},
			{
				name: "schedule", summary: "create or update the yearly re-run", usage: "FILE [--year Y]",
				help: `Create (or update) a Temporal Schedule that starts the campaign again every
year on the spec's schedule date (default: today's date) at 09:00 UK time,
asking about the period shifted by the years since --year (default this year).`,
				flags: yearFlag,
				run: func(ctx context.Context, a *app, args []string) error {
					spec, err := loadSpec(args)
					if err != nil {
						return err
					}
					tc, err := a.temporal(ctx)
					if err != nil {
						return err
					}
					defer tc.Close()
					return scheduleCampaign(ctx, a, tc, spec, a.year())
				},
			},
		},
	})
}

func loadSpec(args []string) (*campaign.Spec, error) {
	if len(args) != 1 {
		return nil, usageErrorf("expected one campaign FILE")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return nil, err
	}
	defer f.Close()
	spec, err := campaign.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s:\n  %s", args[0], strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	return spec, nil
}

func targetCount(spec *campaign.Spec) (int, error) {
	fs, err := spec.Forces()
	return len(fs), err
}

// year is the --year flag, or this year in the UK.
func (a *app) year() int {
	if y := a.flagInt("year"); y != 0 {
		return y
	}
	return calendar.DateOf(time.Now()).Year()
}

// temporal dials Temporal: TEMPORAL_ADDRESS, or where foidesk dev listens.
func (a *app) temporal(ctx context.Context) (client.Client, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	addr := cfg.TemporalAddress
	if addr == "" {
		addr = "127.0.0.1:7233"
	}
	return engine.Dial(ctx, engine.Options{Address: addr, Namespace: cfg.TemporalNamespace,
		APIKey: cfg.TemporalAPIKey, TLS: cfg.TemporalTLS})
}

func startCampaign(ctx context.Context, a *app, tc client.Client, spec *campaign.Spec, year int) error {
	cfg, _ := a.config()
	id := foi.CampaignWorkflowID(spec.Slug, year)
	run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                cfg.TemporalTaskQueue,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		StaticSummary:            workflows.CampaignRunSummary(spec.Title, year),
		TypedSearchAttributes:    temporal.NewSearchAttributes(workflows.AttrCampaign.ValueSet(spec.Slug)),
	}, workflows.CampaignWorkflow, workflows.CampaignInput{Spec: *spec, Year: year})
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &already) {
		fmt.Fprintf(a.stdout, "%s is already started; nothing changed ('foidesk campaign status %s --year %d')\n", id, spec.Slug, year)
		return nil
	}
	if err != nil {
		return fmt.Errorf("start %s: %w", id, err)
	}
	fmt.Fprintf(a.stdout, "started %s (run %s)\n", id, run.GetRunID())
	return nil
}

// statusQueryTimeout bounds one status query: the SDK retries a query
// that fails (its workflow task failing, no worker polling) for as long as
// its context lasts, and a caller would wait on it without a word.
const statusQueryTimeout = 20 * time.Second

func campaignStatus(ctx context.Context, tc client.Client, slug string, year int) (*workflows.CampaignStatus, error) {
	id := foi.CampaignWorkflowID(slug, year)
	ctx, cancel := context.WithTimeout(ctx, statusQueryTimeout)
	defer cancel()
	v, err := tc.QueryWorkflow(ctx, id, "", workflows.QueryStatus)
	if err != nil {
		return nil, fmt.Errorf("status of %s: %w", id, err)
	}
	var st workflows.CampaignStatus
	if err := v.Get(&st); err != nil {
		return nil, fmt.Errorf("status of %s: %w", id, err)
	}
	if err := freshenReopened(ctx, tc, id, &st); err != nil {
		return nil, fmt.Errorf("status of %s: %w", id, err)
	}
	return &st, nil
}

// statusClient is the part of a Temporal client freshenReopened uses.
type statusClient interface {
	DescribeWorkflowExecution(ctx context.Context, workflowID, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error)
	QueryWorkflow(ctx context.Context, workflowID, runID, queryType string, args ...any) (converter.EncodedValue, error)
}

// freshenReopened brings an ended campaign's status up to date with its
// requests reopened since. The status of a campaign whose run has ended is
// what its requests told it before the end; a request reopened after (by a
// late letter, or an action of the desk) has no campaign to tell, and its
// own latest run knows where it stands: that run answers for it, as the
// dashboard's board, read from the database, shows it. A running campaign
// hears from reopened runs itself.
func freshenReopened(ctx context.Context, tc statusClient, campaignID string, st *workflows.CampaignStatus) error {
	desc, err := tc.DescribeWorkflowExecution(ctx, campaignID, "")
	if err != nil {
		return err
	}
	info := desc.GetWorkflowExecutionInfo()
	if info.GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return nil
	}
	campaignRun := info.GetExecution().GetRunId()
	fresh := make([]*workflows.RequestStatus, len(st.Requests))
	errs := make([]error, len(st.Requests))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, r := range st.Requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			fresh[i], errs[i] = reopenedStatus(ctx, tc, foi.RequestWorkflowID(st.Slug, st.Year, r.Force), campaignID, campaignRun)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	applyReopened(st, fresh)
	return nil
}

// reopenedStatus is the status of a request's latest run when that run is
// not the one the campaign started (nil when it is, or when there is none).
func reopenedStatus(ctx context.Context, tc statusClient, id, campaignID, campaignRun string) (*workflows.RequestStatus, error) {
	d, err := tc.DescribeWorkflowExecution(ctx, id, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", id, err)
	}
	info := d.GetWorkflowExecutionInfo()
	if p := info.GetParentExecution(); p.GetWorkflowId() == campaignID && p.GetRunId() == campaignRun {
		return nil, nil
	}
	v, err := tc.QueryWorkflow(ctx, id, info.GetExecution().GetRunId(), workflows.QueryStatus)
	if err != nil {
		return nil, fmt.Errorf("status of %s: %w", id, err)
	}
	var rs workflows.RequestStatus
	if err := v.Get(&rs); err != nil {
		return nil, fmt.Errorf("status of %s: %w", id, err)
	}
	return &rs, nil
}

// applyReopened puts the statuses of reopened runs (fresh[i] for
// st.Requests[i], nil where there is none) in an ended campaign's status,
// with its counts and overdue list after them.
func applyReopened(st *workflows.CampaignStatus, fresh []*workflows.RequestStatus) {
	changed := false
	for i, rs := range fresh {
		if rs == nil || len(rs.Timeline) == 0 {
			continue
		}
		cur := &st.Requests[i]
		last := rs.Timeline[len(rs.Timeline)-1]
		if last.At.Before(cur.LastEventAt) {
			continue // the campaign heard from this run before it ended
		}
		changed = true
		// The campaign counted the request finished as its run ended.
		if !(foi.Condition{State: rs.State, Closed: rs.Closed}).Finished() {
			st.Finished--
		}
		cur.State, cur.Due, cur.ChasersSent, cur.Label, cur.Closed = rs.State, rs.Due, rs.ChasersSent, rs.Label, rs.Closed
		cur.LastEvent, cur.LastEventAt = last.Kind, last.At
		if rs.Today.After(st.Today) {
			st.Today = rs.Today
		}
		j := slices.IndexFunc(st.Overdue, func(o workflows.OverdueForce) bool { return o.Force == cur.Force })
		switch {
		case rs.State.Final():
			if j >= 0 {
				st.Overdue = slices.Delete(st.Overdue, j, j+1)
			}
		case j >= 0:
			// A reopened run does not count working days; the count
			// the campaign made stands unless the run has one.
			o := &st.Overdue[j]
			o.State, o.ChasersSent = rs.State, rs.ChasersSent
			if rs.Due != nil {
				o.Due = *rs.Due
			}
			if rs.WorkingDaysOverdue > 0 {
				o.WorkingDaysOverdue = rs.WorkingDaysOverdue
			}
		case rs.WorkingDaysOverdue > 0 && rs.Due != nil:
			st.Overdue = append(st.Overdue, workflows.OverdueForce{Force: cur.Force, ForceName: cur.ForceName,
				State: rs.State, Due: *rs.Due, WorkingDaysOverdue: rs.WorkingDaysOverdue, ChasersSent: rs.ChasersSent})
		}
	}
	if !changed {
		return
	}
	st.ByState = map[foi.State]int{}
	for _, r := range st.Requests {
		st.ByState[r.State]++
	}
	sort.SliceStable(st.Overdue, func(i, j int) bool {
		return st.Overdue[i].WorkingDaysOverdue > st.Overdue[j].WorkingDaysOverdue
	})
}

func printBoard(a *app, st *workflows.CampaignStatus) {
	fmt.Fprintf(a.stdout, "%s %d — %s (campaign date %s): %d of %d finished\n\n",
		st.Slug, st.Year, st.Title, st.Today, st.Finished, st.Total)
	overdue := map[string]int{}
	for _, o := range st.Overdue {
		overdue[o.Force] = o.WorkingDaysOverdue
	}
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "FORCE\tSTATE\tDUE\tWD OVERDUE\tCHASERS\tLAST EVENT")
	for _, r := range st.Requests {
		due := "-"
		if r.Due != nil {
			due = r.Due.String()
		}
		od := ""
		if n := overdue[r.Force]; n > 0 {
			od = fmt.Sprint(n)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\n", r.ForceName, statusLabel(r.Label, r.State), due, od, r.ChasersSent,
			foi.EventLabel(r.LastEvent))
	}
	w.Flush()
}

// statusLabel is a request's status in the words the dashboard and the
// Temporal UI use: the workflow's label, else its state's.
func statusLabel(label string, state foi.State) string {
	if label != "" {
		return label
	}
	return foi.Condition{State: state}.Label()
}

func updateFor(action, text, by string) (string, any, error) {
	switch action {
	case "withdraw":
		return workflows.UpdateWithdraw, workflows.WithdrawInput{Reason: text, By: by}, nil
	case "pause":
		return workflows.UpdatePauseChasing, workflows.ChasingInput{Reason: text, By: by}, nil
	case "resume":
		return workflows.UpdateResumeChasing, workflows.ChasingInput{Reason: text, By: by}, nil
	case "clarify":
		return workflows.UpdateAnswerClarification, workflows.ClarificationInput{Text: text, By: by}, nil
	case "answered":
		return workflows.UpdateMarkAnswered, workflows.MarkAnsweredInput{Note: text, By: by}, nil
	case "note":
		return workflows.UpdateAddNote, workflows.NoteInput{Text: text, By: by}, nil
	}
	return "", nil, usageErrorf("unknown action %q (withdraw, pause, resume, clarify, answered, note, complaint, reopen, resend)", action)
}

func scheduleCampaign(ctx context.Context, a *app, tc client.Client, spec *campaign.Spec, baseYear int) error {
	cfg, _ := a.config()
	month, day := spec.Schedule.Month, spec.Schedule.Day
	if month == 0 {
		today := calendar.DateOf(time.Now())
		month, day = int(today.Month()), today.Day()
	}
	id := "schedule/" + spec.Slug
	sched := client.ScheduleSpec{
		Calendars: []client.ScheduleCalendarSpec{{
			Month:      []client.ScheduleRange{{Start: month}},
			DayOfMonth: []client.ScheduleRange{{Start: day}},
			Hour:       []client.ScheduleRange{{Start: 9}},
		}},
		TimeZoneName: "Europe/London",
	}
	action := &client.ScheduleWorkflowAction{
		ID:                    "yearly/" + spec.Slug,
		Workflow:              workflows.YearlyCampaignWorkflow,
		Args:                  []any{workflows.YearlyInput{Spec: *spec, BaseYear: baseYear}},
		TaskQueue:             cfg.TemporalTaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(workflows.AttrCampaign.ValueSet(spec.Slug)),
	}
	_, err := tc.ScheduleClient().Create(ctx, client.ScheduleOptions{ID: id, Spec: sched, Action: action,
		Overlap: enums.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		h := tc.ScheduleClient().GetHandle(ctx, id)
		err = h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			in.Description.Schedule.Spec = &sched
			in.Description.Schedule.Action = action
			return &client.ScheduleUpdate{Schedule: &in.Description.Schedule}, nil
		}})
		if err != nil {
			return fmt.Errorf("update schedule %s: %w", id, err)
		}
		fmt.Fprintf(a.stdout, "updated %s: every %d/%d at 09:00 UK time\n", id, day, month)
		return nil
	}
	if err != nil {
		return fmt.Errorf("create schedule %s: %w", id, err)
	}
	fmt.Fprintf(a.stdout, "created %s: every %d/%d at 09:00 UK time, from %d on\n", id, day, month, baseYear+1)
	return nil
}
