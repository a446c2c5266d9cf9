package pdfwrite

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// Every cross-reference entry points at its object, and a stream's data
// is written whole between its keywords.
func TestWriteOffsetsAndStreams(t *testing.T) {
	data := []byte("BT /F1 12 Tf (x) Tj ET\n\x00\xff")
	b := Write([]Object{
		{Dict: "<< /Type /Catalog /Pages 2 0 R >>"},
		{Dict: "<< /Type /Pages /Kids [] /Count 0 >>"},
		Stream("/Filter /None", data),
	})
	if !bytes.HasPrefix(b, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
		t.Fatalf("not framed as a PDF:\n%q", b)
	}
	xref := bytes.Index(b, []byte("\nxref\n")) + 1
	var start int
	if _, err := fmt.Sscanf(string(b[bytes.LastIndex(b, []byte("startxref\n")):]), "startxref\n%d", &start); err != nil || start != xref {
		t.Fatalf("startxref %d (%v), xref at %d", start, err, xref)
	}
	entries := strings.Split(string(b[xref:]), "\n")[3:6]
	for i, e := range entries {
		var off int
		fmt.Sscanf(e, "%d", &off)
		if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Errorf("entry %d points at %q, want %q", i+1, b[off:off+10], want)
		}
	}
	if !bytes.Contains(b, append(append([]byte("<< /Filter /None /Length 25 >>\nstream\n"), data...), "\nendstream\nendobj\n"...)) {
		t.Errorf("stream not written whole:\n%q", b)
	}
}
