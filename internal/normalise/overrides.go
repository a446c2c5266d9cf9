package normalise

import (
	"fmt"
	"slices"
	"strings"
)

// Header targets an operator may give besides a dimension's name.
const (
	TargetIgnore  = "ignore"  // drop that row or column
	TargetMeasure = "measure" // a caption naming the figures
	TargetTotal   = "total"   // a total row or column
)

// OverrideError lists what is wrong with an operator's remap, each problem
// naming the text or code at fault.
type OverrideError struct {
	Problems []string
}

func (e *OverrideError) Error() string {
	return "remap refused: " + strings.Join(e.Problems, "; ")
}

// CheckOverrides checks an operator's remap against the schema before it
// is applied: every header must map to a dimension of the campaign (or to
// ignore, measure or total); every value and constant must be a code of
// its dimension's vocabulary (a named special value such as UNKNOWN or
// NOT_RECORDED included, and only the listed values where the campaign
// lists them), or for the period dimension a period foidesk can read; and
// row and column positions must not be negative.
func (s *Schema) CheckOverrides(o *Overrides) error {
	if o == nil {
		return nil
	}
	var probs []string
	bad := func(format string, a ...any) { probs = append(probs, fmt.Sprintf(format, a...)) }
	for text, target := range o.Headers {
		switch {
		case strings.TrimSpace(text) == "":
			bad("a header remap needs the heading's text")
		case target == TargetIgnore || target == TargetMeasure || target == TargetTotal:
		case s.Dimension(target) == nil:
			bad("header %q is mapped to %q, which is not a dimension of this campaign (%s)", text, target, s.headerTargets())
		}
	}
	for dim, values := range o.Values {
		d := s.Dimension(dim)
		if d == nil {
			bad("values are given for %q, which is not a dimension of this campaign (%s)", dim, s.dimensionNames())
			continue
		}
		for text, code := range values {
			if err := d.CheckCode(code); err != nil {
				bad("%s value %q: %v", dim, text, err)
			}
		}
	}
	for dim, code := range o.Constants {
		d := s.Dimension(dim)
		if d == nil {
			bad("a constant is given for %q, which is not a dimension of this campaign (%s)", dim, s.dimensionNames())
			continue
		}
		if err := d.CheckCode(code); err != nil {
			bad("%s constant %q: %v", dim, code, err)
		}
	}
	for _, n := range o.IgnoreRows {
		if n < 0 {
			bad("ignore_rows: %d is not a row position", n)
		}
	}
	for _, n := range o.IgnoreCols {
		if n < 0 {
			bad("ignore_cols: %d is not a column position", n)
		}
	}
	if len(probs) > 0 {
		slices.Sort(probs)
		return &OverrideError{Problems: probs}
	}
	return nil
}

// Dimension returns the schema's dimension of that name, or nil.
func (s *Schema) Dimension(name string) *Dimension {
	for i := range s.Dimensions {
		if s.Dimensions[i].Name == name {
			return &s.Dimensions[i]
		}
	}
	return nil
}

func (s *Schema) dimensionNames() string {
	var names []string
	for _, d := range s.Dimensions {
		names = append(names, d.Name)
	}
	return "its dimensions are " + strings.Join(names, ", ")
}

func (s *Schema) headerTargets() string {
	return s.dimensionNames() + "; or use ignore, measure or total"
}

// CheckCode reports whether code may stand for a value of the dimension:
// a period foidesk reads for a period dimension; else one of the listed
// values where the campaign lists them, or a code of the dimension's
// vocabulary (ISO 3166 and the special values for nationality, the Home
// Office groups for offence_group, the synonyms' codes for a category).
func (d *Dimension) CheckCode(code string) error {
	if strings.TrimSpace(code) == "" {
		return fmt.Errorf("an empty code")
	}
	if d.Kind == DimPeriod {
		if _, err := ParsePeriod(code); err != nil {
			return fmt.Errorf("%q is not a period (e.g. 2023, 2023-24, Jan 2023): %w", code, err)
		}
		return nil
	}
	if len(d.Values) > 0 {
		if slices.Contains(d.Values, code) {
			return nil
		}
		return fmt.Errorf("%q is not one of the campaign's values for %s (%s)", code, d.Name, listSome(d.Values))
	}
	switch d.Kind {
	case DimNationality:
		if Nationalities().Has(code) {
			return nil
		}
		return fmt.Errorf("%q is not an ISO 3166 alpha-3 code or a special value (%s, %s, %s, %s)%s", code,
			NationalityUnknown, NationalityNotRecorded, NationalityStateless, NationalityOther, didYouMean(Nationalities(), code))
	case DimOffenceGroup:
		if OffenceGroups().Has(code) {
			return nil
		}
		return fmt.Errorf("%q is not a Home Office offence group code%s", code, didYouMean(OffenceGroups(), code))
	case DimCategory:
		if _, ok := d.Synonyms[code]; ok {
			return nil
		}
		var codes []string
		for c := range d.Synonyms {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		return fmt.Errorf("%q is not one of the campaign's values for %s (%s)", code, d.Name, listSome(codes))
	}
	return fmt.Errorf("dimension %s has kind %q, which takes no values", d.Name, d.Kind)
}

func didYouMean(v *Vocabulary, code string) string {
	if m := v.Match(code); m.OK() {
		return fmt.Sprintf(" (did you mean %s?)", m.Code)
	}
	return ""
}

// listSome lists up to ten codes.
func listSome(codes []string) string {
	if len(codes) > 10 {
		return strings.Join(codes[:10], ", ") + fmt.Sprintf(" and %d more", len(codes)-10)
	}
	return strings.Join(codes, ", ")
}
