package extract

import "testing"

func TestWellFormedNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"2,193": true, "15217": true, "3.5": true, "-1,000": true, "10,878": true,
		"2,1": false, "15,": false, "3,7": false, "1,0000": false, "2019/20": false, "": false, "1.": false,
	} {
		if got := wellFormedNumber(s); got != want {
			t.Errorf("wellFormedNumber(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestIsCaption(t *testing.T) {
	for s, want := range map[string]bool{
		"Table 2: Arrests for knife crime by gender": true,
		"Table B: Arrests and charges":               true,
		"Figure 3 – trend":                           true,
		"Tables of arrests":                          false,
		"Total recorded":                             false,
		"Source: custody records.":                   false,
	} {
		if got := isCaption(s); got != want {
			t.Errorf("isCaption(%q) = %v, want %v", s, got, want)
		}
	}
}

func cells(texts ...string) []Cell {
	out := make([]Cell, len(texts))
	for i, t := range texts {
		out[i].Text = t
	}
	return out
}

// TestSplitRemainder checks the rest of a row broken at a page foot: it
// is joined to the row it belongs to, a section heading is not.
func TestSplitRemainder(t *testing.T) {
	for _, c := range []struct {
		last, rem []string
		split     bool
		joined    string
	}{
		{[]string{"Drug", "533", "376"}, []string{"offences", "", ""}, true, "Drug offences"},
		{[]string{"Public order offenc", "497", "274"}, []string{"es", "", ""}, true, "Public order offences"},
		{[]string{"Year-", "12", "14"}, []string{"on-year", "", ""}, true, "Year-on-year"},
		{[]string{"Drug offences", "533", "376"}, []string{"Stop and search", "", ""}, false, ""}, // a section heading
		{[]string{"Drug", "533", "376"}, []string{"offences", "12", ""}, false, ""},               // figures of its own
		{[]string{"Drug", "", ""}, []string{"offences", "", ""}, false, ""},                       // no figures above
		{[]string{"Drug", "533", ""}, []string{"", "", "of which"}, false, ""},                    // under an empty cell
	} {
		last, rem := cells(c.last...), cells(c.rem...)
		if got := splitRemainder(last, rem); got != c.split {
			t.Errorf("splitRemainder(%q, %q) = %v, want %v", c.last, c.rem, got, c.split)
			continue
		}
		if c.split {
			joinRemainder(last, rem)
			if last[0].Text != c.joined {
				t.Errorf("joined %q and %q: %q, want %q", c.last[0], c.rem[0], last[0].Text, c.joined)
			}
		}
	}
}
