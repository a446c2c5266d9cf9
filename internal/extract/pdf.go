package extract

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/foidesk/foidesk/internal/extract/pdf"
)

// PageErrors lists the pages of a PDF that gave no tables because they
// could not be read: no text layer (ErrNeedsOCR), a malformed content
// stream, a limit reached. It accompanies the tables found on the other
// pages: a caller that gets a PageErrors may still use the tables.
//
//	tables, err := extract.File(ctx, name, data, nil)
//	var pe extract.PageErrors
//	if errors.As(err, &pe) { /* partial result: review pe */ }
type PageErrors []*Error

func (pe PageErrors) Error() string {
	if len(pe) == 1 {
		return pe[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "extract pdf: %d pages failed:", len(pe))
	for i, e := range pe {
		if i == 5 {
			fmt.Fprintf(&b, " …")
			break
		}
		fmt.Fprintf(&b, " page %d: %v;", e.Page, e.Err)
	}
	return strings.TrimSuffix(b.String(), ";")
}

// Unwrap lets errors.Is(err, ErrNeedsOCR) and errors.As(err, &*Error) see
// the per-page errors.
func (pe PageErrors) Unwrap() []error {
	out := make([]error, len(pe))
	for i, e := range pe {
		out[i] = e
	}
	return out
}

// Pages returns the page numbers whose error matches target.
func (pe PageErrors) Pages(target error) []int {
	var out []int
	for _, e := range pe {
		if errors.Is(e, target) {
			out = append(out, e.Page)
		}
	}
	return out
}

// maxPDFObjectDepth bounds Form XObject nesting.
const maxPDFObjectDepth = 12

// extractPDF finds the tables of a PDF document.
//
// Each page is read on its own: a page that panics, has no text layer or
// exceeds a bound is reported in a PageErrors and the others still give
// their tables. Tables continuing across pages with a repeated header are
// merged. The whole run is bounded by ctx, o.Timeout and o.MaxPages.
func extractPDF(ctx context.Context, data []byte, o *Options) (tables []*Table, err error) {
	opts := o.withDefaults()
	budget := newPDFBudget(ctx, &opts)
	defer func() {
		if r := recover(); r != nil {
			tables, err = nil, &Error{Format: "pdf", Err: fmt.Errorf("malformed PDF: %v", r)}
		}
	}()
	if int64(len(data)) > opts.MaxBytes {
		return nil, &Error{Format: "pdf", Err: fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(data), opts.MaxBytes)}
	}
	doc, err := openPDF(data, opts.MaxPages)
	if err != nil {
		return nil, err
	}
	var pages []*pageTables
	var perr PageErrors
	ocr := &pdfOCR{disabled: opts.DisableOCR, data: data, budget: budget}
	defer ocr.close()
	stopped := 0
	for n := 1; n <= doc.NumPages(); n++ {
		pt, err := readBudgetedPage(budget, doc, n, ocr)
		if err != nil {
			perr = append(perr, &Error{Format: "pdf", Page: n, Err: err})
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				stopped = n
				break
			}
			continue
		}
		pages = append(pages, pt)
	}
	if doc.Truncated() {
		perr = append(perr, &Error{Format: "pdf", Page: doc.NumPages() + 1,
			Err: fmt.Errorf("%w: more than %d pages; the rest were not read", ErrTooLarge, opts.MaxPages)})
	}
	tables = mergeAcrossPages(pages)
	for i, t := range tables {
		t.Index = i + 1
		t.Source.Document = opts.Document
		t.Source.Format = "pdf"
		if stopped > 0 {
			t.Reasons = append(t.Reasons, fmt.Sprintf("partial result: reading stopped at page %d of %d (time limit), later pages not read", stopped, doc.NumPages()))
		}
	}
	if len(perr) > 0 {
		return tables, perr
	}
	return tables, nil
}

// readBudgetedPage reads page n within the budget's current deadline.
func readBudgetedPage(b *pdfBudget, doc *pdf.Document, n int, ocr *pdfOCR) (*pageTables, error) {
	ctx, cancel := b.context()
	defer cancel()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stopped: %w", err)
	}
	return readPDFPage(ctx, doc, n, ocr)
}

// pageTables is what one page gives: its tables in reading order and
// whether its text runs on below the last one (which stops a merge with
// the next page).
type pageTables struct {
	number    int
	tables    []*ptable
	height    float64
	textBelow bool // body text (not notes/footer) below the last table
	textAbove bool // body text above the first table, other than its title
}

// pdfOCR reads a document's scanned pages, when OCR is installed and not
// disabled.
type pdfOCR struct {
	disabled bool
	data     []byte
	session  *ocrSession
	budget   *pdfBudget // granted more time for each page read; nil for none
}

func (o *pdfOCR) close() { o.session.close() }

// read reads scanned page p into its glyphs.
func (o *pdfOCR) read(ctx context.Context, p *pdf.Page) (ocrWordStats, error) {
	if o.disabled {
		return ocrWordStats{}, ErrNeedsOCR
	}
	if o.session == nil {
		engine, err := findOCR()
		if err != nil {
			return ocrWordStats{}, fmt.Errorf("%w: %v", ErrNeedsOCR, err)
		}
		o.session = &ocrSession{engine: engine, data: o.data}
	}
	if o.budget != nil {
		var cancel context.CancelFunc
		ctx, cancel = o.budget.grant()
		defer cancel()
	}
	st, err := o.session.read(ctx, p)
	if err != nil && !errors.Is(err, ErrNeedsOCR) {
		err = fmt.Errorf("%w: %v", ErrNeedsOCR, err)
	}
	return st, err
}

// openPDF opens a PDF document for reading up to maxPages pages.
func openPDF(data []byte, maxPages int) (*pdf.Document, error) {
	doc, err := pdf.Open(data, &pdf.Limits{MaxPages: maxPages, MaxFormDepth: maxPDFObjectDepth})
	if err != nil {
		if errors.Is(err, pdf.ErrLimit) {
			err = fmt.Errorf("%w: %v", ErrTooLarge, err)
		}
		return nil, &Error{Format: "pdf", Err: err}
	}
	return doc, nil
}

// readPDFPage interprets page n and finds its tables; panics are turned
// into errors. A scanned page is read by OCR.
func readPDFPage(ctx context.Context, doc *pdf.Document, n int, ocr *pdfOCR) (pt *pageTables, err error) {
	defer func() {
		if r := recover(); r != nil {
			pt, err = nil, fmt.Errorf("malformed page: %v", r)
		}
	}()
	p, st, err := loadPage(ctx, doc, n, ocr)
	if err != nil {
		return nil, err
	}
	if !p.HasText() {
		return &pageTables{number: n, height: p.Height}, nil // a blank page
	}
	pt = findTables(p)
	if st.words > 0 {
		for _, tb := range pt.tables {
			markOCR(tb.t, st)
		}
	}
	return pt, nil
}

// loadPage interprets page n without its hidden text. A scanned page (no
// text, an image) is read by OCR, and st says how sure that reading was;
// one OCR cannot read gives an error wrapping ErrNeedsOCR. A blank page
// comes back without text.
func loadPage(ctx context.Context, doc *pdf.Document, n int, ocr *pdfOCR) (p *pdf.Page, st ocrWordStats, err error) {
	p, err = doc.Page(ctx, n)
	if err != nil {
		if errors.Is(err, pdf.ErrLimit) {
			err = fmt.Errorf("%w: %v", ErrTooLarge, err)
		}
		return nil, st, err
	}
	dropHiddenText(p)
	if p.HasText() || p.ImageCoverage() <= 0.05 && len(p.Images) == 0 {
		return p, st, nil
	}
	if st, err = ocr.read(ctx, p); err != nil {
		return nil, st, err
	}
	if st.words == 0 {
		return nil, st, fmt.Errorf("%w: OCR read no words on the scanned page", ErrNeedsOCR)
	}
	return p, st, nil
}

// markOCR records that t was read by OCR, and how sure the reading was.
func markOCR(t *Table, st ocrWordStats) {
	t.Method = MethodOCR
	t.Confidence = math.Min(t.Confidence, baseConfidence(MethodOCR)*st.meanConf/100)
	r := fmt.Sprintf("read by OCR from a scanned page (%d words, mean confidence %.0f%%): check the figures against the scan",
		st.words, st.meanConf)
	if len(st.doubtful) > 0 {
		r += "; least certain words on the page: " + strings.Join(st.doubtful, " ")
	}
	t.Reasons = append(t.Reasons, r)
}

// dropHiddenText removes the glyphs drawn invisibly (text rendering mode
// 3 or 7) that do not lie over an image: text hidden from the reader
// (search keywords, a template's leftovers, white-on-white copies) is
// not what the page shows. Invisible text over an image is the text
// layer of a scanned page, laid over the words it reads, and stays.
func dropHiddenText(p *pdf.Page) {
	hidden := false
	for _, g := range p.Glyphs {
		if g.Invisible {
			hidden = true
			break
		}
	}
	if !hidden {
		return
	}
	overImage := func(g pdf.Glyph) bool {
		cx, cy := (g.X0+g.X1)/2, (g.Y0+g.Y1)/2
		for _, b := range p.Images {
			if cx >= b.X0 && cx <= b.X1 && cy >= b.Y0 && cy <= b.Y1 {
				return true
			}
		}
		return false
	}
	out := p.Glyphs[:0]
	for _, g := range p.Glyphs {
		if !g.Invisible || overImage(g) {
			out = append(out, g)
		}
	}
	p.Glyphs = out
}
