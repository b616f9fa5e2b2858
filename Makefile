# Every target sets itself up on a fresh machine with only python3 and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test run bench install browser clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; it never
# downloads a browser of its own). Installed only when missing and root.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "chromium missing and not root: browser tests will be skipped"; \
		fi; \
	fi

test: $(STAMP) browser
	$(BIN)/python -m pytest

run: $(STAMP)
	$(BIN)/python examples/showcase/run.py --fresh

# wrk (Debian) drives the end-to-end section; installed when missing and root.
bench: $(STAMP)
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; else echo "wrk missing and not root: the e2e benchmark section will be skipped"; fi; }
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build src/*.egg-info
