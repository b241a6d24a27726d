# Steward: `make run` to try it, `make test` before you push.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTEST_ARGS ?= -n 4  # four workers on 2 cores: the suite mostly waits (servers, browsers, leases); docs/testing.md

.PHONY: install run bytecode test test-sqlite test-postgres test-deep lint fmt security bench bench-platform bench-incidents bench-data bench-cmdb bench-changes bench-web bench-pages bench-mail bench-software bench-assets bench-knowledge bench-reports bench-summary docs messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

# axe-core (package.json, exact version in package-lock.json) for the browser tests' accessibility
# check: `make test` runs npm ci when node_modules/ lacks it or the lock file changed.
AXE := node_modules/axe-core/axe.min.js

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(STAMP)

run: install
	@scripts/run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run > /dev/null
	$(BIN)/steward config-docs | diff -u docs/configuration.md - || (echo "docs/configuration.md is stale: run make docs"; exit 1)

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

docs: install
	$(BIN)/steward config-docs > docs/configuration.md

# Translations (docs/decisions/0026-translations.md): extract Steward's marked strings into
# steward/locale/<lang>/LC_MESSAGES/django.po, then (after translating) compile the .mo that
# is committed beside it. Needs gettext (xgettext, msgmerge, msgfmt) on the developer's
# machine only; installs and CI read the committed .mo.
messages: install
	$(BIN)/python manage.py makemessages -l de --no-location --no-obsolete \
	  --ignore=node_modules --ignore=tests --ignore=bench --ignore=docs --ignore=scripts \
	  --ignore=.venv --ignore='*/migrations/*'
	$(BIN)/python manage.py compilemessages -l de

# Both databases' runs at once when PostgreSQL is configured, three workers each: the suite
# mostly waits (servers, browsers, leases), so the two runs fill each other's idle time;
# one after the other they took about 32 minutes of a 2-core machine (docs/testing.md).
# Each run's output is printed whole when it ends (--output-sync). PYTEST_ARGS given on the
# command line applies to both runs. Not --dist worksteal: it spread the journeys over every
# worker at the end, five Chromiums and demos at once, and the SQLite run took 39 minutes
# instead of 30 (docs/testing.md, suite37).
BOTH_ARGS ?= -n 3
test: lint
	@if [ -n "$$STEWARD_TEST_DATABASE_URL" ]; then \
		$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres \
			PYTEST_ARGS="$(if $(filter command line,$(origin PYTEST_ARGS)),$(PYTEST_ARGS),$(BOTH_ARGS))"; \
	else $(MAKE) --no-print-directory test-sqlite test-postgres; fi

# The test runs keep Python's bytecode (PYTHONDONTWRITEBYTECODE unset for them; __pycache__ is
# ignored by git): with it set, every worker and every `steward` process the tests start compiled
# steward/ from source, and pytest rewrote every test module's asserts again in each worker (its
# rewritten modules are cached as bytecode too): 20 s instead of 8 s of CPU to collect the suite,
# per worker and run (decision 0066). steward/ compiled once here, not by four workers at once.
TEST_ENV := env -u PYTHONDONTWRITEBYTECODE
PYTEST := $(TEST_ENV) $(BIN)/pytest

bytecode: install
	$(TEST_ENV) $(BIN)/python -m compileall -q steward

test-sqlite: install $(AXE) bytecode
	$(PYTEST) $(PYTEST_ARGS)

# PostgreSQL run: when STEWARD_TEST_DATABASE_URL is set (CI sets it), the whole suite again.
test-postgres: install $(AXE) bytecode
	@if [ -n "$$STEWARD_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$STEWARD_TEST_DATABASE_URL"; \
		STEWARD_DATABASE_URL="$$STEWARD_TEST_DATABASE_URL" \
		STEWARD_TEST_REDIS_URL="$$(redis_url="$${STEWARD_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"; echo "$${redis_url%/*}/14")" \
		$(PYTEST) $(PYTEST_ARGS); \
	else echo "== PostgreSQL run skipped: STEWARD_TEST_DATABASE_URL is not set"; fi

# The property tests that `make test` runs at fewer examples, at the count they were written
# with (tests/examples.py, docs/testing.md): before a release, or after changing what they cover.
test-deep: install
	STEWARD_TEST_DEEP=1 $(BIN)/pytest $(PYTEST_ARGS) -m deep

# Security checks (docs/security.md): bandit over steward/ (accepted findings: [tool.bandit]
# in pyproject.toml and bandit-baseline.json, so only a new finding fails), pip-audit of the
# installed packages (--strict: a package it could not check fails the run, no silent pass),
# and schemathesis with FUZZ_EXAMPLES examples per operation instead of the test run's 8.
FUZZ_EXAMPLES ?= 100
security: install
	$(BIN)/bandit -c pyproject.toml -r steward -q -b bandit-baseline.json
	$(BIN)/pip-audit --local --skip-editable --strict --progress-spinner off
	STEWARD_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest $(PYTEST_ARGS) tests/api/test_fuzz_openapi.py

# The platform benchmark takes a minute; incidents at BENCH_ROWS (the issue's 1,000,000 by
# default) take much longer: `make bench BENCH_ROWS=200000` for a quicker look.
BENCH_ROWS ?= 1000000
bench: bench-platform bench-incidents bench-data bench-cmdb bench-changes bench-web bench-mail bench-software bench-assets bench-knowledge bench-reports
	$(MAKE) bench-summary

# Every figure issue 13 targets, both databases, from the newest results in bench/results:
# measured, floor and raw database of the same run, ratio, met or missed and by how much.
bench-summary:
	$(BIN)/python -m bench.summary

bench-platform: install
	$(BIN)/python -m bench --db sqlite
	$(BIN)/python -m bench --db postgres

# Incidents at BENCH_ROWS over HTTP beside the floor and the raw driver: the set is built once
# in SQL under var/bench-data (bench.incidents.million) and reused; then the bulk path alone
# beside the raw driver. `python -m bench.incidents` is the older all-through-the-bulk-path run.
bench-incidents: install
	$(BIN)/python -m bench.incidents.scale --db sqlite --rows $(BENCH_ROWS) --reuse
	$(BIN)/python -m bench.incidents.scale --db postgres --rows $(BENCH_ROWS) --reuse
	$(BIN)/python -m bench.incidents.bulk_only --db sqlite --rows 100000 --profile
	$(BIN)/python -m bench.incidents.bulk_only --db postgres --rows 100000 --profile

# The bulk path and ranked search at DATA_ROWS incidents on a database kept under
# var/bench-data (built once: DATA_BASE rows through the bulk path, copied in SQL to
# DATA_ROWS; `make bench-data DATA_FLAGS=--rebuild` loads again). Each figure beside the raw
# driver's in the same run. See docs/benchmarks-incidents.md.
DATA_ROWS ?= 1000000
DATA_BASE ?= 50000
DATA_FLAGS ?=
bench-data: install
	$(BIN)/python -m bench.incidents.data --db sqlite --rows $(DATA_ROWS) --base $(DATA_BASE) $(DATA_FLAGS)
	$(BIN)/python -m bench.incidents.data --db postgres --rows $(DATA_ROWS) --base $(DATA_BASE) $(DATA_FLAGS)
	$(BIN)/python -m bench.incidents.index_only --db sqlite --rows $(DATA_ROWS)
	$(BIN)/python -m bench.incidents.index_only --db postgres --rows $(DATA_ROWS)

# The CMDB at CIS CIs (the issue's 1,000,000, with 3 relationships each): `make bench-cmdb
# CIS=100000` for a quicker look. See docs/benchmarks-cmdb.md.
CIS ?= 1000000
bench-cmdb: install
	$(BIN)/python -m bench.cmdb --db sqlite --cis $(CIS)
	$(BIN)/python -m bench.cmdb --db postgres --cis $(CIS)

# Every report's selector at REPORT_ROWS incidents (bench.incidents.scale's kept set, built
# when missing), beside the raw driver running its statements, with their plans; with
# REPORT_BASELINE (a checkout's steward, e.g. `git archive main steward | tar -x -C DIR`)
# the baseline and this tree alternately, each with its own indexes. See docs/benchmarks.md.
REPORT_ROWS ?= 200000
REPORT_BASELINE ?=
bench-reports: install
	$(BIN)/python -m bench.reports --db sqlite --rows $(REPORT_ROWS) $(if $(REPORT_BASELINE),--baseline $(REPORT_BASELINE))
	$(BIN)/python -m bench.reports --db postgres --rows $(REPORT_ROWS) $(if $(REPORT_BASELINE),--baseline $(REPORT_BASELINE))

# Every page the journeys (tests/journeys) visit, as their role, at the demo's size: server
# time beside a bare Django view (target <= 50 ms). See docs/benchmarks.md.
bench-web: install
	$(BIN)/python -m bench.web.journey_pages --db sqlite
	$(BIN)/python -m bench.web.journey_pages --db postgres

bench-pages: bench-web  # the name issue 11 asks for

# The email channel: ingesting MAIL_MESSAGES typical messages (20% with a PDF) and an empty
# IMAP poll. See docs/benchmarks.md ("Email channel").
MAIL_MESSAGES ?= 10000
bench-mail: install
	$(BIN)/python -m bench.mail --db sqlite --poll-messages $(MAIL_MESSAGES) --lmtp-messages $(MAIL_MESSAGES)
	$(BIN)/python -m bench.mail --db postgres --poll-messages $(MAIL_MESSAGES) --lmtp-messages $(MAIL_MESSAGES)

# Licence compliance at 50,000 devices and 500,000 installations (issue 14): all products
# <= 500 ms, one product's drill-down p95 <= 20 ms. See docs/benchmarks.md.
bench-software: install
	$(BIN)/python -m bench.software --db sqlite
	$(BIN)/python -m bench.software --db postgres

# Assets (issue 14): the list's first page at ASSET_ROWS assets (kept under var/bench-assets:
# loaded once, reused; add ASSET_FLAGS=--rebuild to load again) and the CSV import of
# ASSET_IMPORT rows on a fresh database, each beside its floor of the same run.
# See docs/benchmarks.md ("Assets at scale").
ASSET_ROWS ?= 1000000
ASSET_IMPORT ?= 100000
ASSET_FLAGS ?=
bench-assets: install
	$(BIN)/python -m bench.assets --db sqlite --rows $(ASSET_ROWS) $(ASSET_FLAGS)
	$(BIN)/python -m bench.assets --db postgres --rows $(ASSET_ROWS) $(ASSET_FLAGS)
	$(BIN)/python -m bench.assets --db sqlite --import-rows $(ASSET_IMPORT)
	$(BIN)/python -m bench.assets --db postgres --import-rows $(ASSET_IMPORT)

# The help centre's search and suggestions at 100,000 articles and 1,000 catalogue items
# (issue 15): requests beside a raw-statement and a bare-view floor, p50/p95 per kind of
# query. KB_FLAGS=--keep reuses the loaded database (var/bench-knowledge). docs/benchmarks.md.
KB_FLAGS ?=
bench-knowledge: install
	$(BIN)/python -m bench.knowledge --db sqlite $(KB_FLAGS)
	$(BIN)/python -m bench.knowledge --db postgres $(KB_FLAGS)

# Changes: conflicts and the calendar over CHANGE_CIS CIs, CHANGES scheduled changes and
# CHANGE_MONTH of them in one month (the issue's sizes), and creating changes over HTTP:
# `make bench-changes CHANGE_CIS=100000 CHANGES=20000` for a quicker look.
# See docs/benchmarks-changes.md.
CHANGE_CIS ?= 1000000
CHANGES ?= 100000
CHANGE_MONTH ?= 5000
bench-changes: install
	$(BIN)/python -m bench.changes --db sqlite --cis $(CHANGE_CIS) --changes $(CHANGES) --month $(CHANGE_MONTH)
	$(BIN)/python -m bench.changes --db postgres --cis $(CHANGE_CIS) --changes $(CHANGES) --month $(CHANGE_MONTH)

clean:
	rm -rf $(VENV) var/static node_modules
