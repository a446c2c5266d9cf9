package classify

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/foidesk/foidesk/internal/foi"
)

func TestParseFixture(t *testing.T) {
	fx := loadFixture(t, "20-refusal-s12-kent.txt")
	if got := fx.Header("force"); got != "Kent Police" {
		t.Errorf("force = %q", got)
	}
	if got := fx.Header("KIND"); !strings.HasPrefix(got, "refusal-s12") {
		t.Errorf("kind = %q", got)
	}
	if k, err := fx.Kind(); err != nil || k != foi.KindRefusal {
		t.Errorf("Kind() = %v, %v", k, err)
	}
	if want := []string{"source", "force", "kind", "date", "reference-format", "attachment"}; strings.Join(fx.Keys, ",") != strings.Join(want, ",") {
		t.Errorf("keys = %q, want %q", fx.Keys, want)
	}
	if !strings.HasPrefix(fx.Body, "Mr J Stuart\n") {
		t.Errorf("body starts %q", fx.Body[:min(40, len(fx.Body))])
	}
	if strings.Contains(fx.Body, "reference-format:") {
		t.Error("headers leaked into the body")
	}

	for _, tt := range []struct{ header, want string }{
		{"internal-review", "internal_review"},
		{"other  (refusal under s.21 - information reasonably accessible)", "other"},
		{"acknowledgement", "acknowledgement"},
		{"refusal-s40", "refusal"},
		{"auto-reply", "auto_reply"},
	} {
		f := &Fixture{Headers: map[string]string{"kind": tt.header}}
		if k, err := f.Kind(); err != nil || string(k) != tt.want {
			t.Errorf("Kind(%q) = %v, %v; want %s", tt.header, k, err, tt.want)
		}
	}
	if _, err := (&Fixture{Headers: map[string]string{"kind": "reply"}}).Kind(); err == nil {
		t.Error("unknown kind accepted")
	}
}

func TestParseFixtureFormats(t *testing.T) {
	tests := []struct {
		name, in string
		err      error
		subject  string
		body     string
	}{
		{"crlf", "force: Kent Police\r\nsubject: FOI 16/06/669\r\n---\r\nDear Sir\r\n", nil, "FOI 16/06/669", "Dear Sir\r\n"},
		{"blank header lines", "force: Kent Police\n\nkind: other\n---\nbody", nil, "", "body"},
		{"separator in body kept", "kind: other\n---\nabove\n---\nbelow\n", nil, "", "above\n---\nbelow\n"},
		{"repeated key keeps first", "subject: one\nsubject: two\n---\n", nil, "one", ""},
		{"no separator", "Dear Sir\nThank you for your request.\n", ErrNotFixture, "", ""},
		{"not a header", "force: Kent Police\nDear Sir,\n---\nbody", ErrNotFixture, "", ""},
		{"separator first", "---\nbody", ErrNotFixture, "", ""},
		{"empty", "", ErrNotFixture, "", ""},
		{"too large", "kind: other\n---\n" + strings.Repeat("x", MaxFixtureSize), ErrFixtureTooLarge, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx, err := ParseFixture(strings.NewReader(tt.in))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fx.Input().Subject; got != tt.subject {
				t.Errorf("subject = %q, want %q", got, tt.subject)
			}
			if fx.Body != tt.body {
				t.Errorf("body = %q, want %q", fx.Body, tt.body)
			}
		})
	}
	_, err := ParseFixture(strings.NewReader("force: Kent Police\nDear Sir,\n---\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error %v does not name line 2", err)
	}
}

var sectionShape = regexp.MustCompile(`^s\d{1,2}(\(\d{1,2}\))?$`)

// FuzzClassify checks that any input classifies without panicking, within
// the documented bounds, to a well-formed result.
func FuzzClassify(f *testing.F) {
	for _, name := range fixtureNames(f) {
		fx := loadFixture(f, name)
		f.Add(fx.Header("subject"), fx.Body, fixtureWants[name].force, false)
	}
	f.Add("Automatic reply: FOI", "I am out of the office.\n> refused under section 12\n", "", true)
	f.Add("", "Our ref:\n\n", "kent", false)
	f.Add("RE: 5607", "logged under the references shown below:\n5607 A\n\n5608 B\n", "essex", false)
	f.Add("", "Sections 24, 30, and 31(1)(a) and 40(2) of the Act", "police-scotland", false)
	f.Add("", "received on 31/02/2014 then 12^th April 2021", "", false)
	f.Add("", "\xff\xfe\u00a0\u201creceived\u201d 1/1/99", "", false)
	f.Fuzz(func(t *testing.T, subject, body, force string, auto bool) {
		start := time.Now()
		r := Classify(&Input{Subject: subject, Body: body, Force: force, AutoReply: auto}, nil)
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %v", d)
		}
		if !r.Kind.Valid() {
			t.Errorf("kind %q", r.Kind)
		}
		if r.Confidence < 0 || r.Confidence > 1 {
			t.Errorf("confidence %v", r.Confidence)
		}
		if len(r.Evidence) > maxEvidence {
			t.Errorf("%d evidence items", len(r.Evidence))
		}
		for _, e := range r.Evidence {
			if utf8.RuneCountInString(e.Phrase) > maxPhrase || !utf8.ValidString(e.Phrase) {
				t.Errorf("phrase %q", e.Phrase)
			}
		}
		for _, d := range []string{r.Received, r.Due} {
			if d == "" {
				continue
			}
			if _, err := time.Parse(DateLayout, d); err != nil {
				t.Errorf("date %q: %v", d, err)
			}
		}
		for _, s := range r.Sections {
			if !sectionShape.MatchString(s) {
				t.Errorf("section %q", s)
			}
		}
		if r.Reference != "" {
			if k := NormaliseReference(r.Reference); k == "" || NormaliseReference(k) != k {
				t.Errorf("reference %q normalises to %q", r.Reference, k)
			}
			if len(r.References) == 1 {
				t.Errorf("References holds only Reference")
			}
		}
		if r.Truncated != (len(body) > DefaultMaxScan) {
			t.Errorf("truncated = %v for %d bytes", r.Truncated, len(body))
		}
	})
}

// FuzzParseFixture checks that ParseFixture fails cleanly or returns a
// body that is a suffix of the input.
func FuzzParseFixture(f *testing.F) {
	f.Add("kind: other\n---\nbody")
	f.Add("a: b\r\n---\r\n")
	f.Add("---")
	f.Fuzz(func(t *testing.T, in string) {
		fx, err := ParseFixture(strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, ErrNotFixture) {
				t.Errorf("err = %v", err)
			}
			return
		}
		if !strings.HasSuffix(in, fx.Body) {
			t.Errorf("body %q is not the end of the input", fx.Body)
		}
		if len(fx.Keys) != len(fx.Headers) {
			t.Errorf("%d keys, %d headers", len(fx.Keys), len(fx.Headers))
		}
	})
}
