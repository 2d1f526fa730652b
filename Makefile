# The two commands: `make run` and `make test`. Both set everything up and are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# npm packages: Chart.js for the browser tests, the report fonts (package.json).
NODE_STAMP := node_modules/.package-lock.json
FLASK := $(BIN)/flask --app tracker
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-postgres lint setup lock translations messages db demo e2e vendor bench clean

# .venv gets exactly what the dev lock names, every file checked against its hash.
$(STAMP): requirements.lock requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(STAMP)

# The report fonts (Noto, see docs/reports.md) are npm packages: setup installs them too.
setup: $(STAMP) translations $(NODE_STAMP)

# After editing requirements.txt or requirements-dev.txt: pin every transitive dependency, with
# the hashes of all its files (any platform, Python 3.11+), in requirements.lock (runtime) and
# requirements-dev.lock (runtime + dev, held to the same versions). Pins in a lock are kept
# unless a requirement needs another; `make lock LOCK_ARGS=--upgrade` moves them all to the newest.
UV_VERSION := 0.13.9
LOCK_ARGS ?=
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(LOCK_ARGS)

lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV_COMPILE) -o requirements.lock requirements.txt
	$(UV_COMPILE) -c requirements.lock -o requirements-dev.lock requirements-dev.txt

# The French catalogue: the .po is committed, the .mo is built from it (docs/translations.md).
LOCALES := tracker/translations
MO := $(LOCALES)/fr/LC_MESSAGES/messages.mo

$(MO): $(LOCALES)/fr/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel -q compile -d $(LOCALES)

translations: $(MO)

# After changing interface text: refresh the catalogue, then translate what is new or fuzzy.
messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 \
		--ignore-dirs ".* node_modules" --project "Roadmap Tracker" -w 100 \
		-o $(LOCALES)/messages.pot .
	$(BIN)/pybabel -q update -i $(LOCALES)/messages.pot -d $(LOCALES) -l fr -w 100 --ignore-obsolete

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed demo --if-empty

run: demo
	@$(FLASK) seed accounts
	$(FLASK) run --host $(HOST) --port $(PORT)

# The suite runs on every core (pytest-xdist); PYTEST_WORKERS=0 runs it in this one process.
PYTEST_WORKERS ?= auto

test: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not e2e and not postgres"

# Each xdist worker uses its own database beside `test` (test_gw0, test_gw1, ...), made if missing.
test-postgres: setup
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not e2e"

# Front-end packages the browser tests serve in place of a CDN (package.json, package-lock.json).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# Air-gapped servers: copy the Chart.js file the pages load from the CDN (same npm package and
# version, same SRI hash) into the git-ignored static/vendor/, then set TRACKER_CHARTJS_LOCAL=true.
vendor: $(NODE_STAMP)
	mkdir -p static/vendor
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map \
		static/vendor/

# Browser tests: Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`). Serial: one
# seeded server and browser for the session, which workers would each start again.
e2e: setup $(NODE_STAMP)
	$(BIN)/python -m pytest tests/e2e -m e2e

# Government-scale benchmark (bench/README.md): SQLite in bench/data/, or TRACKER_DATABASE_URL.
bench: setup
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: setup
	$(BIN)/ruff check tracker tests config.py
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance/*.db instance/*.db-*
