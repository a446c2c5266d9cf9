package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foidesk/foidesk/internal/pdfwrite"
)

// TestLetterTextPDF reads a one-page letter: lines in reading order, a
// blank line where the gap between lines is wider than a line.
func TestLetterTextPDF(t *testing.T) {
	lp := &layoutPage{}
	lp.text(60, 780, 10, "Our Ref: FOI 123/24")
	lp.text(60, 740, 10, "Dear Requester")
	lp.text(60, 710, 10, "I can confirm that the information you have requested is held,")
	lp.text(60, 698, 10, "however it cannot be disclosed. This letter is a refusal notice.")
	lp.text(60, 660, 10, "Yours sincerely")
	got, err := LetterText(context.Background(), "Response 123-24.pdf", lp.pdf(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "Our Ref: FOI 123/24\n\nDear Requester\n\nI can confirm that the information you have requested is held,\n" +
		"however it cannot be disclosed. This letter is a refusal notice.\n\nYours sincerely"
	if got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
}

// TestLetterTextRealPDF reads a real FOI reply letter of the shared
// corpus: its reference line and its answer come out as words.
func TestLetterTextRealPDF(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "real", "nhs-cornwall-housing-support-foi-2021.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := LetterText(context.Background(), "reply.pdf", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Reference Number: FOI 86420", "Thank you for your request for information", "Our reply:"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in the letter's text:\n%s", want, got[:min(len(got), 600)])
		}
	}
}

// TestLetterTextPages reads a letter of several pages as pdfwrite lays
// it out, Latin-1 signs included.
func TestLetterTextPages(t *testing.T) {
	lines := []string{"Our Ref: FOI 9/25", "", "The cost limit is £450 (18 hours)."}
	for i := range 70 {
		lines = append(lines, fmt.Sprintf("Line %d of the letter.", i+1))
	}
	got, err := LetterText(context.Background(), "letter.pdf", pdfwrite.Letter(lines), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "Our Ref: FOI 9/25\n\nThe cost limit is \u00a3450 (18 hours).\nLine 1 of the letter.\n") {
		t.Errorf("letter begins %q", got[:min(len(got), 90)])
	}
	// Every line once, in order; a blank line after the reference and one
	// at the page break.
	at := 0
	for i := range 70 {
		l := fmt.Sprintf("Line %d of the letter.\n", i+1)
		j := strings.Index(got[at:], l)
		if i == 69 {
			j = strings.Index(got[at:], strings.TrimSuffix(l, "\n"))
		}
		if j < 0 {
			t.Fatalf("line %d missing or out of order", i+1)
		}
		at += j
	}
	if n := strings.Count(got, "\n\n"); n != 2 {
		t.Errorf("%d paragraph breaks, want 2 (after the reference, between the pages):\n%s", n, got)
	}
}

func TestLetterTextDOCX(t *testing.T) {
	doc := `<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>Our Ref:</w:t></w:r><w:r><w:tab/><w:t>FOI 77/25</w:t></w:r></w:p>
<w:p></w:p>
<w:p><w:r><w:t xml:space="preserve">Some of the information </w:t></w:r><w:r><w:t>has been withheld.</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>2024</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>`
	got, err := LetterText(context.Background(), "letter.docx", zipOf(t, map[string]string{"word/document.xml": doc, "[Content_Types].xml": "<Types/>"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "Our Ref: FOI 77/25\n\nSome of the information has been withheld.\n\n2024\n\n12"
	if got != want {
		t.Errorf("text %q, want %q", got, want)
	}
}

// A Word 97-2003 letter is read through LibreOffice: the test makes one
// from a DOCX of the corpus with LibreOffice itself.
func TestLetterTextLegacyWord(t *testing.T) {
	if testing.Short() {
		t.Skip("runs LibreOffice")
	}
	if findSoffice() == "" {
		t.Skip("LibreOffice is not installed")
	}
	docx, err := os.ReadFile(filepath.Join("testdata", "office", "reasons.docx"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := LetterText(context.Background(), "reasons.docx", docx, nil)
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := convertLegacy(context.Background(), "docx", "doc", docx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := LetterText(context.Background(), "letter.doc", legacy, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(want, "\n"); len(first) < 10 || !strings.Contains(got, first) {
		t.Errorf("the .doc reads %q, want it to hold the .docx's first paragraph %q", got[:min(len(got), 200)], first)
	}
}

func TestLetterTextPlain(t *testing.T) {
	got, err := LetterText(context.Background(), "response.txt", []byte("\xef\xbb\xbfPlease find our response below.\n"), nil)
	if err != nil || got != "Please find our response below.\n" {
		t.Errorf("text %q, err %v", got, err)
	}
}

// Input that is not a letter, or not readable, gives a typed error and
// never a panic.
func TestLetterTextBadInput(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty.pdf", nil, ErrEmpty},
		{"figures.xlsx", zipOf(t, map[string]string{"xl/workbook.xml": "<workbook/>", "[Content_Types].xml": "<Types/>"}), ErrNotLetter},
		{"figures.csv", []byte("year,count\n2024,3\n2025,4\n"), ErrNotLetter},
		{"blank.pdf", onePage("", ""), ErrEmpty},
		{"huge.txt", bytes.Repeat([]byte("a"), letterMaxBytes+1), ErrTooLarge},
	}
	for _, tt := range tests {
		_, err := LetterText(ctx, tt.name, tt.data, nil)
		var e *Error
		if !errors.Is(err, tt.want) || !errors.As(err, &e) {
			t.Errorf("%s: error %v, want an *Error wrapping %v", tt.name, err, tt.want)
		}
	}
	scan, err := os.ReadFile(filepath.Join("testdata", "real", "academy-cardinal-vaughan-accounts-scan.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LetterText(ctx, "scan.pdf", scan, nil); !errors.Is(err, ErrNeedsOCR) {
		t.Errorf("scanned letter, no OCR asked for: error %v, want %v", err, ErrNeedsOCR)
	}
	lp := &layoutPage{}
	lp.text(60, 780, 10, "Our Ref: FOI 123/24")
	whole := lp.pdf()
	for _, cut := range []int{len(whole) / 3, len(whole) / 2, len(whole) - 40} {
		if _, err := LetterText(ctx, "cut.pdf", whole[:cut], nil); err == nil {
			t.Errorf("a PDF cut at %d of %d bytes read without error", cut, len(whole))
		}
	}
	if _, err := LetterText(ctx, "bad.docx", zipOf(t, map[string]string{"word/document.xml": "<w:document><w:body><w:p>"}), nil); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("broken DOCX: %v is not an *Error", err)
		}
	}
}

// A scanned letter's first page is read by OCR when asked for (and
// Tesseract is installed).
func TestLetterTextScanned(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR takes seconds")
	}
	if _, err := findOCR(); err != nil {
		t.Skip(err)
	}
	scan, err := os.ReadFile(filepath.Join("..", "..", "e2e", "testdata", "scanned-letter.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := LetterText(context.Background(), "scan.pdf", scan, &LetterOptions{OCRPages: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("read by OCR:\n%s", got[:min(len(got), 400)])
	if len(strings.Fields(got)) < 20 {
		t.Errorf("OCR read %d words, want a page's", len(strings.Fields(got)))
	}
}

// OCR reads no more scanned pages than asked for: one page of a 49-page
// scan read by OCR gives fewer words than two pages.
func TestLetterTextScannedPagesBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR takes seconds")
	}
	if _, err := findOCR(); err != nil {
		t.Skip(err)
	}
	scan, err := os.ReadFile(filepath.Join("testdata", "real", "academy-cardinal-vaughan-accounts-scan.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	pages := func(n int) int {
		got, err := LetterText(context.Background(), "scan.pdf", scan, &LetterOptions{OCRPages: n})
		if err != nil {
			t.Fatalf("%d pages: %v", n, err)
		}
		return len(strings.Fields(got))
	}
	one, two := pages(1), pages(2)
	if one == 0 || two <= one {
		t.Errorf("words read with 1 page of OCR: %d, with 2: %d; want more with 2", one, two)
	}
}

func TestLetterTextClipped(t *testing.T) {
	got, err := LetterText(context.Background(), "long.txt", []byte(strings.Repeat("é", LetterMaxText)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > LetterMaxText || !strings.HasPrefix(got, "éé") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("clipped to %d bytes, ends %q", len(got), got[max(0, len(got)-4):])
	}
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
