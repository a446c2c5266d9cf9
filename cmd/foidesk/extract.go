package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/foidesk/foidesk/internal/extract"
)

var extractCmd = &command{
	name:    "extract",
	summary: "extract the tables of a document (PDF, XLSX, CSV, DOCX, HTML, text)",
	usage:   "[--format csv|json] [--quiet] FILE",
	help: `Find every table in one document and print it with its provenance: the
document, the page or sheet it stands on, the method that found it, its
title and notes, its header rows, and a confidence with the reasons for it.

--format json prints an array of tables with every cell (its text, typed
number, spans, hidden flag and cell reference). --format csv prints each
table as CSV after comment lines:

  # table 1 sheet Arrests
  # document: reply.xlsx; method: xlsx; header rows: 1; confidence: 0.96
  # title: Number of persons arrested by nationality
  # note: Source: Police National Computer
  # reason: total row A17 ("Total") equals the sum of its parts in 6 of 6 columns

with a blank line between tables. Legacy .xls, .doc and .ods files are
converted with LibreOffice when it is installed. Scanned PDF pages are read
by OCR when pdftoppm (poppler-utils) and tesseract are installed (method
"ocr"; --no-ocr reports them as needing OCR instead). Each page of a PDF
read by OCR adds to the time limit. While a PDF is read, each page is
reported on standard error as it is begun, scanned pages with the time
spent and the time limit reached so far; --quiet leaves these out.

Exit status:
  0  every table found is printed and the whole document was read
  1  the document could not be read (empty, damaged, unsupported): nothing printed
  2  the command line is wrong
  3  the document was read and holds no tables
  4  the tables found are printed, but part of the document could not be
     read (pages needing OCR, pages past the time limit): see the message`,
	flags: func(fs *flag.FlagSet) {
		fs.String("format", "csv", "output format: csv or json")
		fs.Int64("max-bytes", 64<<20, "refuse documents larger than this many bytes")
		fs.Bool("no-ocr", false, "do not read scanned PDF pages by OCR")
		fs.Bool("quiet", false, "do not report the pages of a PDF on standard error as they are read")
	},
	run: runExtract,
}

func init() { register(extractCmd) }

func runExtract(ctx context.Context, a *app, args []string) error {
	if len(args) != 1 {
		return usageErrorf("want one FILE, got %d arguments", len(args))
	}
	format := strings.ToLower(a.flagString("format"))
	if format != "csv" && format != "json" {
		return usageErrorf("--format must be csv or json, not %q", format)
	}
	maxBytes, _ := strconv.ParseInt(a.flagString("max-bytes"), 10, 64)
	name := args[0]
	data, err := readLimited(name, maxBytes)
	if err != nil {
		return err
	}
	// CSV output reads the cells one at a time: a CSV file's tables stay
	// in their compact form, about twice the file's size.
	opts := &extract.Options{MaxBytes: maxBytes, DisableOCR: a.flagBool("no-ocr"), Compact: format == "csv"}
	if !a.flagBool("quiet") {
		opts.Progress = func(p extract.Progress) { printProgress(a.stderr, name, p) }
	}
	tables, err := extract.File(ctx, name, data, opts)
	if err != nil && len(tables) == 0 {
		return fmt.Errorf("%s: %w", name, err)
	}
	if werr := writeTables(a.stdout, format, tables); werr != nil {
		return werr
	}
	switch {
	case err != nil:
		return &exitError{code: exitPartial, err: fmt.Errorf("%s: %w (the tables found are printed)", name, err)}
	case len(tables) == 0:
		return &exitError{code: exitNoTables, err: fmt.Errorf("%s: no tables found", name)}
	}
	return nil
}

// printProgress reports one page of a PDF being read.
func printProgress(w io.Writer, name string, p extract.Progress) {
	if !p.OCR {
		fmt.Fprintf(w, "foidesk extract: %s: page %d\n", name, p.Page)
		return
	}
	limit := p.Elapsed + time.Until(p.Deadline)
	fmt.Fprintf(w, "foidesk extract: %s: page %d is scanned: reading it by OCR (scanned page %d, %s elapsed, time limit now %s)\n",
		name, p.Page, p.OCRPages, p.Elapsed.Round(time.Second), limit.Round(time.Second))
}

// Exit statuses of foidesk extract besides 0, 1 (could not read) and 2
// (usage): documented in its help.
const (
	exitNoTables = 3 // read, and no table in it
	exitPartial  = 4 // tables printed, part of the document unread
)

// writeTables prints tables as JSON (an array, empty when none) or CSV.
func writeTables(w io.Writer, format string, tables []*extract.Table) error {
	if format != "json" {
		return writeTablesCSV(w, tables)
	}
	if tables == nil {
		tables = []*extract.Table{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(tables); err != nil {
		return fmt.Errorf("write tables: %w", err)
	}
	return nil
}

// writeTablesCSV prints tables as CSV, each after its "# table" line and
// provenance comments, separated by blank lines.
func writeTablesCSV(w io.Writer, tables []*extract.Table) error {
	cw := csv.NewWriter(w)
	for i, t := range tables {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		loc := ""
		switch {
		case t.Source.Page > 0:
			loc = fmt.Sprintf(" page %d", t.Source.Page)
		case t.Source.Sheet != "":
			loc = " sheet " + t.Source.Sheet
		}
		var b strings.Builder
		fmt.Fprintf(&b, "# table %d%s\n", t.Index, loc)
		fmt.Fprintf(&b, "# document: %s; format: %s; method: %s; header rows: %d; confidence: %.2f",
			oneLine(t.Source.Document), t.Source.Format, t.Method, t.HeaderRows, t.Confidence)
		if t.Source.Hidden {
			b.WriteString("; hidden")
		}
		b.WriteByte('\n')
		for _, l := range strings.Split(t.Title, "\n") {
			if l != "" {
				fmt.Fprintf(&b, "# title: %s\n", oneLine(l))
			}
		}
		for _, n := range t.Notes {
			fmt.Fprintf(&b, "# note: %s\n", oneLine(n))
		}
		for _, r := range t.Reasons {
			fmt.Fprintf(&b, "# reason: %s\n", oneLine(r))
		}
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
		row := make([]string, t.NumCols())
		for r := range t.NumRows() {
			for c := range row {
				row[c] = t.Text(r, c)
			}
			// A first field starting with "#" would read as a comment.
			if len(row) > 0 && strings.HasPrefix(row[0], "#") {
				row[0] = " " + row[0]
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("write tables: %w", err)
		}
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
