// Package campaign reads and validates campaign specs: the YAML a data desk
// writes to say what to ask, of whom, how to chase, and what dataset the
// answers feed.
package campaign

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/template"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/force"
)

// Spec is one campaign.
type Spec struct {
	Slug      string    `yaml:"slug" json:"slug"`
	Title     string    `yaml:"title" json:"title"`
	Period    Period    `yaml:"period" json:"period"`
	Requester Requester `yaml:"requester" json:"requester"`
	// Targets are force slugs and group names (all44, uk, all).
	Targets []string `yaml:"targets" json:"targets"`
	// Subject and Body are text/templates over TemplateData.
	Subject string `yaml:"subject" json:"subject"`
	Body    string `yaml:"body" json:"body"`
	// TimeScale makes one campaign day pass in 1/TimeScale of a real day
	// (default 1: real time). Tests and the demo use large values.
	TimeScale float64  `yaml:"time_scale" json:"time_scale"`
	Chase     Chase    `yaml:"chase" json:"chase"`
	Dataset   Dataset  `yaml:"dataset" json:"dataset,omitempty"`
	Schedule  Schedule `yaml:"schedule" json:"schedule"`
}

// Period is the span of years the request asks about.
type Period struct {
	From int `yaml:"from" json:"from"`
	To   int `yaml:"to" json:"to"`
	// Kind is "calendar" (default) or "financial" (April to March).
	Kind string `yaml:"kind" json:"kind"`
}

// Label renders the period for letters: "2022 to 2024", "2022/23 to 2024/25".
func (p Period) Label() string {
	year := func(y int) string {
		if p.Kind == "financial" {
			return fmt.Sprintf("%d/%02d", y, (y+1)%100)
		}
		return fmt.Sprint(y)
	}
	if p.From == p.To {
		return year(p.From)
	}
	return year(p.From) + " to " + year(p.To)
}

// Shift returns the period moved by n years (a yearly re-run asks about the
// next span).
func (p Period) Shift(n int) Period {
	p.From += n
	p.To += n
	return p
}

// Requester is who signs the request.
type Requester struct {
	Name         string `yaml:"name" json:"name"`
	Organisation string `yaml:"organisation" json:"organisation"`
	Email        string `yaml:"email" json:"email"`
	Phone        string `yaml:"phone" json:"phone,omitempty"`
}

// Chase is the chase policy.
type Chase struct {
	// Paused starts every request with chasing paused.
	Paused bool `yaml:"paused" json:"paused"`
	// Ladder lists the rungs in order; empty means DefaultLadder.
	Ladder []Rung `yaml:"ladder" json:"ladder"`
	// SendRegulator sends the regulator complaint rather than only drafting it
	// for the operator.
	SendRegulator bool `yaml:"send_regulator" json:"send_regulator"`
}

// Step names a rung of the chase ladder; each is the purpose of the email
// it sends.
type Step string

// The rungs of a chase ladder.
const (
	StepReminder       = Step(foi.PurposeReminder)
	StepSecondReminder = Step(foi.PurposeSecondReminder)
	StepInternalReview = Step(foi.PurposeInternalReview)
	StepRegulator      = Step(foi.PurposeRegulator)
)

// Purpose is the purpose of the email a rung sends.
func (s Step) Purpose() foi.Purpose { return foi.Purpose(s) }

// What a rung's After counts from (Rung.From).
const (
	FromDue            = "due"
	FromInternalReview = "internal_review"
)

// Rung is one step of the chase ladder: an email sent a number of working
// days after the due date (or after the internal-review request).
type Rung struct {
	Step Step `yaml:"step" json:"step"`
	// After is the number of working days after From.
	After int `yaml:"after" json:"after"`
	// From is FromDue (default) or FromInternalReview.
	From    string `yaml:"from" json:"from"`
	Subject string `yaml:"subject" json:"subject,omitempty"`
	Body    string `yaml:"body" json:"body,omitempty"`
}

// Dataset is the campaign's dataset declaration (measure, dimensions and
// their vocabularies), decoded by the normalisation package.
type Dataset map[string]any

// Schedule says when the yearly re-run starts.
type Schedule struct {
	// Month and Day of each year's run (default: the first run's date).
	Month int `yaml:"month" json:"month,omitempty"`
	Day   int `yaml:"day" json:"day,omitempty"`
}

// DefaultLadder is DESIGN's chase policy: a reminder the working day after
// the due date, a second at due+10, an internal-review request at due+20, and
// a regulator complaint when the review is 20 working days late.
func DefaultLadder() []Rung {
	return []Rung{
		{Step: StepReminder, After: 1, From: FromDue},
		{Step: StepSecondReminder, After: 10, From: FromDue},
		{Step: StepInternalReview, After: 20, From: FromDue},
		{Step: StepRegulator, After: 20, From: FromInternalReview},
	}
}

// FieldError is a validation problem at a line of the YAML.
type FieldError struct {
	Line  int
	Field string // dotted path, e.g. "chase.ladder[1].after"
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Msg)
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

// Parse reads and validates a spec. Every problem found is reported, each
// naming its line and field.
func Parse(r io.Reader) (*Spec, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("campaign: read: %w", err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var s Spec
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("campaign: empty spec")
		}
		return nil, fmt.Errorf("campaign: %w", err)
	}
	s.applyDefaults()
	if errs := s.validate(&root); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &s, nil
}

func (s *Spec) applyDefaults() {
	if s.TimeScale == 0 {
		s.TimeScale = 1
	}
	if s.Period.Kind == "" {
		s.Period.Kind = "calendar"
	}
	if len(s.Chase.Ladder) == 0 {
		s.Chase.Ladder = DefaultLadder()
	}
	for i := range s.Chase.Ladder {
		if s.Chase.Ladder[i].From == "" {
			s.Chase.Ladder[i].From = FromDue
		}
	}
}

func (s *Spec) validate(root *yaml.Node) []error {
	var errs []error
	bad := func(msg string, path ...string) {
		errs = append(errs, &FieldError{Line: lineOf(root, path...), Field: strings.Join(path, "."), Msg: msg})
	}
	if !slugRE.MatchString(s.Slug) {
		bad("must be 2–63 lowercase letters, digits or hyphens", "slug")
	}
	if strings.TrimSpace(s.Title) == "" {
		bad("is required", "title")
	}
	if s.Period.From < 2000 || s.Period.To < s.Period.From || s.Period.To > 2100 {
		bad(fmt.Sprintf("from %d to %d is not a span of years", s.Period.From, s.Period.To), "period")
	}
	if s.Period.Kind != "calendar" && s.Period.Kind != "financial" {
		bad("must be calendar or financial", "period", "kind")
	}
	if s.Requester.Name == "" {
		bad("is required (requests must give a real name, FOIA s.8)", "requester", "name")
	}
	if s.Requester.Email != "" && !strings.Contains(s.Requester.Email, "@") {
		bad("is not an email address", "requester", "email")
	}
	if len(s.Targets) == 0 {
		bad("name at least one force or group (all44, uk, all)", "targets")
	} else if _, err := force.Resolve(s.Targets); err != nil {
		bad(err.Error(), "targets")
	}
	for _, f := range []struct {
		name, text string
	}{{"subject", s.Subject}, {"body", s.Body}} {
		if strings.TrimSpace(f.text) == "" {
			bad("is required", f.name)
			continue
		}
		if err := checkTemplate(f.name, f.text); err != nil {
			bad(err.Error(), f.name)
		}
	}
	if s.TimeScale < 1 || s.TimeScale > 10_000_000 {
		bad("must be from 1 (real time) to 10000000", "time_scale")
	}
	seen := map[Step]bool{}
	for i, r := range s.Chase.Ladder {
		at := fmt.Sprintf("ladder[%d]", i)
		switch r.Step {
		case StepReminder, StepSecondReminder, StepInternalReview, StepRegulator:
		default:
			bad(fmt.Sprintf("unknown step %q (reminder, second_reminder, internal_review, regulator)", r.Step), "chase", at, "step")
		}
		if seen[r.Step] {
			bad(fmt.Sprintf("step %q appears twice", r.Step), "chase", at, "step")
		}
		seen[r.Step] = true
		if r.After < 0 || r.After > 250 {
			bad("must be from 0 to 250 working days", "chase", at, "after")
		}
		if r.From != FromDue && r.From != FromInternalReview {
			bad("must be due or internal_review", "chase", at, "from")
		}
		if r.From == FromInternalReview && !seen[StepInternalReview] {
			bad("counts from the internal review, which no earlier rung requests", "chase", at, "from")
		}
		if i > 0 && r.From == s.Chase.Ladder[i-1].From && r.After <= s.Chase.Ladder[i-1].After {
			bad("must come later than the rung before it", "chase", at, "after")
		}
		for _, f := range []struct{ name, text string }{{"subject", r.Subject}, {"body", r.Body}} {
			if f.text != "" {
				if err := checkTemplate(f.name, f.text); err != nil {
					bad(err.Error(), "chase", at, f.name)
				}
			}
		}
	}
	if s.Schedule.Month != 0 || s.Schedule.Day != 0 {
		if _, err := time.Parse("2006-1-2", fmt.Sprintf("2001-%d-%d", s.Schedule.Month, s.Schedule.Day)); err != nil {
			bad("month and day must form a date", "schedule")
		}
	}
	dataset := s.validateDataset(root, bad)
	return append(errs, dataset...)
}

func checkTemplate(name, text string) error {
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	if err := t.Execute(io.Discard, sampleData()); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	return nil
}

// lineOf finds the line of the YAML key at path ("chase", "ladder[1]",
// "after"), or of the nearest ancestor that exists.
func lineOf(root *yaml.Node, path ...string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		key, idx := p, -1
		if i := strings.IndexByte(p, '['); i >= 0 {
			key = p[:i]
			fmt.Sscanf(p[i:], "[%d]", &idx)
		}
		if n.Kind != yaml.MappingNode {
			return line
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line = n.Content[i].Line
				next = n.Content[i+1]
				break
			}
		}
		if next == nil {
			return line
		}
		n = next
		if idx >= 0 {
			if n.Kind != yaml.SequenceNode || idx >= len(n.Content) {
				return line
			}
			n = n.Content[idx]
			line = n.Line
		}
	}
	return line
}

// Forces resolves the spec's targets into forces, in registry order.
func (s *Spec) Forces() ([]force.Force, error) {
	fs, err := force.Resolve(s.Targets)
	if err != nil {
		return nil, fmt.Errorf("campaign %s: targets: %w", s.Slug, err)
	}
	return fs, nil
}
