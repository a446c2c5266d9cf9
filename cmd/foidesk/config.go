package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/foidesk/foidesk/internal/config"
	"github.com/foidesk/foidesk/internal/devstack"
	"github.com/foidesk/foidesk/internal/store"
)

func init() {
	register(&command{
		name:    "config",
		summary: "print the effective configuration (secrets masked)",
		usage:   "[--vars]",
		help: `Print the configuration foidesk reads from the environment, with secrets
masked, after validation. With --vars, list every variable with its default
and meaning instead.`,
		flags: func(fs *flag.FlagSet) { fs.Bool("vars", false, "list the variables foidesk reads") },
		run: func(ctx context.Context, a *app, args []string) error {
			if a.flagBool("vars") {
				w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "VARIABLE\tDEFAULT\tMEANING")
				for _, v := range config.Vars {
					name := v.Name
					if v.Secret {
						name += " (or " + v.Name + "_FILE)"
					}
					fmt.Fprintf(w, "%s\t%s\t%s\n", name, v.Default, v.Help)
				}
				return w.Flush()
			}
			cfg, err := a.config()
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			for _, kv := range cfg.Display() {
				v := kv[1]
				if v == "" {
					v = "-"
				}
				fmt.Fprintf(w, "%s\t%s\n", kv[0], v)
			}
			return w.Flush()
		},
	})
}

// config loads and validates the configuration once.
func (a *app) config() (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	cfg, err := config.Load(a.getenv)
	if err != nil {
		return nil, fmt.Errorf("configuration:\n  %s", strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	a.cfg = cfg
	return cfg, nil
}

// logger returns the process logger configured by FOIDESK_LOG_FORMAT/LEVEL.
func (a *app) logger() *slog.Logger {
	if a.log != nil {
		return a.log
	}
	level := slog.LevelInfo
	format := "text"
	if cfg, err := a.config(); err == nil {
		_ = level.UnmarshalText([]byte(cfg.LogLevel))
		format = cfg.LogFormat
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(a.stderr, opts)
	if format == "json" {
		h = slog.NewJSONHandler(a.stderr, opts)
	}
	a.log = slog.New(h)
	return a.log
}

// store opens the database: DATABASE_URL, or the one 'foidesk dev' runs.
func (a *app) store(ctx context.Context) (*store.Store, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	url := cfg.DatabaseURL
	if url == "" {
		if url, err = devstack.LocalDatabaseURL(cfg.DataDir); err != nil {
			return nil, err
		}
	}
	return store.Open(ctx, url, nil)
}
