package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

const (
	sessionCookie = "foidesk_session"
	csrfCookie    = "foidesk_csrf"
	byCookie      = "foidesk_by"
)

// access decides who may use the dashboard.
type access struct {
	token    string
	user     string
	pass     string
	session  string // the session cookie's value for a valid token
	csrfKey  []byte
	loopback bool // neither token nor basic auth: loopback only
	// trustProto believes a proxy's X-Forwarded-Proto.
	trustProto bool
}

// secure reports whether r reached foidesk over HTTPS: directly, or, when
// configured to trust it, through a proxy that says so.
func (a *access) secure(r *http.Request) bool {
	return r.TLS != nil || (a.trustProto && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https"))
}

// bearer returns the credentials of an "Authorization: Bearer …" header;
// the scheme's name is compared without regard to case (RFC 9110 11.1).
func bearer(r *http.Request) (string, bool) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(cred), true
}

func newAccess(token, basic string) (*access, error) {
	a := &access{token: token}
	if basic != "" {
		user, pass, ok := strings.Cut(basic, ":")
		if !ok || user == "" || pass == "" {
			return nil, errors.New("web: BasicAuth must be user:password")
		}
		a.user, a.pass = user, pass
	}
	a.loopback = a.token == "" && a.user == ""
	if a.token != "" {
		a.session = mac([]byte(a.token), "foidesk dashboard session")
	}
	// The CSRF key is derived from the configured secret, so that replicas
	// of the dashboard agree; with no secret it is random per process.
	if secret := a.token + "\x00" + basic; !a.loopback {
		sum := sha256.Sum256([]byte("foidesk csrf\x00" + secret))
		a.csrfKey = sum[:]
	} else {
		a.csrfKey = make([]byte, 32)
		if _, err := rand.Read(a.csrfKey); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func mac(key []byte, msg string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func (a *access) open() bool { return a.loopback }

func (a *access) describe() string {
	var ways []string
	if a.token != "" {
		ways = append(ways, "the bearer token (Authorization: Bearer, or ?token= once)")
	}
	if a.user != "" {
		ways = append(ways, "basic auth as "+a.user)
	}
	return strings.Join(ways, " or ")
}

// middleware lets a request through if it is allowed, else answers 401 or
// 403. A valid ?token= on a GET sets the session cookie and redirects to the
// same address without the token, so it does not stay in history or logs.
func (a *access) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.loopback {
			if !fromLoopback(r) {
				http.Error(w, "This dashboard has no FOIDESK_AUTH_TOKEN or FOIDESK_BASIC_AUTH configured, so it only answers requests from this machine.",
					http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if a.token != "" {
			if q := r.URL.Query(); q.Has("token") {
				if !equal(q.Get("token"), a.token) {
					a.deny(w, "wrong token")
					return
				}
				http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: a.session, Path: "/", HttpOnly: true,
					Secure: a.secure(r), SameSite: http.SameSiteLaxMode})
				if r.Method == http.MethodGet || r.Method == http.MethodHead {
					q.Del("token")
					u := *r.URL
					u.RawQuery = q.Encode()
					http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			if tok, ok := bearer(r); ok && equal(tok, a.token) {
				next.ServeHTTP(w, r)
				return
			}
			if c, err := r.Cookie(sessionCookie); err == nil && equal(c.Value, a.session) {
				next.ServeHTTP(w, r)
				return
			}
		}
		if a.user != "" {
			if u, p, ok := r.BasicAuth(); ok && equal(u, a.user) && equal(p, a.pass) {
				next.ServeHTTP(w, r.WithContext(withUser(r.Context(), u)))
				return
			}
		}
		a.deny(w, "")
	})
}

func (a *access) deny(w http.ResponseWriter, why string) {
	if a.user != "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="foidesk", charset="UTF-8"`)
	}
	msg := "Unauthorized: this dashboard needs " + a.describe() + "."
	if why != "" {
		msg = "Unauthorized (" + why + "): this dashboard needs " + a.describe() + "."
	}
	http.Error(w, msg, http.StatusUnauthorized)
}

// fromLoopback reports whether r comes from this machine and names it by a
// loopback host, which also keeps out pages on other sites that rebind
// their DNS name to 127.0.0.1.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.Unmap().IsLoopback() {
		return false
	}
	return loopbackHost(r.Host)
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// csrfToken returns the form token for this browser, setting the CSRF
// cookie it is tied to if there is none yet.
func (a *access) csrfToken(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		c = &http.Cookie{Name: csrfCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
			HttpOnly: true, Secure: a.secure(r), SameSite: http.SameSiteStrictMode}
		http.SetCookie(w, c)
	}
	return mac(a.csrfKey, "csrf\x00"+c.Value)
}

// checkCSRF reports whether a form's token matches the browser's cookie.
func (a *access) checkCSRF(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		return false
	}
	return equal(r.PostFormValue("csrf"), mac(a.csrfKey, "csrf\x00"+c.Value))
}

type userKey struct{}

func withUser(ctx context.Context, user string) context.Context {
	return context.WithValue(ctx, userKey{}, user)
}

// userFrom returns the basic-auth user of a request, or "".
func userFrom(ctx context.Context) string {
	u, _ := ctx.Value(userKey{}).(string)
	return u
}
