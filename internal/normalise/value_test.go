package normalise

import (
	"errors"
	"testing"

	"github.com/foidesk/foidesk/internal/extract"
)

func TestParseValue(t *testing.T) {
	num := func(f float64) *float64 { return &f }
	cases := []struct {
		in   string
		want *float64
		flag string
	}{
		{"0", num(0), ""},
		{"12", num(12), ""},
		{" 12 ", num(12), ""},
		{"1,204", num(1204), ""},
		{"12,345,678", num(12345678), ""},
		{"1 204", num(1204), ""},
		{"1\u00a0204", num(1204), ""},
		{"3.5", num(3.5), ""},
		{"12*", num(12), ""},
		{"12 (a)", num(12), ""},
		{"12¹", num(12), ""},
		{"Nil", num(0), ""},
		{"<5", nil, FlagSuppressed},
		{"< 5", nil, FlagSuppressed},
		{"<10", nil, FlagSuppressed},
		{"≤5", nil, FlagSuppressed},
		{"fewer than 5", nil, FlagSuppressed},
		{"1-4", nil, FlagSuppressed},
		{"*", nil, FlagSuppressed},
		{"**", nil, FlagSuppressed},
		{"[c]", nil, FlagSuppressed},
		{"Suppressed", nil, FlagSuppressed},
		{"-", nil, FlagDash},
		{"–", nil, FlagDash},
		{"n/a", nil, FlagNotApplicable},
		{"N/A", nil, FlagNotApplicable},
		{"[z]", nil, FlagNotApplicable},
		{"not recorded", nil, FlagNotRecorded},
		{"Not Recorded", nil, FlagNotRecorded},
		{"Not held", nil, FlagNotRecorded},
		{"redacted", nil, FlagRedacted},
		{"[Redacted]", nil, FlagRedacted},
		{"Withheld", nil, FlagRedacted},
		{"s40", nil, FlagRedacted},
		{"[x]", nil, FlagNotAvailable},
		{"..", nil, FlagNotAvailable},
		{":", nil, FlagNotAvailable},
		{"", nil, FlagBlank},
	}
	for _, tc := range cases {
		v, err := ParseValue(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if v.Flag != tc.flag {
			t.Errorf("%q flag %q, want %q", tc.in, v.Flag, tc.flag)
		}
		switch {
		case tc.want == nil && v.Number != nil:
			t.Errorf("%q gave number %v; a flag must have no number", tc.in, *v.Number)
		case tc.want != nil && (v.Number == nil || *v.Number != *tc.want):
			t.Errorf("%q gave %v, want %v", tc.in, v.Number, *tc.want)
		}
		if v.Raw != tc.in {
			t.Errorf("%q raw %q", tc.in, v.Raw)
		}
	}
	for _, s := range []string{"Polish", "12 apples", "1,2,3", "(5)", "#DIV/0!", "12%", "1.2.3", "2022/23"} {
		if v, err := ParseValue(s); err == nil {
			t.Errorf("%q read as %+v", s, v)
		} else if !errors.Is(err, ErrNotValue) {
			t.Errorf("%q: %v does not wrap ErrNotValue", s, err)
		}
	}
}

// Suppression never becomes zero, whatever the cell carries.
func TestSuppressionNeverZero(t *testing.T) {
	zero := 0.0
	for _, s := range []string{"<5", "*", "-", "n/a", "not recorded", "redacted", "[x]", "..", "[c]", "1-4"} {
		for _, c := range []extract.Cell{{Text: s}, {Text: s, Number: &zero}} {
			v, err := ParseCell(c)
			if err != nil {
				t.Fatalf("%q: %v", s, err)
			}
			if v.Number != nil || v.Flag == "" {
				t.Errorf("%q (typed %v) → number %v flag %q", s, c.Number != nil, v.Number, v.Flag)
			}
		}
	}
	v, err := ParseValue("0")
	if err != nil || v.Number == nil || *v.Number != 0 || v.Flag != "" {
		t.Errorf("\"0\" → %+v %v", v, err)
	}
}

func TestParseCellTyped(t *testing.T) {
	n := 1204.0
	v, err := ParseCell(extract.Cell{Text: "1.2E+03", Number: &n})
	if err != nil || v.Number == nil || *v.Number != 1204 {
		t.Errorf("typed number with odd text: %+v %v", v, err)
	}
	r := 12.4
	v, err = ParseCell(extract.Cell{Text: "12", Number: &r})
	if err != nil || *v.Number != 12.4 || v.Confidence >= 1 {
		t.Errorf("rounded display: %+v %v", v, err)
	}
}
