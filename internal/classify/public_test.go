package classify

import (
	"fmt"
	"hash/fnv"
	"os"
	"slices"
	"strings"
	"testing"
)

// Replies of public bodies other than police (councils, NHS bodies, fire
// services, government departments, universities) in testdata/public:
// the same Act and the same kinds, written by other producers. They test
// whether the rules generalise beyond police templates.
//
// The set is split by authority, fixed before any of it was classified:
// an authority whose slug hashes (FNV-1a, 32 bits) to an even number is in
// the tuning half, whose wording the rules may learn from; the rest is
// held out and only measured, and the test prints its totals alone.
func publicTuning(authority string) bool {
	h := fnv.New32a()
	h.Write([]byte(authority))
	return h.Sum32()%2 == 0
}

// isPublicTuning reports whether a reply of an authority in the public
// bodies' collection dir may be tuned on: every reply of publictune, and
// the tuning half of public; the other collections are held out whole.
func isPublicTuning(dir, authority string) bool {
	return slices.Contains(tuningCollections, dir) || dir == "public" && publicTuning(authority)
}

// tuningCollections are the collections of public bodies' replies in the
// tuning set, every reply of them: those made for tuning, and those moved
// to it from the held-out set.
var tuningCollections = append([]string{"publictune", "publictune2", "publictune3", "publictune4", "publictune5", "publictune6", "publictune7", "publictune8", "publictune9", "publictune10", "publictune11", "publictune12"}, movedToTuning...)

// movedToTuning are collections held out until their last measure (in
// their READMEs) and tuned on since: round 9 moved public2 and public3.
var movedToTuning = []string{"public2", "public3"}

// Floors for the public bodies' replies, below the first measure of the
// held-out half (see testdata/public/README.md), so that a change which
// loses ground on producers the rules were not written for fails.
const (
	floorPublicHeldOutLenient = 70 // first measured 74.2%
	floorPublicHeldOutRefs    = 60 // first measured 61.3%
	ceilPublicHeldOutWrong    = 3  // first measured 0 of 31
	floorPublicTuningLenient  = 70 // first measured 58.3%
	// Every held-out reply of public bodies: the kind or its first
	// alternative right, first measured 81.1% (275 of 339); the right kind
	// among those offered, 85.5% (290 of 339).
	floorPublicHeldOutFirstTwo = 77
	floorPublicHeldOutOffered  = 82
)

// heldOutCollections are the collections of public bodies' replies held
// out whole: each of authorities in no other collection, labelled before
// it was first classified. Their floors sit below that first measure, as
// the collection's README gives it.
var heldOutCollections = []struct {
	dir, ordinal string
	floors       bounds
}{
	// Kinds 64.5%, references 87.1%, confidently wrong 2 of 62.
	{"public4", "fourth", bounds{kinds: 60, refs: 85, wrong: 4, person: -1}},
	// Kinds 72.0%, references 88.0%, confidently wrong 0 of 50.
	{"public5", "fifth", bounds{kinds: 65, refs: 80, wrong: 1, person: -1}},
	// Chosen to lean to decisions. Kinds 62.0%, references 78.0%,
	// confidently wrong 0 of 50.
	{"public6", "sixth", bounds{kinds: 55, refs: 70, wrong: 1, person: -1}},
	// NHS bodies, universities and national bodies, collected while the
	// rules learnt from publictune4 and publictune5, and first measured
	// after: kinds 80.0%, references 94.3%, confidently wrong 0 of 35.
	{"public7", "seventh", bounds{kinds: 70, refs: 85, wrong: 1, person: -1}},
	// Museums, universities, schools, central government and transport,
	// first measured after the rules learnt from publictune7: kinds
	// 88.9%, references 100%, confidently wrong 0 of 18 (ten of them
	// acknowledgements).
	{"public8", "eighth", bounds{kinds: 75, refs: 85, wrong: 1, person: -1}},
	// District and borough councils of Kent, Surrey and West Sussex,
	// first measured after the rules learnt from publictune8 to 12 and
	// policetune3: kinds 69.2%, references 92.3%, confidently wrong 0 of
	// 13.
	{"public9", "ninth", bounds{kinds: 60, refs: 85, wrong: 1, person: -1}},
}

// publicDirs lists every collection of public bodies' replies: the split
// one, the tuning one and those held out whole.
func publicDirs() []string {
	dirs := append([]string{"public"}, tuningCollections...)
	for _, hc := range heldOutCollections {
		dirs = append(dirs, hc.dir)
	}
	return dirs
}

func TestPublicBodiesReplies(t *testing.T) {
	cases := loadRealCases(t, "public", true)
	if len(cases) < 40 {
		t.Fatalf("found %d replies of public bodies, want the corpus's 40 or more", len(cases))
	}
	var tuning, heldOut []realCase
	for _, c := range cases {
		if isPublicTuning("public", c.force) {
			tuning = append(tuning, c)
		} else {
			heldOut = append(heldOut, c)
		}
	}
	st, sh := scoreReal(tuning), scoreReal(heldOut)
	t.Logf("\n%s\n%s", st.Table(fmt.Sprintf("public bodies, tuning half (%d authorities)", st.Producers)),
		sh.Table(fmt.Sprintf("public bodies, held-out half (%d authorities)", sh.Producers)))
	t.Logf("public bodies, held-out half, by authority (totals only):\n%s", byProducer(heldOut))
	logMisses(t, tuning)
	// No authority is in two collections, and none is a police producer.
	seen := map[string]string{}
	checkAuthorities := func(dir string, cases []realCase) {
		for _, c := range cases {
			if d, ok := seen[c.force]; ok && d != dir {
				t.Errorf("%s/%s: authority %s is in testdata/%s too", dir, c.name, c.force, d)
			}
			seen[c.force] = dir
			if isTuningForce(c.force) || producerOf(c.force) != c.force {
				t.Errorf("%s/%s: %s is a police producer", dir, c.name, c.force)
			}
		}
	}
	checkAuthorities("public", cases)
	var pubTune []realCase
	for _, dir := range tuningCollections {
		tc := loadCollection(t, dir, 5)
		checkAuthorities(dir, tc)
		st := scoreReal(tc)
		t.Logf("\n%s", st.Table(fmt.Sprintf("public bodies, tuning collection %s (%d authorities)", dir, st.Producers)))
		st.check(t, "public bodies, tuning collection "+dir+",", bounds{kinds: floorPublicTuningLenient, refs: -1, wrong: 0, person: -1})
		pubTune = append(pubTune, tc...)
	}
	all := slices.Clone(heldOut)
	for _, hc := range heldOutCollections {
		fresh := loadCollection(t, hc.dir, 10)
		checkAuthorities(hc.dir, fresh)
		s := scoreReal(fresh)
		label := fmt.Sprintf("public bodies, %s collection, held out", hc.ordinal)
		t.Logf("\n%s", s.Table(fmt.Sprintf("%s (%d authorities)", label, s.Producers)))
		s.check(t, label+",", hc.floors)
		all = append(all, fresh...)
	}
	logMisses(t, pubTune)
	sa := scoreReal(all)
	t.Logf("public bodies, every held-out reply, of %d authorities: %s; %s", sa.Producers, sa.Summary(), intervals(all))
	if p := pct(sa.FirstTwo, sa.N); p < floorPublicHeldOutFirstTwo {
		t.Errorf("public bodies, every held-out reply: kind or first alternative right %.1f%%, floor %d%%", p, floorPublicHeldOutFirstTwo)
	}
	if p := pct(sa.Offered, sa.N); p < floorPublicHeldOutOffered {
		t.Errorf("public bodies, every held-out reply: right kind offered %.1f%%, floor %d%%", p, floorPublicHeldOutOffered)
	}
	// What the thresholds do, per kind given: totals only.
	var cal strings.Builder
	fmt.Fprintf(&cal, "  %-22s %6s | %s\n", "kind given", "thresh", "held-out: given right acted wrong-acted right-waiting")
	ca := calibrate(all)
	for _, k := range precedence {
		if b := ca[k]; b != nil {
			fmt.Fprintf(&cal, "  %-22s %6.2f | %5d %5d %5d %5d %5d\n", k, ConfidentAt(k), b.given, b.right, b.acted, b.actedWrong, b.rightBelow)
		}
	}
	t.Logf("public bodies, every held-out reply, calibration per kind given:\n%s", cal.String())
	if show := os.Getenv("CLASSIFY_REAL_SHOW"); show != "" {
		for _, c := range slices.Concat(tuning, pubTune) {
			if strings.Contains(c.name, show) {
				for _, e := range c.got.Evidence {
					t.Logf("%s: %s %s %d %s %q %s", c.name, e.Rule, e.Kind, e.Weight, e.Source, e.Phrase, e.Note)
				}
			}
		}
	}
	st.check(t, "public bodies, tuning", bounds{kinds: floorPublicTuningLenient, refs: -1, wrong: -1, person: -1})
	sh.check(t, "public bodies, held-out", bounds{kinds: floorPublicHeldOutLenient, refs: floorPublicHeldOutRefs, wrong: ceilPublicHeldOutWrong, person: -1})
}

// loadCollection loads a collection of public bodies' replies, which has
// min or more: a guard against a collection that failed to load.
func loadCollection(t *testing.T, dir string, min int) []realCase {
	t.Helper()
	cases := loadRealCases(t, dir, true)
	if len(cases) < min {
		t.Fatalf("found %d replies in testdata/%s, want the collection's %d or more", len(cases), dir, min)
	}
	return cases
}

// logMisses names the tuning replies whose kind or reference is wrong.
func logMisses(t *testing.T, tuning []realCase) {
	t.Helper()
	for _, c := range tuning {
		if !SameMove(c.got.Kind, c.want) || c.got.Kind != c.want || !refFound(c) {
			person, _ := c.got.NeedsPerson(false)
			t.Logf("public tuning miss %-45s want %-20s got %-20s conf %.2f person %-5v ref %q want %q",
				c.name, c.want, c.got.Kind, c.got.Confidence, person, c.got.Reference, c.ref)
		}
	}
}
