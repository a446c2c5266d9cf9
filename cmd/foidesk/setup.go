package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/store"
)

func init() {
	register(&command{
		name:    "setup",
		summary: "prepare a deployment: apply migrations and register search attributes",
		help: `Apply pending database migrations (as 'foidesk migrate') and register
foidesk's custom search attributes (FoiCampaign, FoiForce, FoiState,
FoiCondition, FoiDueDate) on the Temporal namespace. Needs DATABASE_URL and
TEMPORAL_ADDRESS. Safe to run on every deployment: a second run changes
nothing. Clusters where foidesk has no operator rights can register the
attributes with deploy/search-attributes.sh instead.`,
		run: func(ctx context.Context, a *app, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if cfg.DatabaseURL == "" || cfg.TemporalAddress == "" {
				return errors.New("DATABASE_URL and TEMPORAL_ADDRESS must be set")
			}
			st, err := store.Open(ctx, cfg.DatabaseURL, nil)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := migrate(ctx, a, st, false); err != nil {
				return err
			}
			tc, err := engine.Dial(ctx, engine.Options{Address: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace,
				APIKey: cfg.TemporalAPIKey, TLS: cfg.TemporalTLS, Logger: a.logger()})
			if err != nil {
				return err
			}
			defer tc.Close()
			added, err := engine.EnsureSearchAttributes(ctx, tc, cfg.TemporalNamespace)
			if err != nil {
				return fmt.Errorf("search attributes: %w", err)
			}
			if len(added) == 0 {
				fmt.Fprintln(a.stdout, "search attributes present")
			}
			for _, name := range added {
				fmt.Fprintf(a.stdout, "registered search attribute %s\n", name)
			}
			return nil
		},
	})
}
