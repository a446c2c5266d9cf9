package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
)

func TestTokenAccess(t *testing.T) {
	st := dbtest.DB(t)
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("foidesk_up 1\n")) })
	h := newHandler(t, st, &Options{AuthToken: "tok-123", Metrics: metrics})

	// From anywhere, no credentials: refused.
	r := local("GET", "/", nil)
	r.RemoteAddr = "203.0.113.9:4000"
	if rec := do(t, h, r); rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "Bearer") {
		t.Errorf("no token: %d %s", rec.Code, rec.Body)
	}
	// Loopback is no exemption once a token is configured.
	if rec := do(t, h, local("GET", "/", nil)); rec.Code != http.StatusUnauthorized {
		t.Errorf("loopback without token: %d, want 401", rec.Code)
	}
	r = local("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer wrong")
	if rec := do(t, h, r); rec.Code != http.StatusUnauthorized {
		t.Errorf("wrong bearer token: %d", rec.Code)
	}
	r = local("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer tok-123")
	if rec := do(t, h, r); rec.Code != http.StatusOK {
		t.Errorf("bearer token: %d", rec.Code)
	}

	// ?token= sets a session cookie and redirects to the address without it.
	rec := do(t, h, local("GET", "/review?status=all&token=tok-123", nil))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("?token=: %d, want a redirect", rec.Code)
	}
	loc, _ := url.Parse(rec.Header().Get("Location"))
	if loc.Path != "/review" || loc.Query().Get("status") != "all" || loc.Query().Has("token") {
		t.Errorf("redirected to %q, want /review?status=all without the token", loc)
	}
	var session *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || strings.Contains(session.Value, "tok-123") {
		t.Fatalf("session cookie %+v: want HttpOnly and not the token itself", session)
	}
	r = local("GET", loc.String(), nil)
	r.AddCookie(session)
	if rec := do(t, h, r); rec.Code != http.StatusOK {
		t.Errorf("with the session cookie: %d", rec.Code)
	}
	r = local("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: sessionCookie, Value: "made-up"})
	if rec := do(t, h, r); rec.Code != http.StatusUnauthorized {
		t.Errorf("made-up session cookie: %d", rec.Code)
	}
	if rec := do(t, h, local("GET", "/?token=nope", nil)); rec.Code != http.StatusUnauthorized {
		t.Errorf("wrong ?token=: %d", rec.Code)
	}

	// /healthz is open; /metrics on the dashboard follows its access.
	r = local("GET", "/healthz", nil)
	r.RemoteAddr = "203.0.113.9:4000"
	if rec := do(t, h, r); rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != "ok" {
		t.Errorf("healthz: %d %q", rec.Code, rec.Body)
	}
	if rec := do(t, h, local("GET", "/metrics", nil)); rec.Code != http.StatusUnauthorized {
		t.Errorf("metrics without token: %d", rec.Code)
	}
	r = local("GET", "/metrics", nil)
	r.Header.Set("Authorization", "Bearer tok-123")
	if rec := do(t, h, r); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "foidesk_up") {
		t.Errorf("metrics with token: %d", rec.Code)
	}
}

func TestBasicAccess(t *testing.T) {
	st := dbtest.DB(t)
	h := newHandler(t, st, &Options{BasicAuth: "desk:pa:ss"})
	rec := do(t, h, local("GET", "/", nil))
	if rec.Code != http.StatusUnauthorized || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Basic ") {
		t.Errorf("no credentials: %d, WWW-Authenticate %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
	r := local("GET", "/", nil)
	r.SetBasicAuth("desk", "wrong")
	if rec := do(t, h, r); rec.Code != http.StatusUnauthorized {
		t.Errorf("wrong password: %d", rec.Code)
	}
	r = local("GET", "/", nil)
	r.SetBasicAuth("desk", "pa:ss") // the password may hold a colon
	if rec := do(t, h, r); rec.Code != http.StatusOK {
		t.Errorf("basic auth: %d", rec.Code)
	}
	if _, err := New(&Options{Store: st, BasicAuth: "nocolon"}); err == nil {
		t.Error("BasicAuth without a colon accepted")
	}
}

func TestLoopbackOnlyWithoutCredentials(t *testing.T) {
	st := dbtest.DB(t)
	h := newHandler(t, st, nil)
	for _, c := range []struct {
		remote, host string
		want         int
	}{
		{"127.0.0.1:5000", "127.0.0.1:8080", http.StatusOK},
		{"127.0.0.1:5000", "localhost:8080", http.StatusOK},
		{"[::1]:5000", "[::1]:8080", http.StatusOK},
		{"192.168.1.20:5000", "127.0.0.1:8080", http.StatusForbidden},
		{"203.0.113.9:5000", "dashboard.example.org", http.StatusForbidden},
		// A page elsewhere whose name resolves to 127.0.0.1 (DNS rebinding).
		{"127.0.0.1:5000", "attacker.example:8080", http.StatusForbidden},
	} {
		r := local("GET", "/", nil)
		r.RemoteAddr, r.Host = c.remote, c.host
		if rec := do(t, h, r); rec.Code != c.want {
			t.Errorf("from %s as %s: %d, want %d", c.remote, c.host, rec.Code, c.want)
		}
	}
	r := local("GET", "/healthz", nil)
	r.RemoteAddr = "203.0.113.9:5000"
	if rec := do(t, h, r); rec.Code != http.StatusOK {
		t.Errorf("healthz from afar: %d", rec.Code)
	}
}

func TestHealthzReportsDatabase(t *testing.T) {
	st := dbtest.DB(t)
	h := newHandler(t, st, nil)
	st.Close()
	if rec := do(t, h, local("GET", "/healthz", nil)); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("healthz with the database gone: %d", rec.Code)
	}
}

func TestSecurityHeaders(t *testing.T) {
	st := dbtest.DB(t)
	h := newHandler(t, st, nil)
	rec := do(t, h, local("GET", "/", nil))
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	if rec.Header().Get("X-Frame-Options") != "DENY" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", rec.Header())
	}
	if rec := do(t, h, local("GET", "/static/style.css", nil)); rec.Code != http.StatusOK ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
}
