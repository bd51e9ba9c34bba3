# Learner Journey: `make run` for a first look, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/learner_journey
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
PORT ?= 8000

.PHONY: run test test-browser axe setup static migrate seed lint format constraints clean bench

run: setup static ## Set up and start the app on the embedded default (SQLite, no Redis)
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py seed_demo
	PORT=$(PORT) bash scripts/run_embedded.sh

test: setup static axe ## Set up what is missing, then run every test on PostgreSQL and Redis
	bash scripts/ensure_services.sh
	bash scripts/ensure_chromium.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) EMAIL_URL=locmem:// \
		$(BIN)/pytest $(PYTEST_ARGS)

test-browser: ## Only the browser journeys and the accessibility scan (Chromium)
	$(MAKE) test PYTEST_ARGS="-m browser $(PYTEST_ARGS)"

# The accessibility scan injects axe-core from npm (pinned in package.json).
axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

static: static/dist/app.css

static/dist/app.css: package.json package-lock.json $(wildcard static/src/*.scss)
	bash scripts/build_static.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

constraints: ## Re-pin every installed version after a change to pyproject.toml
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^learner-journey' > constraints.txt

clean:
	rm -rf var static/dist static/vendor

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lj_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15

bench: setup static ## National-scale benchmark of every key page (not in CI: minutes); BENCH_ARGS=--reseed
	bash scripts/ensure_services.sh
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) EMAIL_URL=locmem:// \
		$(BIN)/python benchmarks/pages.py $(BENCH_ARGS)
