// Package config reads foidesk's configuration from environment variables,
// validates it, and prints it with secrets masked.
//
// Every secret can instead be read from a file named by the same variable
// with a _FILE suffix (DATABASE_URL_FILE, FOIDESK_IMAP_PASSWORD_FILE, ...),
// as container orchestrators mount them.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is foidesk's effective configuration.
type Config struct {
	// DatabaseURL is the PostgreSQL URL; empty in dev means a managed local cluster.
	DatabaseURL string

	TemporalAddress   string // host:port; empty in dev means foidesk-temporal dev
	TemporalNamespace string
	TemporalTaskQueue string
	TemporalAPIKey    string
	TemporalTLS       bool
	TemporalUIAddr    string // where dev serves the Temporal Web UI
	TemporalUIURL     string // base URL of the Temporal UI, for links from the dashboard

	IMAP IMAP
	SMTP SMTP

	// FromAddress and FromName sign outbound requests.
	FromAddress string
	FromName    string
	// MessageIDDomain is the right-hand side of the Message-IDs we mint.
	MessageIDDomain string

	HTTPAddr      string // dashboard listen address
	AuthToken     string // bearer token for the dashboard
	BasicAuthUser string
	BasicAuthPass string
	MetricsAddr   string // empty: metrics are served on the dashboard's /metrics
	// AllowOpen lets the dashboard listen on an address other than
	// loopback with no credentials set (it still answers only requests
	// from this machine).
	AllowOpen bool
	// TrustForwardedProto believes a proxy's "X-Forwarded-Proto: https",
	// so that the session cookie is Secure behind a TLS-terminating proxy.
	TrustForwardedProto bool

	// PopulationFile is a CSV of residents per police force area, for
	// rates per 100,000 on the dashboard (see dataset.ReadPopulation);
	// empty: the estimates foidesk ships (dataset.DefaultPopulation).
	PopulationFile string

	// WorkerDocuments is how many documents a worker extracts, normalises
	// and loads at once; 0 means one per CPU.
	WorkerDocuments int

	DataDir   string // local state for dev: PostgreSQL and Temporal data
	LogFormat string // text | json
	LogLevel  string // debug | info | warn | error
}

// TLSMode says how a mail connection is secured.
type TLSMode string

const (
	TLSImplicit TLSMode = "tls"      // TLS from the first byte (IMAPS 993, SMTPS 465)
	TLSStartTLS TLSMode = "starttls" // upgrade a plain connection
	TLSInsecure TLSMode = "insecure" // plaintext: only for loopback testing
)

// IMAP configures the inbox.
type IMAP struct {
	Addr            string // host:port; empty disables the inbox
	Username        string
	Password        string
	Mailbox         string
	TLS             TLSMode
	PollInterval    time.Duration
	ProcessedFolder string // optional: move stored mail here
}

// SMTP configures outbound mail.
type SMTP struct {
	Addr     string // host:port; empty means outbound mail is drafted, not sent
	Username string
	Password string
	TLS      TLSMode
	// Timeout bounds each step of a send (connect, each command): past it
	// the attempt fails and is retried under the same Message-ID.
	Timeout time.Duration
}

// Var describes one environment variable foidesk reads.
type Var struct {
	Name    string
	Default string
	Secret  bool
	Help    string
}

// Vars lists every variable foidesk reads, in display order. deploy/ is
// checked against this list.
var Vars = []Var{
	{Name: "DATABASE_URL", Secret: true, Help: "PostgreSQL URL (postgres://user:pass@host:5432/db); unset in dev: a managed local cluster"},
	{Name: "TEMPORAL_ADDRESS", Help: "Temporal frontend host:port; unset in dev: foidesk-temporal dev, started by foidesk"},
	{Name: "TEMPORAL_NAMESPACE", Default: "default", Help: "Temporal namespace"},
	{Name: "TEMPORAL_TASK_QUEUE", Default: "foidesk", Help: "task queue the worker polls"},
	{Name: "TEMPORAL_API_KEY", Secret: true, Help: "API key for Temporal Cloud or an authenticating proxy"},
	{Name: "TEMPORAL_TLS", Default: "false", Help: "connect to Temporal over TLS (true|false; implied by TEMPORAL_API_KEY)"},
	{Name: "FOIDESK_TEMPORAL_UI_ADDR", Default: "127.0.0.1:8233", Help: "where dev serves the Temporal Web UI"},
	{Name: "FOIDESK_TEMPORAL_UI_URL", Help: "base URL of the Temporal UI for links (default: http:// + FOIDESK_TEMPORAL_UI_ADDR)"},
	{Name: "FOIDESK_IMAP_ADDR", Help: "IMAP server host:port; unset: no inbox sync"},
	{Name: "FOIDESK_IMAP_USERNAME", Help: "IMAP user"},
	{Name: "FOIDESK_IMAP_PASSWORD", Secret: true, Help: "IMAP password"},
	{Name: "FOIDESK_IMAP_MAILBOX", Default: "INBOX", Help: "mailbox to sync"},
	{Name: "FOIDESK_IMAP_TLS", Default: "tls", Help: "tls | starttls | insecure (plaintext, loopback testing only)"},
	{Name: "FOIDESK_IMAP_POLL_INTERVAL", Default: "1m", Help: "poll interval when the server has no IDLE"},
	{Name: "FOIDESK_IMAP_PROCESSED_FOLDER", Help: "move mail here once stored (unset: leave it)"},
	{Name: "FOIDESK_SMTP_ADDR", Help: "SMTP submission host:port; unset: messages are drafted in the ledger, not sent"},
	{Name: "FOIDESK_SMTP_USERNAME", Help: "SMTP user"},
	{Name: "FOIDESK_SMTP_PASSWORD", Secret: true, Help: "SMTP password"},
	{Name: "FOIDESK_SMTP_TLS", Default: "starttls", Help: "tls | starttls | insecure"},
	{Name: "FOIDESK_SMTP_TIMEOUT", Default: "1m", Help: "time limit of each step of a send (connect, each command); a send that times out is retried under the same Message-ID"},
	{Name: "FOIDESK_FROM_ADDRESS", Default: "foi@foidesk.localhost", Help: "address requests are sent from"},
	{Name: "FOIDESK_FROM_NAME", Default: "FOI desk", Help: "display name requests are sent from"},
	{Name: "FOIDESK_MESSAGE_ID_DOMAIN", Help: "domain of minted Message-IDs (default: the From address's domain)"},
	{Name: "FOIDESK_HTTP_ADDR", Default: "127.0.0.1:8080", Help: "dashboard listen address"},
	{Name: "FOIDESK_AUTH_TOKEN", Secret: true, Help: "bearer token (or ?token=) required by the dashboard"},
	{Name: "FOIDESK_BASIC_AUTH", Secret: true, Help: "user:password for the dashboard (alternative to a token)"},
	{Name: "FOIDESK_ALLOW_OPEN", Default: "false", Help: "let the dashboard listen on a non-loopback address with no FOIDESK_AUTH_TOKEN or FOIDESK_BASIC_AUTH (it still answers only this machine); otherwise it refuses to start"},
	{Name: "FOIDESK_TRUST_FORWARDED_PROTO", Default: "false", Help: "the dashboard is behind a proxy that terminates TLS and sets X-Forwarded-Proto: https (session cookies are then Secure); set only when every request comes through that proxy"},
	{Name: "FOIDESK_METRICS_ADDR", Help: "separate listen address for /metrics (unset: on the dashboard)"},
	{Name: "FOIDESK_POPULATION_FILE", Help: "CSV of residents per police force area (area_code,population[,year,source]) for rates per 100,000 on the dashboard; unset: no rates"},
	{Name: "FOIDESK_WORKER_DOCUMENTS", Default: "0", Help: "documents a worker processes at once (0: one per CPU); each holds its tables and figures in memory"},
	{Name: "FOIDESK_DATA_DIR", Default: ".foidesk", Help: "local state for dev and demo"},
	{Name: "FOIDESK_LOG_FORMAT", Default: "text", Help: "text | json"},
	{Name: "FOIDESK_LOG_LEVEL", Default: "info", Help: "debug | info | warn | error"},
}

// Error names the variable at fault and what it expects.
type Error struct {
	Var    string
	Value  string // as given; empty for secrets
	Expect string
	Err    error // underlying cause, if any
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: expected %s", e.Var, e.Expect)
	if e.Value != "" {
		s = fmt.Sprintf("%s=%q: expected %s", e.Var, e.Value, e.Expect)
	}
	if e.Err != nil {
		s += " (" + e.Err.Error() + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Load reads the configuration through getenv (os.Getenv in production) and
// validates it. Every problem found is reported, joined.
func Load(getenv func(string) string) (*Config, error) {
	p := parser{getenv: getenv, readFile: os.ReadFile}
	c := &Config{
		DatabaseURL:       p.secret("DATABASE_URL"),
		TemporalAddress:   p.str("TEMPORAL_ADDRESS"),
		TemporalNamespace: p.str("TEMPORAL_NAMESPACE"),
		TemporalTaskQueue: p.str("TEMPORAL_TASK_QUEUE"),
		TemporalAPIKey:    p.secret("TEMPORAL_API_KEY"),
		TemporalTLS:       p.boolean("TEMPORAL_TLS"),
		TemporalUIAddr:    p.hostPort("FOIDESK_TEMPORAL_UI_ADDR"),
		TemporalUIURL:     p.str("FOIDESK_TEMPORAL_UI_URL"),
		IMAP: IMAP{
			Addr:            p.hostPort("FOIDESK_IMAP_ADDR"),
			Username:        p.str("FOIDESK_IMAP_USERNAME"),
			Password:        p.secret("FOIDESK_IMAP_PASSWORD"),
			Mailbox:         p.str("FOIDESK_IMAP_MAILBOX"),
			TLS:             p.tls("FOIDESK_IMAP_TLS"),
			PollInterval:    p.duration("FOIDESK_IMAP_POLL_INTERVAL"),
			ProcessedFolder: p.str("FOIDESK_IMAP_PROCESSED_FOLDER"),
		},
		SMTP: SMTP{
			Addr:     p.hostPort("FOIDESK_SMTP_ADDR"),
			Username: p.str("FOIDESK_SMTP_USERNAME"),
			Password: p.secret("FOIDESK_SMTP_PASSWORD"),
			TLS:      p.tls("FOIDESK_SMTP_TLS"),
			Timeout:  p.duration("FOIDESK_SMTP_TIMEOUT"),
		},
		FromAddress:         p.email("FOIDESK_FROM_ADDRESS"),
		FromName:            p.str("FOIDESK_FROM_NAME"),
		MessageIDDomain:     p.str("FOIDESK_MESSAGE_ID_DOMAIN"),
		HTTPAddr:            p.hostPort("FOIDESK_HTTP_ADDR"),
		AuthToken:           p.secret("FOIDESK_AUTH_TOKEN"),
		MetricsAddr:         p.hostPort("FOIDESK_METRICS_ADDR"),
		AllowOpen:           p.boolean("FOIDESK_ALLOW_OPEN"),
		TrustForwardedProto: p.boolean("FOIDESK_TRUST_FORWARDED_PROTO"),
		WorkerDocuments:     p.count("FOIDESK_WORKER_DOCUMENTS"),
		PopulationFile:      p.str("FOIDESK_POPULATION_FILE"),
		DataDir:             p.str("FOIDESK_DATA_DIR"),
		LogFormat:           p.oneOf("FOIDESK_LOG_FORMAT", "text", "json"),
		LogLevel:            p.oneOf("FOIDESK_LOG_LEVEL", "debug", "info", "warn", "error"),
	}
	if ba := p.secret("FOIDESK_BASIC_AUTH"); ba != "" {
		user, pass, ok := strings.Cut(ba, ":")
		if !ok || user == "" || pass == "" {
			p.fail("FOIDESK_BASIC_AUTH", "", "user:password", nil)
		}
		c.BasicAuthUser, c.BasicAuthPass = user, pass
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			p.fail("DATABASE_URL", "", "a postgres:// or postgresql:// URL", err)
		}
	}
	if c.TemporalAddress != "" {
		if _, _, err := net.SplitHostPort(c.TemporalAddress); err != nil {
			p.fail("TEMPORAL_ADDRESS", c.TemporalAddress, "host:port", err)
		}
	}
	if c.TemporalAPIKey != "" {
		c.TemporalTLS = true
	}
	if c.TemporalUIURL == "" && c.TemporalUIAddr != "" {
		c.TemporalUIURL = "http://" + c.TemporalUIAddr
	}
	if c.IMAP.Addr != "" && c.IMAP.Username == "" {
		p.fail("FOIDESK_IMAP_USERNAME", "", "a user name when FOIDESK_IMAP_ADDR is set", nil)
	}
	if c.SMTP.Username != "" && c.SMTP.Password == "" {
		p.fail("FOIDESK_SMTP_PASSWORD", "", "a password when FOIDESK_SMTP_USERNAME is set", nil)
	}
	if c.MessageIDDomain == "" {
		if _, domain, ok := strings.Cut(c.FromAddress, "@"); ok {
			c.MessageIDDomain = domain
		}
	}
	if c.DataDir == "" {
		p.fail("FOIDESK_DATA_DIR", "", "a directory path", nil)
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return c, nil
}

type parser struct {
	getenv   func(string) string
	readFile func(string) ([]byte, error)
	errs     []error
}

func (p *parser) fail(name, value, expect string, err error) {
	p.errs = append(p.errs, &Error{Var: name, Value: value, Expect: expect, Err: err})
}

func lookupVar(name string) Var {
	for _, v := range Vars {
		if v.Name == name {
			return v
		}
	}
	panic("config: undeclared variable " + name)
}

func (p *parser) str(name string) string {
	v := lookupVar(name)
	if s := strings.TrimSpace(p.getenv(name)); s != "" {
		return s
	}
	return v.Default
}

// secret reads NAME, or the file named by NAME_FILE; setting both is an error.
func (p *parser) secret(name string) string {
	direct := p.getenv(name)
	file := strings.TrimSpace(p.getenv(name + "_FILE"))
	switch {
	case direct != "" && file != "":
		p.fail(name, "", "either "+name+" or "+name+"_FILE, not both", nil)
		return ""
	case file != "":
		b, err := p.readFile(file)
		if err != nil {
			p.fail(name+"_FILE", file, "a readable file holding the secret", err)
			return ""
		}
		return strings.TrimRight(string(b), "\r\n")
	}
	return strings.TrimSpace(direct)
}

func (p *parser) boolean(name string) bool {
	s := p.str(name)
	b, err := strconv.ParseBool(s)
	if err != nil {
		p.fail(name, s, "true or false", nil)
	}
	return b
}

func (p *parser) count(name string) int {
	s := p.str(name)
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		p.fail(name, s, "a whole number, 0 or more", nil)
	}
	return n
}

func (p *parser) duration(name string) time.Duration {
	s := p.str(name)
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		p.fail(name, s, "a positive duration such as 30s or 5m", nil)
	}
	return d
}

func (p *parser) hostPort(name string) string {
	s := p.str(name)
	if s == "" {
		return ""
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		p.fail(name, s, "host:port", nil)
		return s
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		p.fail(name, s, "host:port with a port from 0 to 65535", nil)
	}
	_ = host
	return s
}

func (p *parser) tls(name string) TLSMode {
	return TLSMode(p.oneOf(name, string(TLSImplicit), string(TLSStartTLS), string(TLSInsecure)))
}

func (p *parser) oneOf(name string, allowed ...string) string {
	s := strings.ToLower(p.str(name))
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	p.fail(name, s, "one of "+strings.Join(allowed, ", "), nil)
	return s
}

func (p *parser) email(name string) string {
	s := p.str(name)
	if at := strings.LastIndexByte(s, '@'); at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " <>") {
		p.fail(name, s, "an email address such as foi@example.org", nil)
	}
	return s
}

// Mask hides a secret for display, keeping a hint of its length.
func Mask(s string) string {
	if s == "" {
		return ""
	}
	return "******"
}

// Display returns the effective configuration as variable/value pairs in
// Vars order, secrets masked (a database URL keeps all but its password).
func (c *Config) Display() [][2]string {
	vals := map[string]string{
		"DATABASE_URL":                  MaskURL(c.DatabaseURL),
		"TEMPORAL_ADDRESS":              c.TemporalAddress,
		"TEMPORAL_NAMESPACE":            c.TemporalNamespace,
		"TEMPORAL_TASK_QUEUE":           c.TemporalTaskQueue,
		"TEMPORAL_API_KEY":              Mask(c.TemporalAPIKey),
		"TEMPORAL_TLS":                  strconv.FormatBool(c.TemporalTLS),
		"FOIDESK_TEMPORAL_UI_ADDR":      c.TemporalUIAddr,
		"FOIDESK_TEMPORAL_UI_URL":       c.TemporalUIURL,
		"FOIDESK_IMAP_ADDR":             c.IMAP.Addr,
		"FOIDESK_IMAP_USERNAME":         c.IMAP.Username,
		"FOIDESK_IMAP_PASSWORD":         Mask(c.IMAP.Password),
		"FOIDESK_IMAP_MAILBOX":          c.IMAP.Mailbox,
		"FOIDESK_IMAP_TLS":              string(c.IMAP.TLS),
		"FOIDESK_IMAP_POLL_INTERVAL":    c.IMAP.PollInterval.String(),
		"FOIDESK_IMAP_PROCESSED_FOLDER": c.IMAP.ProcessedFolder,
		"FOIDESK_SMTP_ADDR":             c.SMTP.Addr,
		"FOIDESK_SMTP_USERNAME":         c.SMTP.Username,
		"FOIDESK_SMTP_PASSWORD":         Mask(c.SMTP.Password),
		"FOIDESK_SMTP_TLS":              string(c.SMTP.TLS),
		"FOIDESK_SMTP_TIMEOUT":          c.SMTP.Timeout.String(),
		"FOIDESK_FROM_ADDRESS":          c.FromAddress,
		"FOIDESK_FROM_NAME":             c.FromName,
		"FOIDESK_MESSAGE_ID_DOMAIN":     c.MessageIDDomain,
		"FOIDESK_HTTP_ADDR":             c.HTTPAddr,
		"FOIDESK_AUTH_TOKEN":            Mask(c.AuthToken),
		"FOIDESK_BASIC_AUTH":            maskBasic(c.BasicAuthUser, c.BasicAuthPass),
		"FOIDESK_METRICS_ADDR":          c.MetricsAddr,
		"FOIDESK_ALLOW_OPEN":            strconv.FormatBool(c.AllowOpen),
		"FOIDESK_TRUST_FORWARDED_PROTO": strconv.FormatBool(c.TrustForwardedProto),
		"FOIDESK_WORKER_DOCUMENTS":      strconv.Itoa(c.WorkerDocuments),
		"FOIDESK_POPULATION_FILE":       c.PopulationFile,
		"FOIDESK_DATA_DIR":              c.DataDir,
		"FOIDESK_LOG_FORMAT":            c.LogFormat,
		"FOIDESK_LOG_LEVEL":             c.LogLevel,
	}
	out := make([][2]string, 0, len(Vars))
	for _, v := range Vars {
		val, ok := vals[v.Name]
		if !ok {
			panic("config: Display misses " + v.Name)
		}
		out = append(out, [2]string{v.Name, val})
	}
	return out
}

// MaskURL hides the password of a URL for display.
func MaskURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return Mask(s)
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxxx")
	}
	return strings.Replace(u.String(), "xxxxxx", "******", 1)
}

func maskBasic(user, pass string) string {
	if user == "" {
		return ""
	}
	return user + ":" + Mask(pass)
}

// CheckDashboardListen refuses a dashboard that would listen beyond this
// machine with no credentials, unless FOIDESK_ALLOW_OPEN says so.
func (c *Config) CheckDashboardListen(addr string) error {
	if c.AuthToken != "" || c.BasicAuthUser != "" || c.AllowOpen || IsLoopbackAddr(addr) {
		return nil
	}
	return fmt.Errorf("config: FOIDESK_HTTP_ADDR %s is not a loopback address and neither FOIDESK_AUTH_TOKEN nor FOIDESK_BASIC_AUTH is set: "+
		"set one of them, listen on 127.0.0.1, or set FOIDESK_ALLOW_OPEN=true to start anyway (answering only this machine)", addr)
}

// IsLoopbackAddr reports whether a host:port listens only on this machine:
// localhost or a loopback IP. An empty host (every interface) is not.
func IsLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.IsLoopback()
}
