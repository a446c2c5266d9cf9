package pglocal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func startOrSkip(t *testing.T, dir string) *Cluster {
	t.Helper()
	if _, err := FindBinaries(); err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, err := Start(ctx, &Options{Dir: dir, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	return c
}

// writeOwner records pid as the process that started the server on dir.
func writeOwner(t *testing.T, dir string, pid int) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(pid)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func waitGone(t *testing.T, pid int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("postgres (pid %d) still running after %s", pid, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestStartRefusesAServerInUse(t *testing.T) {
	dir := t.TempDir()
	c := startOrSkip(t, dir)

	// Another live process owns the running server.
	other := exec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { other.Process.Kill(); other.Wait() }()
	writeOwner(t, dir, other.Process.Pid)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := Start(ctx, &Options{Dir: dir, Ephemeral: true})
	var running *ErrRunning
	if !errors.As(err, &running) {
		t.Fatalf("second Start on a directory in use: %v, want *ErrRunning", err)
	}
	if running.PID != c.cmd.Process.Pid || running.Owner != other.Process.Pid {
		t.Fatalf("ErrRunning names pid %d owner %d, want %d owner %d", running.PID, running.Owner,
			c.cmd.Process.Pid, other.Process.Pid)
	}
	if !strings.Contains(err.Error(), dir) {
		t.Errorf("error %q does not name the directory", err)
	}
	if !alive(c.cmd.Process.Pid) {
		t.Fatal("the refused Start stopped the server in use")
	}
}

func TestStartStopsAnOrphanedServer(t *testing.T) {
	dir := t.TempDir()
	first := startOrSkip(t, dir)
	oldPID := first.cmd.Process.Pid

	// The owner is gone (a process that has exited): the server is an
	// orphan of a killed parent.
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	writeOwner(t, dir, gone.Process.Pid)

	second := startOrSkip(t, dir)
	select {
	case <-first.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the orphaned postgres (pid %d) was not stopped", oldPID)
	}
	if second.cmd.Process.Pid == oldPID {
		t.Fatal("the second Start reused the orphan")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := second.CreateDatabase(ctx, "after_orphan"); err != nil {
		t.Fatalf("the new server does not answer: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Fatalf("owner file %q (%v), want this process", b, err)
	}
}

// TestServerDiesWithItsParent kills, with SIGKILL, a process that started a
// durable cluster: its postgres must not outlive it.
func TestServerDiesWithItsParent(t *testing.T) {
	if dir := os.Getenv("FOIDESK_PGLOCAL_PARENT"); dir != "" {
		parentProcess(dir)
		return
	}
	if _, err := FindBinaries(); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	parent := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestServerDiesWithItsParent$", "-test.v")
	parent.Env = append(os.Environ(), "FOIDESK_PGLOCAL_PARENT="+dir)
	parent.Stderr = os.Stderr
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	defer parent.Process.Kill()
	pid := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "postmaster "); ok {
			pid, _ = strconv.Atoi(v)
			break
		}
	}
	if pid == 0 {
		parent.Process.Kill()
		parent.Wait()
		t.Fatal("the parent process did not start postgres")
	}
	go func() {
		for sc.Scan() {
		}
	}()
	if err := parent.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	parent.Wait()
	waitGone(t, pid, 30*time.Second)
	if postmasterPID(dir) != 0 {
		t.Fatal("postmaster.pid still names a live server")
	}
}

// parentProcess starts a durable cluster on dir, prints its PID and waits
// to be killed.
func parentProcess(dir string) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, err := Start(ctx, &Options{Dir: dir})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start:", err)
		os.Exit(1)
	}
	fmt.Printf("postmaster %d\n", c.cmd.Process.Pid)
	time.Sleep(2 * time.Minute)
	c.Stop()
	os.Exit(0)
}
