package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/foi"
)

// Clock maps workflow time onto campaign time. A campaign on TimeScale N
// lives N campaign days per real day, so tests and the demo go through
// weeks of deadlines in seconds; at scale 1 the two are the same.
type Clock struct {
	// Origin is the real time the campaign started; campaign time and real
	// time coincide there.
	Origin time.Time `json:"origin"`
	Scale  float64   `json:"scale"`
}

func (c Clock) scale() float64 {
	if c.Scale <= 0 {
		return 1
	}
	return c.Scale
}

// Now is the campaign time now.
func (c Clock) Now(ctx workflow.Context) time.Time {
	return c.at(workflow.Now(ctx))
}

func (c Clock) at(real time.Time) time.Time { return foi.CampaignTime(real, c.Origin, c.Scale) }

// Today is the campaign date now, in the UK.
func (c Clock) Today(ctx workflow.Context) calendar.Date {
	return londonDate(c.Now(ctx))
}

// Until is the real duration until campaign time t (at least a millisecond).
func (c Clock) Until(ctx workflow.Context, t time.Time) time.Duration {
	scale := c.scale()
	if c.Origin.IsZero() {
		scale = 1
	}
	d := time.Duration(float64(t.Sub(c.Now(ctx))) / scale)
	return max(d, time.Millisecond)
}

// StartOf is the campaign time when date d begins in the UK, plus offset
// (chasers go out at 09:00).
func StartOf(d calendar.Date, offset time.Duration) time.Time {
	return d.Time(calendar.London).Add(offset)
}
