#!/bin/sh
# Score table extraction on the benchmark corpus and measure its speed:
# cell-level F1 per format against the expected CSV files, rows (PDF: pages)
# per second, and for PDFs the time ratio to `pdftotext -layout` (poppler)
# on the same files. Then the 100,000-row XLSX benchmark: time, allocations
# and peak RSS; the 60 MB CSV's peak heap against the file's size, read
# compactly (Options.Compact) and into Rows, and the compact CSV benchmark. Last, the real-document corpus (testdata/real): cell F1 per
# document and overall, and expected tables missed (the two scanned documents
# are read by OCR when tesseract is installed: minutes).
#
#   scripts/bench-extract.sh          # corpus as committed
#   scripts/bench-extract.sh -regen   # regenerate the corpus first (PDFs need LibreOffice)
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = "-regen" ]; then
	shift
	pdf=""
	command -v soffice >/dev/null 2>&1 && pdf="-pdf"
	go run ./internal/extract/bench/cmd/gencorpus $pdf
fi
go run ./internal/extract/bench/cmd/benchextract "$@"
echo
go test -run '^$' -bench 'BenchmarkXLSX100k' -benchtime 1x ./internal/extract/
echo
go test -count=1 -run 'TestCSV60MBMemory' -v ./internal/extract/ | grep -E 'compact (true|false)'
go test -run '^$' -bench 'BenchmarkCSVCompact' -benchtime 3x ./internal/extract/ | grep Benchmark
echo
# The real-document corpus (testdata/real/README.md): cell F1 per document
# and micro over all expected cells, tables missed.
go test -count=1 -run 'TestRealCorpusF1' -v ./internal/extract/ | sed -n '/real corpus:/,/^--- /p'
