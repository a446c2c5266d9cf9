package web

// Hostile content on the dashboard: remaps outside the campaign's
// vocabularies, exports opened in a spreadsheet, and the ways in past the
// access checks. See "Hostile content" in the README.

import (
	"crypto/tls"
	"encoding/csv"
	"html"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/dbtest"
)

func TestReviewRefusesHostileRemap(t *testing.T) {
	fx := seed(t)
	up := &updater{}
	h := newHandler(t, fx.st, &Options{Temporal: up})
	path := "/review/" + strconv.FormatInt(fx.reviewID, 10)
	form, cookies := reviewForm(t, h, fx.reviewID)
	form.Set("by", "Sam Reporter")
	form.Set("action", "remap")
	for _, tc := range []struct{ overrides, names string }{
		{`{"values": {"nationality": {"Elsewhere": "+1"}}}`, `"+1"`},
		{`{"values": {"nationality": {"Elsewhere": "@SUM(1)"}}}`, `"@SUM(1)"`},
		{`{"values": {"nationality": {"Elsewhere": "=HYPERLINK(\"evil.example\",\"Click for source\")"}}}`, `=HYPERLINK`},
		{`{"values": {"nationality": {"Elsewhere": "X'); DROP TABLE observations;--"}}}`, `DROP TABLE observations`},
		{`{"headers": {"Country": "planet"}}`, `"planet"`},
		{`{"values": {"planet": {"Mars": "MAR"}}}`, `"planet"`},
	} {
		form.Set("overrides", tc.overrides)
		rec := post(t, h, path, form, cookies)
		body := html.UnescapeString(rec.Body.String())
		if rec.Code != http.StatusBadRequest || !strings.Contains(body, tc.names) {
			t.Errorf("remap %s: %d, want 400 naming %s\n%s", tc.overrides, rec.Code, tc.names, body)
		}
	}
	if n := len(up.recorded()); n != 0 {
		t.Fatalf("%d refused remaps reached Temporal", n)
	}
	form.Set("overrides", `{"headers": {"Country": "nationality"}, "values": {"nationality": {"n/k": "UNKNOWN", "Polish": "POL"}}}`)
	if rec := post(t, h, path, form, cookies); rec.Code != http.StatusSeeOther {
		t.Fatalf("a sound remap: %d\n%s", rec.Code, rec.Body)
	}
}

// The dashboard's CSV download goes through the same export as the CLI:
// no cell of it opens as a formula.
const hostileFilename = `=HYPERLINK("evil.example","Click for source")&T(.csv`

func TestCSVDownloadHasNoFormulaCells(t *testing.T) {
	fx := seed(t)
	// Figures loaded before remaps were checked: a hostile file name and
	// a hostile code in the database.
	ctx := t.Context()
	_, err := dbtest.SQL(t, fx.st).Exec(ctx, `UPDATE documents SET filename = $1
		WHERE id = (SELECT min(document_id) FROM observations)`, hostileFilename)
	must(t, err)
	_, err = dbtest.SQL(t, fx.st).Exec(ctx, `UPDATE request_documents SET filename = $1
		WHERE document_id = (SELECT min(document_id) FROM observations)`, hostileFilename)
	must(t, err)
	_, err = dbtest.SQL(t, fx.st).Exec(ctx, `UPDATE observations SET dimensions = jsonb_set(dimensions, '{nationality}', to_jsonb($1::text))
		WHERE document_id = (SELECT min(document_id) FROM observations) AND row_index = 1`, "@SUM(1)")
	must(t, err)
	h := newHandler(t, fx.st, nil)
	body := get(t, h, "/campaigns/"+testSlug+"/"+strconv.Itoa(testYear)+"/data.csv", http.StatusOK)
	for _, want := range []string{`"'` + strings.ReplaceAll(hostileFilename, `"`, `""`), ",'@SUM(1),"} {
		if !strings.Contains(body, want) {
			t.Errorf("CSV download lacks %s", want)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		for j, cell := range rec {
			if recs[0][j] == "value" || recs[0][j] == "document_id" {
				continue
			}
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("column %s cell %q starts a formula", recs[0][j], cell)
			}
		}
	}
}

func TestBearerSchemeIgnoresCase(t *testing.T) {
	st := dbtest.DB(t)
	h := newHandler(t, st, &Options{AuthToken: "tok-123"})
	for _, auth := range []string{"Bearer tok-123", "bearer tok-123", "BEARER tok-123", "bEaReR  tok-123"} {
		r := local("GET", "/", nil)
		r.RemoteAddr = "203.0.113.9:4000"
		r.Header.Set("Authorization", auth)
		if rec := do(t, h, r); rec.Code != http.StatusOK {
			t.Errorf("Authorization: %s: %d, want 200", auth, rec.Code)
		}
	}
	for _, auth := range []string{"Bearertok-123", "Basic tok-123", "bearer tok-1234", "bearer"} {
		r := local("GET", "/", nil)
		r.Header.Set("Authorization", auth)
		if rec := do(t, h, r); rec.Code != http.StatusUnauthorized {
			t.Errorf("Authorization: %s: %d, want 401", auth, rec.Code)
		}
	}
}

// The session cookie is Secure over HTTPS, and behind a proxy saying so
// only when the dashboard is told to trust it.
func TestSessionCookieSecureOverHTTPS(t *testing.T) {
	st := dbtest.DB(t)
	for _, tc := range []struct {
		name       string
		trust, tls bool
		proto      string
		want       bool
	}{
		{"plain http", false, false, "", false},
		{"direct TLS", false, true, "", true},
		{"proxy trusted", true, false, "https", true},
		{"proxy trusted, upper case", true, false, "HTTPS", true},
		{"proxy trusted, says http", true, false, "http", false},
		{"proxy not trusted", false, false, "https", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHandler(t, st, &Options{AuthToken: "tok-123", TrustForwardedProto: tc.trust})
			r := local("GET", "/?token=tok-123", nil)
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if tc.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			rec := do(t, h, r)
			var session *http.Cookie
			for _, c := range rec.Result().Cookies() {
				if c.Name == sessionCookie {
					session = c
				}
			}
			if session == nil {
				t.Fatalf("no session cookie set (%d)", rec.Code)
			}
			if session.Secure != tc.want {
				t.Errorf("session cookie Secure = %v, want %v", session.Secure, tc.want)
			}
		})
	}
}
