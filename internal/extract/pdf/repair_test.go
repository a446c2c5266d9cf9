package pdf

import (
	"bytes"
	"context"
	"errors"
	"os"
	"regexp"
	"testing"
)

// A PDF whose startxref points nowhere (its table moved, as in files
// rewritten by a tool that did not update it) opens from a rebuilt table;
// one cut short stays refused.
func TestRebuildXref(t *testing.T) {
	data, err := os.ReadFile("../testdata/pdf/w01-std14-unruled.pdf")
	if err != nil {
		t.Fatal(err)
	}
	bad := regexp.MustCompile(`startxref\s+\d+`).ReplaceAll(bytes.Clone(data), []byte("startxref\n12"))
	doc, err := Open(bad, nil)
	if err != nil {
		t.Fatalf("open with a wrong startxref: %v", err)
	}
	p, err := doc.Page(context.Background(), 1)
	if err != nil || !p.HasText() {
		t.Fatalf("page 1: %v (text %v)", err, err == nil && p.HasText())
	}
	cut := bad[:len(bad)-40]
	if _, err := Open(cut, nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("open cut short: err %v, want ErrMalformed", err)
	}
}

// A trailer whose /Size falls short of the cross-reference table (as
// pdfunite writes it: /Size 24, 32 entries, the catalog object 28) is
// read with /Size raised; so is a file whose /Size was lowered to 2.
func TestTrailerSizeTooSmall(t *testing.T) {
	united, err := os.ReadFile("../testdata/pdfunite/w01-w06.pdf")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Open(united, nil)
	if err != nil || doc.NumPages() != 2 {
		t.Fatalf("pdfunite file: %v, %d pages, want 2", err, pages(doc))
	}
	data, err := os.ReadFile("../testdata/pdf/w06-two-tables.pdf")
	if err != nil {
		t.Fatal(err)
	}
	low := regexp.MustCompile(`/Size \d+`).ReplaceAll(bytes.Clone(data), []byte("/Size 2"))
	if bytes.Equal(low, data) {
		t.Fatal("no /Size to lower")
	}
	doc, err = Open(low, nil)
	if err != nil || doc.NumPages() != 1 {
		t.Fatalf("/Size 2: %v, %d pages, want 1", err, pages(doc))
	}
	if _, ok := raiseTrailerSize(data); ok {
		t.Error("raiseTrailerSize changed a file whose /Size is right")
	}
}

func pages(d *Document) int {
	if d == nil {
		return 0
	}
	return d.NumPages()
}
