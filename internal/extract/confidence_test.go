package extract

import (
	"strings"
	"testing"
)

func grid(rows ...string) *Table {
	t := &Table{Method: MethodCSV}
	for i, r := range rows {
		var row []Cell
		for j, f := range strings.Split(r, "|") {
			row = append(row, Cell{Text: f, Ref: colName(j) + string(rune('1'+i))})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func TestParseNumber(t *testing.T) {
	ok := map[string]float64{"1,234": 1234, "1 234": 1234, "-5": -5, "(5)": -5, "12.5%": 12.5, "£1,234.50": 1234.5,
		"0": 0, "2019": 2019, "1,234,567": 1234567, "+3": 3, "−7": -7, ".5": 0.5}
	for s, want := range ok {
		n, good := parseNumber(s)
		if !good || n.V != want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", s, n.V, good, want)
		}
	}
	for _, s := range []string{"", "-", "1,23", "12,3456", "abc", "1.2.3", "<5", "*", "2019/20", "1,", "Q1"} {
		if n, good := parseNumber(s); good {
			t.Errorf("parseNumber(%q) = %v, want no number", s, n.V)
		}
	}
	if n, _ := parseNumber("3.25"); n.Decimals != 2 {
		t.Errorf("decimals %d", n.Decimals)
	}
}

func TestLabels(t *testing.T) {
	for _, s := range []string{"2019", "2019/20", "FY 2020-21", "Q1 2020", "Apr-21", "April 2022", "2021-03", "2019-2020"} {
		if !isPeriodLabel(s) {
			t.Errorf("isPeriodLabel(%q) = false", s)
		}
	}
	for _, s := range []string{"1,234", "19", "250", "Total"} {
		if isPeriodLabel(s) {
			t.Errorf("isPeriodLabel(%q) = true", s)
		}
	}
	for _, s := range []string{"Total", "Grand total", "TOTALS", "All", "All offences", "Overall", "Sub-total"} {
		if !isTotalLabel(s) {
			t.Errorf("isTotalLabel(%q) = false", s)
		}
	}
	for _, s := range []string{"All other offences", "Totally", "Allerdale", ""} {
		if isTotalLabel(s) {
			t.Errorf("isTotalLabel(%q) = true", s)
		}
	}
	for _, s := range []string{"<5", "*", "-", "..", "[x]", "n/a", "Redacted"} {
		if !isSuppressed(s) {
			t.Errorf("isSuppressed(%q) = false", s)
		}
	}
	for _, s := range []string{"Note: x", "Source: PNC", "* suppressed", "(1) Includes", "Figures are provisional", "- denotes nil"} {
		if !isNoteText(s) {
			t.Errorf("isNoteText(%q) = false", s)
		}
	}
	if isNoteText("Violence against the person") {
		t.Error("a row label read as a note")
	}
}

func TestDetectHeaderRows(t *testing.T) {
	cases := []struct {
		t    *Table
		want int
	}{
		{grid("Nationality|2019|2020|Total", "British|1,234|1,100|2,334", "Irish|5|<5|8"), 1},
		{grid("Year|Count", "2019|1,204", "2020|988"), 1},
		{grid("Ethnicity|Arrests|Arrests", "Ethnicity|2021|2022", "White|1|2"), 2},
		{grid("Offence|2019/20", "Violence||", "Murder|3"), 1},
		{grid("a|b", "c|d", "e|f"), 1},
		{grid("British|1,234"), 0},
		{grid("British|1,234", "Irish|5"), 0},
	}
	for i, c := range cases {
		if got := detectHeaderRows(c.t); got != c.want {
			t.Errorf("case %d: detectHeaderRows = %d, want %d (%q)", i, got, c.want, c.t.Strings())
		}
	}
}

func TestCheckTotals(t *testing.T) {
	good := grid("Area|2022|2023|Total", "North|10|20|30", "South|1,000|2,000|3,000", "Total|1,010|2,020|3,030")
	good.HeaderRows = 1
	good.Confidence = 0.8
	checkTotals(good)
	if good.Confidence <= 0.8 || len(good.Reasons) != 2 {
		t.Errorf("matching totals: confidence %.2f reasons %q", good.Confidence, good.Reasons)
	}
	bad := grid("Area|2022|2023", "North|10|20", "South|5|7", "Total|15|28")
	bad.HeaderRows = 1
	bad.Confidence = 0.8
	checkTotals(bad)
	if bad.Confidence >= 0.8 || !hasReason(bad, "total C4 is 28 but the rows above sum to 27") {
		t.Errorf("differing total: confidence %.2f reasons %q", bad.Confidence, bad.Reasons)
	}
	// Suppressed parts: only a bound; "<5" hides 1 to 4.
	sup := grid("Area|2023", "North|10", "South|<5", "Total|13")
	sup.HeaderRows = 1
	sup.Confidence = 0.8
	checkTotals(sup)
	if sup.Confidence < 0.8 || !hasReason(sup, "consistent with their suppressed parts") {
		t.Errorf("suppressed: confidence %.2f reasons %q", sup.Confidence, sup.Reasons)
	}
	over := grid("Area|2023", "North|10", "South|<5", "Total|20")
	over.HeaderRows = 1
	over.Confidence = 0.8
	checkTotals(over)
	if over.Confidence >= 0.8 {
		t.Errorf("total beyond what <5 can hide: confidence %.2f reasons %q", over.Confidence, over.Reasons)
	}
	// Subtotals, then a grand total of the leaves.
	sub := grid("Offence|2023", "Murder|2", "Assault|8", "Total violence|10", "Theft|5", "Burglary|5", "Total theft|10", "All offences|20")
	sub.HeaderRows = 1
	sub.Confidence = 0.8
	checkTotals(sub)
	if sub.Confidence <= 0.8 || hasReason(sub, "but") {
		t.Errorf("subtotals: confidence %.2f reasons %q", sub.Confidence, sub.Reasons)
	}
	// Rounded decimals within tolerance; percent columns are not summed.
	pct := grid("Area|Share %|Count|Total", "North|33.3%|1.25|1.25", "South|66.7%|2.5|2.5", "Total|100%|3.75|3.75")
	pct.HeaderRows = 1
	pct.Confidence = 0.8
	checkTotals(pct)
	if hasReason(pct, "but") {
		t.Errorf("percent column summed: %q", pct.Reasons)
	}
}
