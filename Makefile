# Gatehouse developer commands. `make` (or `make help`) lists them.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# Pinned tool versions. ent, gqlgen and genqlient are pinned by go.mod
# (require / tool lines); golangci-lint is kept out of go.mod and installed into ./bin. The
# module proxy serves explicit versions only: never use @latest.
GOLANGCI_LINT_VERSION := v2.15.0

GO ?= go
BIN := $(CURDIR)/bin
GOLANGCI_LINT := $(BIN)/golangci-lint
TEST_TIMEOUT ?= 20m

.PHONY: help run build web services test test/race test/short generate migration \
	verify lint fmt tools bench tidy db/reset clean

help: ## Show this list of targets
	@echo "usage: make <target> [VAR=value]"
	@grep -E '^[a-zA-Z_/-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-13s %s\n", $$1, $$2}'

run: export GATEHOUSE_DEV ?= true
run: ## Run the server (`go run . serve`, GATEHOUSE_DEV=true unless set), building the web frontend if missing; it prints where to log in
	@scripts/web if-missing || echo "run: the web frontend could not be built; serving the API and playground only" >&2
	$(GO) run . serve

build: web ## Build the web frontend, then the server binary into bin/gatehouse
	$(GO) build -o bin/gatehouse .

web: ## Build the web frontend into web/dist/app (npm ci when needed; the binary embeds it)
	scripts/web build

services: ## Start (installing if needed) PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379
	scripts/services

# CI is passed through unchanged: with CI=true, tests that cannot reach
# PostgreSQL or Redis fail instead of skipping.
test: ## Start services (and install chromium), build the web frontend, then run every test with the race detector (what CI runs)
	scripts/services --chromium --nginx --caddy
	scripts/web build
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...

test/race: test ## Same as test: the race detector is always on

test/short: ## Quick run without services (SQLite only): go test -short
	$(GO) test -short -count=1 ./...

generate: ## Regenerate ent, then gqlgen (gqlgen reads ent's output), then the web frontend's GraphQL types and the genqlient client (clients/genqlient)
	$(GO) generate ./ent
	$(GO) generate ./graph
	scripts/web generate
	$(GO) generate ./clients/genqlient

migration: ## Write versioned migrations for ent schema changes: make migration name=what_changed
	@if [[ -z "$(name)" ]]; then \
		echo "usage: make migration name=<what_changed>   (snake_case, e.g. add_user_locale)" >&2; \
		exit 2; \
	fi
	scripts/services
	$(GO) run ./ent/migrate/migdiff -name '$(name)'

verify: ## Fail if generated code, go.mod/go.sum or migrations are out of date (CI)
	scripts/services
	@mkdir -p bin && git status --porcelain >bin/.verify-before
	$(MAKE) generate
	$(GO) mod tidy
	$(GO) run ./ent/migrate/migdiff -check
	@if [[ -n "$$(git status --porcelain)" ]]; then \
		echo "verify: the work tree has changes or untracked files:" >&2; \
		git status --porcelain >&2; \
		git diff --stat >&2; \
		if [[ -s bin/.verify-before ]]; then \
			echo "verify: (some were there before verify ran; commit or stash them and run it again)" >&2; \
		fi; \
		echo "verify: run make generate / go mod tidy / make migration and commit" >&2; \
		exit 1; \
	fi
	@echo "verify: generated code, go.mod/go.sum and migrations are up to date"

tools: ## Install the pinned golangci-lint (GOLANGCI_LINT_VERSION) into bin/ unless it is there
	@if ! $(GOLANGCI_LINT) --version 2>/dev/null | grep -qF 'version $(GOLANGCI_LINT_VERSION:v%=%) '; then \
		echo "installing golangci-lint $(GOLANGCI_LINT_VERSION) into bin/"; \
		GOBIN=$(BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION); \
	fi

lint: tools ## Run golangci-lint (.golangci.yml: depguard layering, forbidigo, …)
	$(GOLANGCI_LINT) run ./...

fmt: tools ## Format the code with golangci-lint fmt (gofumpt, gci)
	$(GOLANGCI_LINT) fmt

BENCHTIME ?= 1s
BENCHCOUNT ?= 1

bench: ## Run the benchmarks (BENCHTIME=30s BENCHCOUNT=3 for the figures in BENCHMARKS.md)
	scripts/services
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=$(BENCHTIME) -count=$(BENCHCOUNT) ./...

tidy: ## go mod tidy
	$(GO) mod tidy

db/reset: ## Delete the embedded database ./data/gatehouse.db* (asks first; FORCE=1 does not)
	@shopt -s nullglob; files=(./data/gatehouse.db*); \
	if (( $${#files[@]} == 0 )); then echo "db/reset: no ./data/gatehouse.db*, nothing to delete"; exit 0; fi; \
	if [[ "$(FORCE)" != 1 ]]; then \
		answer=; \
		read -r -p "Delete $${files[*]}? [y/N] " answer || true; \
		if [[ $$answer != [yY]* ]]; then echo "db/reset: nothing deleted" >&2; exit 1; fi; \
	fi; \
	rm -f -- "$${files[@]}"; \
	echo "db/reset: deleted $${files[*]}"

clean: ## Remove bin/ (built binaries and installed tools)
	rm -rf bin/
