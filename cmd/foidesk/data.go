package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/foidesk/foidesk/internal/dataset"
)

// foidesk data compare: force by force, how a campaign's totals changed
// between two yearly runs.
func init() {
	dataCmd.subs = append(dataCmd.subs, &command{
		name: "compare", summary: "force-by-force change of totals between two runs",
		usage: "--campaign SLUG --years Y1,Y2 [--period P] [--json]",
		help: `Compare two runs of a campaign (say last year's and this year's): for each
force its total in each run, the change and the change in per cent. Forces
with figures in one run only are listed as such, and the like-for-like total
covers the forces with figures in both.

A force's total adds up its figures once, even when it gave them in several
breakdowns or documents; suppressed cells add nothing. --period compares
one period only (e.g. 2023, asked about by both runs).`,
		flags: func(fs *flag.FlagSet) {
			fs.String("campaign", "", "campaign slug")
			fs.String("years", "", "the two runs to compare, earlier first: 2024,2025")
			fs.String("period", "", "compare only the figures for this period (e.g. 2023)")
			fs.Bool("json", false, "print JSON")
		},
		run: runDataCompare,
	})
}

func runDataCompare(ctx context.Context, a *app, args []string) error {
	slug := a.flagString("campaign")
	if slug == "" {
		return usageErrorf("--campaign is required")
	}
	before, after, err := parseYears(a.flagString("years"))
	if err != nil {
		return usageErrorf("%v", err)
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := dataset.CompareRuns(ctx, st, slug, before, after, a.flagString("period"))
	if err != nil {
		return err
	}
	if a.flagBool("json") {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	}
	return printComparison(a.stdout, c)
}

// parseYears reads "2024,2025".
func parseYears(s string) (before, after int, err error) {
	parts := strings.Split(s, ",")
	if len(parts) != 2 {
		return 0, 0, fmt.Errorf("--years %q: want two years, earlier first, e.g. 2024,2025", s)
	}
	var ys [2]int
	for i, p := range parts {
		y, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || y < 2000 || y > 2100 {
			return 0, 0, fmt.Errorf("--years %q: %q is not a year", s, strings.TrimSpace(p))
		}
		ys[i] = y
	}
	if ys[0] == ys[1] {
		return 0, 0, fmt.Errorf("--years %q: two different years", s)
	}
	return ys[0], ys[1], nil
}

func printComparison(w io.Writer, c *dataset.Comparison) error {
	what := strings.ReplaceAll(c.Measure, "_", " ")
	if c.Period != "" {
		what += ", period " + c.Period
	}
	fmt.Fprintf(w, "%s: %s, %d against %d\n\n", c.Campaign, what, c.After, c.Before)
	rows := [][]string{{"FORCE", strconv.Itoa(c.Before), strconv.Itoa(c.After), "CHANGE", "% CHANGE"}}
	for _, f := range c.Forces {
		rows = append(rows, []string{f.Name, cmpTotal(f.Before), cmpTotal(f.After), cmpChange(f), cmpPercent(f.Percent, f.Before, f.After)})
	}
	rows = append(rows, nil, []string{fmt.Sprintf("like for like (%d %s)", c.Both, cmpPlural(c.Both, "force", "forces")),
		cmpNumber(c.TotalBefore), cmpNumber(c.TotalAfter), cmpSigned(c.Change), cmpPercent(c.Percent, &c.TotalBefore, &c.TotalAfter)})
	// The force column is aligned left, the figures right.
	widths := make([]int, 5)
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, cell := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i == 0 {
				b.WriteString(cell + pad)
			} else {
				b.WriteString("  " + pad + cell)
			}
		}
		if _, err := fmt.Fprintln(w, strings.TrimRight(b.String(), " ")); err != nil {
			return err
		}
	}
	if len(c.OnlyBefore) > 0 || len(c.OnlyAfter) > 0 {
		fmt.Fprintln(w)
	}
	if len(c.OnlyBefore) > 0 {
		fmt.Fprintf(w, "figures in %d only: %s\n", c.Before, strings.Join(c.OnlyBefore, ", "))
	}
	if len(c.OnlyAfter) > 0 {
		fmt.Fprintf(w, "figures in %d only: %s\n", c.After, strings.Join(c.OnlyAfter, ", "))
	}
	return nil
}

func cmpPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func cmpNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func cmpTotal(v *float64) string {
	if v == nil {
		return "—"
	}
	return cmpNumber(*v)
}

func cmpSigned(v float64) string {
	if v > 0 {
		return "+" + cmpNumber(v)
	}
	return cmpNumber(v)
}

func cmpChange(f dataset.Change) string {
	if f.Change == nil {
		return "—"
	}
	return cmpSigned(*f.Change)
}

func cmpPercent(p, before, after *float64) string {
	switch {
	case p != nil:
		s := strconv.FormatFloat(*p, 'f', 1, 64) + "%"
		if *p > 0 {
			s = "+" + s
		}
		return s
	case before != nil && after != nil && *before == 0 && *after != 0:
		return "new"
	case before != nil && after != nil:
		return "0.0%"
	}
	return "—"
}
