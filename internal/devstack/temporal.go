package devstack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/internal/engine"
)

// TemporalBinaryEnv names the environment variable that points at the
// foidesk-temporal executable; see TemporalBinary.
const TemporalBinaryEnv = "FOIDESK_TEMPORAL_BIN"

// temporalBinaryName is the executable that serves Temporal's development
// server (cmd/foidesk-temporal), built beside foidesk by 'make build'.
const temporalBinaryName = "foidesk-temporal"

// ErrNoTemporalBinary is returned when foidesk-temporal is not found.
var ErrNoTemporalBinary = errors.New("the Temporal development server " + temporalBinaryName +
	" was not found ($" + TemporalBinaryEnv + ", beside this executable, or on PATH): build it with 'make build' " +
	"(it builds bin/foidesk and bin/" + temporalBinaryName + "), or set TEMPORAL_ADDRESS to use a running Temporal server")

// TemporalBinary finds the foidesk-temporal executable: the file named by
// $FOIDESK_TEMPORAL_BIN, else the one beside this executable (or beside
// the file a symbolic link to it points at), else the one on PATH.
func TemporalBinary() (string, error) {
	if p := os.Getenv(TemporalBinaryEnv); p != "" {
		if err := isExecutable(p); err != nil {
			return "", fmt.Errorf("devstack: %s=%s: %w", TemporalBinaryEnv, p, err)
		}
		return p, nil
	}
	if exe, err := os.Executable(); err == nil {
		dirs := []string{filepath.Dir(exe)}
		if real, err := filepath.EvalSymlinks(exe); err == nil && filepath.Dir(real) != dirs[0] {
			dirs = append(dirs, filepath.Dir(real))
		}
		for _, d := range dirs {
			if p := filepath.Join(d, temporalBinaryName); isExecutable(p) == nil {
				return p, nil
			}
		}
	}
	if p, err := exec.LookPath(temporalBinaryName); err == nil {
		return p, nil
	}
	return "", ErrNoTemporalBinary
}

func isExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

// TemporalOptions configures a Temporal development server. A nil
// *TemporalOptions means an in-memory server on a free port without UI.
type TemporalOptions struct {
	// DatabaseFile persists the server's state in SQLite; empty keeps it in
	// memory.
	DatabaseFile string
	// Addr is the frontend's host:port (default 127.0.0.1 and a free port).
	Addr string
	// UIAddr serves the Temporal Web UI there when set.
	UIAddr    string
	Namespace string // default "default"
	// Logger receives the server's log records (default: discarded).
	Logger   *slog.Logger
	LogLevel slog.Level // server log level (default warn: it is chatty)
	// Binary is the foidesk-temporal executable (default: TemporalBinary).
	Binary string
}

// Temporal is a running Temporal development server: a foidesk-temporal
// child process, which dies with this process (on Linux).
type Temporal struct {
	Addr      string // frontend host:port
	UIURL     string // "" without UI
	Namespace string

	cmd      *exec.Cmd
	exited   chan struct{} // closed when the child has exited
	waitErr  error         // the child's exit, once exited is closed
	out      *relay
	stopping sync.Once
}

// startTimeout bounds a start: the server's own readiness wait is 60s.
const startTimeout = 2 * time.Minute

// StartTemporal starts a Temporal development server with foidesk's search
// attributes registered, as a child process ('foidesk-temporal dev'),
// returning once it answers and its namespace is ready. Its log records
// are passed on to opts.Logger; the cancellations a shutdown causes come
// at DEBUG, not ERROR.
func StartTemporal(ctx context.Context, opts *TemporalOptions) (*Temporal, error) {
	var o TemporalOptions
	if opts != nil {
		o = *opts
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LogLevel == 0 {
		o.LogLevel = slog.LevelWarn
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	bin := o.Binary
	if bin == "" {
		var err error
		if bin, err = TemporalBinary(); err != nil {
			return nil, err
		}
	}
	args := []string{"dev", "-addr", o.Addr, "-ui=" + o.UIAddr, "-db-file=" + o.DatabaseFile,
		"-namespace", o.Namespace, "-log-level", o.LogLevel.String(), "-log-format", "json"}
	cmd := exec.Command(bin, args...)
	out := newRelay(o.Logger)
	cmd.Stdout, cmd.Stderr = out.stdout(), out.stderr()
	// Its own process group keeps a terminal's Ctrl-C for this process,
	// which stops the server in its turn. The server dies with this
	// process (on Linux); SIGTERM lets it close its database. Pdeathsig
	// follows the thread that forked: Go ends a thread only when a
	// goroutine locked to it exits, and StartTemporal is never called from
	// one.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("devstack: start %s: %w", bin, err)
	}
	t := &Temporal{Namespace: o.Namespace, cmd: cmd, exited: make(chan struct{}), out: out}
	go func() {
		t.waitErr = cmd.Wait()
		close(t.exited)
	}()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case r := <-out.ready:
		t.Addr, t.UIURL = r.addr, r.uiURL
	case <-t.exited:
		return nil, fmt.Errorf("devstack: Temporal server (%s) exited before it was ready: %v%s", bin, t.waitErr, out.tail())
	case <-ctx.Done():
		t.Stop()
		return nil, fmt.Errorf("devstack: start Temporal: %w", ctx.Err())
	case <-timer.C:
		t.Stop()
		return nil, fmt.Errorf("devstack: Temporal server (%s) not ready within %s%s", bin, startTimeout, out.tail())
	}
	go func() {
		<-t.exited
		if !out.isStopping() {
			o.Logger.Error("Temporal server exited", slog.Any("error", t.waitErr), slog.String("output", strings.TrimSpace(out.tail())))
		}
	}()
	return t, nil
}

// Client dials the server.
func (t *Temporal) Client(ctx context.Context) (client.Client, error) {
	return engine.Dial(ctx, engine.Options{Address: t.Addr, Namespace: t.Namespace})
}

// Stop stops the server and waits for it: SIGTERM, then SIGKILL after 30s.
func (t *Temporal) Stop() {
	t.stopping.Do(func() {
		t.out.setStopping()
		_ = t.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-t.exited:
		case <-time.After(30 * time.Second):
			_ = t.cmd.Process.Kill()
			<-t.exited
		}
	})
}

// readyLine is what foidesk-temporal dev prints once the server is ready;
// uiLine comes before it when there is a UI.
const (
	readyLine = "temporal serving on "
	uiLine    = "temporal UI on "
)

type readyInfo struct{ addr, uiURL string }

// relay reads the child's output: its start lines on stdout, and its log
// records on stderr (JSON, one a line), which it passes on to the logger.
// Other output is kept (the last lines) for errors and logged once the
// server is up.
type relay struct {
	log   *slog.Logger
	ready chan readyInfo

	mu       sync.Mutex
	uiURL    string
	started  bool
	stopping bool
	last     []string
}

const relayTailLines = 20

func newRelay(log *slog.Logger) *relay {
	return &relay{log: log, ready: make(chan readyInfo, 1)}
}

func (r *relay) stdout() *lineWriter { return &lineWriter{line: r.stdoutLine} }
func (r *relay) stderr() *lineWriter { return &lineWriter{line: r.stderrLine} }

func (r *relay) setStopping() {
	r.mu.Lock()
	r.stopping = true
	r.mu.Unlock()
}

func (r *relay) isStopping() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopping
}

func (r *relay) stdoutLine(line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case strings.HasPrefix(line, uiLine):
		r.uiURL = strings.TrimPrefix(line, uiLine)
	case strings.HasPrefix(line, readyLine) && !r.started:
		r.started = true
		r.ready <- readyInfo{addr: strings.TrimPrefix(line, readyLine), uiURL: r.uiURL}
	default:
		r.other(line)
	}
}

func (r *relay) stderrLine(line string) {
	h := r.log.Handler()
	if r.isStopping() {
		// A server stopping warns of each of its services the others can
		// no longer reach: expected, and not passed on. Its errors are.
		h = atLeast{h, slog.LevelError}
	}
	if relayRecord(h, line) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.other(line)
}

// other keeps a line that is not a log record; r.mu is held.
func (r *relay) other(line string) {
	if strings.TrimSpace(line) == "" {
		return
	}
	r.last = append(r.last, line)
	if len(r.last) > relayTailLines {
		r.last = r.last[len(r.last)-relayTailLines:]
	}
	if r.started {
		r.log.Error("Temporal server output", slog.String("line", line))
	}
}

// tail is the last output lines that were not log records, each on a line
// of its own after a newline; "" if none.
func (r *relay) tail() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.last) == 0 {
		return ""
	}
	return "\n" + strings.Join(r.last, "\n")
}

// lineWriter calls line for each complete line written to it; a last line
// without a newline is lost, which foidesk-temporal never writes.
type lineWriter struct {
	line func(string)
	buf  []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.line(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	return len(p), nil
}
