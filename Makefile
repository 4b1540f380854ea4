# The commands people type. Each target names the real tool it runs.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
NPM ?= npm
BIN_DEBUG := target/debug/bukuma
BIN_RELEASE := target/release/bukuma

.PHONY: run test build frontend frontend-deps openapi check-fmt clippy domain-purity \
        test-rust test-frontend e2e schemathesis pinboard-client hatena-client feeds-check abuse ensure-postgres fmt clean \
        bench bench-quick bench-10m bench-hatena bench-cluster bench-smoke cluster-up cluster-down cluster-check cluster-faults

## run: build everything and serve the app with the SPA on ./data (SQLite)
run: frontend
	$(CARGO) build --release -p bukuma-api
	$(BIN_RELEASE) serve

## test: every check and test (needs PostgreSQL on 127.0.0.1:5432, see README);
## the web app is built before the Rust tests, one of which serves it from the binary
test: ensure-postgres check-fmt clippy domain-purity frontend test-rust bench-smoke test-frontend schemathesis pinboard-client hatena-client feeds-check abuse
	@echo "make test: all checks passed"

build:
	$(CARGO) build --workspace

frontend-deps:
	@command -v node >/dev/null || { echo "error: Node.js 20+ and npm are needed (apt-get install -y nodejs npm)"; exit 1; }
	cd frontend && $(NPM) ci --no-audit --no-fund

frontend: frontend-deps
	cd frontend && $(NPM) run build

## openapi: regenerate openapi/openapi.json from the code, and the SPA's client types from it
openapi:
	$(CARGO) run -q -p bukuma-api -- openapi > openapi/openapi.json
	cd frontend && $(NPM) run gen

ensure-postgres:
	bash scripts/ensure-postgres.sh

check-fmt:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## domain-purity: the domain crate depends on no web framework and no database,
## and only the binary uses the benchmark dataset generator
domain-purity:
	bash scripts/domain-purity.sh

test-rust:
	$(CARGO) test --workspace

test-frontend: frontend-deps
	cd frontend && $(NPM) run gen:check && $(NPM) run lint && $(NPM) run typecheck && $(NPM) test && $(NPM) run build
	$(MAKE) e2e

e2e:
	$(CARGO) build -p bukuma-api
	cd frontend && BUKUMA_BIN=$(abspath $(BIN_DEBUG)) $(NPM) run e2e

## schemathesis: fuzz a live server against its served spec (bounded time)
schemathesis:
	$(CARGO) build -p bukuma-api
	BUKUMA_BIN=$(BIN_DEBUG) bash scripts/schemathesis.sh

## pinboard-client: drive the Pinboard-compatible API with the `pinboard` client library from PyPI
pinboard-client:
	$(CARGO) build -p bukuma-api
	BUKUMA_BIN=$(BIN_DEBUG) bash scripts/pinboard-client.sh

## hatena-client: drive the Hatena-compatible APIs with requests-oauthlib and feedparser from PyPI
hatena-client:
	$(CARGO) build -p bukuma-api
	BUKUMA_BIN=$(BIN_DEBUG) bash scripts/hatena-client.sh

## feeds-check: a live server's RSS/Atom feeds, parsed with Python's feedparser
feeds-check:
	$(CARGO) build -p bukuma-api
	BUKUMA_BIN=$(BIN_DEBUG) bash scripts/feeds-check.sh

## abuse: a short abuse run against live servers (password guessing, sign-up
## floods, a deep-folder import, a stalled body, hostile characters in feeds)
abuse:
	$(CARGO) build -p bukuma-api
	BUKUMA_BIN=$(BIN_DEBUG) bash scripts/abuse-check.sh

## bench: release build, 1M-bookmark datasets, every scenario on SQLite and PostgreSQL (~8 min + seeding once)
bench: ensure-postgres
	bash bench/run.sh full

## bench-quick: the same at 100 000 bookmarks (~4 min)
bench-quick: ensure-postgres
	bash bench/run.sh quick

## bench-10m: the same at 10 000 000 bookmarks and 100 000 users (seeding once ~30 min)
bench-10m: ensure-postgres
	bash bench/run.sh 10m

## bench-hatena: Hatena Bookmark's size in 2009, 47 000 000 bookmarks and 300 000 users, with
## targets spread over every active user and the million most bookmarked entries; runs on the
## dataset itself (seeding, classifying and indexing once ~1 h on SQLite; see bench/README.md)
bench-hatena: ensure-postgres
	bash bench/run.sh hatena

## bench-cluster: the read scenarios against one server and through haproxy in front of
## three (deploy/), side by side, at 1M bookmarks (~12 min + seeding once)
bench-cluster: ensure-postgres
	bash bench/run.sh cluster

## bench-smoke: 1 000 bookmarks, ~1 s per scenario, fails on any error (debug build)
bench-smoke: ensure-postgres
	bash bench/run.sh smoke

## cluster-up: haproxy on 127.0.0.1:8090 in front of three `bukuma serve`, a PostgreSQL
## primary (5433) and a streaming replica (5434), state in target/cluster (deploy/README.md);
## CLUSTER_PROFILE=release for a release build
CLUSTER_PROFILE ?= debug
cluster-up:
	$(CARGO) build -p bukuma-api $(if $(filter release,$(CLUSTER_PROFILE)),--release,)
	BUKUMA_BIN=$(abspath target/$(CLUSTER_PROFILE)/bukuma) bash deploy/cluster.sh up

## cluster-down: stop everything cluster-up started (the data stays; `deploy/cluster.sh purge` deletes it)
cluster-down:
	bash deploy/cluster.sh down

## cluster-check: read-your-writes through haproxy with a lagging replica, stopped half-way (~1 min)
cluster-check:
	$(CARGO) build -p bukuma-api $(if $(filter release,$(CLUSTER_PROFILE)),--release,)
	BUKUMA_BIN=$(abspath target/$(CLUSTER_PROFILE)/bukuma) bash deploy/check.sh

## cluster-faults: under 60 s of mixed load each, kill -9 a server, stop the replica,
## restart the primary, and kill -9 a SQLite server; no acknowledged write may be lost
## and counters stay exact (deploy/README.md; ~6 min)
cluster-faults:
	$(CARGO) build -p bukuma-api $(if $(filter release,$(CLUSTER_PROFILE)),--release,)
	BUKUMA_BIN=$(abspath target/$(CLUSTER_PROFILE)/bukuma) bash deploy/faults.sh

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf frontend/node_modules frontend/dist
