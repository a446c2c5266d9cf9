package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/foidesk/foidesk/internal/force"
)

var forcesCmd = &command{
	name:    "forces",
	summary: "list the police forces in the registry, or a group of them",
	usage:   "[--json] [GROUP|SLUG...]",
	help: `List police forces from the embedded registry: slug, name, regime and
the address requests go to. With no argument, the group all44 is listed.

Groups:
  all44  the 43 territorial forces of England and Wales and British Transport Police
  uk     all44 plus Police Scotland and the Police Service of Northern Ireland
  all    every body in the registry, including those outside FOI law

Arguments may mix groups and slugs; each force is listed once.`,
	flags: func(fs *flag.FlagSet) {
		fs.Bool("json", false, "print JSON instead of a table")
	},
	run: runForces,
}

func init() { register(forcesCmd) }

func runForces(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		args = []string{"all44"}
	}
	fs, err := force.Resolve(args)
	if err != nil {
		return err
	}
	if a.flagBool("json") {
		type row struct {
			Slug      string   `json:"slug"`
			Name      string   `json:"name"`
			ShortName string   `json:"short_name"`
			Category  string   `json:"category"`
			Country   string   `json:"country"`
			Regime    string   `json:"regime"`
			FOIEmail  string   `json:"foi_email"`
			Domains   []string `json:"domains"`
		}
		out := make([]row, 0, len(fs))
		for _, f := range fs {
			out = append(out, row{f.Slug, f.Name, f.ShortName, f.Category, f.Country, f.Regime.String(), f.FOIEmail, f.Domains})
		}
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tNAME\tREGIME\tFOI ADDRESS")
	for _, f := range fs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Slug, f.Name, strings.ToUpper(f.Regime.String()), f.FOIEmail)
	}
	fmt.Fprintf(tw, "\n%d forces\n", len(fs))
	return tw.Flush()
}
