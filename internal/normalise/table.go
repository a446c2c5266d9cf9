package normalise

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/foidesk/foidesk/internal/extract"
)

// Options steers Table. A nil *Options means defaults.
type Options struct {
	// Overrides are an operator's corrections, applied before any guess.
	Overrides *Overrides
	// MaxCells refuses tables with more cells than this (default 2,000,000).
	MaxCells int
}

// Overrides are an operator's remappings for one table.
type Overrides struct {
	// Headers maps a heading or label text (as written, compared after
	// folding case and punctuation) to a dimension name, or to "ignore"
	// (drop that row or column), "measure" (a caption naming the figures)
	// or "total".
	Headers map[string]string `json:"headers,omitempty"`
	// Values maps dimension name → raw text → code.
	Values map[string]map[string]string `json:"values,omitempty"`
	// IgnoreRows and IgnoreCols are 0-based positions in the extracted grid.
	IgnoreRows []int `json:"ignore_rows,omitempty"`
	IgnoreCols []int `json:"ignore_cols,omitempty"`
	// Constants gives a dimension's code for every figure of the table
	// (for the period dimension, a period text such as "2023").
	Constants map[string]string `json:"constants,omitempty"`
}

// Observation is one figure placed in the dataset: its period, its code on
// every other dimension, and the cell it came from. Each observation owns
// what it points to (its Dims map, its Value and its Reasons slice): a
// caller may change one without changing another, even where two have the
// same codes.
type Observation struct {
	Period Period            `json:"period"`
	Dims   map[string]string `json:"dims"` // dimension name → code (AllCode when the table has no breakdown by it)
	Value  *float64          `json:"value"`
	Flag   string            `json:"flag,omitempty"`
	Raw    string            `json:"raw"`
	Row    int               `json:"row"` // 0-based position in the extracted grid
	Col    int               `json:"col"`
	Ref    string            `json:"ref"`
	Page   int               `json:"page,omitempty"`

	Confidence float64  `json:"confidence"`
	Reasons    []string `json:"reasons,omitempty"` // why Confidence is below 1
}

// Decision records one reading the mapper made: which dimension an axis
// holds, which code a text means, which constant a title gives, which rows
// it skipped.
type Decision struct {
	Kind       string  `json:"kind"`    // "layout", "axis", "value", "constant", "total", "skip"
	Subject    string  `json:"subject"` // "header row 1", "column A", "cell B7", "title", "sheet"
	Text       string  `json:"text,omitempty"`
	Dimension  string  `json:"dimension,omitempty"`
	Code       string  `json:"code,omitempty"`
	Confidence float64 `json:"confidence"`
	Reason     string  `json:"reason"`
}

// TotalCheck compares a stated total with the sum of the figures it covers.
type TotalCheck struct {
	Ref    string            `json:"ref"`
	Row    int               `json:"row"`
	Col    int               `json:"col"`
	Raw    string            `json:"raw"`
	Period Period            `json:"period"`
	Dims   map[string]string `json:"dims"` // AllCode for the dimensions summed over
	Stated *float64          `json:"stated"`
	Flag   string            `json:"flag,omitempty"`
	Sum    float64           `json:"sum"`
	Parts  int               `json:"parts"`
	// Unknown counts parts with a flag instead of a number.
	Unknown int    `json:"unknown"`
	OK      bool   `json:"ok"`
	Reason  string `json:"reason"`
}

// Result is a table mapped onto a dataset schema.
type Result struct {
	Observations  []Observation `json:"observations"`
	Totals        []TotalCheck  `json:"totals,omitempty"`
	Decisions     []Decision    `json:"decisions"`
	Confidence    float64       `json:"confidence"`
	NeedsReview   bool          `json:"needs_review"`
	ReviewReasons []string      `json:"review_reasons,omitempty"`
}

// ErrTableTooLarge is returned for tables beyond Options.MaxCells.
var ErrTableTooLarge = errors.New("table too large")

// Table maps an extracted table onto the schema: it finds which rows and
// columns hold headings and labels, which dimension each holds, which cells
// are figures, totals and notes; it unpivots the figures into observations
// and checks stated totals. Anything it cannot place or is unsure of makes
// NeedsReview true, with reasons; nothing is guessed silently.
func Table(t *extract.Table, s *Schema, opts *Options) (*Result, error) {
	if t == nil {
		return nil, errors.New("normalise: nil table")
	}
	if s == nil {
		return nil, errors.New("normalise: nil schema")
	}
	sc := *s
	if s.Periods != nil {
		p := *s.Periods
		sc.Periods = &p
	}
	if err := sc.Validate(); err != nil {
		return nil, fmt.Errorf("normalise: %w", err)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxCells <= 0 {
		o.MaxCells = 2_000_000
	}
	cells := t.NumRows() * t.NumCols() // a compact table's rows are all as wide
	if !t.Compact() {
		cells = 0
		for _, r := range t.Rows {
			cells += len(r)
		}
	}
	if cells > o.MaxCells {
		return nil, fmt.Errorf("normalise: %w: %d cells (limit %d)", ErrTableTooLarge, cells, o.MaxCells)
	}
	if o.Overrides != nil {
		if err := checkOverrides(o.Overrides, &sc); err != nil {
			return nil, fmt.Errorf("normalise: %w", err)
		}
	}
	m := newMapper(t, &sc, &o)
	m.run()
	return m.finish(), nil
}

func checkOverrides(ov *Overrides, s *Schema) error {
	names := map[string]bool{}
	for _, d := range s.Dimensions {
		names[d.Name] = true
	}
	for text, target := range ov.Headers {
		switch target {
		case "ignore", "measure", "total":
		default:
			if !names[target] {
				return fmt.Errorf("override for heading %q names unknown dimension %q", text, target)
			}
		}
	}
	for d := range ov.Values {
		if !names[d] {
			return fmt.Errorf("value overrides for unknown dimension %q", d)
		}
	}
	for d, v := range ov.Constants {
		if !names[d] {
			return fmt.Errorf("constant for unknown dimension %q", d)
		}
		if d == s.PeriodDimension() {
			if _, err := ParsePeriod(v); err != nil {
				return fmt.Errorf("constant period %q: %w", v, err)
			}
		}
	}
	return nil
}

// colName is a spreadsheet column name: 0 → A, 26 → AA.
func colName(c int) string {
	s := ""
	for c++; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// ObservationKey identifies an observation's place in the dataset: period
// and codes. Two observations of one table with the same key are a
// duplicate.
func ObservationKey(o Observation) string {
	var b strings.Builder
	b.WriteString(string(o.Period.Kind))
	b.WriteByte('|')
	b.WriteString(o.Period.Start.Format("2006-01-02"))
	b.WriteByte('|')
	b.WriteString(o.Period.End.Format("2006-01-02"))
	for _, k := range sortedKeys(o.Dims) {
		b.WriteByte('|')
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(o.Dims[k])
	}
	return b.String()
}

func addUnique(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
