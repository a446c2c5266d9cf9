package main

// The production topology on this machine, for the fault-injection suite
// and the scale benchmark: PostgreSQL, a Temporal server persisting to it
// in its own process (cmd/foidesk-temporal), and 'foidesk worker'
// processes, each of which can be killed and started again.

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/foidesk/foidesk/internal/await"
	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/engine"
	"github.com/foidesk/foidesk/internal/freeport"
	"github.com/foidesk/foidesk/internal/pglocal"
	"github.com/foidesk/foidesk/internal/store"
)

// topology is PostgreSQL, Temporal on it, and the workers.
type topology struct {
	dir, logDir string
	foideskBin  string
	pgDir       string
	pgPort      int
	dbURL       string
	tAddr       string
	st          *store.Store
	tc          client.Client
	temporal    *proc
	logger      *slog.Logger

	pgMu sync.Mutex
	pg   *pglocal.Cluster
}

// startTopology builds the binaries and starts PostgreSQL (foidesk's
// database migrated) and the Temporal server; the workers come after, with
// startWorkers. Everything stops when the test ends.
func startTopology(ctx context.Context, tb testing.TB) *topology {
	tb.Helper()
	if _, err := pglocal.FindBinaries(); err != nil {
		tb.Skip(err)
	}
	tp := &topology{dir: tb.TempDir(),
		logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	tp.logDir = filepath.Join(tp.dir, "logs")
	if d := os.Getenv("FOIDESK_CHAOS_LOGS"); d != "" {
		tp.logDir = d // kept after the run, for a failure's post-mortem
	}
	if err := os.MkdirAll(tp.logDir, 0o755); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			for _, name := range []string{"temporal.log", "worker-1.log"} {
				b, _ := os.ReadFile(filepath.Join(tp.logDir, name))
				if len(b) > 6000 {
					b = b[len(b)-6000:]
				}
				tb.Logf("--- end of %s:\n%s", name, b)
			}
		}
	})
	var temporalBin string
	tp.foideskBin, temporalBin = buildBinaries(tb, tp.dir)

	tp.pgDir = filepath.Join(tp.dir, "pg")
	var err error
	if tp.pgPort, err = freeport.Port(); err != nil {
		tb.Fatal(err)
	}
	if tp.pg, err = startPostgres(ctx, tp.pgDir, tp.pgPort); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { tp.pgMu.Lock(); tp.pg.Stop(); tp.pgMu.Unlock() })
	for _, db := range []string{"foidesk", "temporal", "temporal_visibility"} {
		if err := tp.pg.CreateDatabase(ctx, db); err != nil {
			tb.Fatal(err)
		}
	}
	tp.dbURL = tp.pg.URL("foidesk")
	tp.st = dbtest.Open(tb, tp.dbURL)
	if _, err := tp.st.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}

	if tp.tAddr, err = freeport.Addr(); err != nil {
		tb.Fatal(err)
	}
	tlog, err := os.Create(filepath.Join(tp.logDir, "temporal.log"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { tlog.Close() })
	tp.temporal = &proc{name: "temporal", path: temporalBin, args: []string{"-addr", tp.tAddr}, logf: tlog,
		env: []string{"FOIDESK_TEMPORAL_PG=127.0.0.1:" + strconv.Itoa(tp.pgPort), "FOIDESK_TEMPORAL_PG_USER=foidesk",
			"FOIDESK_TEMPORAL_PG_PASSWORD=chaos"}}
	if err := tp.temporal.start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(tp.temporal.stop)
	dctx, dcancel := context.WithTimeout(ctx, 2*time.Minute)
	err = await.Until(dctx, "Temporal", &await.Options{Initial: time.Second, Max: time.Second, Attempt: 10 * time.Second},
		func(ctx context.Context) error {
			var err error
			tp.tc, err = engine.Dial(ctx, engine.Options{Address: tp.tAddr, Namespace: "default", Logger: tp.logger})
			return err
		})
	dcancel()
	if err != nil {
		tb.Fatalf("Temporal did not answer: %v", err)
	}
	tb.Cleanup(tp.tc.Close)
	return tp
}

// startWorkers starts n 'foidesk worker' processes with the topology's
// database and Temporal, and env besides.
func (tp *topology) startWorkers(tb testing.TB, n int, env []string) []*proc {
	tb.Helper()
	env = append([]string{
		"DATABASE_URL=" + tp.dbURL, "TEMPORAL_ADDRESS=" + tp.tAddr, "TEMPORAL_NAMESPACE=default",
		"FOIDESK_FROM_ADDRESS=foi-desk@newsroom.example", "FOIDESK_FROM_NAME=Data desk", "FOIDESK_MESSAGE_ID_DOMAIN=newsroom.example",
		"FOIDESK_LOG_LEVEL=warn", "FOIDESK_DATA_DIR=" + filepath.Join(tp.dir, "data"),
	}, env...)
	workers := make([]*proc, n)
	for i := range workers {
		f, err := os.Create(filepath.Join(tp.logDir, fmt.Sprintf("worker-%d.log", i+1)))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { f.Close() })
		workers[i] = &proc{name: fmt.Sprintf("worker %d", i+1), path: tp.foideskBin, args: []string{"worker"}, env: env, logf: f}
		if err := workers[i].start(); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(workers[i].stop)
	}
	return workers
}

// killPostmaster kills PostgreSQL's postmaster with SIGKILL and starts it
// again on the same data.
func (tp *topology) killPostmaster(ctx context.Context) error {
	tp.pgMu.Lock()
	defer tp.pgMu.Unlock()
	_ = syscall.Kill(tp.pg.PID(), syscall.SIGKILL)
	<-tp.pg.Done()
	pg, err := startPostgres(ctx, tp.pgDir, tp.pgPort)
	if err != nil {
		return err
	}
	tp.pg = pg
	return nil
}

// procStat reads a process's parent and the CPU time (user and system)
// it has used, from /proc/PID/stat.
func procStat(pid int) (ppid int, cpu float64, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	_, rest, found := strings.Cut(string(b), ") ")
	f := strings.Fields(rest) // f[0] is field 3 (state): ppid is field 4, utime and stime 14 and 15
	if !found || len(f) < 13 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return ppid, (ut + st) / 100, true // clock ticks (USER_HZ, 100 on Linux)
}

// cpuSeconds returns the CPU time process pid has used.
func cpuSeconds(pid int) float64 {
	_, cpu, _ := procStat(pid)
	return cpu
}

// postgresCPUSeconds is the CPU time of the postmaster and its live
// children (the backends).
func (tp *topology) postgresCPUSeconds() float64 {
	tp.pgMu.Lock()
	pm := tp.pg.PID()
	tp.pgMu.Unlock()
	total := cpuSeconds(pm)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, cpu, ok := procStat(pid); ok && ppid == pm {
			total += cpu
		}
	}
	return total
}

// peakRSSOf returns a process's high-water resident set size (Linux).
func peakRSSOf(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// proc is a child process that can be killed and started again.
type proc struct {
	name string
	path string
	args []string
	env  []string
	logf *os.File

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	starts int
}

// start starts the process unless it is running: two faults can each
// schedule a restart of the same process, and a second copy would run on
// unwatched, never killed.
func (p *proc) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.exited != nil {
		select {
		case <-p.exited:
		default:
			return nil
		}
	}
	cmd := exec.Command(p.path, p.args...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = p.logf, p.logf
	// Never outlive the test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	fmt.Fprintf(p.logf, "\n=== start %d of %s\n", p.starts+1, p.name)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	p.cmd, p.exited = cmd, exited
	p.starts++
	return nil
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-exited
	fmt.Fprintf(p.logf, "\n=== killed %s\n", p.name)
}

// stop sends SIGTERM and waits, then SIGKILL.
func (p *proc) stop() {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		p.kill()
	}
}

func buildBinaries(t testing.TB, dir string) (foidesk, temporalBin string) {
	t.Helper()
	foidesk, temporalBin = filepath.Join(dir, "foidesk"), filepath.Join(dir, "foidesk-temporal")
	for _, b := range []struct{ out, pkg string }{{foidesk, "."}, {temporalBin, "../foidesk-temporal"}} {
		cmd := exec.Command("go", "build", "-o", b.out, b.pkg)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	return foidesk, temporalBin
}

func startPostgres(ctx context.Context, dir string, port int) (*pglocal.Cluster, error) {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	var pg *pglocal.Cluster
	// After a killed postmaster its backends take a moment to notice and
	// exit; until then the new server refuses the shared memory.
	err := await.Until(ctx, "PostgreSQL", &await.Options{Initial: 500 * time.Millisecond, Max: 500 * time.Millisecond,
		Attempt: 90 * time.Second}, func(ctx context.Context) error {
		var err error
		pg, err = pglocal.Start(ctx, &pglocal.Options{Dir: dir, Port: port, Password: "chaos"})
		return err
	})
	return pg, err
}
