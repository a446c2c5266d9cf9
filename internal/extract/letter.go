package extract

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/foidesk/foidesk/internal/extract/pdf"
)

// Letters: forces often answer with a covering line ("Please find attached
// our response") and put the decision in a PDF or Word letter. LetterText
// reads such a letter's words in reading order, so that what the letter
// says (a refusal notice, "some of the information is withheld", the
// force's reference) can be classified; its tables are read by File.

// Bounds of LetterText. A decision letter is a few pages; what decides its
// kind and carries its reference is on the first of them.
const (
	// LetterMaxPages is how many pages of a PDF letter are read.
	LetterMaxPages = 6
	// LetterMaxText is the most text returned, in bytes.
	LetterMaxText = 64 << 10
	// LetterTimeout bounds one letter's reading, OCR included.
	LetterTimeout = 45 * time.Second
	// letterMaxBytes: a larger file is not a letter.
	letterMaxBytes = 16 << 20
)

// ErrNotLetter reports a file that is not in a format a letter comes in
// (PDF, Word, OpenDocument text, plain text).
var ErrNotLetter = errors.New("not a letter format")

// LetterOptions tunes LetterText. A nil *LetterOptions reads no scanned
// page.
type LetterOptions struct {
	// OCRPages is how many scanned pages of a PDF letter are read by OCR
	// (Tesseract, when installed); 0 reads none.
	OCRPages int
}

// LetterText returns the text of a letter: a PDF's text layer (its scanned
// pages read by OCR up to opts.OCRPages; a scanned letter not read gives
// ErrNeedsOCR), a Word document's paragraphs (.doc and .odt converted by
// LibreOffice, when installed), or a plain-text file, with paragraphs
// separated by blank lines, cut to LetterMaxText. It never panics;
// malformed input gives an *Error. A PDF page that cannot be read is
// skipped when others can.
func LetterText(ctx context.Context, name string, data []byte, opts *LetterOptions) (text string, err error) {
	if len(data) == 0 {
		return "", &Error{Format: "letter", Err: ErrEmpty}
	}
	if len(data) > letterMaxBytes {
		return "", &Error{Format: "letter", Err: fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(data), letterMaxBytes)}
	}
	ctx, cancel := context.WithTimeout(ctx, LetterTimeout)
	defer cancel()
	format := Sniff(name, data)
	defer func() {
		if r := recover(); r != nil {
			text, err = "", &Error{Format: format, Err: fmt.Errorf("malformed %s: %v\n%s", format, r, firstLines(debug.Stack(), 6))}
		}
	}()
	switch format {
	case "pdf":
		ocrPages := 0
		if opts != nil {
			ocrPages = opts.OCRPages
		}
		text, err = pdfLetter(ctx, data, ocrPages)
	case "docx":
		text, err = docxLetter(ctx, data)
	case "doc", "odt":
		// Word 97-2003 and OpenDocument letters, through LibreOffice.
		var conv []byte
		if conv, err = convertLegacy(ctx, format, "docx", data); err == nil {
			text, err = docxLetter(ctx, conv)
		}
	case "text":
		text = decodeText(data).s
	default:
		return "", &Error{Format: format, Err: ErrNotLetter}
	}
	if err != nil {
		return "", err
	}
	return clipText(text, LetterMaxText), nil
}

// pdfLetter reads the text lines of the first pages, top to bottom, with a
// blank line where the gap between two lines is wider than a line; up to
// ocrPages scanned pages are read by OCR.
func pdfLetter(ctx context.Context, data []byte, ocrPages int) (string, error) {
	doc, err := openPDF(data, LetterMaxPages)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	var first error
	scanned := 0
	ocr := &pdfOCR{data: data}
	defer ocr.close()
	for n := 1; n <= doc.NumPages() && b.Len() < LetterMaxText; n++ {
		if err := ctx.Err(); err != nil {
			if b.Len() == 0 {
				return "", &Error{Format: "pdf", Page: n, Err: fmt.Errorf("stopped: %w", err)}
			}
			break
		}
		ocr.disabled = scanned >= ocrPages
		lines, isScan, err := pdfPageLines(ctx, doc, n, ocr)
		if err != nil {
			if first == nil {
				first = &Error{Format: "pdf", Page: n, Err: err}
			}
			continue
		}
		if isScan {
			scanned++
		}
		if len(lines) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(strings.Join(lines, "\n"))
	}
	switch {
	case b.Len() > 0:
		return b.String(), nil
	case first != nil:
		return "", first
	case scanned > 0:
		return "", &Error{Format: "pdf", Err: ErrNeedsOCR}
	}
	return "", &Error{Format: "pdf", Err: ErrEmpty}
}

// pdfPageLines returns page n's text lines, "" between paragraphs, and
// whether the page is scanned: a scanned page is read by OCR unless ocr
// is disabled, when it gives no lines; so does a blank page. Panics become
// errors.
func pdfPageLines(ctx context.Context, doc *pdf.Document, n int, ocr *pdfOCR) (out []string, scanned bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, scanned, err = nil, false, fmt.Errorf("malformed page: %v", r)
		}
	}()
	p, st, err := loadPage(ctx, doc, n, ocr)
	switch {
	case errors.Is(err, ErrNeedsOCR):
		return nil, true, nil // not read: the letter is left unread if no page is
	case err != nil:
		return nil, false, err
	}
	lines := buildLines(buildWords(p))
	out = make([]string, 0, len(lines))
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			if gap := prev.base - l.base; gap > 1.9*math.Max(prev.size, l.size) {
				out = append(out, "")
			}
		}
		out = append(out, l.text())
	}
	return out, st.words > 0, nil
}

// docxLetter reads the paragraphs of a Word document's main part, table
// cells included, one paragraph a line with blank lines between them.
func docxLetter(ctx context.Context, data []byte) (string, error) {
	o := (&Options{}).withDefaults()
	zr, err := openZip("docx", data, &o)
	if err != nil {
		return "", err
	}
	zf := zipEntry(zr, "word/document.xml")
	if zf == nil {
		return "", &Error{Format: "docx", Err: fmt.Errorf("%w: no word/document.xml", ErrUnsupported)}
	}
	rc, err := zf.Open()
	if err != nil {
		return "", &Error{Format: "docx", Err: fmt.Errorf("open document part: %w", err)}
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, o.MaxBytes))
	d.Strict = false
	var b, para strings.Builder
	inText := false
	for b.Len() < LetterMaxText {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", &Error{Format: "docx", Err: fmt.Errorf("malformed document: %w", err)}
		}
		if err := ctx.Err(); err != nil {
			return "", &Error{Format: "docx", Err: fmt.Errorf("stopped: %w", err)}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				para.WriteByte(' ')
			case "br", "cr":
				para.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				if s := strings.TrimSpace(para.String()); s != "" {
					if b.Len() > 0 {
						b.WriteString("\n\n")
					}
					b.WriteString(s)
				}
				para.Reset()
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		}
	}
	if b.Len() == 0 {
		return "", &Error{Format: "docx", Err: ErrEmpty}
	}
	return b.String(), nil
}

// clipText cuts s to at most n bytes, at a rune boundary.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for i := 0; i < utf8.UTFMax && !utf8.ValidString(s); i++ {
		s = s[:len(s)-1]
	}
	return s
}
