# saferhub — every target installs what it needs first; re-running is safe and fast.
SHELL := /bin/bash
# One shell per recipe (.ONESHELL): stop at the first failing line, as each line's own shell would.
.SHELLFLAGS := -e -o pipefail -c
.DEFAULT_GOAL := help
.ONESHELL:

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help install run demo test lint typecheck importlint migrations-check test-sqlite test-postgres browsers benchmark clean load-essex

help: ## List every target
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(STAMPS)/python: pyproject.toml uv.lock | $(UV)
	@mkdir -p $(STAMPS)
	$(UV) sync --frozen --all-groups --quiet
	@touch $@

$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMPS)/python $(STAMPS)/node ## Install pinned Python (uv.lock) and front-end (package-lock.json) dependencies

load-essex: install ## Migrate and load the built-in Essex geography and framework
	$(BIN)/saferhub migrate
	$(BIN)/saferhub geography load builtin essex
	$(BIN)/saferhub accounts load-essex
	$(BIN)/saferhub framework load essex
	$(BIN)/saferhub delivery load-essex
	$(BIN)/saferhub governance load-essex
	$(BIN)/saferhub assessment load-essex
	$(BIN)/saferhub sharing load-essex
	$(BIN)/saferhub performance refresh

DATA ?= ../shared/data
demo: load-essex ## Load Essex, then import a real sample from DATA (default ../shared/data): boundaries, police.uk months and STATS19
	@test -d "$(DATA)/police-uk" || { echo "No police.uk folders under DATA=$(DATA): point DATA at the folder that holds police-uk/YYYY-MM/." >&2; exit 1; }
	$(BIN)/saferhub geography load national "$(DATA)"
	$(BIN)/saferhub geography load boundaries "$(DATA)"/boundaries/lad/ltla-2016-bsc.geojson
	$(BIN)/saferhub geography load boundaries "$(DATA)"/boundaries/essex-lsoa-2011/*.json --vintage 2011
	$(BIN)/saferhub geography load boundaries "$(DATA)"/boundaries/essex-lsoa-2021/*.json --vintage 2021
	@if [ -d "$(DATA)/deprivation" ]; then $(BIN)/saferhub assessment load-deprivation "$(DATA)/deprivation/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz" "$(DATA)/deprivation/File_6_-_IoD2019_Population_Denominators.csv.gz"; fi
	$(BIN)/saferhub import police-uk --again $$(ls -d "$(DATA)"/police-uk/[0-9][0-9][0-9][0-9]-[0-9][0-9])
	@if [ -d "$(DATA)/stats19/west-yorkshire-2024" ]; then $(BIN)/saferhub import stats19 --again "$(DATA)/stats19/west-yorkshire-2024"; fi
	@echo "Imported. Run 'make run' to serve the hub with these figures."

run: load-essex ## Install, load Essex into the default database, and serve on 127.0.0.1:$PORT
	$(BIN)/saferhub serve --port $(PORT)

lint: install ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install ## mypy with django-stubs
	$(BIN)/mypy src config

importlint: install ## import-linter: the statistics and record store stay free of Django
	$(BIN)/lint-imports

migrations-check: install ## Fail if models changed without a migration
	DATABASE_URL= DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

browsers: ## Install Debian's Chromium for the browser tests (no downloaded browser builds)
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }
	@command -v pdftotext >/dev/null 2>&1 || { \
	  echo "Installing Debian's poppler-utils (pdftotext, pdftoppm) for the PDF tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; fi; }

test-sqlite: install browsers ## The whole pytest suite on SQLite
	DATABASE_URL= $(BIN)/pytest -p no:cacheprovider

test-postgres: install browsers ## The whole pytest suite on PostgreSQL (DATABASE_URL or the local server)
	@url="$${DATABASE_URL:-$(PG_TEST_URL)}"; \
	if ! $(BIN)/python -m saferhub.core.dbcheck "$$url"; then \
	  if [ -n "$$CI" ]; then echo "PostgreSQL is unreachable at $$url and CI is set: failing." >&2; exit 1; fi; \
	  echo "WARNING: PostgreSQL is unreachable at $$url; the PostgreSQL run was NOT done." >&2; exit 0; \
	fi; \
	DATABASE_URL="$$url" $(BIN)/pytest -p no:cacheprovider

# The two databases' runs side by side (they share nothing: an in-memory SQLite database, PostgreSQL's
# own test database, temporary record stores): 71 minutes together on the 2-core machine, against
# about 87 one after the other. Each run's output is printed whole when it ends.
test: lint typecheck importlint migrations-check browsers ## Install, lint, type-check, and run every test on SQLite and PostgreSQL
	$(MAKE) -j2 --output-sync=target test-sqlite test-postgres

BENCHMARKS ?=
benchmark: install ## Run every benchmark and write var/benchmarks/latest.md and .json (QUICK=1: small sizes; BENCHMARKS="pages soak": some)
	$(BIN)/python -m benchmarks $(BENCHMARKS) $(if $(QUICK),--quick)

clean: ## Remove installed environments and local data (var/)
	rm -rf $(VENV) $(TOOLS) node_modules $(STAMPS) var
