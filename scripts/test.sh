#!/usr/bin/env bash
# foidesk's test run: formatting, vet, workflowcheck and staticcheck, then
# every package's tests against real PostgreSQL, Temporal and IMAP servers.
#
# Temporal's development server is its own binary (foidesk-temporal, built
# here once, as make build does): tests start it as a child process, so no
# test binary but internal/devtemporal's links the Temporal server. Every
# package whose test binary does not link it runs with the race detector;
# the rest run without it (slow to build with -race on small machines).
#
# Two go test runs go at once, as much of the time is spent waiting on
# servers, simulated time and OCR rather than on the CPU: the -race run
# (printed as it goes) and the plain runs (printed when both are done).
set -euo pipefail
cd "$(dirname "$0")/.."

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.foidesk/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt: these files need formatting:" >&2
  echo "$unformatted" >&2
  exit 1
fi

go vet ./...

# Workflow code must be deterministic: Temporal's static check, built from
# the tools module's pinned version.
(cd tools && go build -o ../bin/workflowcheck go.temporal.io/sdk/contrib/tools/workflowcheck)
bin/workflowcheck ./workflows/...

# Static checks beyond vet (unused code, dead stores, suspicious calls),
# from the same pinned module.
(cd tools && go build -o ../bin/staticcheck honnef.co/go/tools/cmd/staticcheck)
bin/staticcheck ./...

go build -o bin/foidesk-temporal ./cmd/foidesk-temporal
export FOIDESK_TEMPORAL_BIN="$PWD/bin/foidesk-temporal"

# A package is heavy when it or its test binary links the Temporal server
# (go test builds a package without tests too).
heavy=()
light=()
declare -A is_heavy=()
while read -r pkg deps; do
  case " $deps " in
    *" go.temporal.io/server/"*)
      pkg=${pkg%% *}      # "P [P.test]" and "P_test [P.test]" are P's tests
      pkg=${pkg%.test}    # the test binary
      is_heavy[${pkg%_test}]=1 ;;
  esac
done < <(go list -test -f '{{.ImportPath}} {{join .Deps " "}}' ./...)
while read -r pkg; do
  if [ -n "${is_heavy[$pkg]:-}" ]; then heavy+=("$pkg"); else light+=("$pkg"); fi
done < <(go list ./...)

# The corpus measures, run without -race (see plain below).
corpus_tests='^(TestRealCorpusF1|TestRealReplies|TestPublicBodiesReplies|TestRenderingsKeepKind|TestWordingModel|TestWordingModelPredicts)$'

plain_log=$(mktemp)
trap 'rm -f "$plain_log"' EXIT

# The plain runs, in the background:
#  - the real-document benchmark reads scanned pages by OCR: minutes under
#    -race for nothing the race detector could find;
#  - the reply classifier's corpus measures classify some 900 real replies,
#    many of them under eleven renderings: single-threaded regular
#    expressions, over fifteen minutes under -race and one without;
#  - tests that measure memory, or that hit a data race inside go-imap on a
#    dropped connection, skip themselves under -race;
#  - the heavy packages;
#  - the fault-injection suite (cmd/foidesk TestChaos) at its default size:
#    one 44-force campaign on PostgreSQL-backed Temporal with two worker
#    processes, a fault every ~4 s (about 5 minutes). make chaos runs it
#    bigger; FOIDESK_CHAOS_SEED picks another sequence of faults.
plain() {
  local status=0
  go test -timeout 15m -run 'TestRealCorpusF1' ./internal/extract || status=1
  go test -timeout 15m -run "$corpus_tests" ./internal/classify || status=1
  go test -timeout 10m -run 'TestXLSX100kBoundedMemory|TestSyncSurvivesConnectionDroppedMidFetch|TestCSV60MBMemory|TestProcessDocumentBigCSVMemory' \
    ./internal/extract ./internal/mail ./activities || status=1
  if [ ${#heavy[@]} -gt 0 ]; then
    go test -timeout 30m "${heavy[@]}" || status=1
  fi
  FOIDESK_CHAOS=1 go test -count=1 -timeout 30m -run '^TestChaos$' ./cmd/foidesk || status=1
  return $status
}
plain >"$plain_log" 2>&1 &
plain_pid=$!

status=0
if [ ${#light[@]} -gt 0 ]; then
  go test -race -timeout 20m -skip "$corpus_tests" "${light[@]}" || status=1
fi
wait "$plain_pid" || status=1
echo "--- without -race: ${heavy[*]:-} and the plain runs of internal/extract, internal/classify and internal/mail"
cat "$plain_log"
exit $status
