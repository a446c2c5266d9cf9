package normalise

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/foidesk/foidesk/internal/lazyre"
)

// DimensionKind says how a dimension's values are read.
type DimensionKind string

const (
	DimPeriod       DimensionKind = "period"        // see ParsePeriod
	DimNationality  DimensionKind = "nationality"   // ISO 3166-1 alpha-3 and special values
	DimOffenceGroup DimensionKind = "offence_group" // Home Office offence groups
	DimCategory     DimensionKind = "category"      // a campaign-defined list: values and synonyms
)

// Schema is a campaign's dataset: what is counted and by what. It is the
// dataset section of the campaign YAML.
type Schema struct {
	Measure    Measure     `yaml:"measure" json:"measure"`
	Dimensions []Dimension `yaml:"dimensions" json:"dimensions"`
	// Periods is the span the campaign asks about; figures for other spans
	// are kept, and figures of another kind (financial for calendar) are
	// sent to review.
	Periods *PeriodSpan `yaml:"periods,omitempty" json:"periods,omitempty"`
	// ReviewThreshold: a table whose confidence is below it waits for
	// review (default 0.8).
	ReviewThreshold float64 `yaml:"review_threshold" json:"review_threshold"`
}

// Measure is the figure the cells hold.
type Measure struct {
	Name string `yaml:"name" json:"name"`
	Unit string `yaml:"unit" json:"unit"` // default "count"
	// Headers are extra spellings of column headings that name the measure
	// ("No. of CRs").
	Headers []string `yaml:"headers,omitempty" json:"headers,omitempty"`
}

// Dimension is one way the figures are broken down.
type Dimension struct {
	Name string        `yaml:"name" json:"name"`
	Kind DimensionKind `yaml:"kind" json:"kind"`
	// Synonyms maps a code to extra spellings of it: {POL: [Polnisch]}.
	Synonyms map[string][]string `yaml:"synonyms,omitempty" json:"synonyms,omitempty"`
	// Values, when given, are the only codes allowed; anything else is
	// reported, not loaded.
	Values []string `yaml:"values,omitempty" json:"values,omitempty"`
	// Headers are extra spellings of headings that name this dimension
	// ("Country of citizenship").
	Headers []string `yaml:"headers,omitempty" json:"headers,omitempty"`
}

// PeriodSpan is the span of years a campaign asks about.
type PeriodSpan struct {
	From int    `yaml:"from" json:"from"`
	To   int    `yaml:"to" json:"to"`
	Kind string `yaml:"kind" json:"kind"` // "calendar" (default) or "financial"
}

// Contains reports whether p lies within the span.
func (s *PeriodSpan) Contains(p Period) bool {
	if s == nil {
		return true
	}
	var from, to Period
	if s.Kind == "financial" {
		from, to = FinancialYear(s.From), FinancialYear(s.To)
	} else {
		from, to = CalendarYear(s.From), CalendarYear(s.To)
	}
	return !p.Start.Before(from.Start) && !p.End.After(to.End)
}

// SchemaError lists everything wrong with a dataset declaration.
type SchemaError struct {
	Problems []string
}

func (e *SchemaError) Error() string {
	return "dataset: " + strings.Join(e.Problems, "; ")
}

// DefaultReviewThreshold is used when the schema gives none.
const DefaultReviewThreshold = 0.8

var reIdent = lazyre.New(`^[a-z][a-z0-9_]*$`)

// SchemaFrom decodes and checks the dataset section of a campaign (as the
// campaign package holds it, a generic map). Unknown keys are errors.
func SchemaFrom(raw map[string]any) (*Schema, error) {
	if len(raw) == 0 {
		return nil, &SchemaError{Problems: []string{"missing (a campaign needs a dataset section: measure and dimensions)"}}
	}
	b, err := yaml.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("dataset: re-encode: %w", err)
	}
	return ParseSchema(b)
}

// ParseSchema decodes and checks a dataset declaration written in YAML.
func ParseSchema(b []byte) (*Schema, error) {
	var s Schema
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, &SchemaError{Problems: []string{strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// Validate fills in defaults and checks the schema.
func (s *Schema) Validate() error {
	var probs []string
	bad := func(format string, a ...any) { probs = append(probs, fmt.Sprintf(format, a...)) }
	if s.Measure.Name == "" {
		bad("measure.name is missing")
	} else if !reIdent.MatchString(s.Measure.Name) {
		bad("measure.name %q must be lower_snake_case", s.Measure.Name)
	}
	if s.Measure.Unit == "" {
		s.Measure.Unit = "count"
	}
	if s.ReviewThreshold == 0 {
		s.ReviewThreshold = DefaultReviewThreshold
	}
	if s.ReviewThreshold < 0 || s.ReviewThreshold > 1 {
		bad("review_threshold %v must be between 0 and 1", s.ReviewThreshold)
	}
	if len(s.Dimensions) == 0 {
		bad("dimensions: at least a period dimension is needed")
	}
	seen := map[string]bool{}
	periods := 0
	for i := range s.Dimensions {
		d := &s.Dimensions[i]
		at := fmt.Sprintf("dimensions[%d]", i)
		if d.Name == "" {
			bad("%s.name is missing", at)
		} else {
			at = fmt.Sprintf("dimension %q", d.Name)
			if !reIdent.MatchString(d.Name) {
				bad("%s: name must be lower_snake_case", at)
			}
			if seen[d.Name] {
				bad("%s is declared twice", at)
			}
			seen[d.Name] = true
		}
		var base *Vocabulary
		switch d.Kind {
		case DimPeriod:
			periods++
			if len(d.Synonyms) > 0 || len(d.Values) > 0 {
				bad("%s: a period dimension takes no synonyms or values", at)
			}
			continue
		case DimNationality:
			base = Nationalities()
		case DimOffenceGroup:
			base = OffenceGroups()
		case DimCategory:
			if len(d.Values) == 0 && len(d.Synonyms) == 0 {
				bad("%s: a category dimension needs values or synonyms", at)
			}
		case "":
			bad("%s: kind is missing (period, nationality, offence_group or category)", at)
			continue
		default:
			bad("%s: kind %q is not one of period, nationality, offence_group, category", at, d.Kind)
			continue
		}
		values := map[string]bool{}
		for _, v := range d.Values {
			if strings.TrimSpace(v) == "" {
				bad("%s: empty value", at)
			}
			if values[v] {
				bad("%s: value %q listed twice", at, v)
			}
			values[v] = true
		}
		for code, spellings := range d.Synonyms {
			if strings.TrimSpace(code) == "" {
				bad("%s: synonyms for an empty code", at)
				continue
			}
			if len(values) > 0 && !values[code] {
				bad("%s: synonyms given for %q, which is not among its values", at, code)
			}
			if base != nil && len(values) == 0 && !base.Has(code) {
				hint := ""
				if m := base.Match(code); m.OK() {
					hint = fmt.Sprintf(" (did you mean %s?)", m.Code)
				}
				bad("%s: synonyms given for %q, which is not a %s code%s", at, code, base.Name(), hint)
			}
			for _, sp := range spellings {
				if strings.TrimSpace(sp) == "" {
					bad("%s: empty synonym for %q", at, code)
				}
			}
		}
		if base != nil {
			for _, v := range d.Values {
				if !base.Has(v) && d.Synonyms[v] == nil {
					hint := ""
					if m := base.Match(v); m.OK() {
						hint = fmt.Sprintf(" (did you mean %s?)", m.Code)
					}
					bad("%s: value %q is not a %s code and has no synonyms%s", at, v, base.Name(), hint)
				}
			}
		}
	}
	if periods != 1 && len(s.Dimensions) > 0 {
		bad("exactly one dimension must be of kind period (found %d)", periods)
	}
	if p := s.Periods; p != nil {
		if p.Kind == "" {
			p.Kind = "calendar"
		}
		if p.Kind != "calendar" && p.Kind != "financial" {
			bad("periods.kind %q must be calendar or financial", p.Kind)
		}
		if p.From < 1900 || p.From > 2100 || p.To < 1900 || p.To > 2100 {
			bad("periods: years must be between 1900 and 2100")
		} else if p.From > p.To {
			bad("periods: from %d is after to %d", p.From, p.To)
		}
	}
	if len(probs) > 0 {
		slices.Sort(probs)
		return &SchemaError{Problems: probs}
	}
	return nil
}

// PeriodDimension returns the name of the period dimension.
func (s *Schema) PeriodDimension() string {
	for _, d := range s.Dimensions {
		if d.Kind == DimPeriod {
			return d.Name
		}
	}
	return ""
}
