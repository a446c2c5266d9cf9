package policy

import "github.com/foidesk/foidesk/internal/foi"

// Regulator is the body a requester complains to after an internal review.
type Regulator struct {
	Name  string // as a letter names it: "the Information Commissioner's Office"
	Email string
}

// RegulatorFor names the regulator of a regime: the Scottish Information
// Commissioner for FOISA, the Information Commissioner's Office for FOIA
// (and, having no regulator of its own, for a body outside FOI law).
func RegulatorFor(r foi.Regime) Regulator {
	if r == foi.RegimeFOISA {
		return Regulator{Name: "the Scottish Information Commissioner", Email: "enquiries@foi.scot"}
	}
	return Regulator{Name: "the Information Commissioner's Office", Email: "icocasework@ico.org.uk"}
}

// AllowsExtension reports whether a force under regime r may extend the
// time for an answer: FOIA s.10(3) allows a public-interest extension,
// FOISA allows none.
func AllowsExtension(r foi.Regime) bool { return r != foi.RegimeFOISA }
