package mailtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/foidesk/foidesk/internal/freeport"
)

// ErrNoDovecot is returned when Dovecot is not installed.
var ErrNoDovecot = errors.New("dovecot not found: install it with 'apt-get install -y dovecot-imapd' (make test does this when run as root)")

// Dovecot is a real Dovecot IMAP server run from the system's binary with
// its own configuration in a temporary directory: loopback only, one
// passwd-file user, Maildir storage. Messages are delivered with
// dovecot-lda, as a mail server would.
type Dovecot struct {
	Addr     string
	Username string
	Password string
	dir      string
	bin      string
	uid, gid int
}

func findDovecot() (string, error) {
	for _, p := range []string{"dovecot", "/usr/sbin/dovecot"} {
		if path, err := exec.LookPath(p); err == nil {
			return path, nil
		}
	}
	return "", ErrNoDovecot
}

// StartDovecot starts a Dovecot in dir (which must exist and be empty).
func StartDovecot(dir, username, password string) (*Dovecot, error) {
	bin, err := findDovecot()
	if err != nil {
		return nil, err
	}
	port, err := freeport.Port()
	if err != nil {
		return nil, err
	}
	d := &Dovecot{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Username: username, Password: password,
		dir: dir, bin: bin, uid: os.Getuid(), gid: os.Getgid()}
	// Mail is owned by an unprivileged user; Dovecot refuses to run mail
	// processes as root.
	mailUser := ""
	if d.uid == 0 {
		for _, name := range []string{"dovecot", "nobody"} {
			if u, err := user.Lookup(name); err == nil {
				d.uid, _ = strconv.Atoi(u.Uid)
				d.gid, _ = strconv.Atoi(u.Gid)
				mailUser = name
				break
			}
		}
		// The mail user must reach the configuration and the maildir.
		for p := dir; p != "/" && p != "."; p = filepath.Dir(p) {
			if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o001 == 0 {
				if err := os.Chmod(p, fi.Mode().Perm()|0o001); err != nil {
					return nil, fmt.Errorf("mailtest: make %s traversable for %s: %w", p, mailUser, err)
				}
			}
		}
	}
	for _, sub := range []string{"run", "state", "home/" + username} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.Chown(filepath.Join(dir, "home", username), d.uid, d.gid); err != nil && os.Getuid() == 0 {
		return nil, err
	}
	_ = os.Chmod(dir, 0o755)
	passwd := fmt.Sprintf("%s:{PLAIN}%s:%d:%d::%s\n", username, password, d.uid, d.gid, filepath.Join(dir, "home", username))
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(passwd), 0o644); err != nil {
		return nil, err
	}
	runAs := ""
	if os.Getuid() == 0 {
		runAs = fmt.Sprintf("default_internal_user = %s\ndefault_login_user = %s\n", internalUser(), internalUser())
	} else {
		me, _ := user.Current()
		runAs = fmt.Sprintf("default_internal_user = %s\ndefault_login_user = %s\n", me.Username, me.Username)
	}
	_ = mailUser
	conf := fmt.Sprintf(`# written by foidesk's test harness
base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
info_log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
%[3]s
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%%u %[1]s/passwd
}
mail_location = maildir:~/Maildir
first_valid_uid = 0
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
protocol imap {
  mail_max_userip_connections = 50
}
`, dir, port, runAs)
	if err := os.WriteFile(filepath.Join(dir, "dovecot.conf"), []byte(conf), 0o644); err != nil {
		return nil, err
	}
	// dovecot-lda writes the log as the mail user.
	if f, err := os.OpenFile(filepath.Join(dir, "dovecot.log"), os.O_CREATE|os.O_WRONLY, 0o666); err == nil {
		f.Close()
		_ = os.Chmod(filepath.Join(dir, "dovecot.log"), 0o666)
	}
	// dovecot daemonises: its output goes to a file, not a pipe, or the
	// daemon would hold the pipe open and Run would never return.
	outPath := filepath.Join(dir, "start.log")
	out, err := os.Create(outPath)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd := exec.Command(bin, "-c", filepath.Join(dir, "dovecot.conf"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		msg, _ := os.ReadFile(outPath)
		return nil, fmt.Errorf("mailtest: start dovecot: %w\n%s\n%s", err, msg, d.log())
	}
	if err := waitListening(d.Addr, 15*time.Second); err != nil {
		d.Stop()
		return nil, fmt.Errorf("mailtest: dovecot: %w\n%s", err, d.log())
	}
	return d, nil
}

func internalUser() string {
	if _, err := user.Lookup("dovecot"); err == nil {
		return "dovecot"
	}
	return "nobody"
}

func (d *Dovecot) log() string {
	b, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.log"))
	lines := strings.Split(string(b), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}

// Deliver delivers a message to the user's mailbox (INBOX when empty)
// with dovecot-lda, the way a mail server hands mail to Dovecot.
func (d *Dovecot) Deliver(ctx context.Context, mailbox string, raw []byte) error {
	lda := filepath.Join(filepath.Dir(d.bin), "..", "lib", "dovecot", "dovecot-lda")
	if _, err := os.Stat(lda); err != nil {
		lda = "/usr/lib/dovecot/dovecot-lda"
	}
	args := []string{"-c", filepath.Join(d.dir, "dovecot.conf"), "-d", d.Username}
	if mailbox != "" && mailbox != "INBOX" {
		args = append(args, "-m", mailbox)
	}
	cmd := exec.CommandContext(ctx, lda, args...)
	cmd.Stdin = strings.NewReader(string(raw))
	if os.Getuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(d.uid), Gid: uint32(d.gid)}}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("mailtest: dovecot-lda: %w\n%s", err, out)
	}
	return nil
}

// Stop stops Dovecot.
func (d *Dovecot) Stop() error {
	out, err := exec.Command(d.bin, "-c", filepath.Join(d.dir, "dovecot.conf"), "stop").CombinedOutput()
	if err != nil {
		return fmt.Errorf("mailtest: stop dovecot: %w: %s", err, out)
	}
	return nil
}

func waitListening(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("nothing listening on %s after %v", addr, timeout)
}

// Fill writes n messages straight into the user's INBOX maildir (much
// faster than n deliveries, for benchmarks), owned by the mail user.
func (d *Dovecot) Fill(n int, msg func(i int) []byte) error {
	dir := filepath.Join(d.dir, "home", d.Username, "Maildir")
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return err
		}
		if err := os.Chown(filepath.Join(dir, sub), d.uid, d.gid); err != nil {
			return err
		}
	}
	if err := os.Chown(dir, d.uid, d.gid); err != nil {
		return err
	}
	for i := range n {
		name := filepath.Join(dir, "new", fmt.Sprintf("%d.M%dP1.mailtest", time.Now().Unix(), i))
		if err := os.WriteFile(name, msg(i), 0o600); err != nil {
			return err
		}
		if err := os.Chown(name, d.uid, d.gid); err != nil {
			return err
		}
	}
	return nil
}
