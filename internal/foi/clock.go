package foi

import "time"

// CampaignTime maps a real time onto a campaign's clock: a campaign on
// scale N lives N campaign days per real day from origin, the real time
// it started, so tests and the demo go through weeks of deadlines in
// seconds. A scale of 1 or less, or no origin, is real time.
func CampaignTime(real, origin time.Time, scale float64) time.Time {
	if origin.IsZero() || scale <= 0 || scale == 1 {
		return real
	}
	return origin.Add(time.Duration(float64(real.Sub(origin)) * scale))
}
