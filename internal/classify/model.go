package classify

import (
	"cmp"
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/foidesk/foidesk/internal/foi"
)

// The wording model: a naive Bayes model of the words of the tuning set's
// replies (see testdata/real/README.md), used only when no rule matched a
// reply. It names the kind whose replies a reply's words are most like,
// at a confidence below every kind's threshold, so a person always
// confirms it: it orders the operator's queue and proposes a kind, it
// never moves a request.
//
// model.txt is written by the tests from the tuning set alone
// (go test ./internal/classify -run TestWordingModel -update-model) and
// checked against it on every run, so it cannot drift from the corpus.

//go:embed model.txt
var modelText string

// modelConfidence is the confidence of a kind the model proposes: below
// every threshold of ConfidentAt, so always for a person.
const modelConfidence = 0.3

// modelKinds are the kinds the model may propose. Automatic replies and
// acknowledgements need their header or subject, which words alone do not
// show.
var modelKinds = []foi.Kind{foi.KindAcknowledgement, foi.KindClarification, foi.KindExtension,
	foi.KindRefusal, foi.KindNotHeld, foi.KindResponse, foi.KindPartialResponse, foi.KindInternalReview}

// modelMinDocs: a word must be in this many tuning replies to count.
const modelMinDocs = 2

type wordModel struct {
	kinds  []foi.Kind
	docs   []float64            // replies of each kind
	counts map[string][]float64 // word → replies of each kind holding it

	once sync.Once
	base []float64 // per kind: log prior + log chance of no word present
}

var (
	modelOnce   sync.Once
	loadedModel *wordModel
	modelErr    error
)

func theModel() (*wordModel, error) {
	modelOnce.Do(func() { loadedModel, modelErr = parseModel(modelText) })
	return loadedModel, modelErr
}

// modelWords are the distinct words and word pairs of a reply's subject
// and counted text, lower-cased; numbers, one- and two-letter words and
// the header lines of forwarded mail are left out.
func modelWords(subject, kept string) []string {
	var body strings.Builder
	for line := range strings.Lines(kept) {
		// "From: ...", "Sent: Mon, 2 Mar 2026": a forwarded message's
		// header is the mail's, not the reply's wording.
		if !forwardHeaderRe.MatchString(line) {
			body.WriteString(line)
		}
	}
	kept = body.String()
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for _, text := range []string{subject, kept} {
		prev := ""
		for _, f := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len([]rune(f)) < 3 {
				prev = ""
				continue
			}
			add(f)
			if prev != "" {
				add(prev + "_" + f)
			}
			prev = f
		}
	}
	return out
}

// trainModel counts, for each kind of modelKinds, the replies holding each
// word; words in fewer than modelMinDocs replies are dropped.
func trainModel(examples []modelExample) *wordModel {
	m := &wordModel{kinds: modelKinds, docs: make([]float64, len(modelKinds)), counts: map[string][]float64{}}
	df := map[string]int{}
	for _, ex := range examples {
		i := kindIndex(m.kinds, ex.Kind)
		if i < 0 {
			continue
		}
		m.docs[i]++
		for _, w := range ex.Words {
			c := m.counts[w]
			if c == nil {
				c = make([]float64, len(m.kinds))
				m.counts[w] = c
			}
			c[i]++
			df[w]++
		}
	}
	for w, n := range df {
		if n < modelMinDocs {
			delete(m.counts, w)
		}
	}
	return m
}

// modelExample is one labelled reply's words.
type modelExample struct {
	Kind  foi.Kind
	Words []string
}

func kindIndex(kinds []foi.Kind, k foi.Kind) int {
	for i, x := range kinds {
		if x == k {
			return i
		}
	}
	return -1
}

// predict returns the kind whose replies the words are most like, and the
// model's probability of it (Bernoulli naive Bayes: each known word's
// presence or absence, smoothed); ok is false when too few of the words
// are known to say.
func (m *wordModel) predict(words []string) (k foi.Kind, p float64, ok bool) {
	ranked := m.rank(words)
	if len(ranked) == 0 {
		return foi.KindOther, 0, false
	}
	return ranked[0].kind, ranked[0].p, true
}

// kindChance is one kind of a ranking and the model's probability of it.
type kindChance struct {
	kind foi.Kind
	p    float64
}

// rank returns every kind of the model, the likeliest first, with its
// probability; nil when too few of the words are known to say.
func (m *wordModel) rank(words []string) []kindChance {
	m.prepare()
	score := slices.Clone(m.base)
	known := 0
	for _, w := range words {
		c, found := m.counts[w]
		if !found {
			continue
		}
		known++
		for i := range m.kinds {
			q := m.prob(c[i], i)
			score[i] += math.Log(q) - math.Log(1-q)
		}
	}
	if known < 5 {
		return nil
	}
	top := slices.Max(score)
	sum := 0.0
	for i := range score {
		sum += math.Exp(score[i] - top)
	}
	out := make([]kindChance, len(m.kinds))
	for i, k := range m.kinds {
		out[i] = kindChance{kind: k, p: math.Exp(score[i]-top) / sum}
	}
	// Stable, so that ties keep the model's order of kinds, as predict
	// always did.
	slices.SortStableFunc(out, func(a, b kindChance) int { return cmp.Compare(b.p, a.p) })
	return out
}

// telling returns up to n of words that most set kind k apart: those whose
// presence the model finds likeliest in replies of k against the other
// kinds' average, and at least twice as likely. It shows a person why the
// model proposed k; the model's own probability, which naive Bayes
// overstates, is not shown.
func (m *wordModel) telling(words []string, k foi.Kind, n int) []string {
	i := kindIndex(m.kinds, k)
	if i < 0 {
		return nil
	}
	type lift struct {
		word string
		by   float64
	}
	var ls []lift
	for _, w := range words {
		c, found := m.counts[w]
		if !found {
			continue
		}
		others := 0.0
		for j := range m.kinds {
			if j != i {
				others += m.prob(c[j], j)
			}
		}
		others /= float64(len(m.kinds) - 1)
		if by := m.prob(c[i], i) / others; by >= 2 {
			ls = append(ls, lift{strings.ReplaceAll(w, "_", " "), by})
		}
	}
	slices.SortStableFunc(ls, func(a, b lift) int { return cmp.Compare(b.by, a.by) })
	// A word already shown within a pair ("thank" and "thank you"), or a
	// pair holding a word shown, adds nothing.
	overlaps := func(a, b string) bool {
		return slices.Contains(strings.Fields(a), b) || slices.Contains(strings.Fields(b), a)
	}
	var out []string
	for _, l := range ls {
		if len(out) == n {
			break
		}
		if !slices.ContainsFunc(out, func(o string) bool { return overlaps(o, l.word) }) {
			out = append(out, l.word)
		}
	}
	return out
}

// prob is the smoothed chance that a reply of kind i holds a word found in
// n of them.
func (m *wordModel) prob(n float64, i int) float64 { return (n + 0.5) / (m.docs[i] + 1) }

// prepare computes, once, each kind's log prior plus the log chance of
// every word of the model being absent.
func (m *wordModel) prepare() {
	m.once.Do(func() {
		total := 0.0
		for _, d := range m.docs {
			total += d
		}
		m.base = make([]float64, len(m.kinds))
		for i := range m.kinds {
			m.base[i] = math.Log((m.docs[i] + 1) / (total + float64(len(m.kinds))))
		}
		for _, c := range m.counts {
			for i := range m.kinds {
				m.base[i] += math.Log(1 - m.prob(c[i], i))
			}
		}
	})
}

// format writes the model as model.txt: a line of the kinds with their
// reply counts, then one line per word, sorted, with its counts.
func (m *wordModel) format() string {
	var b strings.Builder
	b.WriteString("# foidesk wording model: replies per kind, then per word the replies of each kind holding it\n")
	for i, k := range m.kinds {
		if i > 0 {
			b.WriteByte('\t')
		}
		fmt.Fprintf(&b, "%s=%g", k, m.docs[i])
	}
	b.WriteByte('\n')
	words := make([]string, 0, len(m.counts))
	for w := range m.counts {
		words = append(words, w)
	}
	slices.Sort(words)
	for _, w := range words {
		b.WriteString(w)
		for _, c := range m.counts[w] {
			b.WriteByte('\t')
			b.WriteString(strconv.FormatFloat(c, 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func parseModel(text string) (*wordModel, error) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "#") {
		return nil, fmt.Errorf("classify: wording model: no header")
	}
	m := &wordModel{counts: map[string][]float64{}}
	for _, f := range strings.Split(lines[1], "\t") {
		k, n, found := strings.Cut(f, "=")
		v, err := strconv.ParseFloat(n, 64)
		if !found || err != nil || !foi.Kind(k).Valid() {
			return nil, fmt.Errorf("classify: wording model: bad kind count %q", f)
		}
		m.kinds = append(m.kinds, foi.Kind(k))
		m.docs = append(m.docs, v)
	}
	for i, l := range lines[2:] {
		f := strings.Split(l, "\t")
		if len(f) != len(m.kinds)+1 {
			return nil, fmt.Errorf("classify: wording model: line %d has %d fields, want %d", i+3, len(f), len(m.kinds)+1)
		}
		c := make([]float64, len(m.kinds))
		for j := range c {
			v, err := strconv.ParseFloat(f[j+1], 64)
			if err != nil {
				return nil, fmt.Errorf("classify: wording model: line %d: %w", i+3, err)
			}
			c[j] = v
		}
		m.counts[f[0]] = c
	}
	return m, nil
}
