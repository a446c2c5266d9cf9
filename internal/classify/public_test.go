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
	return dir == "publictune" || dir == "public" && publicTuning(authority)
}

// Floors for the public bodies' replies, below the first measure of the
// held-out half (see testdata/public/README.md), so that a change which
// loses ground on producers the rules were not written for fails.
const (
	floorPublicHeldOutLenient = 70 // first measured 74.2%
	floorPublicHeldOutRefs    = 60 // first measured 61.3%
	ceilPublicHeldOutWrong    = 3  // first measured 0 of 31
	floorPublicTuningLenient  = 70 // first measured 58.3%
	// testdata/public2, first measured: kinds 66.7%, references 88.3%,
	// confidently wrong 1 of 60.
	floorPublic2Lenient = 60
	floorPublic2Refs    = 85
	ceilPublic2Wrong    = 2
	// testdata/public3, first measured: kinds 67.4%, references 96.5%,
	// confidently wrong 0 of 86.
	floorPublic3Lenient = 60
	floorPublic3Refs    = 90
	ceilPublic3Wrong    = 2
	// testdata/public4, first measured: kinds 64.5%, references 87.1%,
	// confidently wrong 2 of 62.
	floorPublic4Lenient = 60
	floorPublic4Refs    = 85
	ceilPublic4Wrong    = 4
	// testdata/public5, first measured: kinds 72.0%, references 88.0%,
	// confidently wrong 0 of 50.
	floorPublic5Lenient = 65
	floorPublic5Refs    = 80
	ceilPublic5Wrong    = 1
	// testdata/public6 (chosen to lean to decisions), first measured:
	// kinds 62.0%, references 78.0%, confidently wrong 0 of 50.
	floorPublic6Lenient = 55
	floorPublic6Refs    = 70
	ceilPublic6Wrong    = 1
)

func TestPublicBodiesReplies(t *testing.T) {
	cases := loadRealCases(t, "public", true)
	if len(cases) < 40 {
		t.Fatalf("found %d replies of public bodies, want the corpus's 40 or more", len(cases))
	}
	var tuning, heldOut []realCase
	for _, c := range cases {
		if isTuningForce(c.force) || producerOf(c.force) != c.force {
			t.Errorf("public/%s: %s is a police producer", c.name, c.force)
		}
		if isPublicTuning("public", c.force) {
			tuning = append(tuning, c)
		} else {
			heldOut = append(heldOut, c)
		}
	}
	st, sh := scoreReal(tuning), scoreReal(heldOut)
	t.Logf("\n%s\n%s", st.table(fmt.Sprintf("public bodies, tuning half (%d authorities)", authorities(tuning))),
		sh.table(fmt.Sprintf("public bodies, held-out half (%d authorities)", authorities(heldOut))))
	t.Logf("public bodies, held-out half, by authority (totals only):\n%s", byProducer(heldOut))
	logMisses(t, tuning)
	// testdata/public2: a second collection, of authorities not in
	// testdata/public, labelled before it was classified and held out
	// whole.
	fresh := loadCollection(t, "public2")
	// testdata/public3 to public6: a third to a sixth, each of
	// authorities in no other collection, held out whole.
	fresh3 := loadCollection(t, "public3")
	fresh4 := loadCollection(t, "public4")
	fresh5 := loadCollection(t, "public5")
	fresh6 := loadCollection(t, "public6")
	// testdata/publictune: a collection made for tuning, every reply of it
	// in the tuning set.
	pubTune := loadCollection(t, "publictune")
	seen := map[string]string{}
	for _, set := range []struct {
		dir   string
		cases []realCase
	}{{"public", cases}, {"public2", fresh}, {"public3", fresh3}, {"public4", fresh4}, {"public5", fresh5}, {"public6", fresh6}, {"publictune", pubTune}} {
		for _, c := range set.cases {
			if d, ok := seen[c.force]; ok && d != set.dir {
				t.Errorf("%s/%s: authority %s is in testdata/%s too", set.dir, c.name, c.force, d)
			}
			seen[c.force] = set.dir
			if isTuningForce(c.force) || producerOf(c.force) != c.force {
				t.Errorf("%s/%s: %s is a police producer", set.dir, c.name, c.force)
			}
		}
	}
	s2 := scoreReal(fresh)
	t.Logf("\n%s", s2.table(fmt.Sprintf("public bodies, second collection, held out (%d authorities)", authorities(fresh))))
	s3 := scoreReal(fresh3)
	t.Logf("\n%s", s3.table(fmt.Sprintf("public bodies, third collection, held out (%d authorities)", authorities(fresh3))))
	s4 := scoreReal(fresh4)
	t.Logf("\n%s", s4.table(fmt.Sprintf("public bodies, fourth collection, held out (%d authorities)", authorities(fresh4))))
	s5 := scoreReal(fresh5)
	t.Logf("\n%s", s5.table(fmt.Sprintf("public bodies, fifth collection, held out (%d authorities)", authorities(fresh5))))
	s6 := scoreReal(fresh6)
	t.Logf("\n%s", s6.table(fmt.Sprintf("public bodies, sixth collection, held out (%d authorities)", authorities(fresh6))))
	stt := scoreReal(pubTune)
	t.Logf("\n%s", stt.table(fmt.Sprintf("public bodies, tuning collection (%d authorities)", authorities(pubTune))))
	logMisses(t, pubTune)
	all := slices.Concat(heldOut, fresh, fresh3, fresh4, fresh5, fresh6)
	sa := scoreReal(all)
	t.Logf("public bodies, every held-out reply: %d replies of %d authorities, kinds (lenient) %d (%.1f%%), references %d (%.1f%%), confidently wrong %d (%.1f%%), to a person %d (%.1f%%)",
		sa.n, authorities(all), sa.lenient, pct(sa.lenient, sa.n), sa.refs, pct(sa.refs, sa.n), sa.confWrong, pct(sa.confWrong, sa.n), sa.toPerson, pct(sa.toPerson, sa.n))
	t.Logf("public bodies, every held-out reply whose label is sure: %d, kinds (lenient) %d (%.1f%%); marked unsure: %d, kinds %d (%.1f%%)",
		sa.n-sa.unsure, sa.lenient-sa.unsureRight, pct(sa.lenient-sa.unsureRight, sa.n-sa.unsure), sa.unsure, sa.unsureRight, pct(sa.unsureRight, sa.unsure))
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
	s2.check(t, "public bodies, second collection,", bounds{kinds: floorPublic2Lenient, refs: floorPublic2Refs, wrong: ceilPublic2Wrong, person: -1})
	s3.check(t, "public bodies, third collection,", bounds{kinds: floorPublic3Lenient, refs: floorPublic3Refs, wrong: ceilPublic3Wrong, person: -1})
	s4.check(t, "public bodies, fourth collection,", bounds{kinds: floorPublic4Lenient, refs: floorPublic4Refs, wrong: ceilPublic4Wrong, person: -1})
	s5.check(t, "public bodies, fifth collection,", bounds{kinds: floorPublic5Lenient, refs: floorPublic5Refs, wrong: ceilPublic5Wrong, person: -1})
	s6.check(t, "public bodies, sixth collection,", bounds{kinds: floorPublic6Lenient, refs: floorPublic6Refs, wrong: ceilPublic6Wrong, person: -1})
	stt.check(t, "public bodies, tuning collection,", bounds{kinds: floorPublicTuningLenient, refs: -1, wrong: 0, person: -1})
	sh.check(t, "public bodies, held-out", bounds{kinds: floorPublicHeldOutLenient, refs: floorPublicHeldOutRefs, wrong: ceilPublicHeldOutWrong, person: -1})
}

// loadCollection loads a collection of public bodies' replies, which has
// 40 or more.
func loadCollection(t *testing.T, dir string) []realCase {
	t.Helper()
	cases := loadRealCases(t, dir, true)
	if len(cases) < 40 {
		t.Fatalf("found %d replies in testdata/%s, want the collection's 40 or more", len(cases), dir)
	}
	return cases
}

// logMisses names the tuning replies whose kind or reference is wrong.
func logMisses(t *testing.T, tuning []realCase) {
	t.Helper()
	for _, c := range tuning {
		if !sameMove(c.got.Kind, c.want) || c.got.Kind != c.want || !refFound(c) {
			person, _ := c.got.NeedsPerson(false)
			t.Logf("public tuning miss %-45s want %-20s got %-20s conf %.2f person %-5v ref %q want %q",
				c.name, c.want, c.got.Kind, c.got.Confidence, person, c.got.Reference, c.ref)
		}
	}
}

func authorities(cases []realCase) int {
	m := map[string]bool{}
	for _, c := range cases {
		m[c.force] = true
	}
	return len(m)
}
