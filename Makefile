# opskit: make test runs the whole suite on real services.
SHELL := /bin/bash
GO ?= go
PKGS ?= ./...
# Integration tests share one PostgreSQL, one RabbitMQ cluster and one Docker
# engine, and some of them stop nodes on purpose; packages run one at a time.
TEST_FLAGS ?= -race -count=1 -p 1 -timeout 30m
BENCH ?= .

.PHONY: all test test-short services services-down services-status lint fmt-check vet staticcheck shellcheck bench

all: lint test-short

## test: start the services, lint, and run every test with OPSKIT_INTEGRATION=1.
test: services lint
	@echo "==> compiling tests"
	$(GO) test -race -count=1 -run '^$$' $(PKGS) >/dev/null
	@echo "==> go test (integration)"
	OPSKIT_INTEGRATION=1 $(GO) test $(TEST_FLAGS) $(PKGS)

## test-short: the tests that need no service (integration tests skip).
test-short:
	$(GO) test -count=1 $(PKGS)

## services: start (or health-check) PostgreSQL, RabbitMQ, Docker, moto, SSH image.
services:
	bash internal/testenv/services.sh up

services-down:
	bash internal/testenv/services.sh down

services-status:
	bash internal/testenv/services.sh status

lint: fmt-check vet staticcheck shellcheck

fmt-check:
	@echo "==> gofmt"
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	@echo "==> go vet"
	$(GO) vet $(PKGS)

staticcheck:
	@echo "==> staticcheck"
	$(GO) tool staticcheck $(PKGS)

## shellcheck: the host script opskit runs on hosts is POSIX sh; the test
## service scripts are bash. Both must be shellcheck-clean (warnings and up).
shellcheck:
	@echo "==> shellcheck"
	@command -v shellcheck >/dev/null || { echo "shellcheck missing: apt-get install shellcheck (make services installs it)"; exit 1; }
	shellcheck -S warning -s sh access/sshhost/host.sh access/sshhost/deledit/editor.sh
	cd internal/testenv && shellcheck -S warning -x services.sh scripts/*.sh

## bench: run the benchmarks (peers side by side) on the real services.
bench: services
	bash internal/testenv/services.sh bench-deps
	OPSKIT_INTEGRATION=1 $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count=1 -timeout 60m $(PKGS)
