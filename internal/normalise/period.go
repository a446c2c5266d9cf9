package normalise

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/foidesk/foidesk/internal/lazyre"
)

// PeriodKind says what sort of span a period is.
type PeriodKind string

const (
	KindCalendarYear  PeriodKind = "calendar_year"  // 1 January – 31 December
	KindFinancialYear PeriodKind = "financial_year" // 1 April – 31 March
	KindMonth         PeriodKind = "month"
	KindRange         PeriodKind = "range"   // any other span of whole days
	KindPartial       PeriodKind = "partial" // a year so far ("2024 YTD", "2024 (to 30/06/2024)")
)

// Period is a span of whole days. End is the last day, inclusive. For a
// partial period whose end is not stated ("2024 (to date)") End is the end
// of the year it is part of: an upper bound, not a claim.
type Period struct {
	Start time.Time  `json:"start"`
	End   time.Time  `json:"end"`
	Label string     `json:"label"` // canonical: "2022", "2022/23", "2023-01", "2022-01-01/2024-06-30", "2024 (partial)"
	Kind  PeriodKind `json:"kind"`
}

// IsZero reports whether p is the zero period.
func (p Period) IsZero() bool { return p.Kind == "" && p.Start.IsZero() }

// String returns the label.
func (p Period) String() string { return p.Label }

// Equal reports whether two periods cover the same days and are of one kind.
func (p Period) Equal(q Period) bool {
	return p.Kind == q.Kind && p.Start.Equal(q.Start) && p.End.Equal(q.End)
}

type periodJSON struct {
	Start string     `json:"start"`
	End   string     `json:"end"`
	Label string     `json:"label"`
	Kind  PeriodKind `json:"kind"`
}

// MarshalJSON writes the dates as YYYY-MM-DD.
func (p Period) MarshalJSON() ([]byte, error) {
	if p.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(periodJSON{p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly), p.Label, p.Kind})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (p *Period) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*p = Period{}
		return nil
	}
	var j periodJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("period: %w", err)
	}
	s, err := time.Parse(time.DateOnly, j.Start)
	if err != nil {
		return fmt.Errorf("period start: %w", err)
	}
	e, err := time.Parse(time.DateOnly, j.End)
	if err != nil {
		return fmt.Errorf("period end: %w", err)
	}
	*p = Period{Start: s, End: e, Label: j.Label, Kind: j.Kind}
	return nil
}

// ParsedPeriod is a period read from text, with how sure the reading is.
type ParsedPeriod struct {
	Period     Period  `json:"period"`
	Confidence float64 `json:"confidence"`
	Reason     string  `json:"reason,omitempty"`
}

// ErrNotPeriod is returned (wrapped) for text that names no period.
var ErrNotPeriod = errors.New("not a period")

// maxPeriodText bounds the text ParsePeriod looks at.
const maxPeriodText = 120

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// CalendarYear returns the calendar year y.
func CalendarYear(y int) Period {
	return Period{Start: date(y, 1, 1), End: date(y, 12, 31), Label: strconv.Itoa(y), Kind: KindCalendarYear}
}

// FinancialYear returns the April–March year that starts in y.
func FinancialYear(y int) Period {
	return Period{Start: date(y, 4, 1), End: date(y+1, 3, 31), Label: fmt.Sprintf("%d/%02d", y, (y+1)%100), Kind: KindFinancialYear}
}

// MonthPeriod returns month m of year y.
func MonthPeriod(y, m int) Period {
	s := date(y, m, 1)
	return Period{Start: s, End: s.AddDate(0, 1, -1), Label: s.Format("2006-01"), Kind: KindMonth}
}

// Span returns the period from start to end (inclusive), of the kind its
// dates make it: a calendar year, a financial year, a month or a range.
func Span(start, end time.Time) Period {
	start, end = start.UTC().Truncate(24*time.Hour), end.UTC().Truncate(24*time.Hour)
	switch {
	case start.Month() == 1 && start.Day() == 1 && end.Year() == start.Year() && end.Month() == 12 && end.Day() == 31:
		return CalendarYear(start.Year())
	case start.Month() == 4 && start.Day() == 1 && end.Year() == start.Year()+1 && end.Month() == 3 && end.Day() == 31:
		return FinancialYear(start.Year())
	case start.Day() == 1 && end.Equal(start.AddDate(0, 1, -1)):
		return MonthPeriod(start.Year(), int(start.Month()))
	}
	return Period{Start: start, End: end, Label: start.Format(time.DateOnly) + "/" + end.Format(time.DateOnly), Kind: KindRange}
}

var months = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
	"dec": 12, "december": 12,
}

const monthRE = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`

var (
	reYear        = lazyre.New(`^(\d{4})$`)
	reYearPair    = lazyre.New(`^(\d{4})\s*([/-])\s*(\d{4}|\d{2})$`)
	reShortPair   = lazyre.New(`^(\d{2})\s*([/-])\s*(\d{2})$`)
	reISODay      = lazyre.New(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	reUKDay       = lazyre.New(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$`)
	reDayMonth    = lazyre.New(`^(\d{1,2})(?:st|nd|rd|th)?[\s-]*` + monthRE + `(?:[\s,-]+(\d{4}|\d{2}))?$`)
	reMonthDay    = lazyre.New(`^` + monthRE + `\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$`)
	reMonthYear   = lazyre.New(`^` + monthRE + `(?:[\s,/-]*(\d{4}|\d{2}))?$`)
	reNumMonth    = lazyre.New(`^(\d{1,2})[/-](\d{4})$`)
	reYearMonth   = lazyre.New(`^(\d{4})[\s/-]+` + monthRE + `$`)
	reYearNumMon  = lazyre.New(`^(\d{4})-(\d{2})$`)
	reYearEnding  = lazyre.New(`^(?:12 months |year )?ending\s+(.+)$`)
	reFootnote    = lazyre.New(`(?:\s*[*†‡¹²³⁴⁵⁶⁷⁸⁹]+|\s*\[(?:note|n)\s*\d+\]|\s*\((?:note|n)\s*\d+\)|\s*\((?:r|p|e|provisional|revised|estimate)\))+$`)
	reParen       = lazyre.New(`[(\[]([^()\[\]]*)[)\]]`)
	rePartialWord = lazyre.New(`\b(?:ytd|y t d|year to date|to date|so far|part year|part-year|partial year|partial|incomplete|to present|to now)\b`)
	reUpTo        = lazyre.New(`^(?:to|up to|upto|until|till|as at|as of|ending|ended|end|to end of|up to end of|to the end of)\s+(.+)$`)
	reUpToInline  = lazyre.New(`^(.*?)\s+(?:up to|upto|as at|as of)\s+(.+)$`)
	rePrefixFY    = lazyre.New(`^(?:fy|f/y|fin year|fin yr|financial year|financial yr|fiscal year)\s*:?\s*`)
	rePrefixCY    = lazyre.New(`^(?:cy|calendar year|calendar yr|year|yr|period)\s*:?\s*`)
	reLeadWords   = lazyre.New(`^(?:from|between|for|in|during|the period)\s+`)
	reRangeSep    = []string{" to ", " until ", " till ", " through ", " thru ", " and ", " - ", "-"}
	reNotePrefix  = lazyre.New(`^(?:note|n|r|p|e|provisional|revised|estimate|calendar year|calendar years|financial year|financial years|fy|cy)\s*\d*$`)
	dashReplacer  = strings.NewReplacer("–", "-", "—", "-", "‒", "-", "−", "-", "\u00a0", " ", "\u2009", " ", "\u202f", " ")
	errOpenEnded  = fmt.Errorf("%w: open-ended span", ErrNotPeriod)
	errNotASpan   = fmt.Errorf("%w: a single day, not a span", ErrNotPeriod)
	errBackwards  = fmt.Errorf("%w: ends before it starts", ErrNotPeriod)
	errYearBounds = fmt.Errorf("%w: year outside 1900–2100", ErrNotPeriod)
)

// ParsePeriod reads a period from a table heading or cell: calendar years
// ("2022", "CY 2022"), financial years ("2022/23", "2022-23", "FY 2022/23",
// "April 2022 - March 2023", "year ending March 2023"), months ("Jan 2023",
// "2023-01", "01/2023"), ranges ("2022-2024", "01/01/2022 to 30/06/2023")
// and partial years ("2024 (to date)", "2024 YTD", "2024 (to 30/06/2024)",
// "2024 (Jan-Jun)").
func ParsePeriod(s string) (ParsedPeriod, error) {
	if len(s) > maxPeriodText {
		return ParsedPeriod{}, fmt.Errorf("%w: text too long", ErrNotPeriod)
	}
	if !hasTwoDigits(s) {
		// Every period names a year.
		return ParsedPeriod{}, fmt.Errorf("%w: no year in %q", ErrNotPeriod, s)
	}
	if allDigits(s) {
		// A figure or a bare year, the commonest texts by far: what
		// parsePeriodText makes of them, without its expressions.
		if len(s) != 4 {
			return ParsedPeriod{}, fmt.Errorf("%w: %q", ErrNotPeriod, s)
		}
		y, _ := strconv.Atoi(s)
		if y < 1900 || y > 2100 {
			return ParsedPeriod{}, errYearBounds
		}
		return ParsedPeriod{Period: CalendarYear(y), Confidence: 1}, nil
	}
	return parsePeriodText(s)
}

// parsePeriodText is the general reading behind ParsePeriod, for a text
// of at most maxPeriodText bytes with two digits in a row.
func parsePeriodText(s string) (ParsedPeriod, error) {
	t := strings.ToLower(strings.Join(strings.Fields(dashReplacer.Replace(s)), " "))
	conf := 1.0
	var reasons []string
	if loc := reFootnote.FindStringIndex(t); loc != nil && loc[0] > 0 {
		t = strings.TrimSpace(t[:loc[0]])
		conf = min(conf, 0.95)
		reasons = append(reasons, "footnote marker ignored")
	}
	// Bracketed parts: partial markers, sub-spans, notes.
	var parens []string
	for _, m := range reParen.FindAllStringSubmatch(t, 4) {
		parens = append(parens, strings.TrimSpace(m[1]))
	}
	main := strings.TrimSpace(strings.Join(strings.Fields(reParen.ReplaceAllString(t, " ")), " "))
	partial := false
	var partialEnd time.Time
	var partialSpan *Period
	if rePartialWord.MatchString(main) {
		partial = true
		main = strings.TrimSpace(strings.Join(strings.Fields(rePartialWord.ReplaceAllString(main, " ")), " "))
		main = strings.TrimSuffix(strings.TrimSuffix(main, " -"), " to")
	} else if m := reUpToInline.FindStringSubmatch(main); m != nil {
		// "2024 up to 30/06/2024": only a year or financial year so far.
		if b, _, _, err := parseSpan(m[1]); err == nil && (b.Kind == KindCalendarYear || b.Kind == KindFinancialYear) {
			if p, err := parsePoint(m[2], b.End.Year()); err == nil {
				partial, partialEnd, main = true, p.end, m[1]
			}
		}
	}
	base, bconf, breason, err := parseSpan(main)
	if err != nil {
		return ParsedPeriod{}, err
	}
	conf = min(conf, bconf)
	if breason != "" {
		reasons = append(reasons, breason)
	}
	for _, p := range parens {
		switch {
		case p == "":
		case rePartialWord.MatchString(p) && !strings.ContainsAny(p, "0123456789"):
			partial = true
		case reUpTo.MatchString(p):
			m := reUpTo.FindStringSubmatch(p)
			pt, err := parsePoint(m[1], base.End.Year())
			if err != nil {
				return ParsedPeriod{}, fmt.Errorf("%w: cannot read the end date %q", ErrNotPeriod, m[1])
			}
			partial, partialEnd = true, pt.end
		case reNotePrefix.MatchString(p):
			reasons = append(reasons, fmt.Sprintf("note %q ignored", p))
		default:
			sub, subConf, _, err := parseSpanIn(p, base.Start.Year())
			if err != nil {
				conf = min(conf, 0.8)
				reasons = append(reasons, fmt.Sprintf("bracketed %q ignored", p))
				continue
			}
			if sub.Start.Before(base.Start) || sub.End.After(base.End) {
				return ParsedPeriod{}, fmt.Errorf("%w: %q lies outside %s", ErrNotPeriod, p, base.Label)
			}
			conf = min(conf, subConf)
			if !sub.Equal(base) {
				partial, partialSpan = true, &sub
			}
		}
	}
	if partial {
		if base.Kind != KindCalendarYear && base.Kind != KindFinancialYear {
			return ParsedPeriod{}, errOpenEnded
		}
		p := Period{Start: base.Start, End: base.End, Kind: KindPartial}
		switch {
		case partialSpan != nil:
			p.Start, p.End = partialSpan.Start, partialSpan.End
			p.Label = fmt.Sprintf("%s (%s to %s)", base.Label, p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly))
		case !partialEnd.IsZero():
			if partialEnd.Before(base.Start) || partialEnd.After(base.End) {
				return ParsedPeriod{}, fmt.Errorf("%w: end date outside %s", ErrNotPeriod, base.Label)
			}
			if partialEnd.Equal(base.End) {
				return ParsedPeriod{Period: base, Confidence: conf, Reason: strings.Join(append(reasons, "stated end is the end of the period"), "; ")}, nil
			}
			p.End = partialEnd
			p.Label = fmt.Sprintf("%s (to %s)", base.Label, partialEnd.Format(time.DateOnly))
		default:
			p.Label = base.Label + " (partial)"
			reasons = append(reasons, "partial period, end not stated")
		}
		base = p
	}
	return ParsedPeriod{Period: base, Confidence: conf, Reason: strings.Join(reasons, "; ")}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return len(s) > 0
}

func hasTwoDigits(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			if run == 2 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func parseSpan(s string) (Period, float64, string, error) { return parseSpanIn(s, 0) }

// parseSpanIn reads a span; defYear supplies the year of month names that
// lack one ("Jan-Jun" inside "2024 (Jan-Jun)").
func parseSpanIn(s string, defYear int) (Period, float64, string, error) {
	s = strings.TrimSpace(strings.Trim(s, ",:;"))
	if s == "" {
		return Period{}, 0, "", fmt.Errorf("%w: empty", ErrNotPeriod)
	}
	fy, cy := false, false
	if m := rePrefixFY.FindString(s); m != "" {
		fy, s = true, strings.TrimSpace(s[len(m):])
	} else if m := rePrefixCY.FindString(s); m != "" && len(m) < len(s) {
		cy, s = true, strings.TrimSpace(s[len(m):])
	}
	for _, suf := range []string{" fy", " financial year", " fiscal year"} {
		if strings.HasSuffix(s, suf) && len(s) > len(suf) {
			fy, s = true, strings.TrimSuffix(s, suf)
		}
	}
	for _, suf := range []string{" calendar year", " cy"} {
		if strings.HasSuffix(s, suf) && len(s) > len(suf) {
			cy, s = true, strings.TrimSuffix(s, suf)
		}
	}
	if m := reYearEnding.FindStringSubmatch(s); m != nil {
		p, err := parsePoint(m[1], defYear)
		if err != nil || p.prec == 'y' {
			return Period{}, 0, "", fmt.Errorf("%w: cannot read %q", ErrNotPeriod, s)
		}
		end := p.end
		if p.prec == 'd' {
			end = p.start
		}
		start := time.Date(end.Year(), end.Month()+1, 1, 0, 0, 0, 0, time.UTC).AddDate(-1, 0, 0)
		return Span(start, end), 1, "", nil
	}
	if m := reYear.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		if y < 1900 || y > 2100 {
			return Period{}, 0, "", errYearBounds
		}
		if fy {
			return FinancialYear(y), 0.6, "a financial year named by one year, read as the year starting in April " + m[1], nil
		}
		return CalendarYear(y), 1, "", nil
	}
	if m := reYearPair.FindStringSubmatch(s); m != nil {
		return yearPair(m[1], m[2], m[3], fy, cy)
	}
	if m := reShortPair.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[3])
		if b != (a+1)%100 {
			return Period{}, 0, "", fmt.Errorf("%w: %q", ErrNotPeriod, s)
		}
		if fy {
			return FinancialYear(2000 + a), 0.95, "two-digit years", nil
		}
		return FinancialYear(2000 + a), 0.85, "two-digit consecutive years read as a financial year", nil
	}
	if p, err := parsePoint(s, defYear); err == nil {
		switch p.prec {
		case 'y':
			return CalendarYear(p.start.Year()), 1, "", nil
		case 'm':
			c, r := 1.0, ""
			if p.shortYear {
				c, r = 0.9, "two-digit year read as 20xx"
			}
			return MonthPeriod(p.start.Year(), int(p.start.Month())), c, r, nil
		default:
			return Period{}, 0, "", errNotASpan
		}
	}
	// A range: try each separator at each place until both sides read.
	s2 := reLeadWords.ReplaceAllString(s, "")
	for _, sep := range reRangeSep {
		if sep == " and " && !strings.HasPrefix(s, "between") {
			continue
		}
		for i := 0; ; {
			j := strings.Index(s2[i:], sep)
			if j < 0 {
				break
			}
			at := i + j
			left, right := strings.TrimSpace(s2[:at]), strings.TrimSpace(s2[at+len(sep):])
			i = at + len(sep)
			if left == "" || right == "" {
				continue
			}
			p, c, r, err := rangeOf(left, right, defYear)
			if err == nil {
				return p, c, r, nil
			}
			if errors.Is(err, errBackwards) || errors.Is(err, errYearBounds) {
				return Period{}, 0, "", err
			}
		}
	}
	return Period{}, 0, "", fmt.Errorf("%w: %q", ErrNotPeriod, s)
}

func yearPair(as, sep, bs string, fy, cy bool) (Period, float64, string, error) {
	a, _ := strconv.Atoi(as)
	b, _ := strconv.Atoi(bs)
	if a < 1900 || a > 2100 {
		return Period{}, 0, "", errYearBounds
	}
	if len(bs) == 2 {
		next := (a + 1) % 100
		month := sep == "-" && b >= 1 && b <= 12 && !fy
		switch {
		case b == next && month:
			return FinancialYear(a), 0.6, fmt.Sprintf("%s%s%s could be a financial year or a month; read as a financial year", as, sep, bs), nil
		case b == next:
			return FinancialYear(a), 1, "", nil
		case month:
			return MonthPeriod(a, b), 1, "", nil
		case sep == "/" && b >= 1 && b <= 12 && !fy:
			return MonthPeriod(a, b), 0.9, "read as year/month", nil
		case b > a%100:
			return Span(date(a, 1, 1), date(a-a%100+b, 12, 31)), 0.9, "two-digit end year", nil
		}
		return Period{}, 0, "", errBackwards
	}
	if b < 1900 || b > 2100 {
		return Period{}, 0, "", errYearBounds
	}
	switch {
	case b < a:
		return Period{}, 0, "", errBackwards
	case b == a:
		return CalendarYear(a), 0.95, "same year twice", nil
	case b == a+1 && (sep == "/" || fy):
		return FinancialYear(a), 1, "", nil
	case b == a+1 && !cy:
		return FinancialYear(a), 0.9, "two consecutive years joined by a dash read as a financial year", nil
	}
	return Span(date(a, 1, 1), date(b, 12, 31)), 1, "", nil
}

// rangeOf reads "left sep right" as a span from the start of left to the
// end of right. A side without a year takes the other side's.
func rangeOf(left, right string, defYear int) (Period, float64, string, error) {
	r, err := parsePoint(right, defYear)
	if err != nil {
		return Period{}, 0, "", err
	}
	l, err := parsePoint(left, r.start.Year())
	if err != nil {
		return Period{}, 0, "", err
	}
	start, end := l.start, r.end
	if !l.yearKnown && start.After(end) {
		// "Apr - Mar 2023": the left month is in the year before.
		start = start.AddDate(-1, 0, 0)
	}
	if end.Before(start) {
		return Period{}, 0, "", errBackwards
	}
	c, reason := 1.0, ""
	if l.shortYear || r.shortYear {
		c, reason = 0.9, "two-digit year read as 20xx"
	}
	return Span(start, end), c, reason, nil
}

// point is one end of a range: a year, a month or a day.
type point struct {
	start, end time.Time
	prec       byte // 'y', 'm', 'd'
	yearKnown  bool
	shortYear  bool
}

func fullYear(s string) (int, bool, error) {
	y, err := strconv.Atoi(s)
	if err != nil {
		return 0, false, fmt.Errorf("%w: %q", ErrNotPeriod, s)
	}
	if len(s) == 2 {
		if y < 70 {
			return 2000 + y, true, nil
		}
		return 1900 + y, true, nil
	}
	if y < 1900 || y > 2100 {
		return 0, false, errYearBounds
	}
	return y, false, nil
}

func dayPoint(y, m, d int, yk, short bool) (point, error) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return point{}, fmt.Errorf("%w: no such date", ErrNotPeriod)
	}
	t := date(y, m, d)
	if t.Day() != d {
		return point{}, fmt.Errorf("%w: no such date", ErrNotPeriod)
	}
	return point{start: t, end: t, prec: 'd', yearKnown: yk, shortYear: short}, nil
}

func monthPoint(y, m int, yk, short bool) (point, error) {
	if m < 1 || m > 12 {
		return point{}, fmt.Errorf("%w: no such month", ErrNotPeriod)
	}
	s := date(y, m, 1)
	return point{start: s, end: s.AddDate(0, 1, -1), prec: 'm', yearKnown: yk, shortYear: short}, nil
}

func monthNum(s string) int { return months[strings.TrimSuffix(s, ".")] }

// parsePoint reads a year, a month or a day. defYear (0 for none) fills
// in a missing year.
func parsePoint(s string, defYear int) (point, error) {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), ",."))
	s = reLeadWords.ReplaceAllString(s, "")
	yearOr := func(ys string) (int, bool, bool, error) {
		if ys == "" {
			if defYear == 0 {
				return 0, false, false, nil
			}
			return defYear, false, false, nil
		}
		y, short, err := fullYear(ys)
		return y, true, short, err
	}
	if m := reYear.FindStringSubmatch(s); m != nil {
		y, _, err := fullYear(m[1])
		if err != nil {
			return point{}, err
		}
		return point{start: date(y, 1, 1), end: date(y, 12, 31), prec: 'y', yearKnown: true}, nil
	}
	if m := reISODay.FindStringSubmatch(s); m != nil {
		y, _, err := fullYear(m[1])
		if err != nil {
			return point{}, err
		}
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		return dayPoint(y, mo, d, true, false)
	}
	if m := reUKDay.FindStringSubmatch(s); m != nil {
		y, short, err := fullYear(m[3])
		if err != nil {
			return point{}, err
		}
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		return dayPoint(y, mo, d, true, short)
	}
	if m := reDayMonth.FindStringSubmatch(s); m != nil {
		y, yk, short, err := yearOr(m[3])
		if err != nil {
			return point{}, err
		}
		if y == 0 {
			return point{}, fmt.Errorf("%w: no year", ErrNotPeriod)
		}
		d, _ := strconv.Atoi(m[1])
		return dayPoint(y, monthNum(m[2]), d, yk, short)
	}
	if m := reMonthDay.FindStringSubmatch(s); m != nil {
		y, _, err := fullYear(m[3])
		if err != nil {
			return point{}, err
		}
		d, _ := strconv.Atoi(m[2])
		return dayPoint(y, monthNum(m[1]), d, true, false)
	}
	if m := reMonthYear.FindStringSubmatch(s); m != nil {
		y, yk, short, err := yearOr(m[2])
		if err != nil {
			return point{}, err
		}
		if y == 0 {
			return point{}, fmt.Errorf("%w: no year", ErrNotPeriod)
		}
		return monthPoint(y, monthNum(m[1]), yk, short)
	}
	if m := reNumMonth.FindStringSubmatch(s); m != nil {
		y, _, err := fullYear(m[2])
		if err != nil {
			return point{}, err
		}
		mo, _ := strconv.Atoi(m[1])
		return monthPoint(y, mo, true, false)
	}
	if m := reYearMonth.FindStringSubmatch(s); m != nil {
		y, _, err := fullYear(m[1])
		if err != nil {
			return point{}, err
		}
		return monthPoint(y, monthNum(m[2]), true, false)
	}
	if m := reYearNumMon.FindStringSubmatch(s); m != nil {
		y, _, err := fullYear(m[1])
		if err != nil {
			return point{}, err
		}
		mo, _ := strconv.Atoi(m[2])
		return monthPoint(y, mo, true, false)
	}
	return point{}, fmt.Errorf("%w: %q", ErrNotPeriod, s)
}
