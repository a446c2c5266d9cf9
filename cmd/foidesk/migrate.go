package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/foidesk/foidesk/internal/store"
)

func init() {
	register(&command{
		name:    "migrate",
		summary: "apply pending database migrations",
		usage:   "[--status]",
		help: `Apply the schema migrations this binary carries that the database at
DATABASE_URL has not had yet. Running it again changes nothing. With
--status, only report which migrations are applied and which are pending.`,
		flags: func(fs *flag.FlagSet) { fs.Bool("status", false, "report only; change nothing") },
		run: func(ctx context.Context, a *app, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if cfg.DatabaseURL == "" {
				return fmt.Errorf("DATABASE_URL is not set (foidesk dev manages its own database and migrates it on start)")
			}
			st, err := store.Open(ctx, cfg.DatabaseURL, nil)
			if err != nil {
				return err
			}
			defer st.Close()
			return migrate(ctx, a, st, a.flagBool("status"))
		},
	})
}

func migrate(ctx context.Context, a *app, st *store.Store, statusOnly bool) error {
	if statusOnly {
		s, err := st.Status(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "applied: %d migration(s)\n", len(s.Applied))
		for _, m := range s.Pending {
			fmt.Fprintf(a.stdout, "pending: %s\n", m.Name)
		}
		if len(s.Unknown) > 0 {
			fmt.Fprintf(a.stdout, "unknown to this binary (applied by a newer foidesk): %v\n", s.Unknown)
		}
		return nil
	}
	applied, err := st.Migrate(ctx)
	for _, name := range applied {
		fmt.Fprintf(a.stdout, "applied %s\n", name)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(a.stdout, "schema up to date")
	}
	return nil
}
