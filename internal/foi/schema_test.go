package foi_test

import (
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/schema"
)

// strs gives the string forms of a list of values.
func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// vocabulary is, by table and column, the list of this package each CHECK
// (column IN (...)) constraint of the schema must equal.
func vocabulary() map[string][]string {
	var regimes []string
	for _, r := range foi.Regimes() {
		regimes = append(regimes, r.String())
	}
	return map[string][]string{
		"forces.regime":             regimes,
		"campaigns.status":          strs(foi.CampaignStatuses()),
		"requests.state":            strs(foi.States()),
		"outbound_messages.purpose": strs(foi.Purposes()),
		"outbound_messages.status":  strs(foi.OutboundStatuses()),
		"inbound_messages.status":   strs(foi.InboundStatuses()),
		"message_matches.method":    strs(foi.MatchMethods()),
		"request_documents.status":  strs(foi.DocumentStatuses()),
		"review_items.status":       strs(foi.ReviewStatuses()),
		"reply_reviews.status":      strs(foi.ReplyReviewStatuses()),
	}
}

var (
	tableRE   = regexp.MustCompile(`(?i)^\s*(?:CREATE|ALTER)\s+TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(\w+)`)
	checkRE   = regexp.MustCompile(`(?is)CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)`)
	dropRE    = regexp.MustCompile(`(?i)DROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?(\w+)`)
	literalRE = regexp.MustCompile(`'([^']*)'`)
)

// schemaChecks reads every CHECK (column IN ('a', 'b')) list of the
// migrations, applied in order: a later constraint on the same column
// replaces the earlier one, and dropping a constraint named
// <table>_<column>_check removes it.
func schemaChecks(t *testing.T) map[string][]string {
	t.Helper()
	files, err := fs.Glob(schema.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	checks := map[string][]string{}
	for _, f := range files {
		b, err := fs.ReadFile(schema.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		// Statements, with comments removed; each names its table first.
		var lines []string
		for _, l := range strings.Split(string(b), "\n") {
			if i := strings.Index(l, "--"); i >= 0 {
				l = l[:i]
			}
			lines = append(lines, l)
		}
		for _, stmt := range strings.Split(strings.Join(lines, "\n"), ";") {
			m := tableRE.FindStringSubmatch(stmt)
			if m == nil {
				if checkRE.MatchString(stmt) {
					t.Errorf("%s: a CHECK list outside CREATE or ALTER TABLE: %s", f, strings.TrimSpace(stmt))
				}
				continue
			}
			table := strings.ToLower(m[1])
			for _, d := range dropRE.FindAllStringSubmatch(stmt, -1) {
				for key := range checks {
					if strings.ToLower(d[1]) == strings.ReplaceAll(key, ".", "_")+"_check" {
						delete(checks, key)
					}
				}
			}
			for _, c := range checkRE.FindAllStringSubmatch(stmt, -1) {
				var values []string
				for _, lit := range literalRE.FindAllStringSubmatch(c[2], -1) {
					values = append(values, lit[1])
				}
				checks[table+"."+strings.ToLower(c[1])] = values
			}
		}
	}
	return checks
}

// TestSchemaChecksMatchVocabulary fails when a CHECK list of the schema and
// the vocabulary differ: a value one has and the other lacks, or a
// constrained column with no list here (or a list for none).
func TestSchemaChecksMatchVocabulary(t *testing.T) {
	checks, want := schemaChecks(t), vocabulary()
	if len(checks) == 0 {
		t.Fatal("no CHECK (column IN (...)) lists found in schema/*.sql")
	}
	for key, got := range checks {
		w, ok := want[key]
		if !ok {
			t.Errorf("schema constrains %s to %v: add its list to internal/foi and to this test", key, got)
			continue
		}
		g := slices.Sorted(slices.Values(got))
		wv := slices.Sorted(slices.Values(w))
		for _, v := range g {
			if !slices.Contains(wv, v) {
				t.Errorf("%s: schema allows %q, internal/foi does not list it", key, v)
			}
		}
		for _, v := range wv {
			if !slices.Contains(g, v) {
				t.Errorf("%s: internal/foi lists %q, schema does not allow it", key, v)
			}
		}
		if len(g) != len(slices.Compact(slices.Clone(g))) {
			t.Errorf("%s: schema lists a value twice: %v", key, got)
		}
	}
	for key := range want {
		if _, ok := checks[key]; !ok {
			t.Errorf("internal/foi has a list for %s, but the schema has no CHECK list on it", key)
		}
	}
}

// TestSchemaChecksParser checks the reading of migrations on a sample: a
// constraint dropped and added again replaces the first.
func TestSchemaChecksParser(t *testing.T) {
	checks := schemaChecks(t)
	got := checks["request_documents.status"]
	if !slices.Contains(got, "superseded") {
		t.Errorf("request_documents.status = %v: the constraint of migration 0004 should replace 0001's", got)
	}
	if got := checks["requests.state"]; len(got) != 15 {
		t.Errorf("requests.state = %v, want the 15 states", got)
	}
}
