# custos — make help lists the targets.
GO ?= go
PG ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable

.PHONY: help run build test test-pg lint fuzz bench ci

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

run: ## run custos on embedded SQLite in ./custos-data
	$(GO) run ./cmd/custos serve

build: ## build ./custos
	$(GO) build -o custos ./cmd/custos

test: ## run the tests (PostgreSQL ones skip without CUSTOS_TEST_POSTGRES)
	$(GO) test ./...

test-pg: ## run the tests with the local PostgreSQL
	CUSTOS_TEST_POSTGRES='$(PG)' $(GO) test ./...

lint: ## go vet and staticcheck (pinned by the tool directive in go.mod)
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

fuzz: ## short fuzz runs of every parser of outside input
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 30s ./policy
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeRequest$$' -fuzztime 30s ./httpapi
	$(GO) test -run '^$$' -fuzz '^FuzzDecisionDecodeMatchesStdlib$$' -fuzztime 30s ./httpapi
	$(GO) test -run '^$$' -fuzz '^FuzzNormalize$$' -fuzztime 30s ./vault
	$(GO) test -run '^$$' -fuzz '^FuzzUnwrapOpen$$' -fuzztime 30s ./vault

bench: ## the Go benchmarks (bench/README.md has the side-by-side scripts)
	$(GO) test -run '^$$' -bench . -benchmem ./policy ./auditlog ./vault ./store/...

ci: ## what CI runs
	bash .ci/run
