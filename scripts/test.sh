#!/usr/bin/env bash
# foidesk's test run: formatting, vet, then every package's tests against
# real PostgreSQL, Temporal and IMAP servers. Packages that do not build the
# Temporal server run with the race detector; those that do (slow to build
# with -race on small machines) run without it.
set -euo pipefail
cd "$(dirname "$0")/.."

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.foidesk/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt: these files need formatting:" >&2
  echo "$unformatted" >&2
  exit 1
fi

go vet ./...

heavy=()
light=()
while read -r pkg deps; do
  case " $deps " in
    *" go.temporal.io/server/"*) heavy+=("$pkg") ;;
    *) light+=("$pkg") ;;
  esac
done < <(go list -f '{{.ImportPath}} {{join .Deps " "}}' ./...)

status=0
if [ ${#light[@]} -gt 0 ]; then
  go test -race -timeout 20m -skip 'TestRealCorpusF1' "${light[@]}" || status=1
fi
# The real-document benchmark reads scanned pages by OCR: minutes under
# -race for nothing the race detector could find. It runs plainly.
go test -timeout 15m -run 'TestRealCorpusF1' ./internal/extract || status=1
# Tests that measure memory and time, or that hit a data race inside go-imap
# on a dropped connection, skip themselves under -race: run them plainly.
go test -timeout 10m -run 'TestXLSX100kBoundedMemory|TestSyncSurvivesConnectionDroppedMidFetch' \
  ./internal/extract ./internal/mail || status=1
if [ ${#heavy[@]} -gt 0 ]; then
  go test -timeout 30m "${heavy[@]}" || status=1
fi
exit $status
