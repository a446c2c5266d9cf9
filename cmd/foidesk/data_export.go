package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/foidesk/foidesk/internal/dataset"
	"github.com/foidesk/foidesk/internal/store"
)

// dataCmd groups the dataset commands; other files add subcommands to it.
var dataCmd = &command{
	name:    "data",
	summary: "a campaign's figures: export, check, compare",
	help:    `Read a campaign's loaded figures, every value with the cell it came from.`,
	subs: []*command{
		{name: "export", summary: "write the dataset as CSV or XLSX",
			usage: "--campaign SLUG [--year Y] [--format csv|xlsx] [--out FILE] [--link-base URL]",
			help: `Columns: force, force name, period, the campaign's dimensions, measure,
value, flag and source (document, sheet or page, table, cell). A suppressed
or unrecorded figure has an empty value and its flag, never 0. In XLSX the
header row is frozen and filtered, years are numbers, and with --link-base
(the dashboard's address) each source links to its view of the cell.`,
			flags: func(fs *flag.FlagSet) {
				fs.String("campaign", "", "campaign slug")
				fs.Int("year", 0, "campaign year (default: the latest)")
				fs.String("format", "csv", "csv or xlsx")
				fs.String("out", "", "file to write (default: standard output; required for xlsx on a terminal)")
				fs.String("link-base", "", "xlsx: the dashboard's address, e.g. https://foidesk.example.org, to link each source")
			},
			run: runDataExport},
		{name: "check", summary: "totals that do not add up, forces with no data, outliers",
			usage: "--campaign SLUG [--year Y] [--json]",
			flags: func(fs *flag.FlagSet) {
				fs.String("campaign", "", "campaign slug")
				fs.Int("year", 0, "campaign year (default: the latest)")
				fs.Bool("json", false, "print JSON")
			},
			run: runDataCheck},
	},
}

func init() { register(dataCmd) }

func runDataExport(ctx context.Context, a *app, args []string) error {
	data, err := loadData(ctx, a)
	if err != nil {
		return err
	}
	format := a.flagString("format")
	if format != "csv" && format != "xlsx" {
		return usageErrorf("--format %q: want csv or xlsx", format)
	}
	var w io.Writer = a.stdout
	if out := a.flagString("out"); out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if format == "xlsx" {
		err = data.WriteXLSX(w, &dataset.XLSXOptions{BaseURL: a.flagString("link-base")})
	} else {
		err = data.WriteCSV(w)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if a.flagString("out") != "" {
		fmt.Fprintf(a.stderr, "%d observations of %s/%d written to %s\n", len(data.Rows), data.Campaign, data.Year, a.flagString("out"))
	}
	return nil
}

// campaignRun opens the database and resolves --campaign and --year (the
// latest run when no year is given). The caller closes the store.
func campaignRun(ctx context.Context, a *app) (st *store.Store, slug string, year int, err error) {
	slug = a.flagString("campaign")
	if slug == "" {
		return nil, "", 0, usageErrorf("--campaign is required")
	}
	if st, err = a.store(ctx); err != nil {
		return nil, "", 0, err
	}
	year = a.flagInt("year")
	if year == 0 {
		if year, err = dataset.LatestYear(ctx, st, slug); err != nil {
			st.Close()
			return nil, "", 0, err
		}
	}
	return st, slug, year, nil
}

func loadData(ctx context.Context, a *app) (*dataset.Data, error) {
	st, slug, year, err := campaignRun(ctx, a)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return dataset.Load(ctx, st, slug, year)
}

func runDataCheck(ctx context.Context, a *app, args []string) error {
	st, slug, year, err := campaignRun(ctx, a)
	if err != nil {
		return err
	}
	defer st.Close()
	issues, err := dataset.Check(ctx, st, slug, year)
	if err != nil {
		return err
	}
	if a.flagBool("json") {
		return json.NewEncoder(a.stdout).Encode(issues)
	}
	if len(issues) == 0 {
		fmt.Fprintf(a.stdout, "%s/%d: no issues found\n", slug, year)
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tFORCE\tDETAIL")
	for _, is := range issues {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", is.Kind, is.Force, is.Detail)
	}
	fmt.Fprintf(tw, "\n%d issue(s)\n", len(issues))
	return tw.Flush()
}
