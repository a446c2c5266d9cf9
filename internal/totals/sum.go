package totals

import "math"

// Parts sums the parts of a total: the figures known, and the parts hidden
// by a suppression marker or left blank.
type Parts struct {
	Sum       float64 // of the known parts
	Known     int     // parts with a figure
	Hidden    int     // parts without one
	MaxHidden float64 // upper bound of the hidden parts' sum, +Inf when unknown
	Decimals  int     // most decimals shown by a known part
}

// Add adds a known part showing decimals decimals.
func (p *Parts) Add(v float64, decimals int) {
	p.Sum += v
	p.Known++
	p.Decimals = max(p.Decimals, decimals)
}

// AddHidden adds a hidden part of at most bound (math.Inf(1) when nothing
// bounds it).
func (p *Parts) AddHidden(bound float64) {
	p.Hidden++
	p.MaxHidden += bound
}

// Verdict is how a stated total compares with its parts.
type Verdict int

const (
	// Differs: the total cannot be the sum of its parts.
	Differs Verdict = -1
	// Bounded: parts are hidden, and the total is within the bounds the
	// known parts and the hidden parts' bound allow.
	Bounded Verdict = 0
	// Equal: no part is hidden and the total is their sum.
	Equal Verdict = 1
)

// Tolerance says how closely a total must equal the sum of its parts.
type Tolerance int

const (
	// Shown is for figures as printed: each may be rounded to the decimals
	// shown, so the sum may be off by half a unit in the last decimal per
	// figure; whole numbers must be exact.
	Shown Tolerance = iota
	// Relative is for figures read as numbers: equal to one part in a
	// million of the larger; with hidden parts, a total at least the sum
	// of the known ones (no upper bound) is consistent.
	Relative
)

// Check compares a stated total, showing decimals decimals, with the parts.
func (p *Parts) Check(stated float64, decimals int, tol Tolerance) Verdict {
	if tol == Relative {
		if p.Hidden == 0 {
			if math.Abs(stated-p.Sum) <= 1e-6*math.Max(1, math.Max(math.Abs(stated), math.Abs(p.Sum))) {
				return Equal
			}
			return Differs
		}
		if stated >= p.Sum-1e-9 {
			return Bounded
		}
		return Differs
	}
	d := max(p.Decimals, decimals)
	eps := 1e-9
	if d > 0 {
		eps = 0.5 * math.Pow(10, -float64(d)) * float64(p.Known+1)
	}
	if p.Hidden == 0 {
		if math.Abs(stated-p.Sum) <= eps {
			return Equal
		}
		return Differs
	}
	if stated+eps >= p.Sum && stated-eps <= p.Sum+p.MaxHidden {
		return Bounded
	}
	return Differs
}
