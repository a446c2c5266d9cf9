package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.TemporalNamespace != "default" || c.TemporalTaskQueue != "foidesk" {
		t.Errorf("temporal defaults = %q %q", c.TemporalNamespace, c.TemporalTaskQueue)
	}
	if c.IMAP.Mailbox != "INBOX" || c.IMAP.TLS != TLSImplicit || c.IMAP.PollInterval != time.Minute {
		t.Errorf("imap defaults = %+v", c.IMAP)
	}
	if c.MessageIDDomain != "foidesk.localhost" {
		t.Errorf("MessageIDDomain = %q, want the From address's domain", c.MessageIDDomain)
	}
	if c.TemporalUIURL != "http://127.0.0.1:8233" {
		t.Errorf("TemporalUIURL = %q", c.TemporalUIURL)
	}
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want []string // each must appear in the error
	}{
		{map[string]string{"FOIDESK_IMAP_TLS": "ssl"}, []string{"FOIDESK_IMAP_TLS", `"ssl"`, "tls, starttls, insecure"}},
		{map[string]string{"FOIDESK_IMAP_POLL_INTERVAL": "soon"}, []string{"FOIDESK_IMAP_POLL_INTERVAL", "positive duration"}},
		{map[string]string{"FOIDESK_WORKER_DOCUMENTS": "-1"}, []string{"FOIDESK_WORKER_DOCUMENTS", "whole number"}},
		{map[string]string{"FOIDESK_WORKER_DOCUMENTS": "four"}, []string{"FOIDESK_WORKER_DOCUMENTS", "whole number"}},
		{map[string]string{"TEMPORAL_ADDRESS": "localhost"}, []string{"TEMPORAL_ADDRESS", "host:port"}},
		{map[string]string{"DATABASE_URL": "mysql://x"}, []string{"DATABASE_URL", "postgres://"}},
		{map[string]string{"TEMPORAL_TLS": "maybe"}, []string{"TEMPORAL_TLS", "true or false"}},
		{map[string]string{"FOIDESK_FROM_ADDRESS": "nobody"}, []string{"FOIDESK_FROM_ADDRESS", "email address"}},
		{map[string]string{"FOIDESK_IMAP_ADDR": "imap.example.org:993"}, []string{"FOIDESK_IMAP_USERNAME"}},
		{map[string]string{"FOIDESK_BASIC_AUTH": "justuser"}, []string{"FOIDESK_BASIC_AUTH", "user:password"}},
		{map[string]string{"FOIDESK_SMTP_PASSWORD": "a", "FOIDESK_SMTP_PASSWORD_FILE": "/x"}, []string{"FOIDESK_SMTP_PASSWORD", "not both"}},
		{map[string]string{"FOIDESK_SMTP_PASSWORD_FILE": "/nonexistent/secret"}, []string{"FOIDESK_SMTP_PASSWORD_FILE", "readable file"}},
		{map[string]string{"FOIDESK_LOG_LEVEL": "loud", "FOIDESK_HTTP_ADDR": "x"}, []string{"FOIDESK_LOG_LEVEL", "FOIDESK_HTTP_ADDR"}},
	}
	for _, tt := range tests {
		_, err := Load(env(tt.env))
		if err == nil {
			t.Errorf("Load(%v) succeeded, want error", tt.env)
			continue
		}
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("Load(%v) error %T is not a *config.Error", tt.env, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Load(%v) = %q, missing %q", tt.env, err, w)
			}
		}
	}
}

func TestSecretFromFileAndMasked(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("s3cret-imap\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{
		"FOIDESK_IMAP_ADDR":          "127.0.0.1:1143",
		"FOIDESK_IMAP_USERNAME":      "desk",
		"FOIDESK_IMAP_PASSWORD_FILE": pw,
		"DATABASE_URL":               "postgres://desk:dbpass@db:5432/foidesk",
		"FOIDESK_AUTH_TOKEN":         "tok3n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.IMAP.Password != "s3cret-imap" {
		t.Errorf("password from file = %q", c.IMAP.Password)
	}
	var all strings.Builder
	for _, kv := range c.Display() {
		all.WriteString(kv[0] + "=" + kv[1] + "\n")
	}
	out := all.String()
	for _, secret := range []string{"s3cret-imap", "dbpass", "tok3n"} {
		if strings.Contains(out, secret) {
			t.Errorf("Display leaks %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "DATABASE_URL=postgres://desk:******@db:5432/foidesk") {
		t.Errorf("Display should keep the database URL but its password:\n%s", out)
	}
	if len(c.Display()) != len(Vars) {
		t.Errorf("Display has %d entries, Vars %d", len(c.Display()), len(Vars))
	}
}
