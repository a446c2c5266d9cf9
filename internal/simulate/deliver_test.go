package simulate

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// The truth is what reached the mailbox: a reply the mail server refuses
// is offered again, and one it never takes — a correction, here — leaves
// the figures the force sent before.
func TestTruthIsWhatReachedTheMailbox(t *testing.T) {
	var refuse atomic.Int32 // refusals left; -1: refuse everything
	var calls atomic.Int32
	s, err := Start(&Options{Seed: 1, Deliver: func([]byte) error {
		calls.Add(1)
		switch n := refuse.Load(); {
		case n < 0:
			return errors.New("mailbox full")
		case n > 0:
			refuse.Add(-1)
			return errors.New("try again later")
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.retryAfter = time.Millisecond
	var f *Force
	for _, x := range s.Forces {
		if x.Behaviour == Corrects {
			f = x
		}
	}
	if f == nil {
		t.Fatal("seed 1 has no correcting force")
	}
	ofForce := func() map[string]int {
		m := map[string]int{}
		for _, fig := range s.Truth() {
			if fig.Force == f.Slug {
				m[fig.Key()] = fig.Value
			}
		}
		return m
	}

	refuse.Store(2)
	if err := s.deliver(f, KindResponse, "Request"); err != nil {
		t.Fatalf("a response refused twice, then taken: %v", err)
	}
	if c := calls.Load(); c != 3 {
		t.Errorf("the response was offered %d times, want 3", c)
	}
	sent := ofForce()
	if len(sent) != len(f.Data.Figures) || s.Undelivered() != 0 {
		t.Fatalf("truth holds %d of the force's %d figures, %d undelivered", len(sent), len(f.Data.Figures), s.Undelivered())
	}

	refuse.Store(-1)
	before := f.Data
	if err := s.deliver(f, KindCorrection, "Request"); err == nil {
		t.Fatal("a correction the mailbox never took was reported delivered")
	}
	if s.Undelivered() != 1 {
		t.Errorf("undelivered %d, want 1", s.Undelivered())
	}
	after := ofForce()
	for k, v := range sent {
		if after[k] != v {
			t.Errorf("%s: truth %d after an undelivered correction, want the %d sent", k, after[k], v)
		}
	}
	if f.Data != before {
		t.Error("the force took up figures it never sent")
	}
}
