package policy

import (
	"fmt"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/campaign"
	"github.com/foidesk/foidesk/internal/foi"
)

// Defaults of a chase plan.
const (
	// StatutoryDays is the working days a force has to answer (FOIA s.10,
	// FOISA s.10).
	StatutoryDays = 20
	// DefaultHorizon is how many working days after the due date a plan
	// lists.
	DefaultHorizon = 120
)

// ChaseInput is what a request's chase plan is computed from.
type ChaseInput struct {
	Regime foi.Regime
	// Received is the day the force received the request (or its
	// clarification); the due date is Days working days after it (default
	// StatutoryDays).
	Received calendar.Date
	Days     int
	// Due, when set, is the due date (an extension's stated date).
	Due *calendar.Date
	// Extend adds this many working days to the due date (an extension
	// that states no new date).
	Extend int
	// Ladder is the campaign's chase ladder; rungs counted from the
	// internal review are dated only once ReviewRequested is set.
	Ladder          []campaign.Rung
	ReviewRequested *calendar.Date
	// Horizon is how many working days after the due date to list
	// (default DefaultHorizon).
	Horizon int
	// Resumed is the day chasing resumed after a pause, and ResumeRung the
	// first rung not yet sent then. If that rung's date had passed, it is
	// re-dated to Resumed and the later due-based rungs keep their
	// working-day gaps after it, so a long pause never releases several
	// chasers on one day.
	Resumed    *calendar.Date
	ResumeRung int
}

// ChasePlan is a request's calendar: its due date, the working days after
// it (to count lateness without the calendar), and the dates of the rungs.
type ChasePlan struct {
	Due         calendar.Date
	WorkingDays []calendar.Date
	Rungs       []ChaseRung
	// Estimated says a date rests on holidays generated from the standing
	// rules, past the GOV.UK data.
	Estimated bool
}

// ChaseRung is a step of the ladder with its date.
type ChaseRung struct {
	Step campaign.Step
	Date calendar.Date
}

// PlanChase computes a request's due date and chase dates on cal, the
// statutory calendar. A regime outside FOI law has none: an error. Other
// errors are the calendar's, as it gives them (a *calendar.CoverageError
// for a date past its data).
func PlanChase(cal *calendar.Calendar, in ChaseInput) (ChasePlan, error) {
	if !in.Regime.FOI() {
		return ChasePlan{}, fmt.Errorf("regime %s: no statutory deadline", in.Regime)
	}
	if in.Days == 0 {
		in.Days = StatutoryDays
	}
	if in.Horizon == 0 {
		in.Horizon = DefaultHorizon
	}
	var p ChasePlan
	var err error
	if in.Due != nil {
		p.Due = *in.Due
	} else if p.Due, err = cal.DueDate(in.Regime, in.Received, in.Days); err != nil {
		return ChasePlan{}, err
	}
	if in.Extend > 0 {
		if p.Due, err = cal.AddWorkingDays(in.Regime, p.Due, in.Extend); err != nil {
			return ChasePlan{}, err
		}
	}
	d := p.Due
	for range in.Horizon {
		if d, err = cal.AddWorkingDays(in.Regime, d, 1); err != nil {
			// Past the calendar data: stop listing rather than guess.
			break
		}
		p.WorkingDays = append(p.WorkingDays, d)
	}
	var shift *calendar.Date // the date ResumeRung moves to, if it moves
	for i, r := range in.Ladder {
		from := p.Due
		if r.From == campaign.FromInternalReview {
			if in.ReviewRequested == nil {
				continue
			}
			from = *in.ReviewRequested
		}
		date, err := cal.AddWorkingDays(in.Regime, from, r.After)
		if err != nil {
			return ChasePlan{}, err
		}
		if in.Resumed != nil && i >= in.ResumeRung && r.From != campaign.FromInternalReview {
			if i == in.ResumeRung && date.Before(*in.Resumed) {
				shift = in.Resumed
			}
			if shift != nil {
				gap := r.After - in.Ladder[in.ResumeRung].After
				if date, err = cal.AddWorkingDays(in.Regime, *shift, max(gap, 0)); err != nil {
					return ChasePlan{}, err
				}
			}
		}
		p.Rungs = append(p.Rungs, ChaseRung{Step: r.Step, Date: date})
	}
	p.Estimated = !cal.Covered(p.Due)
	for _, r := range p.Rungs {
		p.Estimated = p.Estimated || !cal.Covered(r.Date)
	}
	return p, nil
}
