package normalise

// The readers the mapper used before its hot path was made cheap, kept
// verbatim but renamed (ref…), so that the tests can hold today's readers
// to them on randomised inputs.

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/foidesk/foidesk/internal/extract"
	"golang.org/x/text/unicode/norm"
)

func refParseValue(s string) (Value, error) {
	raw := s
	if len(s) > maxValueText {
		return Value{}, fmt.Errorf("%w: text too long", ErrNotValue)
	}
	t := strings.ToLower(extract.NormaliseSpace(s))
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

func refParseCell(c extract.Cell) (Value, error) {
	v, err := refParseValue(c.Text)
	if c.Number == nil || math.IsNaN(*c.Number) || math.IsInf(*c.Number, 0) {
		return v, err
	}
	n := *c.Number
	switch {
	case err != nil:
		// Text is a formatting we do not read ("1.2E+03"); the typed number stands.
		return Value{Number: &n, Raw: c.Text, Confidence: 0.95, Reason: "typed spreadsheet number; text not understood"}, nil
	case v.Flag == FlagBlank:
		return Value{Number: &n, Raw: c.Text, Confidence: 1, Reason: "typed spreadsheet number"}, nil
	case v.Flag != "":
		return v, nil
	case math.Abs(*v.Number-n) > 1e-9*math.Max(1, math.Abs(n)):
		// Displayed rounding (e.g. 12.4 shown as 12): keep the stored number.
		v.Number = &n
		v.Confidence = min(v.Confidence, 0.95)
		v.Reason = strings.TrimPrefix(v.Reason+"; shown text differs from the stored number", "; ")
	}
	return v, nil
}

func refFold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading spaces
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if f, ok := foldLetters[r]; ok {
			b.WriteString(f)
			space = false
			continue
		}
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`' || r == '.' || r == 'ʼ':
			continue
		case r == '&':
			if !space {
				b.WriteByte(' ')
			}
			b.WriteString("and ")
			space = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimRight(b.String(), " ")
}

func refKey(s string) string {
	return strings.Join(tokens(refFold(s)), " ")
}

func refTokenSetKey(k string) string {
	if k == "" {
		return ""
	}
	ts := strings.Split(k, " ")
	out := ts[:0:0]
	for _, t := range ts {
		if !stopWords[t] {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	return strings.Join(out, " ")
}

func refWithoutNoise(k string, noise map[string]bool) string {
	if len(noise) == 0 || k == "" {
		return k
	}
	ts := strings.Split(k, " ")
	out := ts[:0:0]
	for _, t := range ts {
		if !noise[t] {
			out = append(out, t)
		}
	}
	return strings.Join(out, " ")
}

func refEditDistance(a, b []rune, max int) int {
	la, lb := len(a), len(b)
	if d := la - lb; d > max || -d > max {
		return max + 1
	}
	// Three rolling rows are enough for transpositions.
	prev2 := make([]int, lb+1)
	prev := make([]int, lb+1)
	cur := make([]int, lb+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[lb] > max {
		return max + 1
	}
	return prev[lb]
}

func refMeasureHeader(text string, m Measure) bool {
	k := refKey(text)
	if k == "" {
		return false
	}
	if genericMeasureKeys[k] {
		return true
	}
	for _, h := range m.Headers {
		if k == refKey(h) {
			return true
		}
	}
	name := refKey(strings.ReplaceAll(m.Name, "_", " "))
	if k == name || strings.Contains(k, name) {
		return true
	}
	// "No. of CRs", "Community resolution outcomes": every content word of
	// the measure name, or its initials, appear.
	initials := ""
	for _, w := range strings.Fields(name) {
		initials += w[:1]
	}
	for _, t := range strings.Fields(k) {
		if t == initials || t == initials+"o" {
			return true
		}
	}
	ws := strings.Fields(name)
	n := 0
	for _, w := range ws {
		if strings.Contains(" "+k+" ", " "+w+" ") {
			n++
		}
	}
	return len(ws) > 1 && n == len(ws)
}

// The total vocabulary as it stood in this package before package totals
// held it: refTotalOf checks totalOf against it.
var (
	refTotalWords = map[string]bool{"total": true, "totals": true, "subtotal": true, "sum": false, "grand": true, "overall": true, "sub": true}
	refAllTotals  = func() map[string]bool {
		m := map[string]bool{}
		for _, s := range []string{
			"all", "overall", "all nationalities", "all nationality", "all offences", "all offence groups", "all crimes",
			"all crime types", "all years", "all countries", "all groups", "all categories", "all periods",
			"all foreign nationals", "all foreign nationalities", "all outcomes", "all community resolutions",
			"all offence types", "all types", "total all", "sum", "combined", "all non uk nationals",
		} {
			m[key(s)] = true
		}
		return m
	}()
	refTotalStrip = regexp.MustCompile(`\b(?:grand|sub|overall|total|totals|subtotal|for|of|all)\b`)
)

func refTotalOf(text string) (bool, string) {
	k := refKey(text)
	if k == "" {
		return false, ""
	}
	if refAllTotals[k] {
		return true, ""
	}
	hasTotal := false
	for _, t := range strings.Fields(k) {
		if refTotalWords[t] && t != "grand" && t != "overall" && t != "sub" {
			hasTotal = true
		}
	}
	if !hasTotal {
		return false, ""
	}
	rest := strings.Join(strings.Fields(refTotalStrip.ReplaceAllString(strings.ToLower(refFold(text)), " ")), " ")
	return true, rest
}

func refHeaderNames(d Dimension) map[string]headName {
	out := map[string]headName{}
	add := func(s string, c float64, why string) {
		k := refKey(s)
		if k == "" {
			return
		}
		if old, ok := out[k]; !ok || c > old.conf {
			out[k] = headName{conf: c, reason: why}
		}
	}
	for s, c := range builtinHeaders[d.Kind] {
		add(s, c, headerReasons[c])
	}
	add(strings.ReplaceAll(d.Name, "_", " "), 1, "")
	for _, h := range d.Headers {
		add(h, 1, "campaign heading")
	}
	return out
}

func (d *dimMatcher) refCompute(raw string) Match {
	if code, ok := d.over[refKey(raw)]; ok {
		return Match{Code: code, Confidence: 1, Reason: "operator override"}
	}
	var m Match
	if d.syn != nil {
		m = d.syn.refMatch(raw, false)
	}
	if !m.OK() && !m.Ambiguous() && d.base != nil {
		m = d.base.refMatch(raw, false)
	}
	if !m.OK() && !m.Ambiguous() {
		var hits []Match
		for _, v := range []*Vocabulary{d.syn, d.base} {
			if v == nil {
				continue
			}
			if x := v.refMatch(raw, true); x.OK() || x.Ambiguous() {
				hits = append(hits, x)
			}
		}
		switch {
		case len(hits) == 1:
			m = hits[0]
		case len(hits) == 2 && hits[0].Code == hits[1].Code && hits[0].OK():
			m = hits[0]
		case len(hits) == 2:
			m = Match{Reason: fmt.Sprintf("ambiguous: %s; %s", hits[0].Reason, hits[1].Reason)}
			for _, h := range hits {
				if h.OK() {
					m.Candidates = addUnique(m.Candidates, h.Code)
				}
				for _, c := range h.Candidates {
					m.Candidates = addUnique(m.Candidates, c)
				}
			}
		default:
			name := string(d.dim.Kind)
			if d.base != nil {
				name = d.base.Name()
			} else if d.syn != nil {
				name = d.dim.Name + " value"
			}
			m = Match{Reason: fmt.Sprintf("no %s is spelt like this", name)}
		}
	}
	if m.OK() && d.values != nil && !d.values[m.Code] {
		return Match{Reason: fmt.Sprintf("%s, which is not among the values allowed for %s", m.Reason, d.dim.Name)}
	}
	return m
}

func (v *Vocabulary) refDescribe(e entry) string {
	d := kindInfo[e.kind].desc
	if d == "" {
		d = e.kind
	}
	return fmt.Sprintf("%s of %s (%s)", d, v.Label(e.code), e.code)
}

func (v *Vocabulary) refMatch(s string, fuzzy bool) Match {
	k := refKey(s)
	if k == "" {
		return Match{Reason: "empty"}
	}
	if m, ok := v.fromEntries(v.exact[k], 1, ""); ok {
		return m
	}
	nk := refWithoutNoise(k, v.noise)
	if nk != k && nk != "" {
		if m, ok := v.fromEntries(v.exact[nk], 1, "ignoring the words around it, "); ok {
			return m
		}
	}
	if m, ok := v.fromEntries(v.sets[refTokenSetKey(k)], 0.95, "same words in another order, "); ok {
		return m
	}
	if nk != k && nk != "" {
		if m, ok := v.fromEntries(v.sets[refTokenSetKey(nk)], 0.95, "same words in another order, "); ok {
			return m
		}
	}
	if m, ok := v.refMatchParenthetical(s); ok {
		return m
	}
	if v.codeLookup {
		t := strings.TrimSpace(s)
		if _, ok := v.labels[t]; ok {
			return Match{Code: t, Confidence: 0.95, Reason: fmt.Sprintf("the code of %s", v.Label(t))}
		}
	}
	if fuzzy {
		if m, ok := v.refMatchFuzzy(k); ok {
			return m
		}
		if nk != k && nk != "" {
			if m, ok := v.refMatchFuzzy(nk); ok {
				return m
			}
		}
	}
	return Match{Reason: fmt.Sprintf("no %s is spelt like this", v.name)}
}

func (v *Vocabulary) refMatchParenthetical(s string) (Match, bool) {
	open := strings.IndexAny(s, "([")
	if open < 0 {
		return Match{}, false
	}
	closeAt := strings.LastIndexAny(s, ")]")
	if closeAt < open {
		closeAt = len(s)
	}
	inner := strings.TrimSpace(s[open+1 : closeAt])
	outer := strings.TrimSpace(s[:open] + " " + s[min(closeAt+1, len(s)):])
	if inner == "" || outer == "" {
		return Match{}, false
	}
	mo := v.refMatch(outer, false)
	mi := v.refMatch(inner, false)
	switch {
	case mo.OK() && mi.OK() && mo.Code == mi.Code:
		return Match{Code: mo.Code, Confidence: min(mo.Confidence, mi.Confidence), Reason: fmt.Sprintf("%q and %q both mean %s (%s)", outer, inner, v.Label(mo.Code), mo.Code)}, true
	case mo.OK() && mi.OK():
		return Match{Candidates: sortedPair(mo.Code, mi.Code), Reason: fmt.Sprintf("ambiguous: %q means %s but %q means %s", outer, mo.Code, inner, mi.Code)}, true
	case mo.OK() && !mi.Ambiguous():
		return Match{Code: mo.Code, Confidence: mo.Confidence * 0.9, Reason: fmt.Sprintf("%q is %s; %q in brackets not understood", outer, v.refDescribe(entry{code: mo.Code, kind: "label"}), inner)}, true
	case mi.OK() && !mo.Ambiguous():
		return Match{Code: mi.Code, Confidence: mi.Confidence * 0.9, Reason: fmt.Sprintf("%q in brackets is %s; %q not understood", inner, v.refDescribe(entry{code: mi.Code, kind: "label"}), outer)}, true
	case mo.Ambiguous() && mi.OK() && slices.Contains(mo.Candidates, mi.Code):
		return Match{Code: mi.Code, Confidence: mi.Confidence * 0.95, Reason: fmt.Sprintf("%q is ambiguous and %q in brackets settles it as %s (%s)", outer, inner, v.Label(mi.Code), mi.Code)}, true
	}
	return Match{}, false
}

func (v *Vocabulary) refMatchFuzzy(k string) (Match, bool) {
	r := []rune(k)
	limit := maxEdits(len(r))
	if limit == 0 {
		return Match{}, false
	}
	best := limit + 1
	var hits []fuzzyKey
	for _, f := range v.fuzzy {
		if f.runes[0] != r[0] {
			continue
		}
		d := refEditDistance(r, f.runes, min(best, limit))
		if d > limit || d > best {
			continue
		}
		if d < best {
			best, hits = d, hits[:0]
		}
		hits = append(hits, f)
	}
	if len(hits) == 0 {
		return Match{}, false
	}
	codes := map[string]fuzzyKey{}
	for _, h := range hits {
		if x, ok := codes[h.e.code]; !ok || h.e.conf > x.e.conf {
			codes[h.e.code] = h
		}
	}
	if len(codes) > 1 {
		m := Match{Reason: fmt.Sprintf("ambiguous: %d edit(s) from", best)}
		cs := make([]string, 0, len(codes))
		for c := range codes {
			cs = append(cs, c)
		}
		slices.Sort(cs)
		for i, c := range cs {
			sep := ","
			if i == 0 {
				sep = ""
			}
			m.Reason += fmt.Sprintf("%s %q (%s)", sep, codes[c].e.spelling, c)
		}
		m.Candidates = cs
		return m, true
	}
	h := hits[0]
	for _, x := range codes {
		h = x
	}
	conf := h.e.conf * (1 - 0.15*float64(best))
	return Match{Code: h.e.code, Confidence: conf, Reason: fmt.Sprintf("%d edit(s) from %q, %s", best, h.e.spelling, v.refDescribe(h.e))}, true
}

func refFmtNum(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%g", f)
}
