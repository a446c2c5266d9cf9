package extract

// Format-agnostic checks run on every table after its extractor, whatever the
// format (File calls finishTables, which calls them):
//
//	detectHeaderRows(t *Table) int   how many top rows are headers
//	checkTotals(t *Table)            Total rows/columns against their parts (totals.go);
//	                                 adjusts t.Confidence and t.Reasons
//	parseNumber(s string) (numVal, bool)   "1,234", "(5)", "12.5%", "£3"
//	isSuppressed(s string) bool      "<5", "*", "-", "..", "[x]"
//	isPeriodLabel(s string) bool     "2019", "2019/20", "Q1 2020", "Apr-21"
//	isTotalLabel(s string) bool      "Total", "Grand total", "All", ...
//	isNoteText(s string) bool        "Note: ...", "Source: ...", "* ..."
//	baseConfidence(m Method) float64 starting confidence of a method
//
// An extractor that knows its header rows (HTML thead, DOCX tblHeader) sets
// Table.HeaderRows itself; finishTables only detects them when it is 0.

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// baseConfidence is the confidence of a table before any self-check: how far
// the method itself can be trusted to have found the true grid.
func baseConfidence(m Method) float64 {
	switch m {
	case MethodXLSX, MethodCSV:
		return 0.9
	case MethodDOCX, MethodHTML:
		return 0.85
	case MethodPDFRuled:
		return 0.75
	case MethodPDFAligned:
		return 0.6
	case MethodText:
		return 0.55
	case MethodOCR:
		return 0.5
	}
	return 0.5
}

// finishTables numbers the tables, fills their Source, detects header rows
// where the extractor did not, and runs the totals self-check.
func finishTables(ts []*Table, o *Options, format string) []*Table {
	var out []*Table
	for _, t := range ts {
		if t == nil || t.NumRows() == 0 {
			continue
		}
		if t.HeaderRows == 0 {
			t.HeaderRows = detectHeaderRows(t)
		}
		for _, p := range splitRepeatedHeaders(t) {
			joinWrappedHeader(p)
			out = append(out, p)
		}
	}
	for i, t := range out {
		t.Index = i + 1
		if t.Source.Document == "" {
			t.Source.Document = o.Document
		}
		if t.Source.Format == "" {
			t.Source.Format = format
		}
		if t.Confidence == 0 {
			t.Confidence = baseConfidence(t.Method)
		}
		if t.HeaderRows == 0 {
			t.HeaderRows = detectHeaderRows(t)
		}
		checkTotals(t)
		t.Confidence = math.Round(clamp01(t.Confidence)*1000) / 1000
	}
	return out
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// numVal is a number read from a cell's text.
type numVal struct {
	V        float64
	Decimals int  // digits after the decimal point as written
	Percent  bool // written with a % sign
}

// parseNumber reads a cell's text as a number. It accepts thousands
// separators (comma, space, thin space, apostrophe), a leading sign or
// accounting parentheses, currency signs and a trailing percent sign. It
// refuses period labels only when asked by the caller (isPeriodLabel).
func parseNumber(s string) (numVal, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return numVal{}, false
	}
	var n numVal
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	if r := []rune(s); len(r) > 0 && (r[0] == '-' || r[0] == '\u2212' || r[0] == '\u2013') && len(r) > 1 {
		neg, s = !neg, strings.TrimSpace(string(r[1:]))
	} else if strings.HasPrefix(s, "+") {
		s = strings.TrimSpace(s[1:])
	}
	for _, c := range []string{"£", "$", "€"} {
		s = strings.TrimPrefix(s, c)
	}
	if strings.HasSuffix(s, "%") {
		n.Percent, s = true, strings.TrimSpace(strings.TrimSuffix(s, "%"))
	}
	if s == "" {
		return numVal{}, false
	}
	var buf [48]byte // s is at most 40 bytes
	b := buf[:0]
	digits, dot := 0, -1
	groupOK := true
	lastSep := -1 // position in b of digits since the last group separator
	sinceSep := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b = append(b, byte(r))
			digits++
			sinceSep++
		case r == '.':
			if dot >= 0 {
				return numVal{}, false
			}
			if lastSep >= 0 && sinceSep != 3 {
				groupOK = false
			}
			dot = len(b)
			b = append(b, '.')
			sinceSep = 0
			lastSep = -1
		case r == ',' || r == ' ' || r == '\u202f' || r == '\u00a0' || r == '\'':
			if dot >= 0 || digits == 0 || i == len(s)-1 {
				return numVal{}, false
			}
			if lastSep >= 0 && sinceSep != 3 || lastSep < 0 && sinceSep > 3 {
				groupOK = false
			}
			lastSep = len(b)
			sinceSep = 0
		default:
			return numVal{}, false
		}
	}
	if digits == 0 || !groupOK || (lastSep >= 0 && dot < 0 && sinceSep != 3) {
		return numVal{}, false
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return numVal{}, false
	}
	if dot >= 0 {
		n.Decimals = len(b) - dot - 1
	}
	if neg {
		v = -v
	}
	n.V = v
	return n, true
}

// cellNumber returns the cell's number: its typed value when the source had
// one, else its text read by parseNumber.
func cellNumber(c *Cell) (numVal, bool) {
	n, ok := parseNumber(c.Text)
	if c.Number != nil {
		if !ok {
			// Typed, but displayed as something else (a date, a label):
			// only a plain display counts as a number.
			return numVal{}, false
		}
		n.V = *c.Number
		if n.Percent {
			n.V *= 100
		}
	}
	return n, ok
}

var (
	suppressedRE = regexp.MustCompile(`^(?:<\s*\d+|≤\s*\d+|\*{1,3}|[-–—]|\.{2,3}|\[[a-z]\]|[xc~]|n/?a|redacted|suppressed|withheld)$`)
	periodRE     = regexp.MustCompile(`^(?:(?:fy|financial year|year)\s*)?(?:19|20)\d\d(?:\s*[/\-–]\s*(?:19|20)?\d\d)?(?:\s*(?:q[1-4]|h[12]))?$|^(?:q[1-4]|h[12])\s*(?:19|20)\d\d(?:\s*[/\-–]\s*\d\d)?$|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*[\s\-']*(?:19|20)?\d\d$|^(?:19|20)\d\d[\-/](?:0[1-9]|1[0-2])$`)
	noteRE       = regexp.MustCompile(`^(?:notes?\b|source\b|sources\b|please\b|figures\b|data\b|the\s+(?:data|figures|information)\b|these\s+figures\b|this\s+(?:data|information|table)\b|\*|†|‡|\(\d+\)|\[\d+\]|\d+\s*[.)]\s+\S|nb\b|n\.b\.|key\b|caveat|disclaimer|information\s+(?:is|was)\b|where\s+|counts?\s+of\s+|numbers?\s+(?:below|under|less)\b|<\s*\d+\s*(?:=|means|indicates|denotes)|[-–]\s*(?:=|means|indicates|denotes)|\.\.\s*(?:=|means|denotes))`)
)

// isSuppressed reports whether a cell holds a suppression or nil marker
// rather than a value: "<5", "*", "-", "..", "[x]", "n/a", "redacted".
func isSuppressed(s string) bool {
	s = strings.TrimSpace(s)
	// Every marker starts with one of these (or with a multi-byte ≤ – —):
	// most cells are told apart at once.
	if s == "" || s[0] < 0x80 && !strings.ContainsRune("<*-.[~xcnrswXCNRSW", rune(s[0])) {
		return false
	}
	if ascii, lower := asciiCase(s); ascii && (len(s) > 12 || lower) {
		// Lowering keeps an ASCII text's length.
		return len(s) <= 12 && suppressedRE.MatchString(s)
	}
	s = strings.ToLower(s)
	return s != "" && len(s) <= 12 && suppressedRE.MatchString(s)
}

// asciiCase reports whether s is ASCII, and if so whether it has no
// upper-case letters.
func asciiCase(s string) (ascii, lower bool) {
	lower = true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80:
			return false, false
		case 'A' <= c && c <= 'Z':
			lower = false
		}
	}
	return true, lower
}

// isPeriodLabel reports whether s names a year or period rather than a
// count: "2019", "2019/20", "FY 2020-21", "Q1 2020", "Apr-21", "2021-03".
func isPeriodLabel(s string) bool {
	s = strings.ToLower(NormaliseSpace(s))
	return s != "" && len(s) <= 30 && periodRE.MatchString(s)
}

// isNoteText reports whether a line of text reads as a note or source line
// under a table rather than a row of it.
func isNoteText(s string) bool {
	s = strings.ToLower(NormaliseSpace(s))
	return s != "" && noteRE.MatchString(s)
}

// isDataValue reports whether a body cell holds a value (a number that is not
// a period label, or a suppression marker) rather than a label.
func isDataValue(c *Cell) bool {
	t := strings.TrimSpace(c.Text)
	if t == "" {
		return false
	}
	if isSuppressed(t) {
		return true
	}
	if _, ok := cellNumber(c); ok {
		return !isPeriodLabel(t)
	}
	return false
}

// detectHeaderRows returns how many of t's top rows are column headers: the
// leading rows that hold labels (text, period labels such as years, merged
// group headings) but no data values outside the first column. A table of
// text only has one header row; a table of one row has none.
func detectHeaderRows(t *Table) int {
	n := t.NumRows()
	if n < 2 {
		return 0
	}
	limit := min(n-1, 6)
	h := 0
	var buf []Cell
	for i := 0; i < limit; i++ {
		row := t.rowAt(i, buf)
		buf = row
		nonEmpty, data, beyondFirst, spans := 0, 0, 0, 0
		for j := range row {
			c := &row[j]
			if strings.TrimSpace(c.Text) == "" {
				continue
			}
			if c.ColSpan > 1 {
				spans++
			}
			if c.Covered {
				if j > 0 {
					beyondFirst++
				}
				continue
			}
			nonEmpty++
			if j > 0 {
				beyondFirst++
				if isDataValue(c) {
					data++
				}
			}
		}
		if nonEmpty == 0 && spans == 0 {
			break
		}
		if data > 0 {
			break
		}
		if i > 0 && beyondFirst == 0 {
			// A lone label under the header is a section heading of the body.
			break
		}
		h = i + 1
	}
	if h == limit && limit == n-1 {
		// Text only: no row ever turned into data.
		allText := true
		for _, c := range t.rowAt(n-1, buf) {
			if isDataValue(&c) {
				allText = false
			}
		}
		if allText {
			return 1
		}
	}
	return h
}

// stubCols returns how many leading columns of t's body are labels (the
// stub): columns whose body cells are mostly not data values.
func stubCols(t *Table) int {
	w := t.NumCols()
	s := 0
	var buf []Cell
	for j := 0; j < w-1; j++ {
		vals, labels := 0, 0
		for i := min(t.HeaderRows, t.NumRows()); i < t.NumRows(); i++ {
			r := t.rowAt(i, buf)
			buf = r
			if j >= len(r) || strings.TrimSpace(r[j].Text) == "" {
				continue
			}
			if isDataValue(&r[j]) {
				vals++
			} else {
				labels++
			}
		}
		if labels == 0 || vals > labels {
			break
		}
		s = j + 1
	}
	return max(s, 1)
}

// fmtNum formats a sum with thousands separators and d decimals.
func fmtNum(v float64, d int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', d, 64)
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String() + frac
}
