package policy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/normalise"
)

func TestJudgeExtraction(t *testing.T) {
	one := []*extract.Table{{Index: 1}}
	pages := extract.PageErrors{{Format: "pdf", Page: 3, Err: extract.ErrNeedsOCR}}
	for _, tc := range []struct {
		name       string
		tables     []*extract.Table
		err        error
		action     Action
		status     foi.DocumentStatus
		unexpected bool
		partial    string
		cause      string
	}{
		{name: "tables read", tables: one},
		{name: "no tables", action: ActionReject, status: foi.DocNoTables, cause: "no tables found"},
		{name: "some pages unread", tables: one, err: pages,
			partial: "partial result: extract pdf page 3: no text layer (needs OCR)"},
		{name: "every page unread", err: pages, action: ActionReject, status: foi.DocFailed,
			cause: "extract pdf page 3: no text layer (needs OCR)"},
		{name: "unsupported format", err: fmt.Errorf("x.bin: %w", extract.ErrUnsupported), action: ActionReject,
			status: foi.DocFailed, cause: "x.bin: unsupported format"},
		{name: "password", err: extract.ErrPassword, action: ActionReject, status: foi.DocFailed},
		{name: "too large", err: extract.ErrTooLarge, action: ActionReject, status: foi.DocFailed},
		{name: "needs OCR", err: extract.ErrNeedsOCR, action: ActionReject, status: foi.DocFailed},
		{name: "malformed", tables: one, err: &extract.Error{Format: "xlsx", Err: errors.New("bad zip")},
			action: ActionReject, status: foi.DocFailed, cause: "extract xlsx: bad zip"},
		{name: "anything else", err: context.DeadlineExceeded, action: ActionReject, status: foi.DocFailed,
			unexpected: true, cause: "context deadline exceeded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := JudgeExtraction(tc.tables, tc.err)
			if got.Action != tc.action || got.Status != tc.status || got.Unexpected != tc.unexpected || got.Partial != tc.partial {
				t.Errorf("JudgeExtraction = %+v", got)
			}
			if (got.Cause != nil) != (tc.action == ActionReject) {
				t.Errorf("cause %v with action %q", got.Cause, got.Action)
			}
			if tc.cause != "" && (got.Cause == nil || got.Cause.Error() != tc.cause) {
				t.Errorf("cause = %v, want %s", got.Cause, tc.cause)
			}
		})
	}
}

func TestDecideTable(t *testing.T) {
	two := 2.0
	obs := []normalise.Observation{{Row: 1, Col: 1, Value: &two}}
	sure := &normalise.Result{Observations: obs, Confidence: 0.95}
	unsure := &normalise.Result{Observations: obs, Confidence: 0.4, NeedsReview: true, ReviewReasons: []string{"period unclear"}}
	badTotal := &normalise.Result{Observations: obs, Confidence: 0.9,
		Totals: []normalise.TotalCheck{{Ref: "B9", Raw: "12", Sum: 11, OK: false}, {Ref: "C9", Raw: "3", Sum: 3, OK: true}}}
	csv := &extract.Table{Index: 1, Method: extract.MethodCSV, Reasons: []string{"delimiter guessed"}}
	ocr := &extract.Table{Index: 2, Method: extract.MethodOCR}
	for _, tc := range []struct {
		name          string
		in            Table
		approve       bool
		partial       string
		review        bool
		reviewReasons []string
		reasons       []string
		observations  int
	}{
		{name: "sure", in: Table{Extracted: csv, Mapped: true, Result: sure},
			reasons: []string{"delimiter guessed"}, observations: 1},
		{name: "unsure", in: Table{Extracted: csv, Mapped: true, Result: unsure}, review: true,
			reviewReasons: []string{"period unclear"}, reasons: []string{"delimiter guessed"}, observations: 1},
		{name: "unsure, approved", in: Table{Extracted: csv, Mapped: true, Result: unsure}, approve: true,
			reviewReasons: []string{"period unclear"}, reasons: []string{"delimiter guessed"}, observations: 1},
		{name: "normaliser failed", in: Table{Extracted: csv, Mapped: true, Err: errors.New("no measure column")},
			review: true, reviewReasons: []string{"no measure column"}, reasons: []string{"delimiter guessed"}},
		{name: "no figures", in: Table{Extracted: csv},
			reasons: []string{"delimiter guessed", "no figures: not data"}},
		{name: "remap refused", in: Table{Extracted: csv, Mapped: true, Result: sure, Refused: errors.New("code XX not in vocabulary")},
			review: true, reviewReasons: []string{"code XX not in vocabulary"}, reasons: []string{"delimiter guessed"}, observations: 1},
		{name: "remap refused on a table with no figures", in: Table{Extracted: csv, Refused: errors.New("no dimension")},
			review: true, reviewReasons: []string{"no dimension"}, reasons: []string{"delimiter guessed", "no figures: not data"}},
		{name: "OCR figures", in: Table{Extracted: ocr, Mapped: true, Result: sure}, review: true,
			reviewReasons: []string{OCRReviewReason}, observations: 1},
		{name: "OCR figures, approved", in: Table{Extracted: ocr, Mapped: true, Result: sure}, approve: true,
			reviewReasons: []string{OCRReviewReason}, observations: 1},
		{name: "OCR table without figures", in: Table{Extracted: ocr, Mapped: true, Result: &normalise.Result{}}},
		{name: "total does not add up", in: Table{Extracted: csv, Mapped: true, Result: badTotal},
			reasons: []string{"delimiter guessed", "total B9 states 12, parts sum to 11"}, observations: 1},
		{name: "partial document", in: Table{Extracted: csv, Mapped: true, Result: sure}, partial: "partial result: page 3",
			reasons: []string{"delimiter guessed", "partial result: page 3"}, observations: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := fmt.Sprintf("%+v %v", *sure, unsure.ReviewReasons)
			got := DecideTable(tc.in, tc.approve, tc.partial)
			if got.Review != tc.review {
				t.Errorf("Review = %v, want %v", got.Review, tc.review)
			}
			if !slices.Equal(got.ReviewReasons, tc.reviewReasons) {
				t.Errorf("ReviewReasons = %q, want %q", got.ReviewReasons, tc.reviewReasons)
			}
			if !slices.Equal(got.Reasons, tc.reasons) {
				t.Errorf("Reasons = %q, want %q", got.Reasons, tc.reasons)
			}
			if got.Result == nil || len(got.Result.Observations) != tc.observations {
				t.Errorf("Result = %+v, want %d observations", got.Result, tc.observations)
			}
			if after := fmt.Sprintf("%+v %v", *sure, unsure.ReviewReasons); after != before {
				t.Errorf("the normaliser's result changed: %s, was %s", after, before)
			}
		})
	}
	// The extractor's reasons are not changed either.
	if !slices.Equal(csv.Reasons, []string{"delimiter guessed"}) {
		t.Errorf("extracted table's reasons changed: %q", csv.Reasons)
	}
}

func TestDecideDocument(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tables []TableDecision
		want   Action
	}{
		{"every table sure", []TableDecision{{}, {}}, ActionLoad},
		{"one table waits", []TableDecision{{}, {Review: true}}, ActionReview},
		{"every table waits", []TableDecision{{Review: true}}, ActionReview},
		{"no data tables", nil, ActionLoad},
	} {
		if got := DecideDocument(tc.tables); got != tc.want {
			t.Errorf("%s: DecideDocument = %s, want %s", tc.name, got, tc.want)
		}
	}
	for a, want := range map[Action]foi.DocumentStatus{ActionLoad: foi.DocLoaded, ActionReview: foi.DocReview,
		ActionReject: foi.DocFailed} {
		if got := a.Status(); got != want {
			t.Errorf("%s.Status() = %s, want %s", a, got, want)
		}
	}
}
