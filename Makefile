# Two commands on a fresh machine: `make run` and `make test`.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6 needs Python 3.12+. PYTHON=... overrides; otherwise take the first suitable
# interpreter on PATH, then any that pyenv holds.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do \
	  command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  && { command -v $$c; break; }; done)

.PHONY: help run install migrate data test test-fast test-browser lint format check bench vnu slow-clients clean messages

help:
	@echo "make run           set up everything and serve http://$(HOST):$(PORT) (SQLite)"
	@echo "make test          the whole suite: lint, checks, tests (DATABASE_URL selects PostgreSQL)"
	@echo "make test-browser  browser journeys in headless Chromium"
	@echo "make bench         the 100,000-agreement benchmark on PostgreSQL"
	@echo "make vnu           fetch the Nu HTML Checker (npm vnu-jar; needs npm and Java)"
	@echo "make slow-clients  16 slow clients against nginx + gunicorn (needs nginx)"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python 3.12 or newer found. Install one (python.org, your package manager, or"; \
	  echo "'pyenv install 3.13'), or point to it: make run PYTHON=/path/to/python3.13"; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --no-input

data: migrate
	$(BIN)/python manage.py load_initial_data

run: data
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Extract interface strings into the Simplified Chinese catalogue (needs GNU gettext), then
# compile it with polib, so that no gettext is needed to run the site: both files are committed.
CATALOGUE := locale/zh_Hans/LC_MESSAGES/django
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --add-location file --no-obsolete \
	  --ignore 'tests/*' --ignore 'bench/*' --ignore 'static/*' --ignore 'var/*' \
	  --ignore 'partnerships/synthetic/*'
	$(BIN)/python -c "import polib; polib.pofile('$(CATALOGUE).po').save_as_mofile('$(CATALOGUE).mo')"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

# Browser journeys run in their own pytest process: Playwright's event loop must not
# share a process (and the random test order) with the rest of the suite.
# JUNIT=prefix writes prefix-unit.xml and prefix-browser.xml (CI checks that tests ran).
test: lint check
	$(BIN)/pytest -q -m "not browser" $(if $(JUNIT),--junitxml=$(JUNIT)-unit.xml) $(PYTEST_ARGS)
	$(BIN)/pytest -q -m browser $(if $(JUNIT),--junitxml=$(JUNIT)-browser.xml) $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -m "not browser" -q -x $(PYTEST_ARGS)

test-browser: install
	$(BIN)/pytest -m browser -q $(PYTEST_ARGS)

$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The Nu HTML Checker's jar, from npm, into var/vnu (tests/test_nu_html_checker.py).
VNU_VERSION := 26.9.27
vnu:
	npm install --no-save --no-audit --no-fund --prefix var/vnu vnu-jar@$(VNU_VERSION)

slow-clients: install
	$(BIN)/python deploy/check_slow_clients.py

clean:
	rm -rf $(VENV) var
