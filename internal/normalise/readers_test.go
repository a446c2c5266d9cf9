package normalise

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/extract"
)

// Today's readers against the references in reference_test.go, on
// randomised texts built from the characters and words that matter to
// each reader.

// draws is how many randomised inputs a comparison takes: fewer under the
// race detector.
func draws(n int) int {
	if raceDetector {
		return n / 10
	}
	return n
}

// randomText strings together pieces drawn from pieces.
func randomText(r *rand.Rand, pieces []string, maxPieces int) string {
	var b strings.Builder
	for range r.IntN(maxPieces + 1) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

var (
	valuePieces = []string{
		"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "1", "5", "9", "12", "345", "1000",
		",", ",", ".", " ", " ", "  ", "\t", "\n", "\u00a0", "\u202f", "\u2009", "-", "+", "–", "—", "−",
		"<", "<=", "≤", "*", "**", "†", "¹", "²", "(", ")", "[", "]", "(a)", "[b]", "(r)", "(p)", "[note 1]",
		"(note 2)", "x", "X", "c", "n/a", "N/A", "nil", "none", "zero", "to", " to ", "fewer than ", "under ",
		"redacted", "..", "~", "#", ":", "e", "E", "é", "n", "a", "s40", "unknown",
	}
	textPieces = []string{
		"a", "b", "e", "i", "o", "s", "t", "y", "A", "P", "S", "T", "Z", "pol", "ish", "ies", "ss", "us", "is",
		" ", " ", "  ", "-", "_", ".", ",", "'", "’", "`", "&", "(", ")", "[", "]", "/", "\t",
		"é", "É", "ø", "ß", "æ", "Œ", "ł", "ı", "þ", "ð", "ü", "ñ", "ç", "ʼ", "\u0301", "\u00a0",
		"0", "1", "2", "12", "2023", "st", "St.", "isl", "rep", "dem", "excl", "inc", "of", "the", "and",
		"national", "nationals", "offence", "offences", "group", "total", "Total", "sub", "grand", "all",
		"overall", "totals", "subtotal", "for", "count", "number", "no", "cr", "crs", "community", "resolution",
		"resolutions", "outcome", "Polish", "Romanian", "Theft", "Drug", "people", "citizen",
	}
)

func sameValue(t *testing.T, what string, got, want Value, gerr, werr error) {
	t.Helper()
	if (gerr == nil) != (werr == nil) || gerr != nil && (gerr.Error() != werr.Error() || errors.Is(gerr, ErrNotValue) != errors.Is(werr, ErrNotValue)) {
		t.Fatalf("%s: error %v, want %v", what, gerr, werr)
	}
	if (got.Number == nil) != (want.Number == nil) || got.Number != nil && math.Float64bits(*got.Number) != math.Float64bits(*want.Number) {
		t.Fatalf("%s: number %v, want %v", what, got.Number, want.Number)
	}
	got.Number, want.Number = nil, nil
	if got != want {
		t.Fatalf("%s: %+v, want %+v", what, got, want)
	}
}

func TestParseValueMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	texts := append([]string{}, eqOddValues...)
	for range draws(100_000) {
		texts = append(texts, randomText(r, valuePieces, 6))
	}
	for i := range draws(20_000) {
		texts = append(texts, fmt.Sprint(i), addCommas(r.IntN(1e9)), fmt.Sprintf("%d.%d", r.IntN(1e6), r.IntN(1000)), strings.Repeat("9", i%80))
	}
	for _, s := range texts {
		v, err := ParseValue(s)
		w, werr := refParseValue(s)
		sameValue(t, fmt.Sprintf("ParseValue(%q)", s), v, w, err, werr)
		if got, want := isFigure(s), werr == nil && w.Flag != FlagBlank; got != want {
			t.Fatalf("isFigure(%q) = %v, want %v", s, got, want)
		}
		f, ferr := readFigure(s)
		sameValue(t, fmt.Sprintf("readFigure(%q)", s), f.value(), w, ferr, werr)
	}
}

func TestParseCellMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	numbers := []float64{0, 1, 12, 12.4, 1234, -3, 1200, 0.5, math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 1e300}
	for range draws(100_000) {
		c := extract.Cell{Text: randomText(r, valuePieces, 5)}
		if r.IntN(3) == 0 {
			c.Text = fmt.Sprint(r.IntN(2000))
		}
		switch r.IntN(4) {
		case 0:
		case 1:
			n := numbers[r.IntN(len(numbers))]
			c.Number = &n
		default:
			if v, err := refParseValue(c.Text); err == nil && v.Number != nil {
				n := *v.Number
				if r.IntN(3) == 0 {
					n += float64(r.IntN(3)) * 0.3
				}
				c.Number = &n
			}
		}
		v, err := ParseCell(c)
		w, werr := refParseCell(c)
		sameValue(t, fmt.Sprintf("ParseCell(%q, %v)", c.Text, c.Number), v, w, err, werr)
		f, ferr := readCell(&c)
		sameValue(t, fmt.Sprintf("readCell(%q, %v)", c.Text, c.Number), f.value(), w, ferr, werr)
	}
}

// refParsePeriod is ParsePeriod before all-digit texts had a reading of
// their own: the same checks, then the general reading.
func refParsePeriod(s string) (ParsedPeriod, error) {
	if len(s) > maxPeriodText {
		return ParsedPeriod{}, fmt.Errorf("%w: text too long", ErrNotPeriod)
	}
	if !hasTwoDigits(s) {
		return ParsedPeriod{}, fmt.Errorf("%w: no year in %q", ErrNotPeriod, s)
	}
	return parsePeriodText(s)
}

func TestParsePeriodMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 3))
	texts := append([]string{}, eqPeriods...)
	for i := range draws(3000) {
		texts = append(texts, fmt.Sprint(i), fmt.Sprintf("%04d", i), fmt.Sprint(r.IntN(1e9)))
	}
	for range draws(20_000) {
		texts = append(texts, randomText(r, append([]string{"20", "19", "2023", "/", "-", " ", "Jan", "FY", "(", ")", "to date"}, valuePieces...), 5))
	}
	d := newDimMatcher(Dimension{Name: "period", Kind: DimPeriod}, nil)
	for _, s := range texts {
		p, err := ParsePeriod(s)
		q, qerr := refParsePeriod(s)
		if (err == nil) != (qerr == nil) || err != nil && (err.Error() != qerr.Error() || !errors.Is(err, ErrNotPeriod) || errors.Is(err, errYearBounds) != errors.Is(qerr, errYearBounds)) {
			t.Fatalf("ParsePeriod(%q): error %v, want %v", s, err, qerr)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("ParsePeriod(%q) = %+v, want %+v", s, p, q)
		}
		if rp, ok := d.readPeriod(s); ok != (qerr == nil) || !reflect.DeepEqual(rp, q) {
			t.Fatalf("readPeriod(%q) = %+v %v, want %+v %v", s, rp, ok, q, qerr)
		}
	}
}

func TestTextFoldingMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 4))
	noise := []map[string]bool{nil, nationalityNoise, offenceNoise}
	for range draws(200_000) {
		s := randomText(r, textPieces, 8)
		if got, want := fold(s), refFold(s); got != want {
			t.Fatalf("fold(%q) = %q, want %q", s, got, want)
		}
		k := key(s)
		if want := refKey(s); k != want {
			t.Fatalf("key(%q) = %q, want %q", s, k, want)
		}
		if got, want := tokenSetKey(k), refTokenSetKey(k); got != want {
			t.Fatalf("tokenSetKey(%q) = %q, want %q", k, got, want)
		}
		for _, x := range []string{k, s} { // s: any spacing
			if got, want := string(appendTokenSetKey(nil, x)), refTokenSetKey(x); got != want {
				t.Fatalf("appendTokenSetKey(%q) = %q, want %q", x, got, want)
			}
		}
		n := noise[r.IntN(len(noise))]
		for _, x := range []string{k, s} {
			if got, want := withoutNoise(x, n), refWithoutNoise(x, n); got != want {
				t.Fatalf("withoutNoise(%q) = %q, want %q", x, got, want)
			}
		}
		if got, want := normaliseSpace(s), extract.NormaliseSpace(s); got != want {
			t.Fatalf("normaliseSpace(%q) = %q, want %q", s, got, want)
		}
		if got, want := indexOpenBracket(s), strings.IndexAny(s, "(["); got != want {
			t.Fatalf("indexOpenBracket(%q) = %d, want %d", s, got, want)
		}
		ok, rest := totalOf(s)
		wok, wrest := refTotalOf(s)
		if ok != wok || rest != wrest {
			t.Fatalf("totalOf(%q) = %v %q, want %v %q", s, ok, rest, wok, wrest)
		}
		if mayBeTotal(s) == false && wok {
			t.Fatalf("mayBeTotal(%q) is false for a total", s)
		}
	}
}

func TestMeasureHeaderMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 5))
	measures := []Measure{
		{Name: "community_resolutions"},
		{Name: "stops", Headers: []string{"Stops and searches", "S&S"}},
		{Name: "a"},
		{Name: "number_of_community_resolutions", Headers: []string{"No. of CRs"}},
	}
	for _, ms := range measures {
		mm := newMeasureMatcher(ms)
		for range draws(50_000) {
			s := randomText(r, textPieces, 5)
			if got, want := mm.matchKey(key(s)), refMeasureHeader(s, ms); got != want {
				t.Fatalf("measure %q, heading %q: %v, want %v", ms.Name, s, got, want)
			}
		}
	}
}

func TestEditDistanceMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 6))
	letters := []rune("abcdeé ")
	word := func() []rune {
		w := make([]rune, r.IntN(12))
		for i := range w {
			w[i] = letters[r.IntN(len(letters))]
		}
		return w
	}
	var buf [3 * 64]int
	for range draws(200_000) {
		a, b, lim := word(), word(), r.IntN(5)
		want := refEditDistance(a, b, lim)
		if got := editDistanceIn(a, b, lim, buf[:0]); got != want {
			t.Fatalf("editDistance(%q, %q, %d) = %d, want %d", string(a), string(b), lim, got, want)
		}
		if lb := editsAtLeast(runeMask(a), runeMask(b)); lb > refEditDistance(a, b, 64) {
			t.Fatalf("bound %d above the distance of %q and %q", lb, string(a), string(b))
		}
	}
}

func TestHeaderNamesMatchReference(t *testing.T) {
	for _, d := range []Dimension{
		{Name: "period", Kind: DimPeriod},
		{Name: "nationality", Kind: DimNationality, Headers: []string{"Citizenship of person", "Nationality"}},
		{Name: "offence_group", Kind: DimOffenceGroup},
		{Name: "outcome", Kind: DimCategory, Headers: []string{"Outcome type"}},
	} {
		if got, want := headerNames(d), refHeaderNames(d); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %v, want %v", d.Name, got, want)
		}
	}
}

// vocabularyTexts are labels as forces write them, and slips of them.
func vocabularyTexts(r *rand.Rand, v *Vocabulary) []string {
	var out []string
	out = append(out, eqNats...)
	out = append(out, eqOffs...)
	out = append(out, eqTotals...)
	for _, e := range v.order {
		out = append(out, e.spelling, strings.ToUpper(e.spelling), e.spelling+" nationals", e.code)
	}
	base := append([]string{}, out...)
	for range draws(30_000) {
		s := []rune(base[r.IntN(len(base))])
		switch r.IntN(6) {
		case 0: // transposition
			if len(s) > 3 {
				i := r.IntN(len(s) - 1)
				s[i], s[i+1] = s[i+1], s[i]
			}
		case 1: // deletion
			if len(s) > 2 {
				i := r.IntN(len(s))
				s = append(s[:i], s[i+1:]...)
			}
		case 2: // substitution
			if len(s) > 0 {
				s[r.IntN(len(s))] = rune('a' + r.IntN(26))
			}
		case 3: // two labels, one in brackets
			s = []rune(string(s) + " (" + base[r.IntN(len(base))] + ")")
		case 4: // insertion
			i := r.IntN(len(s) + 1)
			s = append(s[:i], append([]rune{rune('a' + r.IntN(26))}, s[i:]...)...)
		}
		out = append(out, string(s))
	}
	return out
}

func TestVocabularyMatchMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 7))
	syn := NewVocabulary("outcome", map[string][]string{"caution": {"Cautioned", "Community resolution"}, "fine": {"Penalty notice", "PND"}, "warning": nil})
	for _, v := range []*Vocabulary{Nationalities(), OffenceGroups(), syn} {
		for _, es := range v.exact {
			for _, e := range es {
				e2 := e
				e2.desc = ""
				if e.desc != v.refDescribe(e2) {
					t.Fatalf("%s: %+v described %q, want %q", v.name, e, e.desc, v.refDescribe(e2))
				}
			}
		}
		for _, s := range vocabularyTexts(r, v)[:draws(20_000)] {
			for _, fuzzy := range []bool{false, true} {
				if got, want := v.match(s, fuzzy), v.refMatch(s, fuzzy); !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: match(%q, %v) = %+v, want %+v", v.name, s, fuzzy, got, want)
				}
			}
		}
	}
}

func TestDimensionMatchMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 8))
	schemas := equivSchemas(t)
	var dims []*dimMatcher
	for _, s := range schemas {
		for _, d := range s.Dimensions {
			if d.Kind != DimPeriod {
				dims = append(dims, newDimMatcher(d, nil), newDimMatcher(d, map[string]string{"Martian": "OTHER", "Polish": "ROU"}))
			}
		}
	}
	dims = append(dims, newDimMatcher(Dimension{Name: "nationality", Kind: DimNationality, Values: []string{"POL", "ROU", "GBR"}}, nil))
	texts := vocabularyTexts(r, Nationalities())
	for _, d := range dims {
		// Twice: the second reading comes from the vocabularies' memo.
		for round := range 2 {
			for _, s := range texts[:draws(8000)] {
				if got, want := d.compute(s), d.refCompute(s); !reflect.DeepEqual(got, want) {
					t.Fatalf("%s round %d: %q = %+v, want %+v", d.dim.Name, round, s, got, want)
				}
			}
		}
	}
}

func TestFmtNumMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 9))
	fs := []float64{0, math.Copysign(0, -1), 1, -1, 1e15, 1e15 - 1, -1e15 + 1, 1e16, 0.5, 1e-7, math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64}
	for range draws(100_000) {
		fs = append(fs, float64(r.IntN(1e9)-5e8), r.NormFloat64()*1e6, float64(r.Int64()))
	}
	for _, f := range fs {
		if got, want := fmtNum(f), refFmtNum(f); got != want {
			t.Fatalf("fmtNum(%v) = %q, want %q", f, got, want)
		}
	}
}

// FuzzParseValueMatchesReference: for any text, ParseValue and ParseCell
// answer as the previous readers did.
func FuzzParseValueMatchesReference(f *testing.F) {
	for _, s := range eqOddValues {
		f.Add(s, 12.0, true)
	}
	f.Fuzz(func(t *testing.T, s string, n float64, typed bool) {
		v, err := ParseValue(s)
		w, werr := refParseValue(s)
		sameValue(t, fmt.Sprintf("ParseValue(%q)", s), v, w, err, werr)
		c := extract.Cell{Text: s}
		if typed {
			c.Number = &n
		}
		v, err = ParseCell(c)
		w, werr = refParseCell(c)
		sameValue(t, fmt.Sprintf("ParseCell(%q, %v)", s, n), v, w, err, werr)
	})
}

// FuzzKeyMatchesReference: for any text, fold and key answer as the
// previous ones did.
func FuzzKeyMatchesReference(f *testing.F) {
	for _, s := range append(append([]string{}, eqNats...), eqOffs...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := key(s), refKey(s); got != want {
			t.Fatalf("key(%q) = %q, want %q", s, got, want)
		}
		if got, want := normaliseSpace(s), extract.NormaliseSpace(s); got != want {
			t.Fatalf("normaliseSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
