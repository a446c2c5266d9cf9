package classify

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/foidesk/foidesk/internal/foi"
)

// A Labelled reply is one whose kind a person has given, with what the
// classifier made of it: a reply of the labelled corpora, or one a desk
// decided (foidesk inbox kinds --export), measured with foidesk classify
// --measure.
type Labelled struct {
	Name string
	// Producer is who wrote the letter: its force or authority, or the
	// group of forces that share one office's templates. Intervals
	// resample producers, not replies.
	Producer string
	Want     foi.Kind
	Got      Result
	// Unsure is set when the labeller noted the label could be read
	// another way.
	Unsure bool
	// RefLabelled is set when the labeller said which reference the reply
	// carries, or that it carries none; RefRight, when the classifier
	// found it.
	RefLabelled, RefRight bool
}

// SameMove reports whether two kinds move a request the same way: an
// acknowledgement and an automatic acknowledgement both only confirm
// receipt. Kinds right counts a reply given either as right for the other.
func SameMove(a, b foi.Kind) bool {
	ack := func(k foi.Kind) bool { return k == foi.KindAcknowledgement || k == foi.KindAutoAcknowledgement }
	return a == b || ack(a) && ack(b)
}

// SameHandling reports whether two kinds are handled alike: kinds that
// move a request the same way (SameMove), and the decisions on a request
// (an answer, a partial answer, a refusal, information not held), which
// all wait for a person and whose documents are read whatever the kind.
func SameHandling(a, b foi.Kind) bool {
	decision := func(k foi.Kind) bool {
		return k == foi.KindResponse || k == foi.KindPartialResponse || k == foi.KindRefusal || k == foi.KindNotHeld
	}
	return SameMove(a, b) || decision(a) && decision(b)
}

// ReferenceFound reports whether r found one of want (compared with
// NormaliseReference); with want empty, whether it found none.
func ReferenceFound(r Result, want []string) bool {
	if r.Reference == "" {
		return len(want) == 0
	}
	if len(want) == 0 {
		return false
	}
	for _, w := range want {
		for _, f := range append([]string{r.Reference}, r.References...) {
			if NormaliseReference(f) == NormaliseReference(w) {
				return true
			}
		}
	}
	return false
}

// Score is the classifier measured on a set of labelled replies. Kinds
// right are counted leniently (SameMove) unless named strict.
type Score struct {
	N, Strict, Lenient int
	Producers          int // distinct producers of the replies
	// Handled: given a kind handled as the right one is (SameHandling).
	Handled int
	// FirstTwo: the right kind is the classifier's or its first
	// alternative, the two a person is offered first; Offered: it is
	// among every kind offered.
	FirstTwo, Offered int
	// Refs of RefsLabelled: references found, of the replies whose
	// reference was labelled.
	Refs, RefsLabelled int
	// ConfWrong: wrong, and sure enough to move the request without a
	// person. ToPerson: waiting for a person, RightToPerson of them right.
	ConfWrong, ToPerson, RightToPerson int
	Unsure, UnsureRight                int                           // labels marked unsure, and of them right
	PerKind                            map[foi.Kind][2]int           // right (strict), total, by the label's kind
	Confusion                          map[foi.Kind]map[foi.Kind]int // label -> kind given, wrong ones only
}

// Measure scores the classifier on cases.
func Measure(cases []Labelled) Score {
	s := Score{PerKind: map[foi.Kind][2]int{}, Confusion: map[foi.Kind]map[foi.Kind]int{}}
	producers := map[string]bool{}
	for _, c := range cases {
		s.N++
		producers[c.Producer] = true
		pk := s.PerKind[c.Want]
		pk[1]++
		if c.Got.Kind == c.Want {
			s.Strict++
			pk[0]++
		} else {
			if s.Confusion[c.Want] == nil {
				s.Confusion[c.Want] = map[foi.Kind]int{}
			}
			s.Confusion[c.Want][c.Got.Kind]++
		}
		s.PerKind[c.Want] = pk
		right := SameMove(c.Got.Kind, c.Want)
		if right {
			s.Lenient++
		}
		if SameHandling(c.Got.Kind, c.Want) {
			s.Handled++
		}
		for i, k := range append([]foi.Kind{c.Got.Kind}, c.Got.Alternatives...) {
			if SameMove(k, c.Want) {
				if i < 2 {
					s.FirstTwo++
				}
				s.Offered++
				break
			}
		}
		if c.Unsure {
			s.Unsure++
			if right {
				s.UnsureRight++
			}
		}
		if c.RefLabelled {
			s.RefsLabelled++
			if c.RefRight {
				s.Refs++
			}
		}
		if person, _ := c.Got.NeedsPerson(false); person {
			s.ToPerson++
			if right {
				s.RightToPerson++
			}
		} else if !right {
			s.ConfWrong++
		}
	}
	s.Producers = len(producers)
	return s
}

func pct(a, n int) float64 {
	if n == 0 {
		return 0
	}
	return 100 * float64(a) / float64(n)
}

// Table gives s as a table under label: the totals, then each kind's
// replies right with what the wrong ones were given.
func (s Score) Table(label string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d replies\n", label, s.N)
	fmt.Fprintf(&b, "  kinds strict        %3d  %5.1f%%\n", s.Strict, pct(s.Strict, s.N))
	fmt.Fprintf(&b, "  kinds lenient       %3d  %5.1f%%  (acknowledgement = auto-acknowledgement)\n", s.Lenient, pct(s.Lenient, s.N))
	fmt.Fprintf(&b, "  handled alike       %3d  %5.1f%%  (answer, partial answer, refusal and not held as one: all wait for a person)\n", s.Handled, pct(s.Handled, s.N))
	fmt.Fprintf(&b, "  kind or first alt.  %3d  %5.1f%%  (the two kinds a person is offered first)\n", s.FirstTwo, pct(s.FirstTwo, s.N))
	fmt.Fprintf(&b, "  any kind offered    %3d  %5.1f%%  (the kind and its %d alternatives)\n", s.Offered, pct(s.Offered, s.N), maxAlternatives)
	switch s.RefsLabelled {
	case s.N:
		fmt.Fprintf(&b, "  references found    %3d  %5.1f%%\n", s.Refs, pct(s.Refs, s.N))
	case 0:
		fmt.Fprintf(&b, "  references found      -          (no reference labelled)\n")
	default:
		fmt.Fprintf(&b, "  references found    %3d  %5.1f%%  (of the %d replies whose reference is labelled)\n", s.Refs, pct(s.Refs, s.RefsLabelled), s.RefsLabelled)
	}
	fmt.Fprintf(&b, "  confidently wrong   %3d  %5.1f%%\n", s.ConfWrong, pct(s.ConfWrong, s.N))
	fmt.Fprintf(&b, "  sent to a person    %3d  %5.1f%%  (of them right: %d)\n", s.ToPerson, pct(s.ToPerson, s.N), s.RightToPerson)
	fmt.Fprintf(&b, "  labels sure         %3d  %s\n", s.N-s.Unsure, s.byLabel())
	for _, k := range precedence {
		pk, ok := s.PerKind[k]
		if !ok {
			continue
		}
		var conf []string
		for _, g := range precedence {
			if n := s.Confusion[k][g]; n > 0 {
				conf = append(conf, fmt.Sprintf("%s %d", g, n))
			}
		}
		fmt.Fprintln(&b, strings.TrimRight(fmt.Sprintf("  %-22s %3d/%-3d %5.1f%%  %s", k, pk[0], pk[1], pct(pk[0], pk[1]), strings.Join(conf, ", ")), " "))
	}
	return b.String()
}

// byLabel gives kinds right (lenient) on sure labels and on labels marked
// unsure.
func (s Score) byLabel() string {
	sure, sureRight := s.N-s.Unsure, s.Lenient-s.UnsureRight
	return fmt.Sprintf("kinds right %d (%.1f%%); marked unsure %d, right %d (%.1f%%)",
		sureRight, pct(sureRight, sure), s.Unsure, s.UnsureRight, pct(s.UnsureRight, s.Unsure))
}

// Summary gives s's totals on one line.
func (s Score) Summary() string {
	return fmt.Sprintf("%d replies, kinds (lenient) %d (%.1f%%), handled alike %d (%.1f%%), kind or first alternative %d (%.1f%%), any kind offered %d (%.1f%%), references %d (%.1f%%), confidently wrong %d (%.1f%%), to a person %d (%.1f%%); labels sure %d, %s",
		s.N, s.Lenient, pct(s.Lenient, s.N), s.Handled, pct(s.Handled, s.N), s.FirstTwo, pct(s.FirstTwo, s.N), s.Offered, pct(s.Offered, s.N), s.Refs, pct(s.Refs, s.RefsLabelled), s.ConfWrong, pct(s.ConfWrong, s.N), s.ToPerson, pct(s.ToPerson, s.N),
		s.N-s.Unsure, s.byLabel())
}

// ProducerInterval is a 95% interval for the share (in per cent) of cases
// right, from resampling whole producers: a percentile bootstrap of 2,000
// draws with a fixed seed. One producer's letters come from the same
// templates and are right or wrong together, so they are not independent
// draws, and a binomial interval over replies would be too narrow. Cases
// for which right says nothing (ok false) are left out.
func ProducerInterval[T any](cases []T, producer func(T) string, right func(T) (r, ok bool)) (lo, hi float64) {
	byProducer := map[string][2]int{} // right, replies
	for _, c := range cases {
		r, ok := right(c)
		if !ok {
			continue
		}
		p := producer(c)
		v := byProducer[p]
		v[1]++
		if r {
			v[0]++
		}
		byProducer[p] = v
	}
	if len(byProducer) == 0 {
		return 0, 0
	}
	var groups [][2]int
	for _, p := range slices.Sorted(maps.Keys(byProducer)) {
		groups = append(groups, byProducer[p])
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const draws = 2000
	shares := make([]float64, draws)
	for i := range shares {
		r, n := 0, 0
		for range groups {
			g := groups[rng.IntN(len(groups))]
			r, n = r+g[0], n+g[1]
		}
		shares[i] = pct(r, n)
	}
	slices.Sort(shares)
	return shares[draws*25/1000], shares[draws*975/1000-1]
}

// Intervals gives the producer-resampled 95% intervals of the kinds right
// (lenient), the kinds handled alike and, where labelled, the references
// found among cases.
func Intervals(cases []Labelled) string {
	producer := func(c Labelled) string { return c.Producer }
	klo, khi := ProducerInterval(cases, producer, func(c Labelled) (bool, bool) { return SameMove(c.Got.Kind, c.Want), true })
	hlo, hhi := ProducerInterval(cases, producer, func(c Labelled) (bool, bool) { return SameHandling(c.Got.Kind, c.Want), true })
	out := fmt.Sprintf("95%% intervals, resampling producers: kinds %.1f–%.1f%%, handled alike %.1f–%.1f%%", klo, khi, hlo, hhi)
	if slices.ContainsFunc(cases, func(c Labelled) bool { return c.RefLabelled }) {
		rlo, rhi := ProducerInterval(cases, producer, func(c Labelled) (bool, bool) { return c.RefRight, c.RefLabelled })
		out += fmt.Sprintf(", references %.1f–%.1f%%", rlo, rhi)
	}
	return out
}

// ByProducer tabulates kinds right (lenient) and references found per
// producer, most replies first, then a line for all.
func ByProducer(cases []Labelled) string {
	groups := map[string][]Labelled{}
	for _, c := range cases {
		groups[c.Producer] = append(groups[c.Producer], c)
	}
	names := slices.Collect(maps.Keys(groups))
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(len(groups[b])-len(groups[a]), strings.Compare(a, b)) })
	width := 28
	for _, p := range names {
		width = max(width, len(p))
	}
	var b strings.Builder
	line := func(name string, s Score) {
		fmt.Fprintf(&b, "  %-*s %3d replies  kinds %3d %5.1f%%", width, name, s.N, s.Lenient, pct(s.Lenient, s.N))
		if s.RefsLabelled > 0 {
			fmt.Fprintf(&b, "  references %3d %5.1f%%", s.Refs, pct(s.Refs, s.RefsLabelled))
		}
	}
	for _, p := range names {
		line(p, Measure(groups[p]))
		b.WriteByte('\n')
	}
	line("all", Measure(cases))
	return b.String()
}
