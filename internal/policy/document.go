package policy

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/foidesk/foidesk/internal/extract"
	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/normalise"
)

// Action is what becomes of a document.
type Action string

const (
	// ActionLoad loads the document's figures.
	ActionLoad Action = "load"
	// ActionReview loads nothing and puts the tables before a person.
	ActionReview Action = "review"
	// ActionReject loads nothing: the document could not be read, or holds
	// no table.
	ActionReject Action = "reject"
)

// Extraction is the verdict on the reading of a document's tables.
type Extraction struct {
	// Action is ActionReject when the document stops here, with Status
	// (foi.DocFailed or foi.DocNoTables) and Cause; "" when its tables go
	// on to be mapped.
	Action Action
	Status foi.DocumentStatus
	Cause  error
	// Unexpected marks a Cause that is none of extraction's own errors: if
	// the work was cancelled meanwhile, the cancellation is the cause, and
	// the work is to be retried rather than the document failed.
	Unexpected bool
	// Partial, when set, says which pages were not read: the tables of the
	// others stand, and the document keeps its usual status with this
	// text as its error.
	Partial string
}

// JudgeExtraction decides whether the tables extracted from a document,
// and the error extraction gave, go on to be mapped. Pages that gave
// nothing (no text layer, past the time limit) leave a partial result
// when other pages gave tables.
func JudgeExtraction(tables []*extract.Table, err error) Extraction {
	var pageErrs extract.PageErrors
	switch {
	case err == nil:
	case errors.As(err, &pageErrs) && len(tables) > 0:
	case errors.Is(err, extract.ErrUnsupported) || errors.Is(err, extract.ErrTooLarge) ||
		errors.Is(err, extract.ErrNeedsOCR) || errors.As(err, new(*extract.Error)) || errors.As(err, &pageErrs):
		return Extraction{Action: ActionReject, Status: foi.DocFailed, Cause: err}
	default:
		return Extraction{Action: ActionReject, Status: foi.DocFailed, Cause: err, Unexpected: true}
	}
	if len(tables) == 0 {
		return Extraction{Action: ActionReject, Status: foi.DocNoTables, Cause: errors.New("no tables found")}
	}
	var ex Extraction
	if pageErrs != nil {
		ex.Partial = PartialNote(pageErrs)
	}
	return ex
}

// PartialNote describes the pages of a document left unread, for the
// document's status and each table's reasons.
func PartialNote(pe extract.PageErrors) string {
	return "partial result: " + pe.Error()
}

// Table is one extracted table with what mapping it made.
type Table struct {
	Extracted *extract.Table
	// Mapped is false for a table with no figures (a sheet of query
	// parameters, a letterhead), which is kept but is not data.
	Mapped bool
	// Result and Err are the normaliser's; Err set means it failed.
	Result *normalise.Result
	Err    error
	// Refused is why an operator's remap of this table was not applied:
	// the campaign's dataset does not allow it.
	Refused error
}

// TableDecision is what becomes of one table.
type TableDecision struct {
	// Result is the mapping to load, or to propose when Review is set;
	// never nil.
	Result *normalise.Result
	// Review says the table waits for a person, for ReviewReasons.
	Review        bool
	ReviewReasons []string
	// Reasons are kept with the table: the extractor's, with what a
	// person should know of it (totals that do not add up, pages not read).
	Reasons []string
}

// OCRReviewReason is why figures read from a scan wait for a person.
const OCRReviewReason = "figures read by OCR from a scanned page: compare them with the scan, then approve"

// DecideTable decides whether a table's figures may be loaded. A table
// waits for a person when the normaliser is unsure of it or failed, when
// an operator's remap was refused, or when its figures were read by OCR (a
// misread digit would pass every other check) — unless approve is set,
// when a person has approved the document. partial is the document's
// note of pages not read, if any.
func DecideTable(t Table, approve bool, partial string) TableDecision {
	reasons := append([]string(nil), t.Extracted.Reasons...)
	var res normalise.Result
	switch {
	case !t.Mapped:
		reasons = append(reasons, "no figures: not data")
	case t.Err != nil:
		res = normalise.Result{NeedsReview: true, ReviewReasons: []string{t.Err.Error()}}
	case t.Result != nil:
		res = *t.Result
		res.ReviewReasons = append([]string(nil), t.Result.ReviewReasons...)
	}
	if t.Refused != nil {
		res.NeedsReview = true
		res.ReviewReasons = append(res.ReviewReasons, t.Refused.Error())
	}
	if t.Extracted.Method == extract.MethodOCR && len(res.Observations) > 0 {
		res.NeedsReview = true
		res.ReviewReasons = append(res.ReviewReasons, OCRReviewReason)
	}
	for _, tc := range res.Totals {
		if !tc.OK {
			reasons = append(reasons, fmt.Sprintf("total %s states %s, parts sum to %s", tc.Ref, tc.Raw,
				strconv.FormatFloat(tc.Sum, 'f', -1, 64)))
		}
	}
	if partial != "" {
		reasons = append(reasons, partial)
	}
	return TableDecision{Result: &res, Review: res.NeedsReview && !approve, ReviewReasons: res.ReviewReasons,
		Reasons: reasons}
}

// DecideDocument decides a document from its tables' decisions: nothing
// half-understood is loaded, so one table waiting makes the whole document
// wait (ActionReview); otherwise its figures are loaded (ActionLoad).
func DecideDocument(tables []TableDecision) Action {
	for _, t := range tables {
		if t.Review {
			return ActionReview
		}
	}
	return ActionLoad
}

// Status is the document status an action leaves (ActionReject's is the
// Extraction's).
func (a Action) Status() foi.DocumentStatus {
	switch a {
	case ActionLoad:
		return foi.DocLoaded
	case ActionReview:
		return foi.DocReview
	}
	return foi.DocFailed
}
