package calendar

import (
	"sync"
	"time"
)

// The standing rules for UK bank holidays, used only for years the GOV.UK
// data does not cover and only when the caller accepts estimates. One-off
// holidays (jubilees, state funerals, coronations) and moved ones (VE Day
// 2020) cannot be foreseen, which is why estimates are opt-in.

var estimates sync.Map // year → map[Date][]Holiday

func estimateYear(year int) map[Date][]Holiday {
	if v, ok := estimates.Load(year); ok {
		return v.(map[Date][]Holiday)
	}
	out := map[Date][]Holiday{}
	add := func(div Division, d Date, title string) {
		out[d] = append(out[d], Holiday{Date: d, Title: title, Division: div, Estimated: true})
	}
	easter := easterSunday(year)
	may1 := NewDate(year, time.May, 1)
	earlyMay := nextWeekday(may1, time.Monday)
	spring := lastWeekday(NewDate(year, time.May, 31), time.Monday)
	lastAug := lastWeekday(NewDate(year, time.August, 31), time.Monday)
	firstAug := nextWeekday(NewDate(year, time.August, 1), time.Monday)
	christmas := []fixed{{NewDate(year, time.December, 25), "Christmas Day"}, {NewDate(year, time.December, 26), "Boxing Day"}}

	for _, div := range divisions {
		add(div, easter.AddDays(-2), "Good Friday")
		add(div, earlyMay, "Early May bank holiday")
		add(div, spring, "Spring bank holiday")
		newYear := []fixed{{NewDate(year, time.January, 1), "New Year’s Day"}}
		switch div {
		case EnglandAndWales:
			add(div, easter.AddDays(1), "Easter Monday")
			add(div, lastAug, "Summer bank holiday")
		case Scotland:
			newYear = append(newYear, fixed{NewDate(year, time.January, 2), "2nd January"})
			add(div, firstAug, "Summer bank holiday")
			for _, h := range observe([]fixed{{NewDate(year, time.November, 30), "St Andrew’s Day"}}) {
				add(div, h.date, h.title)
			}
		case NorthernIreland:
			add(div, easter.AddDays(1), "Easter Monday")
			add(div, lastAug, "Summer bank holiday")
			for _, h := range observe([]fixed{{NewDate(year, time.March, 17), "St Patrick’s Day"}}) {
				add(div, h.date, h.title)
			}
			for _, h := range observe([]fixed{{NewDate(year, time.July, 12), "Battle of the Boyne (Orangemen’s Day)"}}) {
				add(div, h.date, h.title)
			}
		}
		for _, h := range observe(newYear) {
			add(div, h.date, h.title)
		}
		for _, h := range observe(christmas) {
			add(div, h.date, h.title)
		}
	}
	v, _ := estimates.LoadOrStore(year, out)
	return v.(map[Date][]Holiday)
}

type fixed struct {
	date  Date
	title string
}

// observe moves fixed-date holidays that fall on a weekend to the next
// weekday not already taken by one of the group ("substitute days").
func observe(hs []fixed) []fixed {
	taken := map[Date]bool{}
	out := make([]fixed, len(hs))
	for i, h := range hs {
		out[i] = h
		if !weekend(h.date) {
			taken[h.date] = true
		}
	}
	for i, h := range hs {
		if !weekend(h.date) {
			continue
		}
		d := h.date
		for weekend(d) || taken[d] {
			d = d.AddDays(1)
		}
		taken[d] = true
		out[i] = fixed{d, h.title + " (substitute day)"}
	}
	return out
}

func weekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func nextWeekday(d Date, wd time.Weekday) Date {
	for d.Weekday() != wd {
		d = d.AddDays(1)
	}
	return d
}

func lastWeekday(d Date, wd time.Weekday) Date {
	for d.Weekday() != wd {
		d = d.AddDays(-1)
	}
	return d
}

// easterSunday is the Gregorian computus (Anonymous Gregorian algorithm).
func easterSunday(y int) Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return NewDate(y, time.Month(month), day)
}

func isGoodFriday(d Date) bool { return easterSunday(d.Year()).AddDays(-2) == d }
