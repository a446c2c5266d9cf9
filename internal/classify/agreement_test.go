package classify

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/foi"
)

// A second labeller labelled a sample of the held-out replies again, from
// the message alone, by the same labelling rules, without seeing the first
// labels, the notes, the file names or the sources (testdata/second). How
// often two people agree bounds what any classifier can be shown to get
// right on these replies, and the replies both label alike are the ones
// whose kind is not in doubt.

// secondLabel is the second labeller's reading of one reply.
type secondLabel struct {
	path   string // collection/file.txt under testdata
	kind   foi.Kind
	ref    string // "" for none; alternatives separated by " | "
	unsure bool
	alt    foi.Kind // the other reading when unsure
}

// readSecondLabels reads testdata/second/labels.tsv: the path of a reply
// under testdata, its kind, its reference (or none), sure or unsure, and
// the other kind when unsure (or -). Lines starting with # are comments.
func readSecondLabels(t *testing.T) []secondLabel {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "second", "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kind := func(s string) (foi.Kind, bool) {
		k := foi.Kind(strings.ReplaceAll(strings.TrimSpace(s), "-", "_"))
		return k, k.Valid()
	}
	var labels []secondLabel
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("second/labels.tsv:%d: %d columns, want 5", n, len(cols))
		}
		l := secondLabel{path: cols[0], ref: strings.TrimSpace(cols[2])}
		var ok bool
		if l.kind, ok = kind(cols[1]); !ok {
			t.Fatalf("second/labels.tsv:%d: unknown kind %q", n, cols[1])
		}
		switch cols[3] {
		case "sure":
		case "unsure":
			l.unsure = true
			if l.alt, ok = kind(cols[4]); !ok {
				t.Fatalf("second/labels.tsv:%d: unsure, with no other kind", n)
			}
		default:
			t.Fatalf("second/labels.tsv:%d: %q is neither sure nor unsure", n, cols[3])
		}
		if strings.EqualFold(l.ref, "none") {
			l.ref = ""
		}
		if seen[l.path] {
			t.Fatalf("second/labels.tsv:%d: %s labelled twice", n, l.path)
		}
		seen[l.path] = true
		labels = append(labels, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return labels
}

// heldOutReply reports whether the reply at path (collection/file.txt) of
// force is held out from tuning.
func heldOutReply(dir, force string) bool {
	if dir == "real" {
		return !isTuningForce(force)
	}
	if strings.HasPrefix(dir, "heldout") {
		return dir != "heldout5" // new letters of tuning producers
	}
	if dir == "public" {
		return !publicTuning(force)
	}
	for _, hc := range heldOutCollections {
		if hc.dir == dir {
			return true
		}
	}
	return false
}

// agreement is the measure of two labellings and of the classifier
// against both.
type agreement struct {
	n, police                  int
	agree, agreeLenient        int
	bothSure, bothSureAgree    int
	bothSureRight              int // classifier right (lenient) where both labellers are sure and agree
	refsAgree                  int
	firstKinds, secondKinds    map[foi.Kind]int
	pairs                      map[[2]foi.Kind]int // first -> second, where they differ (lenient)
	byFirst, bySecond          int                 // classifier right (lenient) by each label
	onAgreed, onAgreedRight    int                 // replies both label alike (lenient), and classifier right on them
	onAgreedWrong              int                 // acted on, and wrong by the agreed label
	eitherRight                int                 // right by either label or a named other reading
	refsFirst, refsSecond      int                 // references found by each labelling
	agreedRefs, agreedRefFound int                 // replies whose references both give alike, and found
}

func measureAgreement(firsts []realCase, seconds []secondLabel) agreement {
	a := agreement{firstKinds: map[foi.Kind]int{}, secondKinds: map[foi.Kind]int{}, pairs: map[[2]foi.Kind]int{}}
	for i, c := range firsts {
		s := seconds[i]
		a.n++
		if !strings.HasPrefix(s.path, "public") {
			a.police++
		}
		a.firstKinds[c.want]++
		a.secondKinds[s.kind]++
		if c.want == s.kind {
			a.agree++
		}
		same := SameMove(c.want, s.kind)
		if same {
			a.agreeLenient++
		} else {
			a.pairs[[2]foi.Kind{c.want, s.kind}]++
		}
		if !c.unsure && !s.unsure {
			a.bothSure++
			if same {
				a.bothSureAgree++
				if SameMove(c.got.Kind, c.want) {
					a.bothSureRight++
				}
			}
		}
		second := c
		second.ref = s.ref
		refsAlike := sameRefs(c.ref, s.ref)
		if refsAlike {
			a.refsAgree++
		}
		if refFound(c) {
			a.refsFirst++
		}
		if refFound(second) {
			a.refsSecond++
		}
		if refsAlike {
			a.agreedRefs++
			if refFound(c) {
				a.agreedRefFound++
			}
		}
		got := c.got.Kind
		if SameMove(got, c.want) {
			a.byFirst++
		}
		if SameMove(got, s.kind) {
			a.bySecond++
		}
		if SameMove(got, c.want) || SameMove(got, s.kind) || s.unsure && SameMove(got, s.alt) {
			a.eitherRight++
		}
		if same {
			a.onAgreed++
			person, _ := c.got.NeedsPerson(false)
			switch {
			case SameMove(got, c.want):
				a.onAgreedRight++
			case !person:
				a.onAgreedWrong++
			}
		}
	}
	return a
}

// sameRefs reports whether two labelled references ("" for none,
// alternatives separated by " | ") name the same request.
func sameRefs(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	for _, x := range strings.Split(a, " | ") {
		for _, y := range strings.Split(b, " | ") {
			if NormaliseReference(x) == NormaliseReference(y) {
				return true
			}
		}
	}
	return false
}

// kappa is Cohen's kappa of the two labellings' kinds (strict).
func (a agreement) kappa() float64 {
	n := float64(a.n)
	var pe float64
	for k, x := range a.firstKinds {
		pe += float64(x) / n * float64(a.secondKinds[k]) / n
	}
	po := float64(a.agree) / n
	return (po - pe) / (1 - pe)
}

func (a agreement) report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "second labelling of %d replies (%d police, %d public bodies):\n", a.n, a.police, a.n-a.police)
	fmt.Fprintf(&b, "  labellers agree on the kind      %3d  %5.1f%%  (strict %d, Cohen's kappa %.2f)\n", a.agreeLenient, pct(a.agreeLenient, a.n), a.agree, a.kappa())
	fmt.Fprintf(&b, "  both labellers sure              %3d  of them agree %d (%.1f%%)\n", a.bothSure, a.bothSureAgree, pct(a.bothSureAgree, a.bothSure))
	fmt.Fprintf(&b, "  labellers agree on the reference %3d  %5.1f%%\n", a.refsAgree, pct(a.refsAgree, a.n))
	type pair struct {
		k [2]foi.Kind
		n int
	}
	var ps []pair
	for k, n := range a.pairs {
		ps = append(ps, pair{k, n})
	}
	slices.SortFunc(ps, func(x, y pair) int {
		if x.n != y.n {
			return y.n - x.n
		}
		return strings.Compare(string(x.k[0])+string(x.k[1]), string(y.k[0])+string(y.k[1]))
	})
	var pairs []string
	for _, p := range ps {
		pairs = append(pairs, fmt.Sprintf("%s/%s %d", p.k[0], p.k[1], p.n))
	}
	fmt.Fprintf(&b, "  where they differ (first/second): %s\n", strings.Join(pairs, ", "))
	fmt.Fprintf(&b, "classifier on the same replies:\n")
	fmt.Fprintf(&b, "  kinds right by the first label   %3d  %5.1f%%\n", a.byFirst, pct(a.byFirst, a.n))
	fmt.Fprintf(&b, "  kinds right by the second label  %3d  %5.1f%%\n", a.bySecond, pct(a.bySecond, a.n))
	fmt.Fprintf(&b, "  replies both label alike         %3d  kinds right %d (%.1f%%), acted on wrongly %d\n", a.onAgreed, a.onAgreedRight, pct(a.onAgreedRight, a.onAgreed), a.onAgreedWrong)
	fmt.Fprintf(&b, "  both sure and alike              %3d  kinds right %d (%.1f%%)\n", a.bothSureAgree, a.bothSureRight, pct(a.bothSureRight, a.bothSureAgree))
	fmt.Fprintf(&b, "  right by either labelling        %3d  %5.1f%%  (either label, or the second's other reading)\n", a.eitherRight, pct(a.eitherRight, a.n))
	fmt.Fprintf(&b, "  references found, first labels   %3d  %5.1f%%; second labels %d (%.1f%%)\n", a.refsFirst, pct(a.refsFirst, a.n), a.refsSecond, pct(a.refsSecond, a.n))
	fmt.Fprintf(&b, "  references both label alike      %3d  found %d (%.1f%%)\n", a.agreedRefs, a.agreedRefFound, pct(a.agreedRefFound, a.agreedRefs))
	return b.String()
}

// TestSecondLabels measures how far two labellers agree on the held-out
// replies of testdata/second, and the classifier on the replies whose kind
// both give alike. Totals only: nothing of a held-out reply is printed.
func TestSecondLabels(t *testing.T) {
	seconds := readSecondLabels(t)
	if len(seconds) < 100 {
		t.Fatalf("%d replies labelled a second time, want 100 or more", len(seconds))
	}
	loaded := map[string]map[string]realCase{}
	firsts := make([]realCase, 0, len(seconds))
	// hf, hs: the replies still held out; pf, ps: of them, the police ones.
	var hf, pf []realCase
	var hs, ps []secondLabel
	for _, s := range seconds {
		dir, file, ok := strings.Cut(s.path, "/")
		if !ok || strings.Contains(file, "/") {
			t.Fatalf("second/labels.tsv: %q is not collection/file", s.path)
		}
		if loaded[dir] == nil {
			loaded[dir] = map[string]realCase{}
			for _, c := range loadRealCases(t, dir, true) {
				loaded[dir][c.name+".txt"] = c
			}
		}
		c, ok := loaded[dir][file]
		if !ok {
			t.Fatalf("second/labels.tsv: no reply %s", s.path)
		}
		// Every reply was held out when it was labelled a second time;
		// those of a collection tuned on since count for the labellers'
		// agreement, not for the classifier's.
		held := heldOutReply(dir, c.force)
		if !held && !slices.Contains(movedToTuning, dir) {
			t.Fatalf("second/labels.tsv: %s is not held out", s.path)
		}
		firsts = append(firsts, c)
		if held {
			hf, hs = append(hf, c), append(hs, s)
			if !strings.HasPrefix(s.path, "public") {
				pf, ps = append(pf, c), append(ps, s)
			}
		}
	}
	t.Log("every reply labelled twice (the classifier's figures include collections tuned on since):\n" + measureAgreement(firsts, seconds).report())
	a := measureAgreement(hf, hs)
	t.Log("held-out replies only:\n" + a.report())
	t.Log("police forces only:\n" + measureAgreement(pf, ps).report())
	if a.onAgreedWrong > 0 {
		t.Errorf("%d replies acted on against the kind both labellers give", a.onAgreedWrong)
	}
	if r := pct(a.onAgreedRight, a.onAgreed); r < floorAgreedKinds {
		t.Errorf("kinds right on replies both label alike: %.1f%%, below the floor %d%%", r, floorAgreedKinds)
	}
	if r := pct(a.agreedRefFound, a.agreedRefs); r < floorAgreedRefs {
		t.Errorf("references found where both labels give the same: %.1f%%, below the floor %d%%", r, floorAgreedRefs)
	}
}

// Floors below the first measure (testdata/second/README.md): kinds right
// 71.4% of the replies both label alike, references found 90.6% of those
// whose reference both give alike.
const (
	floorAgreedKinds = 65
	floorAgreedRefs  = 85
)
