// Command gencorpus writes the table-extraction benchmark corpus: documents
// with known tables and their expected CSV files.
//
//	go run ./internal/extract/bench/cmd/gencorpus [-pdf] [-dir DIR]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/foidesk/foidesk/internal/extract/bench"
)

func main() {
	dir := flag.String("dir", "internal/extract/testdata/corpus", "output directory")
	pdf := flag.Bool("pdf", false, "also convert the XLSX and DOCX documents to PDF with LibreOffice")
	flag.Parse()
	if err := bench.WriteCorpus(context.Background(), *dir, *pdf); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}
