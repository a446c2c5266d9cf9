package classify

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/lazyre"
)

// MaxFixtureSize bounds what ParseFixture reads.
const MaxFixtureSize = 4 << 20

// Errors from ParseFixture. ErrNotFixture is wrapped with the line at fault;
// test with errors.Is.
var (
	ErrNotFixture      = errors.New("not in fixture format")
	ErrFixtureTooLarge = errors.New("fixture too large")
)

// A Fixture is a reply saved in the fixture text format: header lines
// "key: value", a line "---", then the body.
//
//	source: https://www.whatdotheyknow.com/request/...
//	force: Metropolitan Police Service (MPS)
//	kind: acknowledgement
//	---
//	Dear Mr Kelly
//	...
type Fixture struct {
	// Headers maps each header key, lower-cased, to its value; a repeated
	// key keeps its first value.
	Headers map[string]string
	// Keys lists the header keys in file order.
	Keys []string
	// Body is everything after the "---" line.
	Body string
}

// Header returns the value of the header key (any case), or "".
func (f *Fixture) Header(key string) string { return f.Headers[strings.ToLower(key)] }

// Kind reads the "kind:" header as a Kind. Fixture kinds are written with
// hyphens and may carry a qualifier and a comment: "refusal-s12  (partial:
// ...)" is KindRefusal, "internal-review" is KindInternalReview.
func (f *Fixture) Kind() (foi.Kind, error) {
	v := strings.ToLower(strings.TrimSpace(f.Header("kind")))
	if i := strings.IndexAny(v, " \t("); i >= 0 {
		v = v[:i]
	}
	v = strings.ReplaceAll(v, "-", "_")
	if strings.HasPrefix(v, "refusal") {
		return foi.KindRefusal, nil
	}
	if k := foi.Kind(v); k.Valid() {
		return k, nil
	}
	return "", fmt.Errorf("classify: fixture kind %q: unknown kind", f.Header("kind"))
}

// Input returns the fixture as classifier input: its body, and its
// "subject:" and "from:" headers when present. The force header holds a
// display name, not a slug, so Input.Force is left for the caller.
func (f *Fixture) Input() *Input {
	return &Input{Subject: f.Header("subject"), From: f.Header("from"), Body: f.Body}
}

var headerKeyRe = lazyre.New(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

// ParseFixture reads a reply in the fixture format. It fails with
// ErrNotFixture when the text has no "---" line or a line before it is not
// a "key: value" header, and with ErrFixtureTooLarge past MaxFixtureSize.
func ParseFixture(r io.Reader) (*Fixture, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFixtureSize+1))
	if err != nil {
		return nil, fmt.Errorf("classify: read fixture: %w", err)
	}
	if len(data) > MaxFixtureSize {
		return nil, fmt.Errorf("classify: %w (over %d bytes)", ErrFixtureTooLarge, MaxFixtureSize)
	}
	f := &Fixture{Headers: map[string]string{}}
	rest := data
	for line := 1; len(rest) > 0; line++ {
		raw := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			raw, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		text := strings.TrimSpace(string(raw))
		if text == "---" {
			if line == 1 {
				return nil, fmt.Errorf("classify: fixture line 1: no headers: %w", ErrNotFixture)
			}
			f.Body = string(rest)
			return f, nil
		}
		if text == "" {
			continue
		}
		key, value, ok := strings.Cut(text, ":")
		key = strings.TrimSpace(key)
		if !ok || !headerKeyRe.MatchString(key) {
			return nil, fmt.Errorf("classify: fixture line %d: %q is not a header: %w", line, phrase(text), ErrNotFixture)
		}
		key = strings.ToLower(key)
		if _, dup := f.Headers[key]; !dup {
			f.Headers[key] = strings.TrimSpace(value)
			f.Keys = append(f.Keys, key)
		}
	}
	return nil, fmt.Errorf("classify: fixture: no \"---\" line: %w", ErrNotFixture)
}
