package extract

// Format-agnostic checks run on every table after its extractor, whatever the
// format (File calls finishTables, which calls them):
//
//	detectHeaderRows(t *Table) int   how many top rows are headers
//	checkTotals(t *Table)            Total rows/columns against their parts;
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
	"fmt"
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
		if t == nil || len(t.Rows) == 0 {
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
	var b strings.Builder
	digits, dot := 0, -1
	groupOK := true
	lastSep := -1 // position in b of digits since the last group separator
	sinceSep := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			digits++
			sinceSep++
		case r == '.':
			if dot >= 0 {
				return numVal{}, false
			}
			if lastSep >= 0 && sinceSep != 3 {
				groupOK = false
			}
			dot = b.Len()
			b.WriteByte('.')
			sinceSep = 0
			lastSep = -1
		case r == ',' || r == ' ' || r == '\u202f' || r == '\u00a0' || r == '\'':
			if dot >= 0 || digits == 0 || i == len(s)-1 {
				return numVal{}, false
			}
			if lastSep >= 0 && sinceSep != 3 || lastSep < 0 && sinceSep > 3 {
				groupOK = false
			}
			lastSep = b.Len()
			sinceSep = 0
		default:
			return numVal{}, false
		}
	}
	if digits == 0 || !groupOK || (lastSep >= 0 && dot < 0 && sinceSep != 3) {
		return numVal{}, false
	}
	v, err := strconv.ParseFloat(b.String(), 64)
	if err != nil {
		return numVal{}, false
	}
	if dot >= 0 {
		n.Decimals = b.Len() - dot - 1
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
	totalRE      = regexp.MustCompile(`^(?:grand\s+total|sub[\s-]?total|totals?|all|overall(?:\s+total)?|sum)\b`)
	notTotalRE   = regexp.MustCompile(`^all\s+(?:other|others|else)\b`)
	noteRE       = regexp.MustCompile(`^(?:notes?\b|source\b|sources\b|please\b|figures\b|data\b|the\s+(?:data|figures|information)\b|these\s+figures\b|this\s+(?:data|information|table)\b|\*|†|‡|\(\d+\)|\[\d+\]|\d+\s*[.)]\s+\S|nb\b|n\.b\.|key\b|caveat|disclaimer|information\s+(?:is|was)\b|where\s+|counts?\s+of\s+|numbers?\s+(?:below|under|less)\b|<\s*\d+\s*(?:=|means|indicates|denotes)|[-–]\s*(?:=|means|indicates|denotes)|\.\.\s*(?:=|means|denotes))`)
)

// isSuppressed reports whether a cell holds a suppression or nil marker
// rather than a value: "<5", "*", "-", "..", "[x]", "n/a", "redacted".
func isSuppressed(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return s != "" && len(s) <= 12 && suppressedRE.MatchString(s)
}

// isPeriodLabel reports whether s names a year or period rather than a
// count: "2019", "2019/20", "FY 2020-21", "Q1 2020", "Apr-21", "2021-03".
func isPeriodLabel(s string) bool {
	s = strings.ToLower(NormaliseSpace(s))
	return s != "" && len(s) <= 30 && periodRE.MatchString(s)
}

// isTotalLabel reports whether a row or column label names a total:
// "Total", "Grand total", "Totals", "All", "All offences", "Overall".
func isTotalLabel(s string) bool {
	s = strings.ToLower(NormaliseSpace(s))
	return s != "" && len(s) <= 80 && totalRE.MatchString(s) && !notTotalRE.MatchString(s)
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
	n := len(t.Rows)
	if n < 2 {
		return 0
	}
	limit := min(n-1, 6)
	h := 0
	for i := 0; i < limit; i++ {
		row := t.Rows[i]
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
		for _, c := range t.Rows[n-1] {
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
	body := t.Rows[min(t.HeaderRows, len(t.Rows)):]
	s := 0
	for j := 0; j < w-1; j++ {
		vals, labels := 0, 0
		for _, r := range body {
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

// rowLabel returns the text of the row's stub cells joined.
func rowLabel(row []Cell, stub int) string {
	var parts []string
	for j := 0; j < stub && j < len(row); j++ {
		if s := strings.TrimSpace(row[j].Text); s != "" && (j == 0 || row[j].Text != row[j-1].Text) {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// isTotalRow reports whether the row's label names a total.
func isTotalRow(row []Cell, stub int) bool {
	for j := 0; j < stub && j < len(row); j++ {
		if s := strings.TrimSpace(row[j].Text); s != "" {
			return isTotalLabel(s)
		}
	}
	return false
}

// part sums the parts of a total.
type partSum struct {
	sum        float64
	n          int     // numeric parts
	suppressed int     // parts hidden by a marker
	maxHidden  float64 // upper bound of the hidden parts, +Inf when unknown
	decimals   int
}

func (p *partSum) add(c *Cell) {
	t := strings.TrimSpace(c.Text)
	if t == "" || c.Covered {
		return
	}
	if v, ok := cellNumber(c); ok && !v.Percent {
		p.sum += v.V
		p.n++
		p.decimals = max(p.decimals, v.Decimals)
		return
	}
	if isSuppressed(t) {
		switch {
		case t == "-" || t == "–" || t == "—":
			// nil
		case strings.HasPrefix(t, "<") || strings.HasPrefix(t, "≤"):
			k, _ := strconv.Atoi(strings.TrimSpace(strings.TrimLeft(t, "<≤")))
			p.suppressed++
			if strings.HasPrefix(t, "<") {
				k--
			}
			p.maxHidden += float64(max(k, 0))
		default:
			p.suppressed++
			p.maxHidden = math.Inf(1)
		}
	}
}

// verdict compares a total with its parts: 1 equal, 0 consistent with
// suppressed parts (or not checkable), -1 different.
func (p *partSum) verdict(total numVal) int {
	if p.n == 0 {
		return 0
	}
	d := max(p.decimals, total.Decimals)
	tol := 1e-9
	if d > 0 {
		tol = 0.5 * math.Pow(10, -float64(d)) * float64(p.n+1)
	}
	if p.suppressed == 0 {
		if math.Abs(total.V-p.sum) <= tol {
			return 1
		}
		return -1
	}
	if total.V+tol >= p.sum && total.V-tol <= p.sum+p.maxHidden {
		return 0
	}
	return -1
}

func cellRef(t *Table, i, j int) string {
	if i < len(t.Rows) && j < len(t.Rows[i]) && t.Rows[i][j].Ref != "" {
		return t.Rows[i][j].Ref
	}
	return fmt.Sprintf("r%dc%d", i+1, j+1)
}

// checkTotals compares every Total row and Total column of t with the sum of
// its parts. Totals that match raise t.Confidence; one that does not lowers
// it, with a reason naming the cell. Parts hidden by suppression markers
// ("<5", "*") make a total only checkable as a bound.
func checkTotals(t *Table) {
	if len(t.Rows) < t.HeaderRows+2 || t.NumCols() < 2 {
		return
	}
	stub := stubCols(t)
	w := t.NumCols()
	match, mismatch, bound := 0, 0, 0
	var bad []string
	var good []string

	// Total rows.
	body := t.HeaderRows
	isTotal := make([]bool, len(t.Rows))
	for i := body; i < len(t.Rows); i++ {
		isTotal[i] = isTotalRow(t.Rows[i], stub)
	}
	for i := body; i < len(t.Rows); i++ {
		if !isTotal[i] {
			continue
		}
		ok, bd, checked := 0, 0, 0
		for j := stub; j < w; j++ {
			if j >= len(t.Rows[i]) || t.Rows[i][j].Covered {
				continue
			}
			tv, isNum := cellNumber(&t.Rows[i][j])
			if !isNum || tv.Percent {
				continue
			}
			// Candidate part sets: this section, all leaves above, the
			// subtotals above, and the section below (a leading subtotal).
			var section, leaves, subtotals, below partSum
			sectionStart := body
			for k := i - 1; k >= body; k-- {
				if isTotal[k] {
					sectionStart = k + 1
					break
				}
			}
			for k := body; k < i; k++ {
				if j >= len(t.Rows[k]) {
					continue
				}
				c := &t.Rows[k][j]
				if isTotal[k] {
					subtotals.add(c)
					continue
				}
				leaves.add(c)
				if k >= sectionStart {
					section.add(c)
				}
			}
			for k := i + 1; k < len(t.Rows) && !isTotal[k]; k++ {
				if j < len(t.Rows[k]) {
					below.add(&t.Rows[k][j])
				}
			}
			best := -2
			for _, p := range []*partSum{&section, &leaves, &subtotals, &below} {
				if p.n == 0 {
					continue
				}
				best = max(best, p.verdict(tv))
			}
			switch best {
			case 1:
				ok++
				checked++
			case 0:
				bd++
				checked++
			case -1:
				checked++
				mismatch++
				bad = append(bad, fmt.Sprintf("total %s is %s but the rows above sum to %s", cellRef(t, i, j),
					t.Rows[i][j].Text, fmtNum(section.sum, section.decimals)))
			}
		}
		if ok > 0 {
			match += ok
			good = append(good, fmt.Sprintf("total row %s (%q) equals the sum of its parts in %d of %d columns",
				cellRef(t, i, 0), rowLabel(t.Rows[i], stub), ok, checked))
		}
		bound += bd
	}

	// Total columns: a header cell naming a total.
	hdr := max(t.HeaderRows, 1)
	var totalCols []int
	for j := stub; j < w; j++ {
		for i := 0; i < hdr && i < len(t.Rows); i++ {
			if j < len(t.Rows[i]) && !t.Rows[i][j].Covered && isTotalLabel(t.Rows[i][j].Text) {
				totalCols = append(totalCols, j)
				break
			}
		}
	}
	skipCol := make([]bool, w)
	for j := 0; j < w; j++ {
		for i := 0; i < hdr && i < len(t.Rows); i++ {
			if j < len(t.Rows[i]) {
				h := strings.ToLower(t.Rows[i][j].Text)
				if strings.Contains(h, "%") || strings.Contains(h, "percent") || strings.Contains(h, "rate") ||
					strings.Contains(h, "per ") || strings.Contains(h, "change") || strings.Contains(h, "average") ||
					strings.Contains(h, "mean") || strings.Contains(h, "median") || strings.Contains(h, "proportion") {
					skipCol[j] = true
				}
			}
		}
	}
	prev := stub - 1
	for _, tc := range totalCols {
		ok, checked := 0, 0
		for i := max(t.HeaderRows, 1); i < len(t.Rows); i++ {
			if tc >= len(t.Rows[i]) {
				continue
			}
			tv, isNum := cellNumber(&t.Rows[i][tc])
			if !isNum || tv.Percent {
				continue
			}
			var section, all partSum
			for j := stub; j < tc && j < len(t.Rows[i]); j++ {
				if skipCol[j] || slicesContains(totalCols, j) {
					continue
				}
				all.add(&t.Rows[i][j])
				if j > prev {
					section.add(&t.Rows[i][j])
				}
			}
			best := -2
			for _, p := range []*partSum{&section, &all} {
				if p.n > 0 {
					best = max(best, p.verdict(tv))
				}
			}
			switch best {
			case 1:
				ok++
				checked++
			case 0:
				bound++
				checked++
			case -1:
				checked++
				mismatch++
				bad = append(bad, fmt.Sprintf("total %s is %s but the columns to its left sum to %s", cellRef(t, i, tc),
					t.Rows[i][tc].Text, fmtNum(section.sum, section.decimals)))
			}
		}
		prev = tc
		if ok > 0 {
			match += ok
			good = append(good, fmt.Sprintf("total column %s (%q) equals the sum of its parts in %d of %d rows",
				cellRef(t, 0, tc), NormaliseSpace(t.Text(max(t.HeaderRows, 1)-1, tc)), ok, checked))
		}
	}

	switch {
	case mismatch > 0:
		t.Confidence -= math.Min(0.45, 0.15+0.05*float64(mismatch-1))
		if len(bad) > 5 {
			bad = append(bad[:5], fmt.Sprintf("and %d more totals that differ from their parts", len(bad)-5))
		}
		t.Reasons = append(t.Reasons, bad...)
		if match > 0 {
			t.Reasons = append(t.Reasons, fmt.Sprintf("%d other totals equal the sum of their parts", match))
		}
	case match > 0:
		t.Confidence += (1 - t.Confidence) * 0.6
		t.Reasons = append(t.Reasons, good...)
		if bound > 0 {
			t.Reasons = append(t.Reasons, fmt.Sprintf("%d totals are consistent with their suppressed parts", bound))
		}
	case bound > 0:
		t.Confidence += (1 - t.Confidence) * 0.2
		t.Reasons = append(t.Reasons, fmt.Sprintf("%d totals are consistent with their suppressed parts", bound))
	}
}

func slicesContains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
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
