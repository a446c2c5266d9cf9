package policy

import (
	"errors"
	"testing"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/foi"
)

func date(s string) *calendar.Date {
	d := calendar.MustParseDate(s)
	return &d
}

// ladder is the default chase ladder's shape.
var ladder = []campaign.Rung{
	{Step: campaign.StepReminder, After: 1, From: campaign.FromDue},
	{Step: campaign.StepSecondReminder, After: 10, From: campaign.FromDue},
	{Step: campaign.StepInternalReview, After: 20, From: campaign.FromDue},
	{Step: campaign.StepRegulator, After: 20, From: campaign.FromInternalReview},
}

func TestPlanChase(t *testing.T) {
	cal, err := calendar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// Received Wed 11 June 2025: due Wed 9 July under either Act. Under
	// FOIA, Mon 14 July (Northern Ireland's 12 July) and Mon 4 August
	// (Scotland's summer holiday) are not working days; under FOISA only
	// the second is not.
	received := calendar.MustParseDate("2025-06-11")
	for _, tc := range []struct {
		name  string
		in    ChaseInput
		due   string
		rungs []string // step=date
		days  int      // len(WorkingDays), 0 for the default horizon
		first string   // first working day after due
	}{
		{name: "FOIA, no review yet", in: ChaseInput{Regime: foi.RegimeFOIA, Received: received, Ladder: ladder},
			due: "2025-07-09", rungs: []string{"reminder=2025-07-10", "second_reminder=2025-07-24", "internal_review=2025-08-08"},
			first: "2025-07-10"},
		{name: "FOISA counts 14 July", in: ChaseInput{Regime: foi.RegimeFOISA, Received: received, Ladder: ladder},
			due: "2025-07-09", rungs: []string{"reminder=2025-07-10", "second_reminder=2025-07-23", "internal_review=2025-08-07"},
			first: "2025-07-10"},
		{name: "review requested: the regulator rung is dated from it",
			in:  ChaseInput{Regime: foi.RegimeFOIA, Received: received, Ladder: ladder, ReviewRequested: date("2025-08-08")},
			due: "2025-07-09", rungs: []string{"reminder=2025-07-10", "second_reminder=2025-07-24", "internal_review=2025-08-08",
				"regulator=2025-09-08"}},
		{name: "shorter deadline", in: ChaseInput{Regime: foi.RegimeFOIA, Received: received, Days: 5},
			due: "2025-06-18"},
		{name: "stated due date", in: ChaseInput{Regime: foi.RegimeFOIA, Due: date("2025-12-01"), Ladder: ladder[:1]},
			due: "2025-12-01", rungs: []string{"reminder=2025-12-02"}},
		{name: "extension without a date, FOIA", in: ChaseInput{Regime: foi.RegimeFOIA, Due: date("2025-07-09"), Extend: 20},
			due: "2025-08-08"},
		{name: "extension without a date, FOISA", in: ChaseInput{Regime: foi.RegimeFOISA, Due: date("2025-07-09"), Extend: 20},
			due: "2025-08-07"},
		{name: "short horizon", in: ChaseInput{Regime: foi.RegimeFOIA, Received: received, Horizon: 3},
			due: "2025-07-09", days: 3, first: "2025-07-10"},
		{name: "resumed after the next rung's date: it moves to the resume day, later rungs keep their gaps",
			in:  ChaseInput{Regime: foi.RegimeFOIA, Received: received, Ladder: ladder[:3], Resumed: date("2025-08-01"), ResumeRung: 1},
			due: "2025-07-09", rungs: []string{"reminder=2025-07-10", "second_reminder=2025-08-01", "internal_review=2025-08-18"}},
		{name: "resumed before the next rung's date: nothing moves",
			in:  ChaseInput{Regime: foi.RegimeFOIA, Received: received, Ladder: ladder[:3], Resumed: date("2025-07-15"), ResumeRung: 1},
			due: "2025-07-09", rungs: []string{"reminder=2025-07-10", "second_reminder=2025-07-24", "internal_review=2025-08-08"}},
		{name: "resumed: rungs from the internal review do not move",
			in: ChaseInput{Regime: foi.RegimeFOIA, Received: received, Ladder: ladder, ReviewRequested: date("2025-08-08"),
				Resumed: date("2025-08-20"), ResumeRung: 3},
			due: "2025-07-09", rungs: []string{"reminder=2025-07-10", "second_reminder=2025-07-24", "internal_review=2025-08-08",
				"regulator=2025-09-08"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PlanChase(cal, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if p.Due.String() != tc.due {
				t.Errorf("due %s, want %s", p.Due, tc.due)
			}
			var rungs []string
			for _, r := range p.Rungs {
				rungs = append(rungs, string(r.Step)+"="+r.Date.String())
			}
			if len(rungs) != len(tc.rungs) {
				t.Fatalf("rungs %v, want %v", rungs, tc.rungs)
			}
			for i := range rungs {
				if rungs[i] != tc.rungs[i] {
					t.Errorf("rung %d: %s, want %s", i, rungs[i], tc.rungs[i])
				}
			}
			want := tc.days
			if want == 0 {
				want = DefaultHorizon
			}
			if len(p.WorkingDays) != want {
				t.Errorf("%d working days listed, want %d", len(p.WorkingDays), want)
			}
			if tc.first != "" && p.WorkingDays[0].String() != tc.first {
				t.Errorf("first working day after due %s, want %s", p.WorkingDays[0], tc.first)
			}
			if p.Estimated {
				t.Error("estimated inside the data")
			}
		})
	}
}

func TestPlanChaseCalendarEdge(t *testing.T) {
	cal, err := calendar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, last := cal.Coverage()
	// A due date past the data is the calendar's error, to be told apart.
	_, err = PlanChase(cal, ChaseInput{Regime: foi.RegimeFOIA, Received: last.AddDays(-10)})
	var ce *calendar.CoverageError
	if !errors.As(err, &ce) {
		t.Errorf("due past the data: %v, want a *calendar.CoverageError", err)
	}
	// So is a rung past it.
	_, err = PlanChase(cal, ChaseInput{Regime: foi.RegimeFOIA, Due: date(last.AddDays(-3).String()), Ladder: ladder[2:3]})
	if !errors.As(err, &ce) {
		t.Errorf("rung past the data: %v, want a *calendar.CoverageError", err)
	}
	// The working days listed stop at the end of the data.
	p, err := PlanChase(cal, ChaseInput{Regime: foi.RegimeFOIA, Due: date(last.AddDays(-40).String())})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.WorkingDays); n == 0 || n >= DefaultHorizon || p.WorkingDays[n-1].After(last) {
		t.Errorf("%d working days up to %s, want them to stop by %s", n, p.WorkingDays[n-1], last)
	}
	// A regime with no working-day rule is an error.
	if _, err := PlanChase(cal, ChaseInput{Regime: foi.RegimeNone, Received: calendar.MustParseDate("2025-01-06")}); err == nil {
		t.Error("a plan for a body outside FOI law")
	}
	// With estimates allowed, dates past the data are marked so.
	est, err := calendar.New(&calendar.Options{AllowEstimate: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err = PlanChase(est, ChaseInput{Regime: foi.RegimeFOIA, Received: last.AddDays(-10)})
	if err != nil || !p.Estimated {
		t.Errorf("estimated plan: %+v, %v", p.Estimated, err)
	}
}
