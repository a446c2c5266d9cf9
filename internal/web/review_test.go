package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/store"
)

// A review item whose stored proposal is not a proposal is still listed,
// with a message naming it, and can still be decided.
func TestReviewUnreadableProposal(t *testing.T) {
	fx := seed(t)
	ctx := context.Background()
	it, err := fx.st.Review(ctx, fx.reviewID)
	must(t, err)
	id, err := fx.st.OpenReview(ctx, store.ReviewItem{RequestID: it.RequestID, DocumentID: it.DocumentID, TableIndex: 7,
		WorkflowID: it.WorkflowID, Reasons: []string{"a table of another shape"}, Proposal: []byte(`{"decisions": 5}`)})
	must(t, err)
	h := newHandler(t, fx.st, &Options{Temporal: &updater{}})
	page := get(t, h, "/review", http.StatusOK)
	if !strings.Contains(page, fmt.Sprintf("Review item %d: the normaliser&#39;s proposal could not be read", id)) {
		t.Errorf("the queue does not say item %d's proposal is unreadable:\n%s", id, page)
	}
	if !strings.Contains(page, fmt.Sprintf(`data-review="%d"`, id)) || !strings.Contains(page, fmt.Sprintf(`action="/review/%d"`, id)) {
		t.Errorf("item %d is not listed with its form", id)
	}
	if !strings.Contains(page, fmt.Sprintf(`data-review="%d"`, fx.reviewID)) || !strings.Contains(page, "proposed figure") {
		t.Errorf("item %d lost its proposal", fx.reviewID)
	}
}
