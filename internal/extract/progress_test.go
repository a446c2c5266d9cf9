package extract

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Progress is reported once per page, in order; a reading stopped part
// way gives the tables of the pages read, each saying that the result is
// partial, with a PageErrors naming where it stopped.
func TestProgressAndPartialResult(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(pdfCorpus, "w05-multipage.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	var pages []int
	ts, err := File(context.Background(), "m.pdf", src, &Options{Progress: func(p Progress) {
		if p.OCR {
			t.Errorf("page %d reported as OCR", p.Page)
		}
		pages = append(pages, p.Page)
	}})
	if err != nil || len(ts) == 0 {
		t.Fatalf("%d tables, error %v", len(ts), err)
	}
	if len(pages) != 3 || pages[0] != 1 || pages[1] != 2 || pages[2] != 3 {
		t.Errorf("progress pages %v, want [1 2 3]", pages)
	}
	whole := ts[0].NumRows()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ts, err = File(ctx, "m.pdf", src, &Options{Progress: func(p Progress) {
		if p.Page == 2 {
			cancel() // as if the time limit were reached before page 2
		}
	}})
	var pe PageErrors
	if !errors.As(err, &pe) || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want PageErrors wrapping context.Canceled", err)
	}
	if len(ts) == 0 || ts[0].NumRows() >= whole {
		t.Fatalf("%d tables (rows %d of %d), want page 1's part", len(ts), ts[0].NumRows(), whole)
	}
	for _, tb := range ts {
		if !hasReason(tb, "partial result: reading stopped at page 2 of 3") {
			t.Errorf("table %d reasons %q", tb.Index, tb.Reasons)
		}
	}
}

// Each scanned page read by OCR is reported and extends the time limit
// by OCRPageTime, so that a document of scanned pages is read whole even
// when Timeout alone would not cover them.
func TestOCRProgressExtendsBudget(t *testing.T) {
	needOCR(t)
	if testing.Short() {
		t.Skip("OCR takes seconds a page")
	}
	src, err := os.ReadFile(filepath.Join(pdfCorpus, "w05-multipage.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	scanned := scan(t, src, 150, 75)
	var events []Progress
	ts, err := File(context.Background(), "scan.pdf", scanned, &Options{Timeout: 500 * time.Millisecond, OCRPageTime: time.Minute,
		Progress: func(p Progress) { events = append(events, p) }})
	if err != nil {
		t.Fatalf("error %v", err)
	}
	if len(ts) == 0 || ts[0].Method != MethodOCR {
		t.Fatalf("%d tables", len(ts))
	}
	var ocr []Progress
	for _, e := range events {
		if e.OCR {
			ocr = append(ocr, e)
		}
	}
	if len(ocr) != 3 {
		t.Fatalf("OCR progress %+v, want pages 1 to 3", ocr)
	}
	for i, e := range ocr {
		if e.Page != i+1 || e.OCRPages != i+1 {
			t.Errorf("OCR event %d: %+v", i, e)
		}
		if i > 0 && e.Deadline.Sub(ocr[i-1].Deadline) != time.Minute {
			t.Errorf("page %d extended the deadline by %v, want 1m", e.Page, e.Deadline.Sub(ocr[i-1].Deadline))
		}
	}
	t.Logf("read 3 scanned pages in %v", events[len(events)-1].Elapsed)
}
