package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/dbtest"
	"github.com/foidesk/foidesk/internal/store"
)

// A complaint's draft is saved from the revision it was edited from: a
// save from an older one is refused and returns the stored draft, a
// repeat of the same save (its nonce) changes nothing, and of two first
// saves at once exactly one is kept.
func TestSaveComplaintDraft(t *testing.T) {
	ctx := context.Background()
	st := dbtest.DB(t)
	_, rid, _ := seedRequest(t, st)
	if _, err := st.ComplaintDraft(ctx, rid); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no draft yet: %v", err)
	}
	at := time.Date(2025, time.March, 20, 12, 0, 0, 0, time.UTC)
	draft := func(body, by string) store.ComplaintDraft {
		return store.ComplaintDraft{RequestID: rid, Subject: "Complaint", Body: body, SavedBy: by, SavedAt: at}
	}

	// Two first saves at once: one wins, the other is told who won.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, by := range []string{"Sam", "Jo"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = st.SaveComplaintDraft(ctx, draft("text of "+by, by), 0, "nonce-"+by)
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || (!errors.Is(errs[0], store.ErrDraftConflict) && !errors.Is(errs[1], store.ErrDraftConflict)) {
		t.Fatalf("two first saves: %v, %v; want one kept and one conflict", errs[0], errs[1])
	}
	cur, err := st.ComplaintDraft(ctx, rid)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Revision != 1 || cur.Body != "text of "+cur.SavedBy || !cur.SavedAt.Equal(at) {
		t.Errorf("kept %+v", cur)
	}
	winner := cur.SavedBy

	// The winner's save sent again: the same draft, no new revision.
	got, err := st.SaveComplaintDraft(ctx, draft("text of "+winner, winner), 0, "nonce-"+winner)
	if err != nil || got.Revision != 1 {
		t.Errorf("repeat: %+v, %v", got, err)
	}
	// A save from revision 1 makes revision 2; one from 1 again is stale.
	got, err = st.SaveComplaintDraft(ctx, draft("second", "Sam"), 1, "n2")
	if err != nil || got.Revision != 2 || got.Body != "second" {
		t.Fatalf("second save: %+v, %v", got, err)
	}
	got, err = st.SaveComplaintDraft(ctx, draft("stale", "Jo"), 1, "n3")
	if !errors.Is(err, store.ErrDraftConflict) || got == nil || got.Revision != 2 || got.SavedBy != "Sam" {
		t.Errorf("stale save: %+v, %v; want the conflict and Sam's revision 2", got, err)
	}
	if cur, _ := st.ComplaintDraft(ctx, rid); cur.Body != "second" {
		t.Errorf("a stale save changed the draft: %+v", cur)
	}
	// Who saved it is required.
	if _, err := st.SaveComplaintDraft(ctx, draft("anonymous", ""), 2, "n4"); err == nil {
		t.Error("a draft saved by no one was stored")
	}
}
