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
