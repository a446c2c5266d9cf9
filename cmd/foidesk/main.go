// Command foidesk runs Freedom of Information campaigns: it sends one request
// to many police forces, tracks and chases each to its statutory deadline,
// reads the replies and loads the figures they contain into PostgreSQL.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/foidesk/foidesk/internal/config"
)

// command is one foidesk subcommand. Each lives in its own file and is listed
// in commands below.
type command struct {
	name    string
	summary string // one line for the command list
	usage   string // argument synopsis, e.g. "[--regime foia|foisa] --received DATE"
	help    string // longer description printed by --help
	// flags declares the command's flags on fs; may be nil.
	flags func(fs *flag.FlagSet)
	// run executes the command; args are the positional arguments left
	// after flags (flags may appear before, between or after them).
	run func(ctx context.Context, app *app, args []string) error
	// subs, when set, makes this a group: "foidesk campaign start ...".
	subs []*command
}

// app carries what every command may need.
type app struct {
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string

	// flags is the running command's parsed flag set; read it with
	// flagString, flagBool and flagInt.
	flags *flag.FlagSet
	cfg   *config.Config
	log   *slog.Logger
}

// flagString returns the value of the running command's flag name.
func (a *app) flagString(name string) string {
	if f := a.flags.Lookup(name); f != nil {
		return f.Value.String()
	}
	panic("foidesk: undeclared flag " + name)
}

// flagBool returns the value of a boolean flag.
func (a *app) flagBool(name string) bool {
	v, _ := strconv.ParseBool(a.flagString(name))
	return v
}

// flagInt returns the value of an integer flag.
func (a *app) flagInt(name string) int {
	v, _ := strconv.Atoi(a.flagString(name))
	return v
}

// flagSet reports whether flag name was given on the command line.
func (a *app) flagSet(name string) bool {
	set := false
	a.flags.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// errUsage marks an error in the command line; main prints the usage after it.
var errUsage = errors.New("usage")

func usageErrorf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
}

// exitError ends a command with an exit status of its own (other than 1,
// any error, and 2, a usage error), after printing its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// registry holds the top-level commands; each command's file registers it
// from an init function.
var registry []*command

func register(c *command) { registry = append(registry, c) }

func commands() []*command {
	cmds := append([]*command(nil), registry...)
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	return cmds
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &app{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code.
func run(ctx context.Context, args []string, a *app) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			if c := find(args[1]); c != nil {
				printHelp(a.stdout, c)
				return 0
			}
		}
		printCommands(a.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c := find(args[0])
	if c == nil {
		fmt.Fprintf(a.stderr, "foidesk: unknown command %q\n\n", args[0])
		printCommands(a.stderr)
		return 2
	}
	args = args[1:]
	for c.subs != nil {
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			printHelp(a.stdout, c)
			if len(args) == 0 {
				return 2
			}
			return 0
		}
		sub := findIn(c.subs, args[0])
		if sub == nil {
			fmt.Fprintf(a.stderr, "foidesk %s: unknown command %q\n\n", c.name, args[0])
			printHelp(a.stderr, c)
			return 2
		}
		sub = &command{name: c.name + " " + sub.name, summary: sub.summary, usage: sub.usage,
			help: sub.help, flags: sub.flags, run: sub.run, subs: sub.subs}
		c, args = sub, args[1:]
	}
	fs := flag.NewFlagSet("foidesk "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if c.flags != nil {
		c.flags(fs)
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(a.stdout, c)
			return 0
		}
		fmt.Fprintf(a.stderr, "foidesk %s: %v\n\n", c.name, err)
		printHelp(a.stderr, c)
		return 2
	}
	a.flags = fs
	if err := c.run(ctx, a, pos); err != nil {
		fmt.Fprintf(a.stderr, "foidesk %s: %v\n", c.name, err)
		if errors.Is(err, errUsage) {
			fmt.Fprintln(a.stderr)
			printHelp(a.stderr, c)
			return 2
		}
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 1
	}
	return 0
}

// parseInterspersed parses flags wherever they stand among the positional
// arguments, as most users expect ("campaign start FILE --year 2025").
// A lone "--" ends flag parsing.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		args = rest
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func find(name string) *command { return findIn(commands(), name) }

func findIn(cmds []*command, name string) *command {
	for _, c := range cmds {
		if c.name == name {
			return c
		}
	}
	return nil
}

func printCommands(w io.Writer) {
	fmt.Fprintln(w, "foidesk runs Freedom of Information campaigns across UK police forces.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: foidesk COMMAND [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'foidesk COMMAND --help' for a command's flags.")
	fmt.Fprintln(w, "Configuration comes from the environment; 'foidesk config' shows it.")
}

func printHelp(w io.Writer, c *command) {
	if c.subs != nil {
		fmt.Fprintf(w, "Usage: foidesk %s COMMAND [flags] [args]\n\n%s\n\nCommands:\n", c.name, c.summary)
		for _, s := range c.subs {
			fmt.Fprintf(w, "  %-10s %s\n", s.name, s.summary)
		}
		return
	}
	fmt.Fprintf(w, "Usage: foidesk %s %s\n\n", c.name, c.usage)
	if c.help != "" {
		fmt.Fprintln(w, strings.TrimSpace(c.help))
		fmt.Fprintln(w)
	} else {
		fmt.Fprintln(w, c.summary)
		fmt.Fprintln(w)
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	if c.flags != nil {
		c.flags(fs)
	}
	has := false
	fs.VisitAll(func(*flag.Flag) { has = true })
	if has {
		fmt.Fprintln(w, "Flags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}
