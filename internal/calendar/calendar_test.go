package calendar

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/foi"
)

func newCal(t testing.TB, opts *Options) *Calendar {
	t.Helper()
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Every due date below was counted by hand on a paper calendar, day 1 being
// the first working day after the day of receipt.
func TestDueDate(t *testing.T) {
	c := newCal(t, nil)
	for _, tc := range []struct {
		name     string
		regime   foi.Regime
		received string
		want     string
	}{
		// Received Mon 5 Sep 2022. Working days: 6,7,8,9 (4); 12–16 (9);
		// Mon 19 Sep is the bank holiday for the Queen's funeral, in all
		// three divisions; 20–23 (13); 26–30 (18); Mon 3 Oct (19); Tue 4 Oct
		// (20). Without the funeral it would be 3 Oct.
		{"queen's funeral, FOIA", foi.RegimeFOIA, "2022-09-05", "2022-10-04"},
		{"queen's funeral, FOISA", foi.RegimeFOISA, "2022-09-05", "2022-10-04"},
		// Received Tue 10 Dec 2024. 11,12,13 (3); 16–20 (8); 23,24 (10);
		// 25 Christmas and 26 Boxing Day out; Fri 27 (11); 30,31 (13);
		// 1 Jan out; Thu 2 Jan is Scotland's 2nd January, a bank holiday in
		// a part of the UK, so out for an English force too (s.10(6));
		// Fri 3 (14); 6–10 Jan (19); Mon 13 Jan (20).
		{"christmas, new year and Scotland's 2 January, FOIA", foi.RegimeFOIA, "2024-12-10", "2025-01-13"},
		{"christmas, new year and 2 January, FOISA", foi.RegimeFOISA, "2024-12-10", "2025-01-13"},
		// Received Mon 1 Jul 2024. 2–5 (4); 8–11 (8); Fri 12 Jul is Northern
		// Ireland's Battle of the Boyne holiday: out under FOIA; 15–19 (13);
		// 22–26 (18); Mon 29 (19); Tue 30 (20). Under FOISA 12 July counts,
		// so Police Scotland's 20th day is Mon 29 Jul.
		{"Northern Ireland's 12 July, FOIA", foi.RegimeFOIA, "2024-07-01", "2024-07-30"},
		{"12 July is a working day in Scotland", foi.RegimeFOISA, "2024-07-01", "2024-07-29"},
		// Received Mon 1 Jun 2026 by Police Scotland. 2–5 (4); 8–12 (9); Mon
		// 15 Jun is Scotland's World Cup bank holiday: out; 16–19 (13); 22–26
		// (18); Mon 29 (19); Tue 30 (20). It is a UK bank holiday for FOIA
		// too, so an English force's date is the same.
		{"World Cup holiday 2026-06-15, FOISA", foi.RegimeFOISA, "2026-06-01", "2026-06-30"},
		{"World Cup holiday 2026-06-15, FOIA", foi.RegimeFOIA, "2026-06-01", "2026-06-30"},
		// Received Mon 30 Mar 2026. 31, 1 Apr, 2 Apr (3); Fri 3 Apr Good
		// Friday out; Mon 6 Apr Easter Monday is not a Scottish holiday:
		// FOISA counts it (4); 7–10 (8); 13–17 (13); 20–24 (18); Mon 27 (19);
		// Tue 28 (20). FOIA skips Easter Monday: Wed 29 Apr.
		{"Easter Monday counts in Scotland", foi.RegimeFOISA, "2026-03-30", "2026-04-28"},
		{"Easter Monday, FOIA", foi.RegimeFOIA, "2026-03-30", "2026-04-29"},
		// Received Sat 1 Mar 2025: Mon 3 Mar is day 1. 3–7 (5); 10–14 (10);
		// Mon 17 Mar is St Patrick's Day (Northern Ireland): out; 18–21
		// (14); 24–28 (19); Mon 31 Mar (20). Receipt on Fri 28 Feb or Sun
		// 2 Mar gives the same date: day 1 is Mon 3 Mar either way.
		{"weekend receipt (Saturday)", foi.RegimeFOIA, "2025-03-01", "2025-03-31"},
		{"weekend receipt (Sunday)", foi.RegimeFOIA, "2025-03-02", "2025-03-31"},
		{"Friday before", foi.RegimeFOIA, "2025-02-28", "2025-03-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.DueDate(tc.regime, MustParseDate(tc.received), 20)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want {
				t.Errorf("DueDate(%s, %s) = %s, want %s", tc.regime, tc.received, got, tc.want)
			}
		})
	}
}

func TestClarificationAndExtension(t *testing.T) {
	c := newCal(t, nil)
	// Request received Mon 2 Jun 2025; force asks for clarification and the
	// answer is received Wed 11 Jun: the count restarts from 11 Jun.
	// 12,13 (2); 16–20 (7); 23–27 (12); 30 Jun–4 Jul (17); 7,8,9 Jul (20).
	got, err := c.DueDate(foi.RegimeFOIA, MustParseDate("2025-06-11"), 20)
	if err != nil || got.String() != "2025-07-09" {
		t.Errorf("clarified due = %s, %v; want 2025-07-09", got, err)
	}
	// A public-interest extension of 20 further working days from Wed 9 Jul:
	// 10,11 (2); Mon 14 Jul is Northern Ireland's Boyne substitute day (12
	// July is a Saturday): out; 15–18 (6); 21–25 (11); 28 Jul–1 Aug (16);
	// Mon 4 Aug is Scotland's summer holiday: out; 5,6,7,8 Aug (20).
	got, err = c.AddWorkingDays(foi.RegimeFOIA, got, 20)
	if err != nil || got.String() != "2025-08-08" {
		t.Errorf("extended due = %s, %v; want 2025-08-08", got, err)
	}
}

func TestOverdue(t *testing.T) {
	c := newCal(t, nil)
	due := MustParseDate("2022-10-04")
	for _, tc := range []struct {
		today string
		want  int
	}{
		{"2022-09-30", 0}, {"2022-10-04", 0}, {"2022-10-05", 1},
		{"2022-10-08", 3}, // Sat: Wed, Thu, Fri
		{"2022-10-10", 4}, // Mon
		// Oct 5–31: 19; Nov: 22 weekdays less St Andrew's Day (Wed 30 Nov,
		// Scotland) = 21; Dec 1–23: 17, 26 and 27 out (Christmas falls on
		// a Sunday), 28: 1. 19+21+18 = 58.
		{"2022-12-28", 58},
	} {
		got, err := c.Overdue(foi.RegimeFOIA, due, MustParseDate(tc.today))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("Overdue(due %s, today %s) = %d, want %d", due, tc.today, got, tc.want)
		}
	}
}

func TestCoverage(t *testing.T) {
	c := newCal(t, nil)
	_, err := c.DueDate(foi.RegimeFOIA, MustParseDate("2027-12-20"), 20)
	var ce *CoverageError
	if !errors.As(err, &ce) {
		t.Fatalf("due date into 2028 without estimates: err = %v, want *CoverageError", err)
	}
	if !strings.Contains(err.Error(), "2027-12-31") {
		t.Errorf("error does not state the coverage: %v", err)
	}
	est := newCal(t, &Options{AllowEstimate: true})
	// Received Mon 20 Dec 2027. 21–24 (4); 27 and 28 Dec are the substitute
	// Christmas and Boxing days (25, 26 fall on Sat, Sun); 29,30,31 (7);
	// Mon 3 Jan 2028 is New Year's substitute (1 Jan is Sat) and Tue 4 Jan
	// Scotland's 2nd January substitute: out; 5,6,7 (10); 10–14 (15);
	// 17–21 (20).
	got, err := est.DueDate(foi.RegimeFOIA, MustParseDate("2027-12-20"), 20)
	if err != nil || got.String() != "2028-01-21" {
		t.Errorf("estimated due = %s, %v; want 2028-01-21", got, err)
	}
	if !est.Estimated(got) || est.Estimated(MustParseDate("2027-06-01")) {
		t.Error("Estimated() wrong")
	}
}

// The rule-based generator must reproduce GOV.UK's data for every covered
// year except the one-off holidays nobody could have predicted.
func TestEstimateMatchesData(t *testing.T) {
	c := newCal(t, nil)
	from, to := c.Coverage()
	type key struct {
		d   Date
		div Division
	}
	data := map[key]string{}
	gen := map[key]string{}
	for y := from.Year(); y <= to.Year(); y++ {
		for d, hs := range c.holidays {
			if d.Year() == y {
				for _, h := range hs {
					data[key{d, h.Division}] = h.Title
				}
			}
		}
		for d, hs := range estimateYear(y) {
			for _, h := range hs {
				gen[key{d, h.Division}] = h.Title
			}
		}
	}
	var diffs []string
	for k, title := range data {
		if _, ok := gen[k]; !ok {
			diffs = append(diffs, "missing "+k.d.String()+" "+string(k.div)+" "+title)
		}
	}
	for k, title := range gen {
		if _, ok := data[k]; !ok {
			diffs = append(diffs, "extra "+k.d.String()+" "+string(k.div)+" "+title)
		}
	}
	// Known one-offs, all three divisions each: 2020 Early May moved to
	// Fri 8 May for VE Day; 2022 Spring moved to Thu 2 Jun plus the
	// Platinum Jubilee on Fri 3 Jun and the Queen's funeral on 19 Sep;
	// 2023 the coronation on Mon 8 May; Scotland's 2026 World Cup holiday.
	expected := map[string]bool{}
	for _, div := range divisions {
		for _, s := range []string{"missing 2020-05-08", "extra 2020-05-04", "missing 2022-06-02", "missing 2022-06-03",
			"extra 2022-05-30", "missing 2022-09-19", "missing 2023-05-08"} {
			expected[s+" "+string(div)] = true
		}
	}
	expected["missing 2026-06-15 scotland"] = true
	for _, d := range diffs {
		k := strings.Join(strings.Fields(d)[:3], " ")
		if !expected[k] {
			t.Errorf("generator disagrees with GOV.UK: %s", d)
		}
		delete(expected, k)
	}
	for k := range expected {
		t.Errorf("expected one-off %s not seen: is the data as described?", k)
	}
}

func TestWorkingDayRules(t *testing.T) {
	c := newCal(t, nil)
	for _, tc := range []struct {
		d      string
		regime foi.Regime
		want   bool
	}{
		{"2025-01-02", foi.RegimeFOIA, false},  // Scotland's 2 January
		{"2025-01-02", foi.RegimeFOISA, false}, //
		{"2025-03-17", foi.RegimeFOIA, false},  // St Patrick's Day (NI)
		{"2025-03-17", foi.RegimeFOISA, true},  //
		{"2025-08-04", foi.RegimeFOIA, false},  // Scottish summer holiday
		{"2025-08-25", foi.RegimeFOISA, true},  // English summer holiday
		{"2025-12-01", foi.RegimeFOISA, false}, // St Andrew's Day substitute
		{"2025-12-01", foi.RegimeFOIA, false},  //
		{"2025-06-02", foi.RegimeFOIA, true},
		{"2025-06-07", foi.RegimeFOIA, false}, // Saturday
	} {
		got, err := c.IsWorkingDay(tc.regime, MustParseDate(tc.d))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("IsWorkingDay(%s, %s) = %v, want %v", tc.regime, tc.d, got, tc.want)
		}
	}
}

func TestDate(t *testing.T) {
	d := MustParseDate("2025-04-01")
	if d.Long() != "Tuesday 1 April 2025" {
		t.Errorf("Long = %q", d.Long())
	}
	b, _ := json.Marshal(struct {
		D Date  `json:"d"`
		P *Date `json:"p,omitempty"`
		Z Date  `json:"z"`
	}{D: d})
	if string(b) != `{"d":"2025-04-01","z":null}` {
		t.Errorf("json = %s", b)
	}
	var back struct{ D, Z Date }
	if err := json.Unmarshal([]byte(`{"D":"2025-04-01","Z":null}`), &back); err != nil || back.D != d || !back.Z.IsZero() {
		t.Errorf("unmarshal = %+v, %v", back, err)
	}
	if _, err := ParseDate("2025-02-30"); err == nil {
		t.Error("30 February parsed")
	}
	// 23:30 UTC on 31 Mar 2025 is already 1 April in London (BST).
	if got := DateOf(time.Date(2025, 3, 31, 23, 30, 0, 0, time.UTC)); got != d {
		t.Errorf("DateOf = %s, want %s", got, d)
	}
	if d.AddDays(30).String() != "2025-05-01" || d.DaysUntil(MustParseDate("2025-05-01")) != 30 {
		t.Error("date arithmetic")
	}
	if _, err := ParseRegime("FOISA"); err != nil {
		t.Error(err)
	}
	if _, err := ParseRegime("gdpr"); err == nil {
		t.Error("gdpr accepted as a regime")
	}
	// A body outside FOI law has no working-day rule.
	if _, err := ParseRegime("none"); err == nil {
		t.Error("none accepted as a calendar regime")
	}
	if r, err := ParseRegime(" foia 2000"); err != nil || r != foi.RegimeFOIA {
		t.Errorf("ParseRegime(foia 2000) = %v, %v", r, err)
	}
}

func BenchmarkDueDate(b *testing.B) {
	c := newCal(b, nil)
	d := MustParseDate("2024-12-10")
	for b.Loop() {
		if _, err := c.DueDate(foi.RegimeFOIA, d, 20); err != nil {
			b.Fatal(err)
		}
	}
}
