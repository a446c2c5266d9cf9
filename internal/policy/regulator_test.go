package policy

import (
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
)

func TestRegulatorFor(t *testing.T) {
	for _, tc := range []struct {
		regime    foi.Regime
		name      string
		email     string
		extension bool
	}{
		{foi.RegimeFOIA, "the Information Commissioner's Office", "icocasework@ico.org.uk", true},
		{foi.RegimeFOISA, "the Scottish Information Commissioner", "enquiries@foi.scot", false},
		{foi.RegimeNone, "the Information Commissioner's Office", "icocasework@ico.org.uk", true},
	} {
		got := RegulatorFor(tc.regime)
		if got.Name != tc.name || got.Email != tc.email {
			t.Errorf("RegulatorFor(%s) = %+v", tc.regime, got)
		}
		if AllowsExtension(tc.regime) != tc.extension {
			t.Errorf("AllowsExtension(%s) = %v", tc.regime, !tc.extension)
		}
	}
}
