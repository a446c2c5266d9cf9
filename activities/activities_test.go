package activities

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/classify"
	"github.com/foidesk/foidesk/internal/foi"
)

func TestDocumentSlotsBoundConcurrency(t *testing.T) {
	a := &Activities{MaxDocuments: 2}
	ctx := context.Background()
	r1, err := a.documentSlot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := a.documentSlot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan func(), 1)
	go func() {
		r3, err := a.documentSlot(ctx)
		if err != nil {
			t.Error(err)
		}
		got <- r3
	}()
	select {
	case <-got:
		t.Fatal("a third document started while two held both slots")
	case <-time.After(50 * time.Millisecond):
	}
	r1()
	select {
	case r3 := <-got:
		r3()
	case <-time.After(5 * time.Second):
		t.Fatal("a released slot was not taken")
	}
	r2()

	// Waiting ends with the activity's context, saying what it waited for.
	a = &Activities{MaxDocuments: 1}
	hold, _ := a.documentSlot(ctx)
	defer hold()
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := a.documentSlot(cctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting past the deadline: %v, want DeadlineExceeded", err)
	}
}

func TestDocumentSlotsDefaultToCPUs(t *testing.T) {
	a := &Activities{}
	release, err := a.documentSlot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	release()
	if cap(a.docSlots) < 1 {
		t.Errorf("%d slots by default, want one per CPU", cap(a.docSlots))
	}
}

// A classifier that panics does not fail the message: the reply comes out
// as "other" for a person to place.
func TestClassifierPanicIsContained(t *testing.T) {
	defer func(f func(*classify.Input, *classify.Options) classify.Result) { classifyReply = f }(classifyReply)
	classifyReply = func(*classify.Input, *classify.Options) classify.Result { panic("index out of range") }
	a := &Activities{}
	res := a.classify(&classify.Input{Subject: "RE: FOI"}, nil)
	if res.Kind != foi.KindOther || len(res.Evidence) == 0 || res.Evidence[0].Rule != "classifier-failed" {
		t.Errorf("result %+v, want other with the failure as evidence", res)
	}
	if need, _ := res.NeedsPerson(false); !need {
		t.Error("a reply the classifier failed on must go to a person")
	}
}
