package normalise

import (
	"bufio"
	_ "embed"
	"fmt"
	"hash/maphash"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed data/nationality.tsv
var nationalityTSV string

//go:embed data/offence_groups.tsv
var offenceGroupsTSV string

//go:embed data/offence_spellings.tsv
var offenceSpellingsTSV string

// Special nationality codes: values that are not a country.
const (
	NationalityUnknown     = "UNKNOWN"      // "Unknown", "Not known", "U/K"
	NationalityNotRecorded = "NOT_RECORDED" // "Not recorded", "Not stated", "Blank"
	NationalityStateless   = "STATELESS"
	NationalityOther       = "OTHER" // "Other", "All other nationalities", "Other European"
)

// AllCode stands for every value of a dimension that a table does not break
// its figures down by (a force that gave totals by nationality only has
// offence_group "_all" on every observation).
const AllCode = "_all"

// Match is the outcome of looking a text up in a vocabulary.
type Match struct {
	Input      string   `json:"input"`
	Code       string   `json:"code,omitempty"` // empty when unknown or ambiguous
	Confidence float64  `json:"confidence"`
	Reason     string   `json:"reason"`
	Candidates []string `json:"candidates,omitempty"` // the codes an ambiguous text could mean
}

// OK reports whether the text mapped to a code.
func (m Match) OK() bool { return m.Code != "" }

// Ambiguous reports whether the text could mean more than one code.
func (m Match) Ambiguous() bool { return m.Code == "" && len(m.Candidates) > 1 }

// entry is one spelling of a code.
type entry struct {
	code     string
	kind     string
	spelling string
	conf     float64
	desc     string // describe's wording, made when the vocabulary is finished
}

type fuzzyKey struct {
	key   string
	runes []rune
	mask  uint64 // runeMask(runes)
	e     entry
}

// runeMask has a bit for each rune of rs (several runes may share one).
func runeMask(rs []rune) uint64 {
	var m uint64
	for _, r := range rs {
		m |= 1 << (uint32(r) % 64)
	}
	return m
}

// editsAtLeast is a lower bound of the edit distance between two texts
// with rune masks a and b: every rune of one that the other lacks takes an
// edit of its own (an edit adds or removes at most one rune on each side),
// and runes sharing a bit only make the bound smaller.
func editsAtLeast(a, b uint64) int {
	return max(bits.OnesCount64(a&^b), bits.OnesCount64(b&^a))
}

// Vocabulary maps the spellings of a dimension's values to codes: exact
// (after folding case, accents, punctuation and plurals), by token set, by
// parts around a parenthesis, and by bounded edit distance, each with a
// confidence and a reason.
type Vocabulary struct {
	name          string // "nationality", "offence group", …
	unknownReason string
	labels        map[string]string
	parents       map[string]string
	codes         []string
	order         []entry // every spelling in the order added
	exact         map[string][]entry
	sets          map[string][]entry
	fuzzy         []fuzzyKey
	noise         map[string]bool
	codeLookup    bool // accept the codes themselves as spellings
	titleOK       func(entry) bool
	memo          *readMemo       // readings remembered across tables (built-in vocabularies only)
	byFirst       map[rune][2]int // the span of fuzzy with each first rune
}

// kindInfo gives the confidence and the wording of a spelling's kind.
var kindInfo = map[string]struct {
	conf float64
	desc string
}{
	"name":      {1, "country name"},
	"official":  {1, "official country name"},
	"common":    {1, "common country name"},
	"short":     {1, "short country name"},
	"demonym":   {1, "demonym"},
	"alt":       {1, "alternative name"},
	"variant":   {0.95, "common misspelling"},
	"former":    {0.95, "former name, mapped to the successor state"},
	"dissolved": {0.85, "dissolved state with several successors, kept as its ISO 3166-3 code"},
	"icao":      {1, "British nationality class (ICAO Doc 9303 code)"},
	"special":   {1, "special value"},
	"label":     {1, "label"},
	"spelling":  {1, "known spelling"},
	"synonym":   {1, "campaign synonym"},
	"code":      {1, "code"},
	"refuse":    {0, "a group that is not a nationality (an ethnicity, religion or region)"},
}

// refused is the code of spellings that are deliberately not mapped.
const refused = "-"

var nationalityNoise = map[string]bool{
	"national": true, "nationality": true, "citizen": true, "citizenship": true,
	"people": true, "person": true, "passport": true, "holder": true, "origin": true,
}

var offenceNoise = map[string]bool{
	"offence": true, "offense": true, "crime": true, "group": true, "ho": true,
}

// Nationalities returns the built-in nationality vocabulary: ISO 3166-1
// alpha-3 codes plus XKX (Kosovo), ISO 3166-3 codes for dissolved states
// with several successors, ICAO codes for British nationality classes, and
// the special values UNKNOWN, NOT_RECORDED, STATELESS and OTHER.
func Nationalities() *Vocabulary { return nationalities() }

var nationalities = sync.OnceValue(func() *Vocabulary {
	v := newVocabulary("nationality", nationalityNoise)
	v.memo = newReadMemo()
	v.codeLookup = true
	eachTSV("nationality", nationalityTSV, func(line string, f []string) {
		ki, ok := kindInfo[f[1]]
		if !ok {
			panic(fmt.Sprintf("normalise: bad nationality kind in %q", line))
		}
		v.add(entry{code: f[0], kind: f[1], spelling: f[2], conf: ki.conf})
	})
	// A label for every code: the ISO common or short name where there is
	// one, else the first spelling the data gives.
	rank := map[string]int{"common": 0, "name": 1, "alt": 2, "dissolved": 3, "icao": 4, "special": 5, "former": 6, "demonym": 7, "variant": 8}
	best := map[string]int{}
	for _, e := range v.order {
		r, ok := rank[e.kind]
		if !ok {
			continue
		}
		if b, seen := best[e.code]; !seen || r < b {
			best[e.code] = r
			v.labels[e.code] = e.spelling
		}
	}
	v.titleOK = func(e entry) bool { return e.kind == "demonym" && !isSpecialNationality(e.code) }
	v.finish()
	return v
})

func isSpecialNationality(code string) bool {
	switch code {
	case NationalityUnknown, NationalityNotRecorded, NationalityStateless, NationalityOther:
		return true
	}
	return false
}

// OffenceGroups returns the built-in vocabulary of Home Office police
// recorded crime offence groups and sub-groups; Parent gives a sub-group's
// group.
func OffenceGroups() *Vocabulary { return offenceGroups() }

var offenceGroups = sync.OnceValue(func() *Vocabulary {
	v := newVocabulary("offence group", offenceNoise)
	v.memo = newReadMemo()
	v.codeLookup = true
	eachTSV("offence group", offenceGroupsTSV, func(line string, f []string) {
		v.labels[f[0]] = f[2]
		if f[1] != "" {
			v.parents[f[0]] = f[1]
		}
		v.add(entry{code: f[0], kind: "label", spelling: f[2], conf: 1})
	})
	eachTSV("offence spelling", offenceSpellingsTSV, func(line string, f []string) {
		if _, ok := v.labels[f[0]]; !ok {
			panic(fmt.Sprintf("normalise: offence spelling for unknown code in %q", line))
		}
		c, err := strconv.ParseFloat(f[1], 64)
		if err != nil || c <= 0 || c > 1 {
			panic(fmt.Sprintf("normalise: bad confidence in %q", line))
		}
		v.add(entry{code: f[0], kind: "spelling", spelling: f[2], conf: c})
	})
	v.titleOK = func(e entry) bool { return e.code != "other_offences" && e.conf == 1 }
	v.finish()
	return v
})

// eachTSV calls fn with the three tab-separated fields of every line of an
// embedded vocabulary file, skipping blank lines and # comments. The files
// are part of the binary, so a malformed line is a programming error.
func eachTSV(what, data string, fn func(line string, fields []string)) {
	sc := bufio.NewScanner(strings.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			panic(fmt.Sprintf("normalise: bad %s line %q", what, line))
		}
		fn(line, f)
	}
}

// NewVocabulary builds a vocabulary from code → spellings. Each code is
// also a spelling of itself. It serves campaign-defined dimensions and
// synonyms.
func NewVocabulary(name string, spellings map[string][]string) *Vocabulary {
	v := newVocabulary(name, nil)
	codes := make([]string, 0, len(spellings))
	for c := range spellings {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		v.labels[c] = c
		v.add(entry{code: c, kind: "code", spelling: c, conf: 1})
		for _, s := range spellings[c] {
			v.add(entry{code: c, kind: "synonym", spelling: s, conf: 1})
		}
	}
	v.titleOK = func(entry) bool { return false }
	v.finish()
	return v
}

func newVocabulary(name string, noise map[string]bool) *Vocabulary {
	return &Vocabulary{
		name:          name,
		unknownReason: fmt.Sprintf("no %s is spelt like this", name),
		labels:        map[string]string{},
		parents:       map[string]string{},
		exact:         map[string][]entry{},
		sets:          map[string][]entry{},
		noise:         noise,
	}
}

func addEntry(m map[string][]entry, k string, e entry) {
	if k == "" {
		return
	}
	for i, x := range m[k] {
		if x.code == e.code {
			if e.conf > x.conf {
				m[k][i] = e
			}
			return
		}
	}
	m[k] = append(m[k], e)
}

func (v *Vocabulary) add(e entry) {
	v.order = append(v.order, e)
	if e.code != refused && !slices.Contains(v.codes, e.code) {
		v.codes = append(v.codes, e.code)
	}
	k := key(e.spelling)
	addEntry(v.exact, k, e)
	addEntry(v.sets, tokenSetKey(k), e)
	if nk := withoutNoise(k, v.noise); nk != k && nk != "" {
		addEntry(v.exact, nk, e)
		addEntry(v.sets, tokenSetKey(nk), e)
	}
}

// finish builds the fuzzy-match list from the exact keys, and describes
// every entry once (the labels are all known by now).
func (v *Vocabulary) finish() {
	for _, m := range []map[string][]entry{v.exact, v.sets} {
		for _, es := range m {
			for i := range es {
				es[i].desc = v.describe(es[i])
			}
		}
	}
	keys := make([]string, 0, len(v.exact))
	for k := range v.exact {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, e := range v.exact[k] {
			if e.code != refused {
				rs := []rune(k)
				v.fuzzy = append(v.fuzzy, fuzzyKey{key: k, runes: rs, mask: runeMask(rs), e: e})
			}
		}
	}
	v.byFirst = map[rune][2]int{}
	for i, f := range v.fuzzy {
		span, ok := v.byFirst[f.runes[0]]
		if !ok {
			span[0] = i
		}
		span[1] = i + 1
		v.byFirst[f.runes[0]] = span
	}
	for c := range v.labels {
		if !slices.Contains(v.codes, c) {
			v.codes = append(v.codes, c)
		}
	}
}

// Name is what the vocabulary names ("nationality", "offence group").
func (v *Vocabulary) Name() string { return v.name }

// Label returns a code's display name, or the code itself.
func (v *Vocabulary) Label(code string) string {
	if l, ok := v.labels[code]; ok {
		return l
	}
	return code
}

// Parent returns the code a sub-group belongs to, or "".
func (v *Vocabulary) Parent(code string) string { return v.parents[code] }

// Has reports whether code is one of the vocabulary's codes.
func (v *Vocabulary) Has(code string) bool {
	_, ok := v.labels[code]
	return ok || slices.Contains(v.codes, code)
}

// Codes returns every code, in the order the data first names them.
func (v *Vocabulary) Codes() []string { return slices.Clone(v.codes) }

// Ambiguities returns the folded spellings that mean more than one code,
// with their codes; they are never matched, only reported.
func (v *Vocabulary) Ambiguities() map[string][]string {
	out := map[string][]string{}
	for k, es := range v.exact {
		if len(es) > 1 {
			for _, e := range es {
				out[k] = append(out[k], e.code)
			}
			slices.Sort(out[k])
		}
	}
	return out
}

// Match looks s up: exactly, ignoring noise words ("nationals"), by token
// set, by the parts around a parenthesis, as a code, and finally by bounded
// edit distance. An ambiguous or unknown text has no Code.
func (v *Vocabulary) Match(s string) Match {
	m := v.match(s, true)
	m.Input = s
	return m
}

func (v *Vocabulary) describe(e entry) string {
	if e.desc != "" {
		return e.desc
	}
	d := kindInfo[e.kind].desc
	if d == "" {
		d = e.kind
	}
	return fmt.Sprintf("%s of %s (%s)", d, v.Label(e.code), e.code)
}

// fromEntries turns the candidates of one lookup into a match.
func (v *Vocabulary) fromEntries(es []entry, factor float64, how string) (Match, bool) {
	if len(es) == 0 {
		return Match{}, false
	}
	if len(es) > 1 {
		if slices.ContainsFunc(es, func(e entry) bool { return e.code == refused }) {
			return Match{Reason: fmt.Sprintf("%q is %s and also a country's name; not mapped", es[0].spelling, kindInfo["refuse"].desc)}, true
		}
		m := Match{Reason: fmt.Sprintf("%sambiguous: could be", how)}
		for i, e := range es {
			m.Candidates = append(m.Candidates, e.code)
			sep := ","
			if i == 0 {
				sep = ""
			}
			m.Reason += fmt.Sprintf("%s %s (%s)", sep, v.Label(e.code), e.code)
		}
		slices.Sort(m.Candidates)
		return m, true
	}
	e := es[0]
	if e.code == refused {
		return Match{Reason: fmt.Sprintf("%q is %s; not mapped", e.spelling, kindInfo[e.kind].desc)}, true
	}
	return Match{Code: e.code, Confidence: e.conf * factor, Reason: how + v.describe(e)}, true
}

func (v *Vocabulary) match(s string, fuzzy bool) Match {
	return v.matchKeyed(s, key(s), fuzzy)
}

// matchKeyed is match for a text whose key is k.
func (v *Vocabulary) matchKeyed(s, k string, fuzzy bool) Match {
	if m, ok := v.strict(s, k); ok {
		return m
	}
	if fuzzy {
		if m, ok := v.loose(k); ok {
			return m
		}
	}
	return v.unknown()
}

func (v *Vocabulary) unknown() Match {
	return Match{Reason: v.unknownReason}
}

// strict is match without edit distance: it reports false when no reading
// decides the text (match then tries loose, when fuzzy, or gives up).
func (v *Vocabulary) strict(s, k string) (Match, bool) {
	if k == "" {
		return Match{Reason: "empty"}, true
	}
	if m, ok := v.fromEntries(v.exact[k], 1, ""); ok {
		return m, true
	}
	nk := withoutNoise(k, v.noise)
	if nk != k && nk != "" {
		if m, ok := v.fromEntries(v.exact[nk], 1, "ignoring the words around it, "); ok {
			return m, true
		}
	}
	var buf [128]byte
	if m, ok := v.fromEntries(v.sets[string(appendTokenSetKey(buf[:0], k))], 0.95, "same words in another order, "); ok {
		return m, true
	}
	if nk != k && nk != "" {
		if m, ok := v.fromEntries(v.sets[string(appendTokenSetKey(buf[:0], nk))], 0.95, "same words in another order, "); ok {
			return m, true
		}
	}
	if m, ok := v.matchParenthetical(s); ok {
		return m, true
	}
	if v.codeLookup {
		t := strings.TrimSpace(s)
		if _, ok := v.labels[t]; ok {
			return Match{Code: t, Confidence: 0.95, Reason: fmt.Sprintf("the code of %s", v.Label(t))}, true
		}
	}
	return Match{}, false
}

// readMemo remembers a vocabulary's strict and loose readings of texts,
// for vocabularies that never change once built and are shared by every
// table: forces send the same few hundred labels in table after table.
// Texts are spread over shards, each with its own lock, so that tables
// mapped at once rarely wait for each other. A shard stops taking new
// texts at maxMemoShard, so odd inputs cannot make it grow without bound.
type readMemo struct {
	seed   maphash.Seed
	shards [memoShards]memoShard
}

const (
	memoShards   = 16
	maxMemoShard = 4096 // readings of each kind
	memoStrict   = 0    // kinds of reading: strict by text, loose by key
	memoLoose    = 1
)

type memoShard struct {
	mu    sync.RWMutex
	reads [2]map[string]memoRead // by kind
}

type memoRead struct {
	m  Match
	ok bool
}

func newReadMemo() *readMemo { return &readMemo{seed: maphash.MakeSeed()} }

func (rm *readMemo) shard(text string) *memoShard {
	return &rm.shards[maphash.String(rm.seed, text)%memoShards]
}

func (rm *readMemo) load(kind int, text string) (memoRead, bool) {
	sh := rm.shard(text)
	sh.mu.RLock()
	r, ok := sh.reads[kind][text]
	sh.mu.RUnlock()
	return r, ok
}

func (rm *readMemo) store(kind int, text string, r memoRead) {
	sh := rm.shard(text)
	sh.mu.Lock()
	if m := sh.reads[kind]; len(m) < maxMemoShard {
		if m == nil {
			m = map[string]memoRead{}
			sh.reads[kind] = m
		}
		m[text] = r
	}
	sh.mu.Unlock()
}

// strictMemo is strict, remembered when the vocabulary has a memo.
func (v *Vocabulary) strictMemo(s, k string) (Match, bool) {
	if v.memo == nil {
		return v.strict(s, k)
	}
	if es := v.exact[k]; len(es) > 0 && k != "" {
		// strict's first reading, and the commonest: cheaper than the memo.
		return v.fromEntries(es, 1, "")
	}
	if r, ok := v.memo.load(memoStrict, s); ok {
		return r.m, r.ok
	}
	m, ok := v.strict(s, k)
	v.memo.store(memoStrict, s, memoRead{m, ok})
	return m, ok
}

// looseMemo is loose, remembered when the vocabulary has a memo.
func (v *Vocabulary) looseMemo(k string) (Match, bool) {
	if v.memo == nil {
		return v.loose(k)
	}
	if r, ok := v.memo.load(memoLoose, k); ok {
		return r.m, r.ok
	}
	m, ok := v.loose(k)
	v.memo.store(memoLoose, k, memoRead{m, ok})
	return m, ok
}

// loose is the edit-distance part of match, for a text whose key is k and
// that strict left undecided. Its answers are a code or an ambiguity.
func (v *Vocabulary) loose(k string) (Match, bool) {
	if m, ok := v.matchFuzzy(k); ok {
		return m, true
	}
	if nk := withoutNoise(k, v.noise); nk != k && nk != "" {
		if m, ok := v.matchFuzzy(nk); ok {
			return m, true
		}
	}
	return Match{}, false
}

// matchParenthetical tries "Outer (inner)" by its parts: "Poland (Polish)".
func (v *Vocabulary) matchParenthetical(s string) (Match, bool) {
	open := indexOpenBracket(s)
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
	mo := v.match(outer, false)
	mi := v.match(inner, false)
	switch {
	case mo.OK() && mi.OK() && mo.Code == mi.Code:
		return Match{Code: mo.Code, Confidence: min(mo.Confidence, mi.Confidence), Reason: fmt.Sprintf("%q and %q both mean %s (%s)", outer, inner, v.Label(mo.Code), mo.Code)}, true
	case mo.OK() && mi.OK():
		return Match{Candidates: sortedPair(mo.Code, mi.Code), Reason: fmt.Sprintf("ambiguous: %q means %s but %q means %s", outer, mo.Code, inner, mi.Code)}, true
	case mo.OK() && !mi.Ambiguous():
		return Match{Code: mo.Code, Confidence: mo.Confidence * 0.9, Reason: fmt.Sprintf("%q is %s; %q in brackets not understood", outer, v.describe(entry{code: mo.Code, kind: "label"}), inner)}, true
	case mi.OK() && !mo.Ambiguous():
		return Match{Code: mi.Code, Confidence: mi.Confidence * 0.9, Reason: fmt.Sprintf("%q in brackets is %s; %q not understood", inner, v.describe(entry{code: mi.Code, kind: "label"}), outer)}, true
	case mo.Ambiguous() && mi.OK() && slices.Contains(mo.Candidates, mi.Code):
		return Match{Code: mi.Code, Confidence: mi.Confidence * 0.95, Reason: fmt.Sprintf("%q is ambiguous and %q in brackets settles it as %s (%s)", outer, inner, v.Label(mi.Code), mi.Code)}, true
	}
	return Match{}, false
}

func sortedPair(a, b string) []string {
	p := []string{a, b}
	slices.Sort(p)
	return p
}

// maxEdits bounds the edit distance allowed for a key of n runes.
func maxEdits(n int) int {
	switch {
	case n < 5:
		return 0
	case n <= 8:
		return 1
	case n <= 14:
		return 2
	}
	return 3
}

// matchFuzzy finds the spellings nearest to k within the bounded edit
// distance. The first letter must agree: typing slips rarely hit it, and it
// keeps "Romani" away from "Omani".
func (v *Vocabulary) matchFuzzy(k string) (Match, bool) {
	var runes [64]rune
	r := runes[:0]
	for _, c := range k {
		r = append(r, c)
	}
	limit := maxEdits(len(r))
	if limit == 0 {
		return Match{}, false
	}
	best := limit + 1
	var hits []fuzzyKey
	var stack [3 * 64]int // rows for editDistance, enough for most spellings
	mask := runeMask(r)
	for _, f := range v.sameFirst(r[0]) {
		if f.runes[0] != r[0] {
			continue
		}
		if editsAtLeast(mask, f.mask) > min(best, limit) {
			continue // editDistance would say more than min(best, limit)
		}
		d := editDistanceIn(r, f.runes, min(best, limit), stack[:0])
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
	return Match{Code: h.e.code, Confidence: conf, Reason: fmt.Sprintf("%d edit(s) from %q, %s", best, h.e.spelling, v.describe(h.e))}, true
}

// sameFirst narrows the fuzzy list to the keys that start with rune c, in
// the same order: sorted by key, such keys are side by side, between the
// first and the last of them that finish recorded.
func (v *Vocabulary) sameFirst(c rune) []fuzzyKey {
	if c == utf8.RuneError {
		return v.fuzzy
	}
	span := v.byFirst[c]
	return v.fuzzy[span[0]:span[1]]
}

// found is a vocabulary value found inside running text.
type found struct {
	code     string
	spelling string
	start    int // token index
	end      int
}

// findIn returns the vocabulary values named inside running text (a table
// title or sheet name), longest first and without overlaps. Only spellings
// that the vocabulary allows in titles count (for nationality: demonyms, so
// that "England and Wales" is not read as a nationality).
func (v *Vocabulary) findIn(text string) []found {
	ts := tokens(fold(text))
	var out []found
	used := make([]bool, len(ts))
	for n := min(6, len(ts)); n >= 1; n-- {
		for i := 0; i+n <= len(ts); i++ {
			if slices.Contains(used[i:i+n], true) {
				continue
			}
			k := strings.Join(ts[i:i+n], " ")
			es := v.exact[k]
			if len(es) != 1 || v.titleOK == nil || !v.titleOK(es[0]) {
				continue
			}
			for j := i; j < i+n; j++ {
				used[j] = true
			}
			out = append(out, found{code: es[0].code, spelling: es[0].spelling, start: i, end: i + n})
		}
	}
	return out
}
