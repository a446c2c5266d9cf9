# foidesk — see README.md. The two commands a fresh machine needs:
#   make demo   run a whole simulated 44-force campaign on embedded defaults
#   make test   run the test suite against real PostgreSQL, Temporal and IMAP

GO ?= go
BIN := bin/foidesk
# Temporal's development server for dev, demo and tests: its own binary, so
# that foidesk does not link the Temporal server. foidesk finds it beside
# itself.
TEMPORAL_BIN := bin/foidesk-temporal

.PHONY: all build demo dev test chaos screenshots lint vet fmt bench-extract clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/foidesk
	$(GO) build -o $(TEMPORAL_BIN) ./cmd/foidesk-temporal

# A whole simulated 44-force campaign, end to end, on embedded defaults.
demo: build
	scripts/deps.sh demo
	$(BIN) demo

dev: build
	scripts/deps.sh demo
	$(BIN) dev

test:
	scripts/deps.sh test
	scripts/test.sh

# The fault-injection suite: PostgreSQL, a Temporal server on PostgreSQL,
# separate worker processes, Dovecot, and workers, Temporal and the
# postmaster killed while a campaign runs. make test runs it at its default
# size (seed 1); this target runs it alone.
# Bigger by hand, e.g. FOIDESK_CHAOS_SEED=7 FOIDESK_CHAOS_WORKERS=4
# FOIDESK_CHAOS_GAP=1s make chaos (see cmd/foidesk/chaos_test.go).
chaos:
	scripts/deps.sh test
	FOIDESK_CHAOS=1 $(GO) test -count=1 -run '^TestChaos$$' -v -timeout 60m ./cmd/foidesk/

# PNG screenshots of the dashboard's key pages (the board, a force's page,
# the data, the review queue) from the demo's data, into docs/screenshots/;
# the replies-to-check page from a reply waiting there (the demo's desk
# leaves none waiting).
# The same run works the force page's actions in Chromium against the real
# worker (TestDeskInBrowser; FOIDESK_DEMO_BROWSER=1 runs it without
# screenshots). About two minutes.
screenshots:
	scripts/deps.sh test
	FOIDESK_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run '^TestDeskInBrowser$$' -v -timeout 15m ./cmd/foidesk/
	FOIDESK_WEB_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run '^TestBrowserKinds$$' -v ./internal/web/

vet:
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Static checks beyond vet: workflow determinism and staticcheck.
lint: vet
	cd tools && $(GO) build -o ../bin/workflowcheck go.temporal.io/sdk/contrib/tools/workflowcheck
	cd tools && $(GO) build -o ../bin/staticcheck honnef.co/go/tools/cmd/staticcheck
	bin/workflowcheck ./workflows/...
	bin/staticcheck ./...

clean:
	rm -rf bin
