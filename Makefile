# The pôles portal. `make run` sets everything up and serves; `make test` runs the suite.
SHELL := /bin/sh
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run serve setup install test test-postgres bench lint format check messages browser-deps clean help

help:
	@echo "make run            set up (venv, dependencies, database, 71 pôles, demo data) and serve on http://127.0.0.1:$(PORT)"
	@echo "make test           run the whole test suite (SQLite, or DATABASE_URL)"
	@echo "make test-postgres  the suite on the local PostgreSQL"
	@echo "make bench          benchmark on PostgreSQL with gunicorn (BENCH_ORGS, BENCH_SECONDS, BENCH_CONCURRENCY, BENCH_CACHE=off)"
	@echo "make lint           ruff check and format check"
	@echo "make messages       refresh and compile the translation catalogues"
	@echo "make browser-deps   install Debian's chromium (browser tests) and Pango (PDF export), as root"

$(PY):
	@python="$$(scripts/find-python)" || exit 1; \
	echo "Creating $(VENV) with $$python ($$($$python --version))"; \
	"$$python" -m venv $(VENV)

$(STAMP): $(PY) requirements.lock requirements-dev.lock
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
		echo "$(VENV) was made with a Python older than 3.12: remove it (rm -rf $(VENV)) and run make again."; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@touch $(STAMP)

install: $(STAMP)

.env:
	@cp .env.example .env
	@echo "Wrote .env (development settings: DJANGO_DEBUG=true). Edit it to change the configuration."

setup: install .env
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_poles
	$(PY) manage.py seed_demo --if-empty

run: setup serve

serve:
	@echo "Serving the portal on http://127.0.0.1:$(PORT) (Ctrl-C stops it)."
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install .env
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install .env
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/poles} $(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) scripts/bench.py $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install .env
	$(PY) manage.py makemigrations --check --dry-run

messages: install .env
	$(PY) manage.py makemessages --locale en --locale fr --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'staticfiles/*'
	@# French is the source language: its catalogue only copies each msgid (msgen), so that
	@# counts follow the French plural rule (0 and 1 singular) declared in its header.
	sed -i 's/^"Plural-Forms: .*/"Plural-Forms: nplurals=2; plural=(n > 1);\\n"/' locale/fr/LC_MESSAGES/django.po
	msgen -o locale/fr/LC_MESSAGES/django.po locale/fr/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore '.venv/*'

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@ldconfig -p | grep -q libpangoft2-1.0.so.0 || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
