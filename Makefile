# Steward: `make run` to try it, `make test` before you push.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTEST_ARGS ?= -n 2  # two workers: the suite takes half the time on a 2-core machine

.PHONY: install run test test-sqlite test-postgres lint fmt bench bench-platform bench-incidents bench-cmdb bench-changes docs clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

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

test: lint test-sqlite test-postgres

test-sqlite: install
	$(BIN)/pytest $(PYTEST_ARGS)

# PostgreSQL run: when STEWARD_TEST_DATABASE_URL is set (CI sets it), the whole suite again.
test-postgres: install
	@if [ -n "$$STEWARD_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$STEWARD_TEST_DATABASE_URL"; \
		STEWARD_DATABASE_URL="$$STEWARD_TEST_DATABASE_URL" $(BIN)/pytest $(PYTEST_ARGS); \
	else echo "== PostgreSQL run skipped: STEWARD_TEST_DATABASE_URL is not set"; fi

# The platform benchmark takes a minute; incidents at BENCH_ROWS (the issue's 1,000,000 by
# default) take much longer: `make bench BENCH_ROWS=200000` for a quicker look.
BENCH_ROWS ?= 1000000
bench: bench-platform bench-incidents bench-cmdb bench-changes

bench-platform: install
	$(BIN)/python -m bench --db sqlite
	$(BIN)/python -m bench --db postgres

bench-incidents: install
	$(BIN)/python -m bench.incidents --db sqlite --rows $(BENCH_ROWS)
	$(BIN)/python -m bench.incidents --db postgres --rows $(BENCH_ROWS)

# The CMDB at CIS CIs (the issue's 1,000,000, with 3 relationships each): `make bench-cmdb
# CIS=100000` for a quicker look. See docs/benchmarks-cmdb.md.
CIS ?= 1000000
bench-cmdb: install
	$(BIN)/python -m bench.cmdb --db sqlite --cis $(CIS)
	$(BIN)/python -m bench.cmdb --db postgres --cis $(CIS)

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
	rm -rf $(VENV) var/static
