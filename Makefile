# Alignment Coordinates — one command each: make serve, make test, make build.
PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

OUT ?= site
# where releases built once are kept (<tag>.tar.gz, <tag>.json); the workflows fill it from release assets
STORE ?= .cache/living-survey/releases
# e.g. --assemble-only (never build a release), --rebuild vX.Y.Z, --require vX.Y.Z
VERSIONS_FLAGS ?=

.PHONY: serve build test validate bench clean versions

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

## serve: install, then serve the site with live reload on http://127.0.0.1:8000
serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

## build: a strict build into site/ (a failed build leaves site/ as it was)
build: $(STAMP)
	rm -rf site.partial
	$(BIN)/mkdocs build --strict --site-dir site.partial
	rm -rf site && mv site.partial site

## versions: the living site into OUT (default site/) and every release, built once into STORE, at OUT/v/X.Y/, with
## OUT/v/versions.json: what the publishing workflow deploys (offline; a release missing from STORE is built once with its own code)
versions: $(STAMP)
	$(BIN)/living-survey versions --out $(OUT) --store $(STORE) $(VERSIONS_FLAGS)

## validate: check entries, framework and references.bib without building
validate: $(STAMP)
	$(BIN)/living-survey validate

## test: install the test dependencies and run the whole suite
test: $(TEST_STAMP)
	$(BIN)/python -m pytest

## bench: build synthetic surveys of 20, 1,000 and 10,000 entries with the plugin and as plain
## MkDocs + Material pages, and load the home page in Chromium (Playwright, from the test extras);
## print the tables and write them to docs/benchmarks.md
bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf site site.partial .cache
