package mailtest

import (
	"bytes"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// IMAPServer is go-imap's in-memory IMAP server on a loopback port, with
// one user, for tests and the demo. It advertises IDLE and MOVE.
type IMAPServer struct {
	Addr     string
	Username string
	Password string

	srv  *imapserver.Server
	user *imapmemserver.User
	mem  *imapmemserver.Server
	ln   net.Listener

	// CutAfter, when above zero, closes each new connection once it has
	// written that many bytes to the client (a connection dropped mid-fetch).
	CutAfter atomic.Int64
}

// StartIMAP starts a server with user/password and an empty INBOX.
func StartIMAP(username, password string) (*IMAPServer, error) {
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(username, password)
	if err := user.Create("INBOX", nil); err != nil {
		return nil, fmt.Errorf("mailtest: %w", err)
	}
	mem.AddUser(user)
	s := &IMAPServer{Username: username, Password: password, user: user, mem: mem}
	s.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps: imap.CapSet{
			imap.CapIMAP4rev1: {}, imap.CapIdle: {}, imap.CapMove: {}, imap.CapUIDPlus: {},
		},
		InsecureAuth: true,
		Logger:       discardLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mailtest: %w", err)
	}
	s.ln = ln
	s.Addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(&cuttingListener{Listener: ln, s: s}) }()
	return s, nil
}

// Close stops the server.
func (s *IMAPServer) Close() error { return s.srv.Close() }

// Deliver appends a message to a mailbox (INBOX when empty).
func (s *IMAPServer) Deliver(mailbox string, raw []byte) error {
	if mailbox == "" {
		mailbox = "INBOX"
	}
	_, err := s.user.Append(mailbox, literal{bytes.NewReader(raw), int64(len(raw))}, &imap.AppendOptions{Time: time.Now()})
	if err != nil {
		return fmt.Errorf("mailtest: deliver to %s: %w", mailbox, err)
	}
	return nil
}

// CreateMailbox creates a mailbox (a folder to move processed mail to).
func (s *IMAPServer) CreateMailbox(name string) error { return s.user.Create(name, nil) }

// RecreateMailbox deletes and re-creates a mailbox, which gives it a new
// UIDVALIDITY, as a server migration would, then delivers msgs to it.
func (s *IMAPServer) RecreateMailbox(name string, msgs ...[]byte) error {
	if err := s.user.Delete(name); err != nil {
		return fmt.Errorf("mailtest: %w", err)
	}
	if err := s.user.Create(name, nil); err != nil {
		return fmt.Errorf("mailtest: %w", err)
	}
	for _, m := range msgs {
		if err := s.Deliver(name, m); err != nil {
			return err
		}
	}
	return nil
}

// Count returns the number of messages in a mailbox.
func (s *IMAPServer) Count(mailbox string) (uint32, error) {
	st, err := s.user.Status(mailbox, &imap.StatusOptions{NumMessages: true})
	if err != nil {
		return 0, err
	}
	return *st.NumMessages, nil
}

type literal struct {
	*bytes.Reader
	n int64
}

func (l literal) Size() int64 { return l.n }

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

type cuttingListener struct {
	net.Listener
	s *IMAPServer
}

func (l *cuttingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if n := l.s.CutAfter.Load(); n > 0 {
		return &cuttingConn{Conn: c, left: n}, nil
	}
	return c, nil
}

type cuttingConn struct {
	net.Conn
	left int64
}

func (c *cuttingConn) Write(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		n, _ := c.Conn.Write(p[:c.left])
		c.left = 0
		c.Conn.Close()
		return n, net.ErrClosed
	}
	c.left -= int64(len(p))
	return c.Conn.Write(p)
}
