package lazyre

import (
	"sync"
	"testing"
)

func TestCompilesOnFirstUseOnce(t *testing.T) {
	r := New(`(\d+)-(?P<b>\d+)`)
	if r.re != nil {
		t.Fatal("compiled before use")
	}
	if r.String() != `(\d+)-(?P<b>\d+)` || r.re != nil {
		t.Fatal("String compiled the expression or lost it")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if m := r.FindStringSubmatch("a 12-34"); len(m) != 3 || m[2] != "34" {
				t.Errorf("FindStringSubmatch = %q", m)
			}
		})
	}
	wg.Wait()
	first := r.Regexp()
	if !r.MatchString("1-2") || r.Regexp() != first || r.SubexpIndex("b") != 2 {
		t.Error("not the same compiled expression")
	}
	if got := r.ReplaceAllString("1-2 3-4", "${b}"); got != "2 4" {
		t.Errorf("ReplaceAllString = %q", got)
	}
}

func TestMalformedPanicsOnUse(t *testing.T) {
	r := New(`(`)
	defer func() {
		if recover() == nil {
			t.Error("no panic for a malformed expression")
		}
	}()
	r.MatchString("x")
}
