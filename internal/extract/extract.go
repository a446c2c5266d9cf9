package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Options bounds and steers an extraction. A nil *Options means defaults.
type Options struct {
	// Document names the document in each table's Source (sha256 or file name).
	Document string
	// MaxBytes refuses inputs larger than this (default 64 MiB).
	MaxBytes int64
	// MaxPages stops PDF extraction after this many pages (default 2000).
	MaxPages int
	// MaxRows stops spreadsheet extraction after this many rows per sheet
	// (default 1,048,576, as many as an Excel sheet holds).
	MaxRows int
	// MaxCells bounds the cells of one document's tables (default one per
	// 8 bytes of MaxBytes: 8,388,608). A workbook stops giving rows once
	// its sheets have given this many non-empty cells.
	MaxCells int
	// Timeout bounds the whole extraction (default 2 minutes); for a PDF,
	// each page read by OCR adds OCRPageTime to it.
	Timeout time.Duration
	// OCRPageTime is the time each scanned PDF page read by OCR adds to
	// Timeout (default 15 s; at most 30 minutes in all).
	OCRPageTime time.Duration
	// Progress, when set, is called as a PDF's pages are read: once as each
	// page is begun, and once more when a scanned page is handed to OCR.
	// It is called from the extracting goroutine; it should return quickly.
	Progress func(Progress)
	// Compact keeps the cells of a delimited file's (CSV) tables in one
	// compact store, at a tenth of what Rows costs, instead of in Rows:
	// such a table's Compact reports true, and its cells are read with
	// NumRows, NumCols, Text, Row and Strings, or put into Rows by Expand.
	// JSON encoding expands it.
	Compact bool
	// DisableOCR reports scanned PDF pages with ErrNeedsOCR instead of
	// reading them with Tesseract (which is used when installed).
	DisableOCR bool
}

func (o *Options) withDefaults() Options {
	var v Options
	if o != nil {
		v = *o
	}
	if v.MaxBytes <= 0 {
		v.MaxBytes = 64 << 20
	}
	if v.MaxPages <= 0 {
		v.MaxPages = 2000
	}
	if v.MaxRows <= 0 {
		v.MaxRows = 1 << 20
	}
	if v.Timeout <= 0 {
		v.Timeout = 2 * time.Minute
	}
	if v.OCRPageTime <= 0 {
		v.OCRPageTime = 15 * time.Second
	}
	return v
}

// Progress says how far the reading of a PDF has got.
type Progress struct {
	Page     int           // 1-based page being read
	OCR      bool          // the page is scanned and is being read by OCR
	OCRPages int           // scanned pages handed to OCR so far, this one included
	Elapsed  time.Duration // since the extraction began
	Deadline time.Time     // when reading stops unless more OCR pages extend it
}

// ErrUnsupported is returned for formats foidesk cannot read.
var ErrUnsupported = errors.New("unsupported format")

// ErrTooLarge is returned when an input exceeds a size, count or depth bound.
var ErrTooLarge = errors.New("input exceeds limits")

// ErrEmpty is returned for a document of no bytes.
var ErrEmpty = errors.New("empty file")

// ErrNeedsOCR is returned for PDF pages that carry no text layer.
var ErrNeedsOCR = errors.New("no text layer (needs OCR)")

// ErrPassword is returned for a password-protected document that the
// default password of Excel ("VelvetSweatshop") does not open. It wraps
// ErrUnsupported.
var ErrPassword = fmt.Errorf("%w: password-protected document", ErrUnsupported)

// Error describes why a document could not be read.
type Error struct {
	Format string // "pdf", "xlsx", ...
	Page   int    // 1-based page or 0
	Sheet  string
	Err    error
}

func (e *Error) Error() string {
	loc := ""
	switch {
	case e.Page > 0:
		loc = fmt.Sprintf(" page %d", e.Page)
	case e.Sheet != "":
		loc = fmt.Sprintf(" sheet %q", e.Sheet)
	}
	return fmt.Sprintf("extract %s%s: %v", e.Format, loc, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// File extracts every table from one document. The format is sniffed from
// the content, with the file name's extension as a hint. Whatever the
// format, every table found is then numbered, given header rows when its
// extractor set none, and its Total rows and columns are checked against
// their parts (finishTables in confidence.go).
func File(ctx context.Context, name string, data []byte, opts *Options) ([]*Table, error) {
	o := opts.withDefaults()
	if o.Document == "" {
		o.Document = name
	}
	if len(data) == 0 {
		return nil, &Error{Format: "file", Err: ErrEmpty}
	}
	if int64(len(data)) > o.MaxBytes {
		return nil, &Error{Format: "file", Err: fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(data), o.MaxBytes)}
	}
	format := Sniff(name, data)
	if format != "pdf" { // a PDF's limit grows with its scanned pages (pdfBudget)
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	var ts []*Table
	var err error
	switch format {
	case "pdf":
		ts, err = extractPDF(ctx, data, &o)
	case "xlsx":
		ts, err = extractXLSX(ctx, data, &o)
	case "csv":
		ts, err = extractCSV(ctx, data, &o)
	case "docx":
		ts, err = extractDOCX(ctx, data, &o)
	case "html":
		ts, err = extractHTML(ctx, data, &o)
	case "text":
		ts, err = extractText(ctx, data, &o)
	case "xls", "ods", "doc", "odt":
		ts, err = extractConverted(ctx, format, data, &o)
	case "encrypted":
		ts, err = extractEncrypted(ctx, data, &o)
		if len(ts) > 0 {
			format = ts[0].Source.Format
		}
	default:
		return nil, &Error{Format: format, Err: ErrUnsupported}
	}
	if len(ts) > 0 {
		// Extractors may return the tables they found with an error.
		ts = finishTables(ts, &o, format)
	}
	return ts, err
}

// FileReader extracts every table from a document of size bytes read
// from r, as File does from its bytes, with the same tables. A delimited
// file (CSV) that is UTF-8 throughout is read a line at a time, its
// bytes never held whole; any other document is read whole, once, and
// given to File.
func FileReader(ctx context.Context, name string, r io.ReaderAt, size int64, opts *Options) ([]*Table, error) {
	o := opts.withDefaults()
	if o.Document == "" {
		o.Document = name
	}
	if size <= 0 {
		return nil, &Error{Format: "file", Err: ErrEmpty}
	}
	if size > o.MaxBytes {
		return nil, &Error{Format: "file", Err: fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, size, o.MaxBytes)}
	}
	// Sniff reads no more than the first 64 KiB of a document that is
	// not a zip or an OLE2 container.
	head := make([]byte, min(size, 64<<10+3))
	if _, err := readFull(r, head, 0); err != nil {
		return nil, err
	}
	whole := func() ([]*Table, error) {
		data := make([]byte, size)
		if _, err := readFull(r, data, 0); err != nil {
			return nil, err
		}
		return File(ctx, name, data, opts)
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")) ||
		Sniff(name, head) != "csv" {
		return whole()
	}
	tctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	ts, err := extractCSVStream(tctx, r, size, head, &o)
	if errors.Is(err, errCSVWhole) {
		return whole()
	}
	if len(ts) > 0 {
		ts = finishTables(ts, &o, "csv")
	}
	return ts, err
}

// readFull reads len(p) bytes at off.
func readFull(r io.ReaderAt, p []byte, off int64) (int, error) {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return n, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return n, &Error{Format: "file", Err: err}
}

// Sniff names a document's format from its first bytes and, failing that,
// its file name: "pdf", "xlsx", "docx", "xls", "ods", "doc", "odt", "csv",
// "html", "text", "encrypted" (a password-protected office file), "zip" or
// "unknown".
func Sniff(name string, data []byte) string {
	if len(data) >= 5 && string(data[:5]) == "%PDF-" {
		return "pdf"
	}
	return sniffOther(name, data)
}
