package normalise

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			panic(err)
		}
		return v
	}
	cases := []struct {
		in         string
		kind       PeriodKind
		start, end string
		label      string
		minConf    float64
	}{
		{"2022", KindCalendarYear, "2022-01-01", "2022-12-31", "2022", 1},
		{" 2023 ", KindCalendarYear, "2023-01-01", "2023-12-31", "2023", 1},
		{"CY 2022", KindCalendarYear, "2022-01-01", "2022-12-31", "2022", 1},
		{"Calendar Year 2024", KindCalendarYear, "2024-01-01", "2024-12-31", "2024", 1},
		{"2022 calendar year", KindCalendarYear, "2022-01-01", "2022-12-31", "2022", 1},
		{"Jan-Dec 2022", KindCalendarYear, "2022-01-01", "2022-12-31", "2022", 1},
		{"January 2022 - December 2022", KindCalendarYear, "2022-01-01", "2022-12-31", "2022", 1},
		{"01/01/2023 to 31/12/2023", KindCalendarYear, "2023-01-01", "2023-12-31", "2023", 1},
		{"2024*", KindCalendarYear, "2024-01-01", "2024-12-31", "2024", 0.95},
		{"2022/23", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 1},
		{"2022-23", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 1},
		{"2022 – 23", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 1},
		{"2022/2023", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 1},
		{"2022-2023", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 0.9},
		{"FY 2022/23", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 1},
		{"FY22/23", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 0.95},
		{"Financial Year 2023-24", KindFinancialYear, "2023-04-01", "2024-03-31", "2023/24", 1},
		{"2023/24 FY", KindFinancialYear, "2023-04-01", "2024-03-31", "2023/24", 1},
		{"22/23", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 0.85},
		{"April 2022 - March 2023", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 1},
		{"Apr 22 - Mar 23", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 0.9},
		{"1st April 2022 to 31st March 2023", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 1},
		{"01/04/2022 - 31/03/2023", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 1},
		{"Year ending March 2023", KindFinancialYear, "2022-04-01", "2023-03-31", "2022/23", 1},
		{"Jan 2023", KindMonth, "2023-01-01", "2023-01-31", "2023-01", 1},
		{"January 2023", KindMonth, "2023-01-01", "2023-01-31", "2023-01", 1},
		{"Sept 2023", KindMonth, "2023-09-01", "2023-09-30", "2023-09", 1},
		{"2023-01", KindMonth, "2023-01-01", "2023-01-31", "2023-01", 1},
		{"2024-02", KindMonth, "2024-02-01", "2024-02-29", "2024-02", 1},
		{"01/2023", KindMonth, "2023-01-01", "2023-01-31", "2023-01", 1},
		{"Jan-23", KindMonth, "2023-01-01", "2023-01-31", "2023-01", 0.9},
		{"2023 Mar", KindMonth, "2023-03-01", "2023-03-31", "2023-03", 1},
		{"2022-2024", KindRange, "2022-01-01", "2024-12-31", "2022-01-01/2024-12-31", 1},
		{"2022 to 2024", KindRange, "2022-01-01", "2024-12-31", "2022-01-01/2024-12-31", 1},
		{"Between 2022 and 2024", KindRange, "2022-01-01", "2024-12-31", "2022-01-01/2024-12-31", 1},
		{"2022-24", KindRange, "2022-01-01", "2024-12-31", "2022-01-01/2024-12-31", 0.9},
		{"Jan 2022 - Jun 2023", KindRange, "2022-01-01", "2023-06-30", "2022-01-01/2023-06-30", 1},
		{"01/01/2022 - 30/06/2022", KindRange, "2022-01-01", "2022-06-30", "2022-01-01/2022-06-30", 1},
		{"2022-01-01 to 2022-03-31", KindRange, "2022-01-01", "2022-03-31", "2022-01-01/2022-03-31", 1},
		{"2024 (to date)", KindPartial, "2024-01-01", "2024-12-31", "2024 (partial)", 1},
		{"2024 YTD", KindPartial, "2024-01-01", "2024-12-31", "2024 (partial)", 1},
		{"2024 year to date", KindPartial, "2024-01-01", "2024-12-31", "2024 (partial)", 1},
		{"2024 (part year)", KindPartial, "2024-01-01", "2024-12-31", "2024 (partial)", 1},
		{"2024 (up to 30/06/2024)", KindPartial, "2024-01-01", "2024-06-30", "2024 (to 2024-06-30)", 1},
		{"2024 (to 30 June 2024)", KindPartial, "2024-01-01", "2024-06-30", "2024 (to 2024-06-30)", 1},
		{"2024 up to 30/06/2024", KindPartial, "2024-01-01", "2024-06-30", "2024 (to 2024-06-30)", 1},
		{"2024 (Jan-Jun)", KindPartial, "2024-01-01", "2024-06-30", "2024 (2024-01-01 to 2024-06-30)", 1},
		{"2023/24 (to date)", KindPartial, "2023-04-01", "2024-03-31", "2023/24 (partial)", 1},
		{"2024 (to 31/12/2024)", KindCalendarYear, "2024-01-01", "2024-12-31", "2024", 1},
		{"2023 (note 1)", KindCalendarYear, "2023-01-01", "2023-12-31", "2023", 0.95},
		{"2023 (calendar year)", KindCalendarYear, "2023-01-01", "2023-12-31", "2023", 1},
		{"2023 [note 2]", KindCalendarYear, "2023-01-01", "2023-12-31", "2023", 0.95},
		{"2011-12", KindFinancialYear, "2011-04-01", "2012-03-31", "2011/12", 0.6},
	}
	for _, tc := range cases {
		p, err := ParsePeriod(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		got := p.Period
		if got.Kind != tc.kind || !got.Start.Equal(d(tc.start)) || !got.End.Equal(d(tc.end)) || got.Label != tc.label {
			t.Errorf("%q → %s %s..%s %q, want %s %s..%s %q", tc.in, got.Kind, got.Start.Format(time.DateOnly), got.End.Format(time.DateOnly), got.Label, tc.kind, tc.start, tc.end, tc.label)
		}
		if p.Confidence < tc.minConf || p.Confidence > 1 {
			t.Errorf("%q confidence %.2f, want ≥ %.2f (%s)", tc.in, p.Confidence, tc.minConf, p.Reason)
		}
		if p.Confidence < 1 && p.Reason == "" {
			t.Errorf("%q: confidence %.2f without a reason", tc.in, p.Confidence)
		}
	}
}

func TestParsePeriodRejects(t *testing.T) {
	for _, s := range []string{
		"", "Polish", "Violence against the person", "Total", "12", "1,204", "<5", "-", "n/a",
		"31/03/2023", "2024 - 2022", "1850", "2023/1234", "Jan", "April 2024 to date", "Q5 2023",
		"Possession with intent to supply", "2022 (Polish)x(", "13/2023", "2023-13-01 to 2023-14-01",
	} {
		p, err := ParsePeriod(s)
		if err == nil {
			t.Errorf("%q read as %s (%s)", s, p.Period.Label, p.Period.Kind)
			continue
		}
		if !errors.Is(err, ErrNotPeriod) {
			t.Errorf("%q: error %v does not wrap ErrNotPeriod", s, err)
		}
	}
}

func TestPeriodJSON(t *testing.T) {
	p := FinancialYear(2022)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"start":"2022-04-01","end":"2023-03-31","label":"2022/23","kind":"financial_year"}` {
		t.Errorf("json %s", b)
	}
	var q Period
	if err := json.Unmarshal(b, &q); err != nil || !q.Equal(p) || q.Label != p.Label {
		t.Errorf("round trip: %+v %v", q, err)
	}
}

func TestSpanContains(t *testing.T) {
	s := &PeriodSpan{From: 2022, To: 2024, Kind: "calendar"}
	if !s.Contains(CalendarYear(2023)) || s.Contains(CalendarYear(2021)) || !s.Contains(MonthPeriod(2024, 12)) || s.Contains(FinancialYear(2024)) {
		t.Error("calendar span")
	}
	f := &PeriodSpan{From: 2022, To: 2023, Kind: "financial"}
	if !f.Contains(FinancialYear(2023)) || f.Contains(CalendarYear(2022)) {
		t.Error("financial span")
	}
}
