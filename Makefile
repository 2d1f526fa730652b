# The two commands: `make run` and `make test`. Both set everything up and are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app tracker
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-postgres lint setup db demo e2e clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed demo --if-empty

run: demo
	@$(FLASK) seed accounts
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest -m "not e2e and not postgres"

test-postgres: setup
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m pytest -m "not e2e"

# Front-end packages the browser tests serve in place of a CDN (package.json, package-lock.json).
NODE_STAMP := node_modules/.package-lock.json

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# Browser tests: Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`).
e2e: setup $(NODE_STAMP)
	$(BIN)/python -m pytest tests/e2e -m e2e

lint: setup
	$(BIN)/ruff check tracker tests config.py
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance/*.db instance/*.db-*
