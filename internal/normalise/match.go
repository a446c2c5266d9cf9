package normalise

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
	"sync"

	"github.com/foidesk/foidesk/internal/lazyre"
	"github.com/foidesk/foidesk/internal/totals"
)

// dimMatcher reads one dimension's values: operator overrides first, then
// the campaign's synonyms, then the built-in vocabulary, exact before fuzzy;
// values outside the dimension's allowed list are refused.
type dimMatcher struct {
	dim     Dimension
	syn     *Vocabulary
	base    *Vocabulary
	values  map[string]bool
	over    map[string]string // key(text) → code
	heads   map[string]headName
	cache   map[string]Match
	pcache  map[string]*periodRead
	keys    map[string]string // key(text) by text, shared with the mapper
	decided map[string]bool   // texts whose value decision the mapper made
	unknown string            // unknownReason, once made
}

type periodRead struct {
	p   ParsedPeriod
	err error
}

func newDimMatcher(d Dimension, over map[string]string) *dimMatcher {
	m := &dimMatcher{dim: d, cache: map[string]Match{}, pcache: map[string]*periodRead{}, over: map[string]string{}}
	for raw, code := range over {
		m.over[key(raw)] = code
	}
	switch d.Kind {
	case DimNationality:
		m.base = Nationalities()
	case DimOffenceGroup:
		m.base = OffenceGroups()
	}
	if len(d.Synonyms) > 0 || (d.Kind == DimCategory && len(d.Values) > 0) {
		sp := map[string][]string{}
		for c, ss := range d.Synonyms {
			sp[c] = ss
		}
		if d.Kind == DimCategory {
			for _, v := range d.Values {
				if _, ok := sp[v]; !ok {
					sp[v] = nil
				}
			}
		}
		m.syn = NewVocabulary(d.Name, sp)
		m.syn.titleOK = func(e entry) bool { return e.kind == "synonym" }
	}
	if len(d.Values) > 0 {
		m.values = map[string]bool{}
		for _, v := range d.Values {
			m.values[v] = true
		}
	}
	m.heads = headerNames(d)
	return m
}

func (d *dimMatcher) isPeriod() bool { return d.dim.Kind == DimPeriod }

// key is key(raw), remembered.
func (d *dimMatcher) key(raw string) string {
	if d.keys == nil {
		return key(raw)
	}
	if k, ok := d.keys[raw]; ok {
		return k
	}
	k := key(raw)
	d.keys[raw] = k
	return k
}

// readPeriod is period for callers that only need a reading: texts that
// ParsePeriod refuses outright (no two digits in a row, a figure that is
// not four digits long) are refused without building the error.
func (d *dimMatcher) readPeriod(raw string) (ParsedPeriod, bool) {
	if len(raw) <= maxPeriodText && (!hasTwoDigits(raw) || allDigits(raw) && len(raw) != 4) {
		return ParsedPeriod{}, false
	}
	p, err := d.period(raw)
	return p, err == nil
}

// period reads a period, remembering the answer.
func (d *dimMatcher) period(raw string) (ParsedPeriod, error) {
	r := d.periodOnce(raw)
	return r.p, r.err
}

// periodOnce reads a period once for the table: every read of raw gets
// the same answer, which is never changed (so that a row's coordinate
// may point at it rather than at a copy of its own).
func (d *dimMatcher) periodOnce(raw string) *periodRead {
	if r, ok := d.pcache[raw]; ok {
		return r
	}
	p, err := ParsePeriod(raw)
	r := &periodRead{p, err}
	d.pcache[raw] = r
	return r
}

// match reads a value of a non-period dimension, remembering the answer.
func (d *dimMatcher) match(raw string) Match {
	if m, ok := d.cache[raw]; ok {
		return m
	}
	m := d.compute(raw)
	m.Input = raw
	d.cache[raw] = m
	return m
}

func (d *dimMatcher) compute(raw string) Match {
	k := d.key(raw)
	if code, ok := d.over[k]; ok {
		return Match{Code: code, Confidence: 1, Reason: "operator override"}
	}
	// Each vocabulary is read strictly first; only when neither gives a
	// code or an ambiguity are the undecided ones read by edit distance
	// (a strict answer such as a refusal stands, and is no hit).
	var m Match
	synDecided, baseDecided := false, false
	if d.syn != nil {
		if m, synDecided = d.syn.strictMemo(raw, k); !synDecided {
			m = d.syn.unknown()
		}
	}
	if !m.OK() && !m.Ambiguous() && d.base != nil {
		if m, baseDecided = d.base.strictMemo(raw, k); !baseDecided {
			m = d.base.unknown()
		}
	}
	if !m.OK() && !m.Ambiguous() {
		var hitBuf [2]Match
		hits := hitBuf[:0]
		for _, x := range []struct {
			v       *Vocabulary
			decided bool
		}{{d.syn, synDecided}, {d.base, baseDecided}} {
			if x.v == nil || x.decided {
				continue
			}
			if h, ok := x.v.looseMemo(k); ok {
				hits = append(hits, h)
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
			m = Match{Reason: d.unknownReason()}
		}
	}
	if m.OK() && d.values != nil && !d.values[m.Code] {
		return Match{Reason: fmt.Sprintf("%s, which is not among the values allowed for %s", m.Reason, d.dim.Name)}
	}
	return m
}

// unknownReason is the reason given for a text no vocabulary of the
// dimension reads.
func (d *dimMatcher) unknownReason() string {
	if d.unknown == "" {
		name := string(d.dim.Kind)
		if d.base != nil {
			name = d.base.Name()
		} else if d.syn != nil {
			name = d.dim.Name + " value"
		}
		d.unknown = fmt.Sprintf("no %s is spelt like this", name)
	}
	return d.unknown
}

// label is a code's display name.
func (d *dimMatcher) label(code string) string {
	if d.base != nil {
		return d.base.Label(code)
	}
	return code
}

// parent is a code's parent in the dimension's hierarchy, if any.
func (d *dimMatcher) parent(code string) string {
	if d.base != nil {
		return d.base.Parent(code)
	}
	return ""
}

// findIn returns the codes named in running text.
func (d *dimMatcher) findIn(text string) []found {
	var out []found
	for _, v := range []*Vocabulary{d.syn, d.base} {
		if v != nil {
			out = append(out, v.findIn(text)...)
		}
	}
	if d.values != nil {
		out = slicesFilter(out, func(f found) bool { return d.values[f.code] })
	}
	return out
}

func slicesFilter[T any](s []T, keep func(T) bool) []T {
	out := s[:0]
	for _, x := range s {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// headName is how sure a heading names a dimension.
type headName struct {
	conf   float64
	reason string
}

// builtinHeaders are headings that name a dimension of a kind.
var builtinHeaders = map[DimensionKind]map[string]float64{
	DimPeriod: {
		"year": 1, "years": 1, "calendar year": 1, "financial year": 1, "fy": 1, "period": 1, "month": 1,
		"date": 0.9, "reporting period": 1, "time period": 1, "year of outcome": 1, "outcome year": 1,
		"year issued": 1, "year of issue": 1, "yr": 1, "date range": 1, "year ending": 1, "month of outcome": 1,
	},
	DimNationality: {
		"nationality": 1, "nationalities": 1, "country": 0.9, "country of nationality": 1, "citizenship": 1,
		"stated nationality": 1, "recorded nationality": 1, "nationality description": 1, "nationality group": 1,
		"self declared nationality": 1, "self defined nationality": 1, "offender nationality": 1,
		"nationality of offender": 1, "nationality of person": 1, "country of citizenship": 1, "nation": 0.9,
		"country of origin": 0.8, "country of birth": 0.7, "place of birth": 0.7, "birth country": 0.7,
	},
	DimOffenceGroup: {
		"offence": 1, "offences": 1, "offence group": 1, "offence type": 1, "offence category": 1,
		"offence description": 1, "offence classification": 1, "ho offence group": 1, "home office offence group": 1,
		"crime type": 1, "crime group": 1, "crime category": 1, "crime classification": 1, "category": 0.9,
		"major category": 1, "ho offence": 1, "crime": 1, "type of offence": 1, "category of offence": 1,
		"offence class": 1, "offence subgroup": 1, "offence sub group": 1, "home office offence": 1,
		"offence name": 1, "crime description": 1, "offence group description": 1, "policy group": 0.9,
	},
}

var headerReasons = map[float64]string{
	0.7: "the heading names a related attribute (e.g. country of birth), not the dimension itself",
	0.8: "the heading names a related attribute (e.g. country of origin), not the dimension itself",
	0.9: "a loose heading for this dimension",
}

func headerNames(d Dimension) map[string]headName {
	out := maps.Clone(builtinHeadNames()[d.Kind])
	if out == nil {
		out = map[string]headName{}
	}
	addHeadName(out, strings.ReplaceAll(d.Name, "_", " "), 1, "")
	for _, h := range d.Headers {
		addHeadName(out, h, 1, "campaign heading")
	}
	return out
}

// builtinHeadNames is the built-in headings of each kind of dimension by
// key, made once.
var builtinHeadNames = sync.OnceValue(func() map[DimensionKind]map[string]headName {
	out := map[DimensionKind]map[string]headName{}
	for kind, heads := range builtinHeaders {
		m := map[string]headName{}
		for s, c := range heads {
			addHeadName(m, s, c, headerReasons[c])
		}
		out[kind] = m
	}
	return out
})

// addHeadName adds a heading spelling, keeping the surer reading of a key
// two spellings share.
func addHeadName(out map[string]headName, s string, c float64, why string) {
	k := key(s)
	if k == "" {
		return
	}
	if old, ok := out[k]; !ok || c > old.conf {
		out[k] = headName{conf: c, reason: why}
	}
}

var genericMeasureKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, g := range genericMeasureHeaders {
		m[key(g)] = true
	}
	return m
}()

var genericMeasureHeaders = []string{
	"count", "number", "no", "num", "total number", "frequency", "volume", "n", "figure", "figures", "value",
	"number of outcomes", "outcomes", "number of crimes", "crimes", "cases", "number of cases", "total count",
	"count of outcomes", "sum", "amount",
}

// measureMatcher tells whether a heading names the measure; it holds what
// a heading's key is compared with.
type measureMatcher struct {
	headers   []string // keys of the campaign's headings for the measure
	name      string   // key of the measure's name
	initials  string
	initialsO string // initials + "o" ("No. of CRs": "ncro")
	words     []string
}

// nextToken splits the first token off a key (tokens are separated by
// single spaces, as key makes them).
func nextToken(k string) (token, rest string) {
	if i := strings.IndexByte(k, ' '); i >= 0 {
		return k[:i], k[i+1:]
	}
	return k, ""
}

func newMeasureMatcher(m Measure) *measureMatcher {
	mm := &measureMatcher{name: key(strings.ReplaceAll(m.Name, "_", " "))}
	for _, h := range m.Headers {
		mm.headers = append(mm.headers, key(h))
	}
	mm.words = strings.Fields(mm.name)
	for _, w := range mm.words {
		mm.initials += w[:1]
	}
	mm.initialsO = mm.initials + "o"
	return mm
}

// matchKey reports whether a heading whose key is k names the measure.
func (mm *measureMatcher) matchKey(k string) bool {
	if k == "" {
		return false
	}
	if genericMeasureKeys[k] {
		return true
	}
	for _, h := range mm.headers {
		if k == h {
			return true
		}
	}
	if k == mm.name || strings.Contains(k, mm.name) {
		return true
	}
	// "No. of CRs", "Community resolution outcomes": every content word of
	// the measure name, or its initials, appear.
	for rest := k; rest != ""; {
		var t string
		t, rest = nextToken(rest)
		if t == mm.initials || t == mm.initialsO {
			return true
		}
	}
	n := 0
	for _, w := range mm.words {
		for rest := k; rest != ""; {
			var t string
			if t, rest = nextToken(rest); t == w {
				n++
				break
			}
		}
	}
	return len(mm.words) > 1 && n == len(mm.words)
}

// totalRule recognises total labels by package totals' keyed rule, in this
// package's key form.
var totalRule = totals.NewKeyed(key)

// mayBeTotal is false for texts totalOf surely refuses: every total word
// has letters, so an ASCII text without letters names no total.
func mayBeTotal(text string) bool { return totals.MayBe(text) }

// totalOf reports whether a label marks a total, and what else it says
// ("Total 2022" → "2022", "Polish total" → "Polish").
func totalOf(text string) (bool, string) {
	return totalOfKey(text, key(text))
}

// totalOfKey is totalOf for a text whose key is k.
func totalOfKey(text, k string) (bool, string) {
	total, whole := totalRule.Match(k)
	if !total || whole {
		return total, ""
	}
	return true, totals.Rest(fold(text))
}

var reNoteStart = lazyre.New(`(?i)^(?:notes?\b|source\b|sources\b|please note|n\.?b\.?\b|\*|†|‡|\(\d+\)|\d+\.\s|\[note|figures\b|data\b|this\b|these\b|the\b|all figures|correct as|caveat|disclaimer|footnote|key\b|where\b|please\b|information\b)`)

// isNoteText reports whether text reads like a note under or inside a
// table rather than a label.
func isNoteText(text string) bool {
	return len(text) > 60 || reNoteStart.MatchString(strings.TrimSpace(text))
}

var reCache sync.Map

// regexpCache compiles expr once.
func regexpCache(expr string) *regexp.Regexp {
	if re, ok := reCache.Load(expr); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(expr)
	reCache.Store(expr, re)
	return re
}
