# Two commands matter: `make run` (the app with the demo school) and `make test` (every test layer).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
AXE := $(TOOLS)/node_modules/axe-core/axe.min.js
PORT ?= 3000
# The demo listens on this machine only: its passwords are published. HOST=0.0.0.0 exposes it.
HOST ?= 127.0.0.1
# bun is installed from npm into .tools/ (no root needed) when it is not already on PATH.
export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)

.PHONY: run serve test install install-dev bun lint test-fast test-e2e bench clean messages compile-messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

LOCALE := ilp_app/locale

## messages: after changing text: extract every marked string, update en/nb/nn, compile (.mo)
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k t -k tn:1,2 -k tf --add-location=file --sort-by-file \
		--project=ILP --copyright-holder="ILP contributors" -o $(LOCALE)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -m ilp_app.i18n.compile

## compile-messages: the .mo files from the committed .po files (make install and make run do it)
compile-messages: $(VENV)/.installed
	$(BIN)/python -m ilp_app.i18n.compile

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed bun compile-messages
install-dev: $(VENV)/.installed-dev bun $(AXE)

# axe-core checks every page in the browser tests (pinned; installed from npm like bun).
$(AXE):
	npm install --silent --no-fund --no-audit --prefix $(TOOLS) axe-core@4.14.1

bun:
	@command -v bun >/dev/null 2>&1 || npm install --silent --no-fund --no-audit --prefix $(TOOLS) bun
	@bun --version >/dev/null

## run: migrate, load the demo school into an empty database, serve at http://localhost:$(PORT)
run: install
	$(BIN)/python -m ilp_app.seed
	ILP_ENV=$${ILP_ENV:-development} ILP_FRONTEND_PORT=$(PORT) ILP_BACKEND_PORT=$(PORT) \
		ILP_SCHOOL_TIMEZONE=$${ILP_SCHOOL_TIMEZONE:-Europe/Oslo} \
		$(BIN)/reflex run --env prod --single-port --backend-host $(HOST) \
		--frontend-port $(PORT) --backend-port $(PORT)

## serve: production server: builds the frontend only when stale, respawns a crashed worker
## (set ILP_ENV, ILP_SECRET_KEY, ILP_DATABASE_URL, REFLEX_REDIS_URL, GRANIAN_WORKERS: see README)
serve: install
	$(BIN)/python -m ilp_app.db.migrate
	ILP_FRONTEND_PORT=$(PORT) ILP_BACKEND_PORT=$(PORT) \
		$(BIN)/python -m ilp_app.serve --host $(HOST) --port $(PORT)

## test: lint, unit + integration (SQLite, and PostgreSQL/Redis when configured), then browser tests
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest tests/unit tests/integration
	$(BIN)/pytest tests/e2e

test-fast: install-dev
	$(BIN)/pytest tests/unit tests/integration -q

test-e2e: install-dev
	$(BIN)/pytest tests/e2e

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf .web .states reflex.lock data
