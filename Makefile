# Every target sets itself up on a fresh machine with only python3 and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run` serves the showcase on this port: `make run PORT=8000` or
# `PORT=8000 make run`.
PORT ?= 5000
# The Python versions the built wheel is tested on besides $(PY): the oldest
# that requires-python admits and the newest this machine has.
PYTHONS ?= 3.13

# .venv is filled in steps, each recorded by a stamp and redone when
# pyproject.toml changes: `make run` installs Kolba with its `api` extra
# (msgspec and Swagger UI's files: all the showcase needs, for its typed JSON
# API and its /docs page); the other targets add the extras for tests,
# benchmarks, the docs site and the release checks.
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed
# A second environment with the lowest dependency versions Kolba declares.
LOW := .venv-lowest
LOW_STAMP := $(LOW)/.installed

.PHONY: test test-fast test-pythons run bench soak soak-short docs dist install tools clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[api]'
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,bench,docs,release]'
	touch $@ $(RUN_STAMP)

$(LOW_STAMP): pyproject.toml constraints/lowest.txt
	$(PY) -m venv $(LOW)
	$(LOW)/bin/pip install -q --upgrade pip
	$(LOW)/bin/pip install -q -e '.[test,bench]' -c constraints/lowest.txt
	touch $(LOW_STAMP)

install: $(STAMP)

# Debian packages the tests drive, installed only when missing (and only as
# root): Chromium for the browser tests (Playwright drives it and never
# downloads a browser of its own), wrk for the end-to-end benchmark section
# and valgrind for the instruction-count section.
SYSTEM_TOOLS := /usr/bin/chromium:chromium /usr/bin/wrk:wrk /usr/bin/valgrind:valgrind
tools:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
		[ -x "$${pair%%:*}" ] || missing="$$missing $${pair##*:}"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "missing:$$missing (not root): the tests that need them will be skipped"; exit 0; \
	fi; \
	mkdir -p build; echo "apt-get install$$missing (browser tests: chromium; benchmark section tests: wrk, valgrind)"; \
	apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq $$missing >build/apt.log 2>&1 || { cat build/apt.log; exit 1; }

# The documentation site, into site/, with every Sphinx warning (a broken
# link or anchor, a missing reference to a Kolba name) an error.
docs: $(STAMP)
	@$(BIN)/python -c 'import sphinx' 2>/dev/null || \
		{ echo "make docs needs Python 3.11 or newer for Sphinx: make PY=python3.11 ..."; exit 1; }
	$(BIN)/python -m sphinx -W --keep-going -q -b html -d build/doctrees docs site

# The sdist and the wheel, into dist/, checked as an index would see them.
dist: $(STAMP)
	rm -rf dist; mkdir -p build
	$(BIN)/python -m build --outdir dist . >build/dist.log 2>&1 || { cat build/dist.log; exit 1; }
	$(BIN)/check-wheel-contents dist/*.whl
	$(BIN)/twine check --strict dist/*

# The built wheel on the other Python versions (see .ci/test_wheel.py).
test-pythons: dist
	$(BIN)/python .ci/test_wheel.py $(PYTHONS)

# The passes after the first leave out the server and browser tests
# (tests/e2e): they start real servers and Chromium, which the first pass
# already drove, and the lanes, doors and dependency versions those passes
# vary are all checked in process.  CI time stays under 15 minutes.
SECONDARY ?= --ignore=tests/e2e

# The whole suite, five ways: as shipped (newest dependencies, WSGI door),
# through the ASGI door (every test client drives app.asgi), with every
# request forced through the general lane, against real Flask (which proves
# the tests encode Flask's behaviour), and on the lowest dependencies; then
# the built wheel on the oldest and newest Python. The docs site is built
# first: the suite checks it (tests/test_docs_site.py, tests/e2e).
test: $(STAMP) $(LOW_STAMP) tools docs
	@echo "== 1/6 newest dependencies"
	$(BIN)/python -m pytest
	@echo "== 2/6 ASGI door (KOLBA_TESTS_DOOR=asgi)"
	KOLBA_TESTS_DOOR=asgi $(BIN)/python -m pytest -q $(SECONDARY)
	@echo "== 3/6 general lane (KOLBA_TESTS_LANE=general)"
	KOLBA_TESTS_LANE=general $(BIN)/python -m pytest -q $(SECONDARY)
	@echo "== 4/6 against Flask (KOLBA_TESTS_AGAINST=flask)"
	KOLBA_TESTS_AGAINST=flask $(BIN)/python -m pytest -q $(SECONDARY)
	@echo "== 5/6 lowest dependencies (constraints/lowest.txt)"
	$(LOW)/bin/python -m pytest -q $(SECONDARY)
	@echo "== 6/6 the built wheel on Python $(PYTHONS)"
	$(MAKE) --no-print-directory test-pythons

# One run of the suite, for working on Kolba.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q

run: $(RUN_STAMP)
	$(BIN)/python examples/showcase/run.py --fresh --port $(PORT)

bench: $(STAMP) tools
	$(BIN)/python -m benchmarks

# The showcase under gunicorn (sync, gthread), granian (WSGI and ASGI) and
# uvicorn (app.asgi), 30 s of mixed load each; fails when a server misses a
# target (a 5xx, a socket error, a lost write, memory drift over 10%).
# Figures: docs/reliability.md ("Load and soak").
soak: $(STAMP)
	PYTHONPATH=src $(BIN)/python -m tools.soak --seconds 30

# The same for 3 s per server (CI runs it after the tests; under a minute).
soak-short: $(STAMP)
	PYTHONPATH=src $(BIN)/python -m tools.soak --seconds 3

clean:
	rm -rf $(VENV) $(LOW) .venv-py* build dist site src/*.egg-info

# Mutation testing of the request path's parsers, sessions and router
# (tools/mutate.py; survivors are printed with file:line).  Slow, about an
# hour with two CPUs, so it is not part of `make test`.  Options go through
# MUTATE_ARGS, e.g. make mutate MUTATE_ARGS="sessions --max-mutants 40 --seed 3"
.PHONY: mutate
mutate: $(STAMP)
	$(BIN)/python tools/mutate.py $(MUTATE_ARGS)
