package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/foidesk/foidesk/internal/calendar"
	"github.com/foidesk/foidesk/internal/foi"
)

var calendarCmd = &command{
	name:    "calendar",
	summary: "statutory due dates and working days (FOIA 2000, FOISA 2002)",
	help: `Answer working-day questions the way FOI law counts them.

FOIA 2000 (s.10(6)): Saturdays, Sundays, Christmas Day, Good Friday and bank
holidays in any part of the UK are not working days. FOISA 2002 (s.73,
Police Scotland): Scottish bank holidays only. Holidays come from the
embedded GOV.UK data; a date outside it is an error unless --estimate is
given.`,
	subs: []*command{
		{
			name:    "due",
			summary: "print the due date of a request received on a day",
			usage:   "--received YYYY-MM-DD [--regime foia|foisa] [--days N] [--estimate]",
			help: `Print the due date (ISO) on the first line: the N-th working day after the
day of receipt (20 by default). The lines after it show the count.`,
			flags: func(fs *flag.FlagSet) {
				fs.String("regime", "foia", "foia (England, Wales, Northern Ireland, UK bodies) or foisa (Police Scotland)")
				fs.String("received", "", "day the force received the request, YYYY-MM-DD")
				fs.Int("days", 20, "working days allowed")
				fs.Bool("estimate", false, "accept rule-based holidays for years the data does not cover")
			},
			run: runCalendarDue,
		},
		{
			name:    "overdue",
			summary: "print how many working days past its due date a request is",
			usage:   "--due YYYY-MM-DD [--today YYYY-MM-DD] [--regime foia|foisa]",
			flags: func(fs *flag.FlagSet) {
				fs.String("regime", "foia", "foia or foisa")
				fs.String("due", "", "due date, YYYY-MM-DD")
				fs.String("today", "", "the day to count to (default: today in London)")
				fs.Bool("estimate", false, "accept rule-based holidays for years the data does not cover")
			},
			run: runCalendarOverdue,
		},
		{
			name:    "holidays",
			summary: "list the days that are not working days in a year",
			usage:   "[--regime foia|foisa] YEAR",
			flags: func(fs *flag.FlagSet) {
				fs.String("regime", "foia", "foia or foisa")
				fs.Bool("estimate", false, "accept rule-based holidays for years the data does not cover")
			},
			run: runCalendarHolidays,
		},
	},
}

func init() { register(calendarCmd) }

func calendarArgs(a *app) (*calendar.Calendar, foi.Regime, error) {
	r, err := calendar.ParseRegime(a.flagString("regime"))
	if err != nil {
		return nil, 0, usageErrorf("--regime: %v", err)
	}
	c, err := calendar.New(&calendar.Options{AllowEstimate: a.flagBool("estimate")})
	return c, r, err
}

func dateFlag(a *app, name string) (calendar.Date, error) {
	v := a.flagString(name)
	if v == "" {
		return calendar.Date{}, usageErrorf("--%s is required", name)
	}
	d, err := calendar.ParseDate(v)
	if err != nil {
		return calendar.Date{}, usageErrorf("--%s: %v", name, err)
	}
	return d, nil
}

func runCalendarDue(ctx context.Context, a *app, args []string) error {
	c, r, err := calendarArgs(a)
	if err != nil {
		return err
	}
	received, err := dateFlag(a, "received")
	if err != nil {
		return err
	}
	days := a.flagInt("days")
	due, err := c.DueDate(r, received, days)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, due)
	fmt.Fprintf(a.stdout, "%s: received %s, due %s (%d working days)\n", r, received.Long(), due.Long(), days)
	if c.Estimated(due) {
		fmt.Fprintln(a.stdout, "estimate: holidays after the data's coverage were generated from the standing rules")
	}
	for d := received.AddDays(1); !d.After(due); d = d.AddDays(1) {
		wd := d.Weekday()
		if wd == time.Saturday || wd == time.Sunday {
			continue
		}
		if ok, _ := c.IsWorkingDay(r, d); !ok {
			fmt.Fprintf(a.stdout, "skipped %s (holiday)\n", d.Long())
		}
	}
	return nil
}

func runCalendarOverdue(ctx context.Context, a *app, args []string) error {
	c, r, err := calendarArgs(a)
	if err != nil {
		return err
	}
	due, err := dateFlag(a, "due")
	if err != nil {
		return err
	}
	today := calendar.DateOf(time.Now())
	if a.flagString("today") != "" {
		if today, err = dateFlag(a, "today"); err != nil {
			return err
		}
	}
	n, err := c.Overdue(r, due, today)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, n)
	return nil
}

func runCalendarHolidays(ctx context.Context, a *app, args []string) error {
	if len(args) != 1 {
		return usageErrorf("want one YEAR")
	}
	year, err := strconv.Atoi(args[0])
	if err != nil {
		return usageErrorf("year %q: %v", args[0], err)
	}
	c, r, err := calendarArgs(a)
	if err != nil {
		return err
	}
	hs, err := c.Holidays(r, year)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for _, h := range hs {
		est := ""
		if h.Estimated {
			est = "\t(estimate)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s%s\n", h.Date, h.Date.Weekday().String()[:3], h.Division, h.Title, est)
	}
	return tw.Flush()
}
