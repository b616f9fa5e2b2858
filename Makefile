# Every target sets itself up on a fresh machine with only python3 and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# A second environment with the lowest dependency versions Kolba declares.
LOW := .venv-lowest
LOW_STAMP := $(LOW)/.installed

.PHONY: test test-fast run bench soak soak-short install tools clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $(STAMP)

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
	echo "apt-get install$$missing (browser tests: chromium; benchmark section tests: wrk, valgrind)"; \
	apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null 2>&1

# The whole suite, five ways: as shipped (newest dependencies, WSGI door),
# through the ASGI door (every test client drives app.asgi), with every
# request forced through the general lane, against real Flask (which proves
# the tests encode Flask's behaviour), and on the lowest dependencies.
test: $(STAMP) $(LOW_STAMP) tools
	@echo "== 1/5 newest dependencies"
	$(BIN)/python -m pytest
	@echo "== 2/5 ASGI door (KOLBA_TESTS_DOOR=asgi)"
	KOLBA_TESTS_DOOR=asgi $(BIN)/python -m pytest -q
	@echo "== 3/5 general lane (KOLBA_TESTS_LANE=general)"
	KOLBA_TESTS_LANE=general $(BIN)/python -m pytest -q
	@echo "== 4/5 against Flask (KOLBA_TESTS_AGAINST=flask)"
	KOLBA_TESTS_AGAINST=flask $(BIN)/python -m pytest -q
	@echo "== 5/5 lowest dependencies (constraints/lowest.txt)"
	$(LOW)/bin/python -m pytest -q

# One run of the suite, for working on Kolba.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q

run: $(STAMP)
	$(BIN)/python examples/showcase/run.py --fresh

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
	rm -rf $(VENV) $(LOW) build src/*.egg-info

# Mutation testing of the request path's parsers, sessions and router
# (tools/mutate.py; survivors are printed with file:line).  Slow, about an
# hour with two CPUs, so it is not part of `make test`.  Options go through
# MUTATE_ARGS, e.g. make mutate MUTATE_ARGS="sessions --max-mutants 40 --seed 3"
.PHONY: mutate
mutate: $(STAMP)
	$(BIN)/python tools/mutate.py $(MUTATE_ARGS)
