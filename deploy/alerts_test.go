package deploy

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"gopkg.in/yaml.v3"

	"github.com/foidesk/foidesk/internal/metrics"
)

// gauges lists the names of the gauges foidesk's collector reports.
func gauges() []string {
	ch := make(chan *prometheus.Desc, 64)
	metrics.NewCollector(nil, nil).Describe(ch)
	close(ch)
	name := regexp.MustCompile(`fqName: "([a-z_]+)"`)
	var out []string
	for d := range ch {
		if m := name.FindStringSubmatch(d.String()); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// TestAlerts keeps the sample alert rules in step with the gauges: every
// foidesk_ series a rule reads is one the collector reports, and every
// gap the gauges were added for has a rule.
func TestAlerts(t *testing.T) {
	b, err := os.ReadFile("alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				For         string            `yaml:"for"`
				Labels      map[string]string `yaml:"labels"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		t.Fatalf("alerts.yml: %v", err)
	}
	known := gauges()
	if !slices.Contains(known, "foidesk_replies_undelivered") {
		t.Fatalf("the collector describes %v", known)
	}
	series := regexp.MustCompile(`foidesk_[a-z_]+`)
	used := map[string]bool{}
	names := map[string]bool{}
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" || r.Expr == "" {
				t.Errorf("rule %+v has no alert name or expression", r)
			}
			if names[r.Alert] {
				t.Errorf("alert %s defined twice", r.Alert)
			}
			names[r.Alert] = true
			if _, err := time.ParseDuration(r.For); err != nil {
				t.Errorf("%s: for %q: %v", r.Alert, r.For, err)
			}
			if s := r.Labels["severity"]; s != "page" && s != "ticket" {
				t.Errorf("%s: severity %q, want page or ticket", r.Alert, s)
			}
			if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Errorf("%s lacks a summary or description", r.Alert)
			}
			if strings.Count(r.Expr, "(") != strings.Count(r.Expr, ")") {
				t.Errorf("%s: unbalanced parentheses in %q", r.Alert, r.Expr)
			}
			text := r.Expr + " " + r.Annotations["description"]
			for _, s := range series.FindAllString(text, -1) {
				if !slices.Contains(known, s) {
					t.Errorf("%s reads %s, which foidesk does not report", r.Alert, s)
				}
				used[s] = true
			}
		}
	}
	for _, s := range []string{"foidesk_database_up", "foidesk_mailbox_up", "foidesk_mailbox_last_success_timestamp_seconds",
		"foidesk_outbound_send_failing_oldest_seconds", "foidesk_regulator_drafts_unsent_oldest_seconds", "foidesk_replies_undelivered"} {
		if !used[s] {
			t.Errorf("no alert reads %s", s)
		}
	}
}
