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

.PHONY: serve build zensical build-zensical test validate bench clean versions

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

# Zensical lives in a venv of its own: its dependencies move faster than MkDocs' and must not
# change the versions the plugin build and the tests run with. The range is the `zensical` extra's.
ZVENV ?= .venv-zensical
ZENSICAL := $(ZVENV)/bin/zensical
ZENSICAL_REQ = $(shell $(PYTHON) -c 'import shlex, tomllib; print(*map(shlex.quote, tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["zensical"]))')

$(ZENSICAL): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	rm -rf $(ZVENV)
	$(PYTHON) -m venv $(ZVENV)
	$(ZVENV)/bin/python -m pip install --quiet $(ZENSICAL_REQ)
	touch $@

## zensical: install Zensical (the `zensical` extra's range) into .venv-zensical/
zensical: $(ZENSICAL)

## build-zensical: the survey as plain site sources in generated/ (living-survey generate), then a strict
## Zensical build into generated/site/ (Zensical keeps a site inside its project folder)
build-zensical: $(STAMP) $(ZENSICAL)
	$(BIN)/living-survey generate --out generated
	$(ZENSICAL) build --clean --strict -f generated/mkdocs.yml

## versions: the living site into OUT (default site/) and every release, built once into STORE, at OUT/v/X.Y/, with
## OUT/v/versions.json: what the publishing workflow deploys (offline; a release missing from STORE is built once with its own code)
versions: $(STAMP)
	$(BIN)/living-survey versions --out $(OUT) --store $(STORE) $(VERSIONS_FLAGS)

## validate: check entries, framework and references.bib without building
validate: $(STAMP)
	$(BIN)/living-survey validate

# pytest-xdist: one worker per core; loadscope keeps a test module (and its module-scoped builds) on
# one worker. `make test TEST_WORKERS=0` runs the suite in this process, one test after another.
TEST_WORKERS ?= auto
TEST_FLAGS ?= -n $(TEST_WORKERS) --dist loadscope

## test: install the test dependencies and Zensical (into .venv-zensical/), and run the whole suite,
## the Zensical builds of the generated sources included, spread over the machine's cores
test: $(TEST_STAMP) $(ZENSICAL)
	PATH="$$PATH:$(CURDIR)/$(ZVENV)/bin" $(BIN)/python -m pytest $(TEST_FLAGS)

## bench: build synthetic surveys of 20, 1,000 and 10,000 entries with the plugin, as plain
## MkDocs + Material pages, and with generate + Zensical, and load the home page in Chromium
## (Playwright, from the test extras); print the tables and write them to docs/benchmarks.md
bench: $(TEST_STAMP) $(ZENSICAL)
	$(BIN)/python benchmarks/bench.py

## clean: remove the built sites, generate's output and the caches (the venvs stay)
clean:
	rm -rf site site.partial .cache generated
