# Two commands on a fresh machine with Python 3.11 and pip: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAGE ?= prod
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: venv run worker test test-openevent fuzz bench lint package test-localstack js-readers clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

## run: the whole local stack (PostgreSQL, AWS emulation, API on :8000, queue worker) with a demo event
run: venv
	$(BIN)/python -m devtools.stack

## worker: more queue workers (and a relay) for the stack of a running `make run`, without its API
worker: venv
	$(BIN)/python -m devtools.worker

## test: lint and types, then the whole suite against a real PostgreSQL and AWS APIs over HTTP
test: lint
	$(BIN)/python -m pytest

## test-openevent: the Open Event lane: OES's own schema read through a SELECT-only login and a hot standby
test-openevent: venv
	$(BIN)/python -m pytest tests/openevent -m openevent

## fuzz: the schema-driven fuzz of every operation with a large budget (make test runs a small one)
fuzz: venv
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-1000} $(BIN)/python -m pytest tests/fuzz

## bench: export benchmarks on large seeded events (figures go to the README)
bench: venv
	$(BIN)/python -m devtools.bench

## package: `chalice package` for the prod stage (STAGE=...) into build/package: sam.json + deployment.zip
package: venv
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(BIN)/python -m devtools.package build/package --stage $(STAGE)

## test-localstack: the functional tests against a real LocalStack (its own Python 3.13 venv in .local/)
test-localstack: venv
	devtools/localstack.sh

## js-readers: ical.js and node-ical, pinned by tests/readers/package-lock.json, into .local/readers (the calendar tests run it)
READERS := .local/readers
$(READERS)/.installed: tests/readers/package.json tests/readers/package-lock.json tests/readers/read_calendars.mjs
	@mkdir -p $(READERS)
	cp tests/readers/package.json tests/readers/package-lock.json tests/readers/read_calendars.mjs $(READERS)/
	cd $(READERS) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

js-readers: $(READERS)/.installed

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy chalicelib app.py

clean:
	rm -rf $(VENV) .local .pytest_cache .mypy_cache .ruff_cache build vendor/migrations
