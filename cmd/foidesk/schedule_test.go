package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/foidesk/foidesk/examples"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/devstack"
	"github.com/foidesk/foidesk/internal/devstack/devstacktest"
	"github.com/foidesk/foidesk/workflows"
)

// campaign schedule creates a yearly Temporal Schedule on the campaign's
// day, and a second run updates it rather than failing or duplicating it.
func TestCampaignSchedule(t *testing.T) {
	ctx := context.Background()
	tp, err := devstack.StartTemporal(ctx, &devstack.TemporalOptions{Binary: devstacktest.Binary(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer tp.Stop()
	tc, err := tp.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	spec, err := campaign.Parse(bytes.NewReader(examples.CROForeignNationals))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out, getenv: func(string) string { return "" }}
	for i := range 2 {
		if err := scheduleCampaign(ctx, a, tc, spec, 2026); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	if !strings.Contains(out.String(), "created schedule/"+spec.Slug) || !strings.Contains(out.String(), "updated schedule/"+spec.Slug) {
		t.Errorf("output %q: want created, then updated", out.String())
	}
	desc, err := tc.ScheduleClient().GetHandle(ctx, "schedule/"+spec.Slug).Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cal := desc.Schedule.Spec.Calendars
	if len(cal) != 1 || cal[0].Month[0].Start != spec.Schedule.Month || cal[0].DayOfMonth[0].Start != spec.Schedule.Day ||
		desc.Schedule.Spec.TimeZoneName != "Europe/London" {
		t.Errorf("schedule spec %+v, want %d/%d in Europe/London", desc.Schedule.Spec, spec.Schedule.Day, spec.Schedule.Month)
	}
	act, ok := desc.Schedule.Action.(*client.ScheduleWorkflowAction)
	if !ok {
		t.Fatalf("action %T", desc.Schedule.Action)
	}
	if act.Workflow != "YearlyCampaignWorkflow" || len(act.Args) != 1 {
		t.Fatalf("action runs %v with %d args", act.Workflow, len(act.Args))
	}
	var in workflows.YearlyInput
	if err := converter.GetDefaultDataConverter().FromPayload(act.Args[0].(*commonpb.Payload), &in); err != nil {
		t.Fatal(err)
	}
	if in.BaseYear != 2026 || in.Spec.Slug != spec.Slug || in.Spec.Period != spec.Period {
		t.Errorf("schedule input %+v", in)
	}
	if next := desc.Info.NextActionTimes; len(next) == 0 || int(next[0].Month()) != spec.Schedule.Month {
		t.Errorf("next runs %v, want in month %d", next, spec.Schedule.Month)
	}
}
