// Package pglocal runs a PostgreSQL cluster from the system's binaries, for
// foidesk dev, the demo and tests: initdb on first use, postgres as a child
// process listening on loopback, a clean shutdown on Stop.
package pglocal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/foidesk/foidesk/internal/freeport"
)

// ErrRunning is returned by Start when a live PostgreSQL server already runs
// on the data directory for another live process, such as a second
// 'foidesk dev' on the same data.
type ErrRunning struct {
	Dir   string
	PID   int // the postmaster
	Owner int // the process that started it
}

func (e *ErrRunning) Error() string {
	return fmt.Sprintf("pglocal: PostgreSQL (pid %d) already runs on %s for process %d: stop that process first, "+
		"or use another data directory", e.PID, e.Dir, e.Owner)
}

// ownerFile, in the data directory, names the process that started the
// running postmaster, so that a later Start can tell a server in use from
// one orphaned by a killed parent.
const ownerFile = "foidesk-owner.pid"

// ErrNoBinaries is returned when no PostgreSQL server binaries are found.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, postgres) not found: " +
	"install them with 'apt-get install -y postgresql' (Debian/Ubuntu), or set DATABASE_URL to use an existing server")

// Options configures a cluster. A nil *Options means defaults.
type Options struct {
	// Dir holds the cluster's data. An existing cluster there is reused.
	Dir string
	// Port to listen on, on 127.0.0.1; 0 picks a free one.
	Port int
	// User and Password of the superuser created by initdb (default
	// "foidesk"; an empty password means trust authentication, for
	// throwaway clusters only).
	User     string
	Password string
	// Ephemeral turns off durability (fsync, full-page writes) for speed.
	Ephemeral bool
	// LogFile receives the server's log (default Dir/postgres.log).
	LogFile string
}

// Cluster is a running PostgreSQL server.
type Cluster struct {
	Dir      string
	Port     int
	User     string
	Password string
	cmd      *exec.Cmd
	done     chan struct{} // closed when the server has exited
	exitErr  error         // set before done is closed
}

// FindBinaries returns the directory holding initdb and postgres: from PATH,
// else the newest /usr/lib/postgresql/*/bin.
func FindBinaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrNoBinaries
}

func pgVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// Start initialises the cluster if needed and starts postgres, returning
// once it accepts connections.
func Start(ctx context.Context, opts *Options) (*Cluster, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Dir == "" {
		return nil, errors.New("pglocal: Options.Dir is required")
	}
	if o.User == "" {
		o.User = "foidesk"
	}
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, fmt.Errorf("pglocal: %w", err)
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("pglocal: create %s: %w", dir, err)
	}
	if err := chown(dir, cred); err != nil {
		return nil, err
	}
	if err := ensureTraversable(dir, cred); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := initdb(ctx, bin, dir, &o, cred); err != nil {
			return nil, err
		}
	}
	if err := stopOrphan(dir); err != nil {
		return nil, err
	}
	if o.Port == 0 {
		if o.Port, err = freeport.Port(); err != nil {
			return nil, err
		}
	}
	logFile := o.LogFile
	if logFile == "" {
		logFile = filepath.Join(dir, "postgres.log")
	}
	logf, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("pglocal: open log: %w", err)
	}
	args := []string{"-D", dir, "-p", strconv.Itoa(o.Port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"}
	if o.Ephemeral {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// The server dies with this process (on Linux): a killed parent leaves
	// no postmaster behind holding the data directory and the port. A
	// durable cluster gets a fast shutdown, which checkpoints; a throwaway
	// one an immediate shutdown.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred, Pdeathsig: syscall.SIGINT}
	if o.Ephemeral {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	}
	// Pdeathsig follows the thread that forked: Go ends a thread only when
	// a goroutine locked to it exits, and Start is never called from one.
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("pglocal: start postgres: %w", err)
	}
	c := &Cluster{Dir: dir, Port: o.Port, User: o.User, Password: o.Password, cmd: cmd, done: make(chan struct{})}
	go func() { c.exitErr = cmd.Wait(); logf.Close(); close(c.done) }()
	if err := c.waitReady(ctx, logFile); err != nil {
		c.Stop()
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600); err != nil {
		c.Stop()
		return nil, fmt.Errorf("pglocal: %w", err)
	}
	return c, nil
}

// stopOrphan looks for a postmaster still running on dir. One whose owner
// (the process that started it) is gone was left behind by a killed
// parent: it is stopped, and Start goes on. One whose owner is alive is in
// use: *ErrRunning.
func stopOrphan(dir string) error {
	pid := postmasterPID(dir)
	if pid == 0 {
		return nil
	}
	owner := 0
	if b, err := os.ReadFile(filepath.Join(dir, ownerFile)); err == nil {
		owner, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if owner > 0 && owner != os.Getpid() && alive(owner) {
		return &ErrRunning{Dir: dir, PID: pid, Owner: owner}
	}
	// Fast shutdown, then immediate, then kill: each given time to finish.
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGQUIT, syscall.SIGKILL} {
		if err := syscall.Kill(pid, sig); err != nil {
			if errors.Is(err, syscall.ESRCH) {
				return nil
			}
			return fmt.Errorf("pglocal: stop the PostgreSQL (pid %d) left running on %s: %w", pid, dir, err)
		}
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if !alive(pid) {
				return nil
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return fmt.Errorf("pglocal: the PostgreSQL (pid %d) left running on %s did not stop", pid, dir)
}

// postmasterPID returns the PID in dir/postmaster.pid when that process is
// alive and is a postgres server, else 0 (a stale file after a crash is
// PostgreSQL's own business: it removes it on start).
func postmasterPID(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 || !alive(pid) {
		return 0
	}
	if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil &&
		!strings.Contains(string(cmdline), "postgres") {
		return 0 // the PID was reused by another program
	}
	return pid
}

// alive reports whether process pid exists; a zombie (exited, not yet
// reaped by its parent) counts as gone.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		if _, rest, ok := strings.Cut(string(b), ") "); ok && strings.HasPrefix(rest, "Z") {
			return false
		}
	}
	return true
}

func initdb(ctx context.Context, bin, dir string, o *Options, cred *syscall.Credential) error {
	args := []string{"-D", dir, "-U", o.User, "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"}
	if o.Password != "" {
		pw := dir + ".initdb-password" // beside the data directory, which initdb wants empty
		if err := os.WriteFile(pw, []byte(o.Password+"\n"), 0o600); err != nil {
			return fmt.Errorf("pglocal: %w", err)
		}
		defer os.Remove(pw)
		if err := chown(pw, cred); err != nil {
			return err
		}
		args = append(args, "--pwfile="+pw, "--auth=scram-sha-256")
	} else {
		args = append(args, "--auth=trust")
	}
	if o.Ephemeral {
		args = append(args, "--no-sync")
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pglocal: initdb %s: %w\n%s", dir, err, out)
	}
	return nil
}

// serverCredential returns who postgres runs as: this process's user, or,
// when that is root (which postgres refuses), the "postgres" system user.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("pglocal: running as root, and neither a 'postgres' nor a 'nobody' user exists to run the server as")
}

func chown(path string, cred *syscall.Credential) error {
	if cred == nil {
		return nil
	}
	if err := os.Chown(path, int(cred.Uid), int(cred.Gid)); err != nil {
		return fmt.Errorf("pglocal: %w", err)
	}
	return nil
}

// ensureTraversable lets the server's user reach dir when it is not us: an
// ancestor directory without search permission for others (a home
// directory, a test's temporary directory) gets o+x, which allows passing
// through but not listing.
func ensureTraversable(dir string, cred *syscall.Credential) error {
	if cred == nil {
		return nil
	}
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("pglocal: %w", err)
		}
		if fi.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(d, fi.Mode().Perm()|0o001); err != nil {
				return fmt.Errorf("pglocal: the server runs as uid %d and cannot reach %s: %w", cred.Uid, dir, err)
			}
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

func (c *Cluster) waitReady(ctx context.Context, logFile string) error {
	deadline := time.Now().Add(60 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-c.done:
			return fmt.Errorf("pglocal: postgres exited during start-up (%v); see %s:\n%s", c.exitErr, logFile, tail(logFile, 20))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err == nil {
			conn.Close(ctx)
			// Another server on the port would answer too: ready means
			// this one, which has written its PID for the directory.
			if pid := postmasterPID(c.Dir); pid == c.cmd.Process.Pid {
				return nil
			}
			last = fmt.Errorf("port %d answers, but not for the server started on %s", c.Port, c.Dir)
			continue
		}
		last = err
	}
	return fmt.Errorf("pglocal: postgres did not accept connections within 60s: %v; see %s", last, logFile)
}

func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// URL returns a connection URL for database db.
func (c *Cluster) URL(db string) string {
	u := url.URL{Scheme: "postgres", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port)), Path: "/" + db,
		RawQuery: "sslmode=disable"}
	if c.Password != "" {
		u.User = url.UserPassword(c.User, c.Password)
	} else {
		u.User = url.User(c.User)
	}
	return u.String()
}

// CreateDatabase creates database name unless it exists.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("pglocal: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("pglocal: %w", err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("pglocal: create database %s: %w", name, err)
	}
	return nil
}

// PID returns the postmaster's process ID (for fault injection).
func (c *Cluster) PID() int { return c.cmd.Process.Pid }

// Done is closed when the server has exited.
func (c *Cluster) Done() <-chan struct{} { return c.done }

// Stop shuts the server down (fast shutdown: active transactions are rolled
// back) and waits for it to exit.
func (c *Cluster) Stop() error {
	if c.cmd == nil || c.cmd.Process == nil {
		return nil
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
		return nil
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
		return errors.New("pglocal: postgres did not stop within 30s; killed")
	}
}
