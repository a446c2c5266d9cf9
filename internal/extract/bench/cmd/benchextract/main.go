// Command benchextract scores table extraction on the benchmark corpus:
// cell-level precision, recall and F1 per format against the expected CSV
// files (whitespace collapsed, and numbers without thousands separators),
// and extraction speed in rows (or pages) per second. For PDFs it also
// times `pdftotext -layout` on the same files as a baseline.
//
//	go run ./internal/extract/bench/cmd/benchextract [-dir DIR] [-v]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"text/tabwriter"
	"time"

	"github.com/foidesk/foidesk/internal/extract/bench"
)

func main() {
	dir := flag.String("dir", "internal/extract/testdata/corpus", "corpus directory")
	verbose := flag.Bool("v", false, "print every document's score")
	minTime := flag.Duration("time", 200*time.Millisecond, "minimum time spent extracting each document")
	flag.Parse()
	docs, err := bench.CorpusDocs(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchextract:", err)
		os.Exit(1)
	}
	if len(docs) == 0 {
		fmt.Fprintln(os.Stderr, "benchextract: no documents with expected CSV in", *dir)
		os.Exit(1)
	}
	ctx := context.Background()
	var rs []bench.DocResult
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	if *verbose {
		fmt.Fprintln(tw, "document\tF1\tF1 numeric\tP\tR\ttables got/want\ttitles\trows\tms\t")
	}
	for _, d := range docs {
		r := bench.RunDoc(ctx, d, *minTime)
		rs = append(rs, r)
		if *verbose {
			errs := ""
			if r.Err != nil {
				errs = " error: " + r.Err.Error()
			}
			fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%d/%d\t%d/%d\t%d\t%.2f\t%s\n", d.Path, r.Strict.F1(), r.Numeric.F1(),
				r.Strict.Precision(), r.Strict.Recall(), r.Strict.TablesGot, r.Strict.TablesWant,
				r.Strict.TitlesOK, r.Strict.Titles, r.Rows, float64(r.Elapsed.Microseconds())/1000, errs)
		}
	}
	tw.Flush()
	fmt.Println()
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "format\tdocs\tF1\tF1 numeric\tprecision\trecall\ttitles\tnotes\trows/s\tpages/s\t")
	for _, s := range bench.Summarise(rs) {
		pps := "-"
		if s.Pages > 0 {
			pps = fmt.Sprintf("%.0f", s.PagesPerSecond())
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%d/%d\t%d/%d\t%.0f\t%s\t\n", s.Format, s.Docs, s.Strict.F1(), s.Numeric.F1(),
			s.Strict.Precision(), s.Strict.Recall(), s.Strict.TitlesOK, s.Strict.Titles, s.Strict.NotesOK, s.Strict.Notes,
			s.RowsPerSecond(), pps)
	}
	tw.Flush()
	for _, s := range bench.Summarise(rs) {
		for _, e := range s.Errors {
			fmt.Println("error:", e)
		}
		if s.Format == "pdf" {
			baseline(docs, s, *minTime)
		}
	}
}

// baseline times pdftotext -layout on the corpus PDFs and prints the ratio
// of foidesk's extraction time to it.
func baseline(docs []bench.Doc, s bench.FormatSummary, minTime time.Duration) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		fmt.Println("baseline: pdftotext -layout not installed (apt-get install poppler-utils); no speed ratio")
		return
	}
	var total time.Duration
	for _, d := range docs {
		if d.Format != "pdf" {
			continue
		}
		runs := 0
		start := time.Now()
		for runs == 0 || time.Since(start) < minTime {
			if out, err := exec.Command(bin, "-layout", d.Path, "-").CombinedOutput(); err != nil {
				fmt.Printf("baseline: pdftotext %s: %v: %s\n", d.Path, err, out)
				return
			}
			runs++
		}
		total += time.Since(start) / time.Duration(runs)
	}
	fmt.Printf("baseline pdftotext -layout: %.1f ms for %d PDFs; foidesk pdf: %.1f ms (%.2fx pdftotext's time, process start included in pdftotext's)\n",
		float64(total.Microseconds())/1000, s.Docs, float64(s.Elapsed.Microseconds())/1000, s.Elapsed.Seconds()/total.Seconds())
}
