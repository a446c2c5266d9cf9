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
// at a limit meant for text pages. It also reports progress: the page
// loop asks it for a context once per page, in order, and OCR asks it for
// more time once per scanned page.
type pdfBudget struct {
	parent   context.Context
	start    time.Time
	deadline time.Time
	limit    time.Time
	perPage  time.Duration
	progress func(Progress)
	page     int // pages begun
	ocrPages int // pages handed to OCR
}

func newPDFBudget(parent context.Context, o *Options) *pdfBudget {
	now := time.Now()
	b := &pdfBudget{parent: parent, start: now, deadline: now.Add(o.Timeout), perPage: o.OCRPageTime, progress: o.Progress}
	b.limit = b.deadline.Add(maxOCRBudget)
	if d, ok := parent.Deadline(); ok && d.Before(b.deadline) {
		b.deadline, b.limit = d, d
	}
	return b
}

// context returns a context that ends at the current deadline, for the
// next page, which it reports begun.
func (b *pdfBudget) context() (context.Context, context.CancelFunc) {
	b.page++
	b.report(false)
	return context.WithDeadline(b.parent, b.deadline)
}

// grant adds one OCR page's time to the deadline, within the limit, and
// returns a context that ends at the new deadline. The page is reported
// as read by OCR.
func (b *pdfBudget) grant() (context.Context, context.CancelFunc) {
	if b.deadline = b.deadline.Add(b.perPage); b.deadline.After(b.limit) {
		b.deadline = b.limit
	}
	b.ocrPages++
	b.report(true)
	return context.WithDeadline(b.parent, b.deadline)
}

func (b *pdfBudget) report(ocr bool) {
	if b.progress == nil {
		return
	}
	b.progress(Progress{Page: b.page, OCR: ocr, OCRPages: b.ocrPages, Elapsed: time.Since(b.start), Deadline: b.deadline})
}
