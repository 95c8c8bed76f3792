# The README's two commands: `make run` and `make test`. Each bootstraps a fresh machine from PyPI,
# npm and Debian only: a pinned virtual environment, SecantusDB in its own environment (GPL-2.0, run
# as a separate server), bun from npm for Reflex, and Chromium for the browser tests.

PYTHON ?= python3
VENV := .venv
TOOLS := .tools
BUN_DIR := $(TOOLS)/bun
SECANTUS := $(TOOLS)/secantus
OIDC_PROVIDER := tests/fakes/oidc_provider
AXE := tests/a11y
export PATH := $(CURDIR)/$(BUN_DIR)/node_modules/.bin:$(PATH)
export REFLEX_CHECK_LATEST_VERSION := 0
export REFLEX_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup run test lint bench chromium clean

setup: $(VENV)/.installed $(SECANTUS)/.installed $(BUN_DIR)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements.lock
	$(VENV)/bin/pip install -q --no-deps -e .
	touch $@

$(SECANTUS)/.installed:
	mkdir -p $(TOOLS)
	test -x $(SECANTUS)/bin/python || $(PYTHON) -m venv $(SECANTUS)
	$(SECANTUS)/bin/pip install -q secantusdb==0.7.0b3
	touch $@

$(BUN_DIR)/.installed:
	mkdir -p $(BUN_DIR)
	npm install --silent --no-audit --no-fund --prefix $(BUN_DIR) bun@1.4.5
	touch $@

# The real OpenID Connect provider the tests sign in through (pinned by its package-lock.json).
$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package-lock.json
	npm ci --silent --no-audit --no-fund --prefix $(OIDC_PROVIDER)
	touch $@

# axe-core, which the browser tests inject into pages to check accessibility.
$(AXE)/node_modules/.installed: $(AXE)/package-lock.json
	npm ci --silent --no-audit --no-fund --prefix $(AXE)
	touch $@

chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

run: setup
	$(VENV)/bin/reflex run --env prod --single-port --frontend-port 3000 --backend-port 3000 --backend-host 127.0.0.1

test: setup chromium $(OIDC_PROVIDER)/node_modules/.installed $(AXE)/node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

lint:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: setup
	$(VENV)/bin/python -m bench.event_listing
	$(VENV)/bin/python -m bench.week_view_render
	$(VENV)/bin/python -m bench.recurrence_expansion
	$(VENV)/bin/python -m bench.availability_engine
	$(VENV)/bin/python -m bench.scheduling_service
	$(VENV)/bin/python -m bench.permission_check

clean:
	rm -rf .web .states
