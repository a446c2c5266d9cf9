// Package calendar counts UK working days the way FOI law does.
//
// Freedom of Information Act 2000, s.10(6): a working day is any day other
// than a Saturday, a Sunday, Christmas Day, Good Friday or a day which is a
// bank holiday under the Banking and Financial Dealings Act 1971 in any part
// of the United Kingdom. So an English force does not count Scotland's
// 2 January or Northern Ireland's 12 July: the FOIA calendar is the union of
// the three GOV.UK calendars.
//
// Freedom of Information (Scotland) Act 2002, s.73: a working day is any day
// other than a Saturday, a Sunday, Christmas Day or a day which is a bank
// holiday in Scotland under the 1971 Act. Police Scotland counts Scottish
// holidays only.
//
// Holidays come from an embedded copy of https://www.gov.uk/bank-holidays.json
// (data/bank-holidays.json, sources in data/bank-holidays-sources.md). A date
// outside the years it covers is an error (*CoverageError) unless the caller
// asked for Options.AllowEstimate, in which case holidays for those years are
// generated from the standing rules and results are marked estimates.
package calendar

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/foidesk/foidesk/internal/foi"
)

//go:embed data/bank-holidays.json
var bankHolidaysJSON []byte

// ParseRegime accepts "foia" or "foisa" in any case (with the Acts' years,
// "foia2000", "foisa 2002"): the regimes with a working-day rule.
func ParseRegime(s string) (foi.Regime, error) {
	r, err := foi.ParseRegime(s)
	if err != nil || !r.FOI() {
		return 0, fmt.Errorf("regime %q: want foia or foisa", s)
	}
	return r, nil
}

// Division is one of GOV.UK's bank-holiday calendars.
type Division string

const (
	EnglandAndWales Division = "england-and-wales"
	Scotland        Division = "scotland"
	NorthernIreland Division = "northern-ireland"
)

var divisions = []Division{EnglandAndWales, Scotland, NorthernIreland}

// Holiday is one bank holiday in one division.
type Holiday struct {
	Date      Date     `json:"date"`
	Title     string   `json:"title"`
	Division  Division `json:"division"`
	Estimated bool     `json:"estimated,omitempty"`
}

// CoverageError reports a date outside the years the holiday data covers.
type CoverageError struct {
	Date     Date
	From, To Date
}

func (e *CoverageError) Error() string {
	return fmt.Sprintf("date %s is outside the bank-holiday data (%s to %s); update internal/calendar/data/bank-holidays.json from https://www.gov.uk/bank-holidays.json, or accept a rule-based estimate (--estimate)",
		e.Date, e.From, e.To)
}

// Options configure a Calendar. A nil *Options is the embedded data with no
// estimates.
type Options struct {
	// Data replaces the embedded GOV.UK JSON (same shape).
	Data []byte
	// AllowEstimate generates holidays from the standing rules for years
	// the data does not cover instead of returning *CoverageError.
	AllowEstimate bool
}

// Calendar answers working-day questions. It is immutable and safe for
// concurrent use.
type Calendar struct {
	from, to Date // coverage, whole years
	allowEst bool
	holidays map[Date][]Holiday // from the data
}

type govukFile map[Division]struct {
	Division string `json:"division"`
	Events   []struct {
		Title string `json:"title"`
		Date  string `json:"date"`
	} `json:"events"`
}

// New loads a calendar.
func New(opts *Options) (*Calendar, error) {
	if opts == nil {
		opts = &Options{}
	}
	data := opts.Data
	if data == nil {
		data = bankHolidaysJSON
	}
	var f govukFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("calendar: bank-holiday data: %w", err)
	}
	c := &Calendar{allowEst: opts.AllowEstimate, holidays: map[Date][]Holiday{}}
	minY, maxY := 0, 0
	for _, div := range divisions {
		d, ok := f[div]
		if !ok || len(d.Events) == 0 {
			return nil, fmt.Errorf("calendar: bank-holiday data has no %s events", div)
		}
		lo, hi := 0, 0
		for _, e := range d.Events {
			date, err := ParseDate(e.Date)
			if err != nil {
				return nil, fmt.Errorf("calendar: %s: %w", div, err)
			}
			c.holidays[date] = append(c.holidays[date], Holiday{Date: date, Title: e.Title, Division: div})
			if lo == 0 || date.Year() < lo {
				lo = date.Year()
			}
			hi = max(hi, date.Year())
		}
		// Coverage is the years every division covers.
		if minY == 0 || lo > minY {
			minY = lo
		}
		if maxY == 0 || hi < maxY {
			maxY = hi
		}
	}
	c.from = NewDate(minY, time.January, 1)
	c.to = NewDate(maxY, time.December, 31)
	return c, nil
}

// Coverage returns the first and last day the data covers.
func (c *Calendar) Coverage() (from, to Date) { return c.from, c.to }

// Covered reports whether d is inside the data's coverage.
func (c *Calendar) Covered(d Date) bool { return !d.Before(c.from) && !d.After(c.to) }

// holidaysOn returns the holidays on d, generated if outside the data and
// estimates are allowed.
func (c *Calendar) holidaysOn(d Date) ([]Holiday, error) {
	if c.Covered(d) {
		return c.holidays[d], nil
	}
	if !c.allowEst {
		return nil, &CoverageError{Date: d, From: c.from, To: c.to}
	}
	return estimateYear(d.Year())[d], nil
}

// IsWorkingDay reports whether d is a working day under regime.
func (c *Calendar) IsWorkingDay(r foi.Regime, d Date) (bool, error) {
	switch d.Weekday() {
	case time.Saturday, time.Sunday:
		// Still check coverage so callers learn of missing data early.
		if !c.Covered(d) && !c.allowEst {
			return false, &CoverageError{Date: d, From: c.from, To: c.to}
		}
		return false, nil
	}
	if d.Month() == time.December && d.Day() == 25 {
		return false, nil
	}
	hs, err := c.holidaysOn(d)
	if err != nil {
		return false, err
	}
	for _, h := range hs {
		switch r {
		case foi.RegimeFOIA:
			return false, nil // a bank holiday anywhere in the UK
		case foi.RegimeFOISA:
			if h.Division == Scotland {
				return false, nil
			}
		default:
			return false, fmt.Errorf("calendar: unknown regime %d", int(r))
		}
	}
	if r == foi.RegimeFOIA && isGoodFriday(d) {
		return false, nil // named in s.10(6) itself
	}
	return true, nil
}

// AddWorkingDays returns the n-th working day after d (n ≥ 0; n = 0 returns
// d itself). The day d is never counted, whether or not it is a working day.
func (c *Calendar) AddWorkingDays(r foi.Regime, d Date, n int) (Date, error) {
	if n < 0 {
		return Date{}, fmt.Errorf("calendar: negative working days %d", n)
	}
	for n > 0 {
		d = d.AddDays(1)
		ok, err := c.IsWorkingDay(r, d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// DueDate returns the statutory due date of a request received on received:
// the days-th working day following the day of receipt (20 for FOIA and
// FOISA). A request received on a weekend or holiday starts counting on the
// next working day, which is day 1. Clarification restarts the count: call
// DueDate again with the day the clarification was received.
func (c *Calendar) DueDate(r foi.Regime, received Date, days int) (Date, error) {
	if received.IsZero() {
		return Date{}, errors.New("calendar: no date of receipt")
	}
	if days <= 0 {
		return Date{}, fmt.Errorf("calendar: a deadline of %d working days", days)
	}
	return c.AddWorkingDays(r, received, days)
}

// WorkingDaysBetween counts the working days after from up to and including
// to. It is 0 when to is not after from.
func (c *Calendar) WorkingDaysBetween(r foi.Regime, from, to Date) (int, error) {
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		ok, err := c.IsWorkingDay(r, d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// Overdue returns how many working days past due a request is on today: 0
// on or before the due date, 1 on the first working day after it.
func (c *Calendar) Overdue(r foi.Regime, due, today Date) (int, error) {
	return c.WorkingDaysBetween(r, due, today)
}

// Holidays lists the days that are not working days under regime in year,
// other than weekends, with the divisions that make them so.
func (c *Calendar) Holidays(r foi.Regime, year int) ([]Holiday, error) {
	first := NewDate(year, time.January, 1)
	var src map[Date][]Holiday
	if c.Covered(first) {
		src = c.holidays
	} else if c.allowEst {
		src = estimateYear(year)
	} else {
		return nil, &CoverageError{Date: first, From: c.from, To: c.to}
	}
	var out []Holiday
	for d, hs := range src {
		if d.Year() != year {
			continue
		}
		for _, h := range hs {
			if r == foi.RegimeFOIA || h.Division == Scotland {
				out = append(out, h)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Date != out[j].Date {
			return out[i].Date.Before(out[j].Date)
		}
		return out[i].Division < out[j].Division
	})
	return out, nil
}

// Estimated reports whether answers about d rest on generated holidays.
func (c *Calendar) Estimated(d Date) bool { return !c.Covered(d) }
