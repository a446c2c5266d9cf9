package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foidesk/foidesk/internal/extract/pdf"
)

// buildPDF assembles objects (numbered from 1) into a PDF with a correct
// cross-reference table.
func buildPDF(objs []string, root int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, root, x)
	return b.Bytes()
}

func streamObj(data string) string {
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(data), data)
}

const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"

// onePage returns a one-page PDF with the given content and extra objects
// (numbered from 5) and resources.
func onePage(content, resources string, extra ...string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> " + resources + " >> /Contents 5 0 R >>",
		helvetica,
		streamObj(content),
	}
	return buildPDF(append(objs, extra...), 1)
}

func extractBounded(t *testing.T, data []byte, o *Options, bound time.Duration) ([]*Table, error) {
	t.Helper()
	var tables []*Table
	var err error
	timeBound(t, bound, func() {
		tables, err = File(context.Background(), "hostile.pdf", data, o)
	})
	return tables, err
}

func TestPDFTruncated(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(pdfCorpus, "w02-cid-ruled.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, frac := range []float64{0.05, 0.3, 0.5, 0.8, 0.95, 0.999} {
		cut := data[:int(float64(len(data))*frac)]
		_, err := extractBounded(t, cut, nil, 2*time.Second)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("cut at %.0f%%: err %v, want *Error", frac*100, err)
		}
	}
}

func TestPDFGarbage(t *testing.T) {
	for _, data := range [][]byte{
		[]byte("%PDF-"),
		[]byte("%PDF-1.7\n" + strings.Repeat("garbage ", 1000) + "\n%%EOF\n"),
		[]byte("%PDF-1.7\nstartxref\n999999999\n%%EOF\n"),
		[]byte("%PDF-1.7\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"),
	} {
		_, err := extractBounded(t, data, nil, 2*time.Second)
		var e *Error
		if !errors.As(err, &e) || e.Format != "pdf" {
			t.Errorf("%q: err %v, want *Error for pdf", data[:min(20, len(data))], err)
		}
	}
}

func TestPDFDeepNesting(t *testing.T) {
	// Arrays nested 100,000 deep in the content stream, and a dictionary
	// nested 5,000 deep among the page resources.
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	content := deep + " BT /F1 10 Tf 50 700 Td (after) Tj ET"
	dict := strings.Repeat("<< /A ", 5000) + strings.Repeat(">> ", 5000)
	data := onePage(content, "/Deep "+dict)
	_, err := extractBounded(t, data, nil, 5*time.Second)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("err %v, want nil or *Error", err)
		}
	}
}

func TestPDFRecursiveForm(t *testing.T) {
	// A Form XObject that draws itself.
	form := "<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << /XObject << /X 7 0 R >> /Font << /F1 4 0 R >> >> /Length 30 >>\nstream\nBT /F1 9 Tf (x) Tj ET /X Do  \nendstream"
	data := onePage("/X Do", "/XObject << /X 7 0 R >>", streamObj(""), form)
	_, err := extractBounded(t, data, nil, 5*time.Second)
	var pe PageErrors
	if !errors.As(err, &pe) || len(pe.Pages(ErrTooLarge)) != 1 {
		t.Errorf("err %v, want a page error for Form XObject depth", err)
	}
}

func TestPDFManyPages(t *testing.T) {
	// A page tree claiming a billion pages; one Pages node lists the same
	// page 3,000 times and itself.
	kids := strings.Repeat("3 0 R ", 3000) + "2 0 R"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [" + kids + "] /Count 1000000000 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		helvetica,
		streamObj("BT /F1 10 Tf 50 700 Td (page) Tj ET"),
	}
	data := buildPDF(objs, 1)
	_, err := extractBounded(t, data, &Options{MaxPages: 50}, 5*time.Second)
	var pe PageErrors
	if !errors.As(err, &pe) || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err %v, want PageErrors with ErrTooLarge", err)
	}
}

func TestPDFTimeout(t *testing.T) {
	// Many operators: the timeout must stop the work.
	content := strings.Repeat("1 0 0 1 0 0 cm ", 400000)
	data := onePage(content, "")
	_, err := extractBounded(t, data, &Options{Timeout: 5 * time.Millisecond}, 2*time.Second)
	if err == nil {
		t.Skip("machine fast enough to finish within the timeout")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v, want deadline exceeded", err)
	}
}

func TestPDFInlineImageAndOddOperators(t *testing.T) {
	content := "BI /W 4 /H 4 /CS /G /BPC 8 ID \x00\x01EI\xff\xfe\x00 EI\n" +
		"BT /F1 10 Tf 50 700 Td (Region) Tj 150 0 Td (2021) Tj 60 0 Td (2022) Tj ET\n" +
		"BT /F1 10 Tf 50 685 Td (North) Tj 150 0 Td (12) Tj 60 0 Td (14) Tj ET\n" +
		"BT /F1 10 Tf 50 670 Td (South) Tj 150 0 Td (<5) Tj 60 0 Td (9) Tj ET\n" +
		"BT /F1 10 Tf 50 655 Td (East) Tj 150 0 Td (7) Tj 60 0 Td (*) Tj ET\n" +
		") ] >> {} Tj TJ Tf cm Do"
	tables, err := extractBounded(t, onePage(content, ""), nil, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 || tables[0].Text(2, 1) != "<5" {
		t.Fatalf("tables %v", tables)
	}
}

// FuzzExtractPDF feeds arbitrary bytes to the PDF extractor: it must
// return, quickly, without panicking.
func FuzzExtractPDF(f *testing.F) {
	for _, name := range []string{"w01-std14-unruled.pdf", "w02-cid-ruled.pdf", "w03-form-xobject.pdf", "w08-differences.pdf"} {
		data, err := os.ReadFile(filepath.Join(pdfCorpus, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(onePage("BT /F1 10 Tf (x) Tj ET", ""))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 5 {
			return
		}
		data = append([]byte("%PDF-"), data[5:]...)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		tables, err := extractPDF(ctx, data, &Options{MaxPages: 5, Timeout: 2 * time.Second})
		if err != nil {
			var e *Error
			var pe PageErrors
			if !errors.As(err, &e) && !errors.As(err, &pe) {
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
		for _, tb := range tables {
			for _, row := range tb.Rows {
				if len(row) != tb.NumCols() {
					t.Fatalf("ragged table")
				}
			}
		}
	})
}

// BenchmarkPDF measures pages per second over the corpus.
func BenchmarkPDF(b *testing.B) {
	cases := loadPDFCases(b)
	var docs [][]byte
	pages := 0
	for _, c := range cases {
		data, err := os.ReadFile(filepath.Join(pdfCorpus, c.File))
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, data)
		doc, err := pdf.Open(data, nil)
		if err != nil {
			b.Fatal(err)
		}
		pages += doc.NumPages()
	}
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	total := 0
	for b.Loop() {
		for _, d := range docs {
			if _, err := extractPDF(ctx, d, nil); err != nil {
				var pe PageErrors
				if !errors.As(err, &pe) {
					b.Fatal(err)
				}
			}
		}
		total += pages
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "pages/s")
}
