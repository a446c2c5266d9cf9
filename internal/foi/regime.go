package foi

import (
	"fmt"
	"strings"
)

// Regime is the freedom-of-information law a body answers under, and so
// the working-day rule its deadlines follow (forces.regime). Its text form
// is "foia", "foisa" or "none", in JSON as in the database.
type Regime int

// The regimes. The numbering is the one internal/force and
// internal/calendar have always used.
const (
	// RegimeNone marks a body outside FOI law (the National Crime Agency).
	RegimeNone Regime = iota
	// RegimeFOIA is the Freedom of Information Act 2000 (England, Wales,
	// Northern Ireland and UK-wide bodies).
	RegimeFOIA
	// RegimeFOISA is the Freedom of Information (Scotland) Act 2002.
	RegimeFOISA
)

// Regimes lists every regime.
func Regimes() []Regime { return []Regime{RegimeFOIA, RegimeFOISA, RegimeNone} }

// String returns "foia", "foisa" or "none"; any other value is "none".
func (r Regime) String() string {
	switch r {
	case RegimeFOIA:
		return "foia"
	case RegimeFOISA:
		return "foisa"
	default:
		return "none"
	}
}

// FOI reports whether r is a freedom-of-information law (not RegimeNone).
func (r Regime) FOI() bool { return r == RegimeFOIA || r == RegimeFOISA }

// ParseRegime accepts "foia", "foisa" or "none" in any case, with the
// Acts' years ("foia2000", "foisa 2002").
func ParseRegime(s string) (Regime, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "foia", "foia2000", "foia 2000":
		return RegimeFOIA, nil
	case "foisa", "foisa2002", "foisa 2002":
		return RegimeFOISA, nil
	case "none":
		return RegimeNone, nil
	}
	return RegimeNone, fmt.Errorf("regime %q: want foia, foisa or none", s)
}

// MarshalText gives the regime's name.
func (r Regime) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads a name ParseRegime accepts.
func (r *Regime) UnmarshalText(b []byte) error {
	v, err := ParseRegime(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}
