package extract

import (
	"context"
	"time"
)

// maxOCRBudget bounds how far pages read by OCR may stretch a PDF's time
// limit beyond Options.Timeout.
const maxOCRBudget = 30 * time.Minute

// pdfBudget is the time limit of one PDF's extraction: Options.Timeout,
// stretched by Options.OCRPageTime for every page read by OCR (up to
// maxOCRBudget more), so that a long scanned document is not cut short
// at a limit meant for text pages.
type pdfBudget struct {
	parent   context.Context
	deadline time.Time
	limit    time.Time
	perPage  time.Duration
}

func newPDFBudget(parent context.Context, o *Options) *pdfBudget {
	now := time.Now()
	b := &pdfBudget{parent: parent, deadline: now.Add(o.Timeout), perPage: o.OCRPageTime}
	b.limit = b.deadline.Add(maxOCRBudget)
	if d, ok := parent.Deadline(); ok && d.Before(b.deadline) {
		b.deadline, b.limit = d, d
	}
	return b
}

// context returns a context that ends at the current deadline.
func (b *pdfBudget) context() (context.Context, context.CancelFunc) {
	return context.WithDeadline(b.parent, b.deadline)
}

// grant adds one OCR page's time to the deadline, within the limit, and
// returns a context that ends at the new deadline.
func (b *pdfBudget) grant() (context.Context, context.CancelFunc) {
	if b.deadline = b.deadline.Add(b.perPage); b.deadline.After(b.limit) {
		b.deadline = b.limit
	}
	return b.context()
}
