// Package mailtest runs real mail servers in-process for tests and the
// demo: an SMTP server (go-smtp) that keeps what it receives, and hooks to
// act on each message as it arrives.
package mailtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one message an SMTPServer accepted.
type Received struct {
	From      string
	To        []string
	Raw       []byte
	MessageID string // without angle brackets
	Subject   string
	At        time.Time
}

// SMTPServer is an SMTP server on a loopback port that stores every message.
type SMTPServer struct {
	Addr string

	srv *smtp.Server
	mu  sync.Mutex
	got []Received
	// OnMessage, when set, is called for each message after it is stored.
	OnMessage func(Received)
	// Reject, when set, is asked about each recipient; a non-nil error is
	// returned to the client as a permanent failure.
	Reject func(to string) error
	// Fault, when set, is called before each message is stored; a non-nil
	// error is returned to the client instead (an *smtp.SMTPError keeps
	// its code: 451 for a transient failure, 554 for a permanent one). It
	// may also sleep, to play a server that does not answer in time.
	Fault func() error
}

// StartSMTP starts a server on 127.0.0.1 and a free port. Authentication
// is accepted for any user (AUTH PLAIN over plaintext is allowed: loopback).
func StartSMTP() (*SMTPServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mailtest: %w", err)
	}
	s := &SMTPServer{Addr: l.Addr().String()}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 64 << 20
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Close stops the server.
func (s *SMTPServer) Close() error { return s.srv.Close() }

// Messages returns a copy of everything received so far.
func (s *SMTPServer) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.got...)
}

func (s *SMTPServer) deliver(r Received) {
	s.mu.Lock()
	s.got = append(s.got, r)
	hook := s.OnMessage
	s.mu.Unlock()
	if hook != nil {
		hook(r)
	}
}

type session struct {
	s    *SMTPServer
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string { return []string{"PLAIN"} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, errors.New("unsupported mechanism")
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username == "" {
			return errors.New("no user name")
		}
		return nil
	}), nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.Reject != nil {
		if err := ss.s.Reject(to); err != nil {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: err.Error()}
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if f := ss.s.Fault; f != nil {
		if err := f(); err != nil {
			return err
		}
	}
	rec := Received{From: ss.from, To: append([]string(nil), ss.to...), Raw: raw, At: time.Now()}
	if m, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		rec.MessageID = strings.Trim(m.Header.Get("Message-Id"), "<> ")
		rec.Subject = m.Header.Get("Subject")
	}
	ss.s.deliver(rec)
	return nil
}
