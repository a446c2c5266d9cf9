package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Outgoing is an email to compose.
type Outgoing struct {
	From       mail.Address
	To         []mail.Address
	Subject    string
	Body       string // plain text, UTF-8
	MessageID  string // without angle brackets
	InReplyTo  string // without angle brackets
	References []string
	Date       time.Time
	// Headers adds further header fields (X-Foidesk-Token, ...).
	Headers map[string]string
}

// MessageID mints a deterministic Message-ID from a key: the same key always
// gives the same id, which is what lets a retried send be recognised.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte(key))
	return "foidesk." + hex.EncodeToString(sum[:12]) + "@" + domain
}

// Compose renders an Outgoing as an RFC 5322 message in quoted-printable
// UTF-8 text.
func Compose(m Outgoing) ([]byte, error) {
	if m.MessageID == "" {
		return nil, errors.New("mail: compose: no Message-ID")
	}
	if len(m.To) == 0 {
		return nil, errors.New("mail: compose: no recipient")
	}
	var b bytes.Buffer
	header := func(k, v string) {
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteString("\r\n")
	}
	header("From", m.From.String())
	to := make([]string, len(m.To))
	for i, a := range m.To {
		to[i] = a.String()
	}
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(m.Subject)))
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", "<"+m.MessageID+">")
	if m.InReplyTo != "" {
		header("In-Reply-To", "<"+m.InReplyTo+">")
	}
	if len(m.References) > 0 {
		refs := make([]string, len(m.References))
		for i, r := range m.References {
			refs[i] = "<" + r + ">"
		}
		header("References", strings.Join(refs, " "))
	}
	for k, v := range m.Headers {
		header(k, mime.QEncoding.Encode("utf-8", oneLine(v)))
	}
	header("MIME-Version", "1.0")
	header("Content-Type", `text/plain; charset="utf-8"`)
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	if err := writeQuotedPrintable(&b, m.Body); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// SMTPOptions says how to reach the submission server.
type SMTPOptions struct {
	Addr     string // host:port
	Username string
	Password string
	// TLS is "tls" (implicit), "starttls" or "insecure" (plaintext, for
	// loopback tests only).
	TLS       string
	TLSConfig *tls.Config // optional: custom roots for tests
	Timeout   time.Duration
}

// SMTPError is a permanent rejection by the server (5xx): retrying will not help.
type SMTPError struct {
	Code int
	Msg  string
}

func (e *SMTPError) Error() string { return fmt.Sprintf("smtp: %d %s", e.Code, e.Msg) }

// Send submits raw to the server for the envelope from → to.
func Send(ctx context.Context, o SMTPOptions, from string, to []string, raw []byte) error {
	if o.Timeout == 0 {
		o.Timeout = 60 * time.Second
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return fmt.Errorf("smtp: address %q: %w", o.Addr, err)
	}
	tlsConf := o.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	d := net.Dialer{Timeout: o.Timeout}
	conn, err := d.DialContext(ctx, "tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("smtp: connect %s: %w", o.Addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	} else {
		_ = conn.SetDeadline(time.Now().Add(o.Timeout))
	}
	var c *smtp.Client
	switch o.TLS {
	case "tls":
		c = smtp.NewClient(tls.Client(conn, tlsConf))
	case "starttls":
		c, err = smtp.NewClientStartTLS(conn, tlsConf)
		if err != nil {
			conn.Close()
			return fmt.Errorf("smtp: STARTTLS with %s: %w", o.Addr, err)
		}
	case "insecure":
		c = smtp.NewClient(conn)
	default:
		conn.Close()
		return fmt.Errorf("smtp: unknown TLS mode %q", o.TLS)
	}
	defer c.Close()
	if o.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", o.Username, o.Password)); err != nil {
			return classifySMTP(fmt.Errorf("smtp: authenticate as %s: %w", o.Username, err))
		}
	}
	if err := c.SendMail(from, to, bytes.NewReader(raw)); err != nil {
		return classifySMTP(fmt.Errorf("smtp: send: %w", err))
	}
	return c.Quit()
}

// classifySMTP turns a permanent 5xx reply into an *SMTPError.
func classifySMTP(err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 {
		return fmt.Errorf("%w: %w", &SMTPError{Code: se.Code, Msg: se.Message}, err)
	}
	return err
}
