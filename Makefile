# Every target sets itself up on a fresh machine with only python3 and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test run bench install tools clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests drive: Chromium for the browser tests (Playwright
# drives it; it never downloads a browser of its own), wrk and valgrind for the
# benchmark sections' own tests. Installed only when missing and root.
SYSTEM_TOOLS := /usr/bin/chromium:chromium /usr/bin/wrk:wrk /usr/bin/valgrind:valgrind
tools:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
		[ -x "$${pair%%:*}" ] || missing="$$missing $${pair##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "missing:$$missing (not root): the tests that need them will be skipped"; \
		fi; \
	fi

test: $(STAMP) tools
	$(BIN)/python -m pytest

run: $(STAMP)
	$(BIN)/python examples/showcase/run.py --fresh

# wrk (Debian) drives the end-to-end section; installed when missing and root.
bench: $(STAMP)
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; else echo "wrk missing and not root: the e2e benchmark section will be skipped"; fi; }
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build src/*.egg-info
