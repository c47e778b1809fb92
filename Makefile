# Two commands on a fresh machine with Python 3.13 and pip: `make run` and `make test`.
# The interpreter is the Lambda runtime's (.python-version, python3.13 in the template): python3.13 on
# PATH, else pyenv's; pyenv's shims are on PATH but fail unless the version is selected, so each
# candidate is tried for real. PYTHON=/path/to/python3.13 chooses another.
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell for candidate in python$(PYTHON_VERSION) $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$(PYTHON_VERSION).*/bin/python$(PYTHON_VERSION); do \
	[ "$$("$$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$(PYTHON_VERSION)" ] && echo "$$candidate" && break; done)
VENV := .venv
STAGE ?= prod
BIN := $(VENV)/bin
# The stamp names the interpreter's version too: a .venv of another Python is rebuilt, never reused.
STAMP := $(VENV)/.installed-$(PYTHON_VERSION)-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
VENV_VERSION_OK := $(BIN)/python -c 'import sys; sys.exit("%d.%d" % sys.version_info[:2] != "$(PYTHON_VERSION)")'

.PHONY: venv run worker test test-openevent fuzz bench lint package scan test-localstack js-readers clean

$(STAMP): requirements.txt requirements-dev.txt .python-version
	@$(VENV_VERSION_OK) 2>/dev/null || { \
		test -n "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) (the Lambda runtime) is needed: install it (pyenv install $(PYTHON_VERSION), or your system's python$(PYTHON_VERSION) package) or set PYTHON=/path/to/python$(PYTHON_VERSION)" >&2; exit 1; }; \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
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

## scan: cfn-lint and checkov (its own venv in .local/) on the template `make package` built
scan: package
	devtools/scan.sh

## test-localstack: the functional tests against a real LocalStack (its own venv in .local/)
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
