package normalise

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/lazyre"
)

// Flags mark a cell that holds no usable figure. A flagged value never has
// a number: a suppressed "<5" is not 0.
const (
	FlagSuppressed    = "suppressed"     // "<5", "*", "[c]", "suppressed", "1-4"
	FlagRedacted      = "redacted"       // "redacted", "withheld", "exempt", "s40"
	FlagNotRecorded   = "not_recorded"   // "not recorded", "not held", "NR"
	FlagNotAvailable  = "not_available"  // "[x]", "..", "not available", ":"
	FlagNotApplicable = "not_applicable" // "n/a", "[z]", "not applicable"
	FlagDash          = "dash"           // "-": nil or not applicable, the source does not say which
	FlagBlank         = "blank"          // an empty cell inside the figures
)

// Value is one figure read from a cell: a number, or a flag.
type Value struct {
	Number     *float64 `json:"number,omitempty"`
	Flag       string   `json:"flag,omitempty"`
	Raw        string   `json:"raw"`
	Confidence float64  `json:"confidence"`
	Reason     string   `json:"reason,omitempty"`
}

// ErrNotValue is returned (wrapped) for text that is neither a number nor
// a known flag.
var ErrNotValue = errors.New("not a value")

const maxValueText = 64

var flagWords = map[string]string{
	"*": FlagSuppressed, "**": FlagSuppressed, "***": FlagSuppressed, "c": FlagSuppressed, "[c]": FlagSuppressed,
	"s": FlagSuppressed, "supp": FlagSuppressed, "suppressed": FlagSuppressed, "[suppressed]": FlagSuppressed,
	"small number": FlagSuppressed, "small numbers": FlagSuppressed, "fewer than 5": FlagSuppressed,
	"less than 5": FlagSuppressed, "under 5": FlagSuppressed, "low number": FlagSuppressed, "[low]": FlagSuppressed,
	"~": FlagSuppressed, "x": FlagSuppressed, "#": FlagSuppressed,
	"redacted": FlagRedacted, "[redacted]": FlagRedacted, "withheld": FlagRedacted, "exempt": FlagRedacted,
	"s40": FlagRedacted, "s.40": FlagRedacted, "section 40": FlagRedacted, "s31": FlagRedacted, "s.31": FlagRedacted,
	"section 31": FlagRedacted, "exempt s40": FlagRedacted, "exempt s31": FlagRedacted, "[withheld]": FlagRedacted,
	"not recorded": FlagNotRecorded, "not held": FlagNotRecorded, "nr": FlagNotRecorded, "n/r": FlagNotRecorded,
	"none recorded": FlagNotRecorded, "no data": FlagNotRecorded, "not collected": FlagNotRecorded,
	"unknown": FlagNotRecorded, "not known": FlagNotRecorded, "n/k": FlagNotRecorded,
	"[x]": FlagNotAvailable, "..": FlagNotAvailable, "...": FlagNotAvailable, ":": FlagNotAvailable,
	"not available": FlagNotAvailable, "unavailable": FlagNotAvailable, "n/av": FlagNotAvailable,
	"na": FlagNotApplicable, "n/a": FlagNotApplicable, "n.a.": FlagNotApplicable, "n.a": FlagNotApplicable,
	"[z]": FlagNotApplicable, "not applicable": FlagNotApplicable,
	"-": FlagDash, "--": FlagDash, "–": FlagDash, "—": FlagDash, "‒": FlagDash, "−": FlagDash,
}

var zeroWords = map[string]bool{"nil": true, "none": true, "zero": true}

var (
	// "<5", "< 5", "<=5", "≤5", "fewer than 10"
	reBelow = lazyre.New(`^(?:<|<=|≤|less than|fewer than|under|below)\s*(\d+)$`)
	// "1-4", "1 to 4" (a band shown instead of a small figure)
	reBand = lazyre.New(`^(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})$`)
	// a number with optional thousands separators, sign and decimals
	reNumber = lazyre.New(`^([+-]?)(\d{1,3}(?:[, \x{00a0}\x{202f}\x{2009}]\d{3})+|\d+)(\.\d+)?$`)
	// a number followed by a footnote marker: "12*", "12 (a)", "12¹", "12 [note 1]"
	reMarked = lazyre.New(`^(.*?\d)\s*(?:\*+|[†‡¹²³⁴⁵⁶⁷⁸⁹]+|\([a-z]\)|\[[a-z]\]|\[note \d+\]|\(note \d+\)|\(r\)|\(p\))$`)
)

// ParseValue reads a figure from cell text. Numbers may carry thousands
// separators and footnote markers; suppression and other flags ("<5", "*",
// "-", "n/a", "not recorded", "redacted", "[x]", "..") give a Value with a
// Flag and no Number. An empty text is a blank.
func ParseValue(s string) (Value, error) {
	if len(s) > maxValueText {
		return Value{}, fmt.Errorf("%w: text too long", ErrNotValue)
	}
	if f, reason, ok := plainNumber(s); ok {
		return Value{Number: &f, Raw: s, Confidence: 1, Reason: reason}, nil
	}
	if !hasDigit(s) {
		return parseWords(s)
	}
	return parseValueText(s)
}

// plainNumber reads the figures most cells hold without a regular
// expression: digits, optionally in comma-separated thousands, optionally
// with decimals ("12", "1,234", "1,234.5"). Anything else (a sign, spaces,
// other separators, markers) is left to parseValueText. It gives what
// parseValueText gives for the same text.
func plainNumber(s string) (f float64, reason string, ok bool) {
	n := len(s)
	if n == 0 || n > maxValueText {
		return 0, "", false
	}
	// Integer part: digits, or groups "d{1,3}(,ddd)+".
	i := 0
	for i < n && isDigit(s[i]) {
		i++
	}
	if i == 0 {
		return 0, "", false
	}
	intEnd, commas := i, false
	if i < n && s[i] == ',' {
		if i > 3 {
			return 0, "", false
		}
		for i < n && s[i] == ',' {
			if i+3 >= n {
				return 0, "", false
			}
			if !isDigit(s[i+1]) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
				return 0, "", false
			}
			i += 4
		}
		if i < n && isDigit(s[i]) {
			return 0, "", false // a fourth digit after a group
		}
		intEnd, commas = i, true
	}
	// Decimals: ".d+".
	if i < n {
		if s[i] != '.' || i+1 == n {
			return 0, "", false
		}
		for i++; i < n; i++ {
			if !isDigit(s[i]) {
				return 0, "", false
			}
		}
	}
	if !commas && intEnd == n && n <= 15 {
		// Below 10^15 every integer is a float64: ParseFloat would give
		// exactly this.
		var u uint64
		for j := 0; j < n; j++ {
			u = u*10 + uint64(s[j]-'0')
		}
		return float64(u), "", true
	}
	text := s
	if commas {
		var buf [maxValueText]byte
		b := buf[:0]
		for j := 0; j < intEnd; j++ {
			if s[j] != ',' {
				b = append(b, s[j])
			}
		}
		b = append(b, s[intEnd:]...)
		text = string(b)
		reason = "thousands separators"
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, "", false
	}
	return f, reason, true
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// hasDigit reports whether s holds an ASCII digit: every number, band and
// "fewer than n" pattern needs one.
func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}

// parseWords reads a text without digits: a blank, a flag word, a zero
// word, or not a value (as parseValueText would for such a text).
func parseWords(s string) (Value, error) {
	raw := s
	t := strings.ToLower(normaliseSpace(s))
	if t == "" {
		return Value{Flag: FlagBlank, Raw: raw, Confidence: 1, Reason: "empty cell"}, nil
	}
	if f, ok := flagWords[t]; ok {
		return Value{Flag: f, Raw: raw, Confidence: 1}, nil
	}
	if zeroWords[t] {
		z := 0.0
		return Value{Number: &z, Raw: raw, Confidence: 0.95, Reason: fmt.Sprintf("%q read as zero", s)}, nil
	}
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") {
		return Value{}, fmt.Errorf("%w: %q (bracketed figure)", ErrNotValue, s)
	}
	return Value{}, fmt.Errorf("%w: %q", ErrNotValue, s)
}

// parseValueText is the general reader behind ParseValue.
func parseValueText(s string) (Value, error) {
	raw := s
	if len(s) > maxValueText {
		return Value{}, fmt.Errorf("%w: text too long", ErrNotValue)
	}
	t := strings.ToLower(normaliseSpace(s))
	if t == "" {
		return Value{Flag: FlagBlank, Raw: raw, Confidence: 1, Reason: "empty cell"}, nil
	}
	if f, ok := flagWords[t]; ok {
		return Value{Flag: f, Raw: raw, Confidence: 1}, nil
	}
	if m := reBelow.FindStringSubmatch(t); m != nil {
		return Value{Flag: FlagSuppressed, Raw: raw, Confidence: 1, Reason: "fewer than " + m[1]}, nil
	}
	if m := reBand.FindStringSubmatch(t); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		if a < b && b <= 10 {
			return Value{Flag: FlagSuppressed, Raw: raw, Confidence: 0.95, Reason: fmt.Sprintf("a band %d–%d shown instead of a small figure", a, b)}, nil
		}
	}
	if zeroWords[t] {
		z := 0.0
		return Value{Number: &z, Raw: raw, Confidence: 0.95, Reason: fmt.Sprintf("%q read as zero", s)}, nil
	}
	conf, reason := 1.0, ""
	if m := reMarked.FindStringSubmatch(t); m != nil {
		t = strings.TrimSpace(m[1])
		conf, reason = 0.95, "footnote marker ignored"
	}
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") {
		return Value{}, fmt.Errorf("%w: %q (bracketed figure)", ErrNotValue, s)
	}
	m := reNumber.FindStringSubmatch(t)
	if m == nil {
		return Value{}, fmt.Errorf("%w: %q", ErrNotValue, s)
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, m[2])
	f, err := strconv.ParseFloat(m[1]+digits+m[3], 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return Value{}, fmt.Errorf("%w: %q", ErrNotValue, s)
	}
	if len(m[2]) != len(digits) {
		if reason != "" {
			reason += "; "
		}
		reason += "thousands separators"
	}
	if f < 0 {
		conf = min(conf, 0.5)
		reason = strings.TrimPrefix(reason+"; negative figure", "; ")
	}
	return Value{Number: &f, Raw: raw, Confidence: conf, Reason: reason}, nil
}

// ParseCell reads a figure from an extracted cell, preferring the typed
// number a spreadsheet carries when its text agrees or is a formatting of it.
func ParseCell(c extract.Cell) (Value, error) {
	f, err := readCell(&c)
	return f.value(), err
}

// figure is a Value with its number held inline, so that the mapper can
// read a cell without allocating.
type figure struct {
	num    float64
	hasNum bool
	flag   string
	raw    string
	conf   float64
	reason string
}

func figureOf(v Value) figure {
	f := figure{flag: v.Flag, raw: v.Raw, conf: v.Confidence, reason: v.Reason}
	if v.Number != nil {
		f.num, f.hasNum = *v.Number, true
	}
	return f
}

func (f figure) value() Value {
	v := Value{Flag: f.flag, Raw: f.raw, Confidence: f.conf, Reason: f.reason}
	if f.hasNum {
		n := f.num
		v.Number = &n
	}
	return v
}

// readFigure is ParseValue as a figure.
func readFigure(s string) (figure, error) {
	if f, reason, ok := plainNumber(s); ok {
		return figure{num: f, hasNum: true, raw: s, conf: 1, reason: reason}, nil
	}
	v, err := ParseValue(s)
	return figureOf(v), err
}

// readCell is ParseCell as a figure.
func readCell(c *extract.Cell) (figure, error) {
	v, err := readFigure(c.Text)
	if c.Number == nil || math.IsNaN(*c.Number) || math.IsInf(*c.Number, 0) {
		return v, err
	}
	n := *c.Number
	switch {
	case err != nil:
		// Text is a formatting we do not read ("1.2E+03"); the typed number stands.
		return figure{num: n, hasNum: true, raw: c.Text, conf: 0.95, reason: "typed spreadsheet number; text not understood"}, nil
	case v.flag == FlagBlank:
		return figure{num: n, hasNum: true, raw: c.Text, conf: 1, reason: "typed spreadsheet number"}, nil
	case v.flag != "":
		return v, nil
	case math.Abs(v.num-n) > 1e-9*math.Max(1, math.Abs(n)):
		// Displayed rounding (e.g. 12.4 shown as 12): keep the stored number.
		v.num = n
		v.conf = min(v.conf, 0.95)
		v.reason = strings.TrimPrefix(v.reason+"; shown text differs from the stored number", "; ")
	}
	return v, nil
}

// isFigure reports whether ParseValue reads text as a figure or a flag
// other than blank, without building the error for texts it refuses.
func isFigure(text string) bool {
	if len(text) <= maxValueText && !hasDigit(text) {
		t := strings.ToLower(normaliseSpace(text))
		return t != "" && (flagWords[t] != "" || zeroWords[t])
	}
	v, err := readFigure(text)
	return err == nil && v.flag != FlagBlank
}
