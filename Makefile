# Zhicheng — two commands on a fresh Debian machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install system chromium demo serve test lint check bench bench-surge bench-queues messages clean

install: $(STAMP) system

# The venv alone; re-run only when pyproject.toml changes. Installs python3-venv if Debian lacks it.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "installing python3-venv (apt-get)"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@touch $(STAMP)

# Debian packages the app and its tests use: Chromium for the browser tests (Playwright drives it; it never
# downloads a browser of its own), a CJK font embedded in our PDFs, pdftotext/pdftoppm and zbarimg with which the
# tests read our PDFs and QR codes back. Installed with apt-get only when one is missing.
SYSTEM_PACKAGES := chromium fonts-wqy-zenhei poppler-utils zbar-tools
SYSTEM_FILES := /usr/bin/chromium /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc /usr/bin/pdftotext /usr/bin/zbarimg
system:
	@for f in $(SYSTEM_FILES); do test -e $$f || missing=1; done; \
	  if [ -n "$$missing" ]; then echo "installing $(SYSTEM_PACKAGES) (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); fi

chromium: system

demo: install
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py seed_demo
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py collectstatic --noinput -v0
	@$(MAKE) --no-print-directory serve

# Web server and task worker together; Ctrl-C stops both.
serve:
	@echo "Zhicheng on http://$(HOST):$(PORT)/  (Ctrl-C stops the server and the task worker)"
	@trap 'kill 0' INT TERM EXIT; \
	  DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py db_worker --no-reload --queue-name '*' & \
	  DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py runserver --noreload $(HOST):$(PORT)

# ruff; the import layering of docs/architecture.md (import-linter, contracts in pyproject.toml); mypy + django-stubs
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy

check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check

test: install lint check
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

bench: install
	@for b in bench/*.py; do [ -e "$$b" ] || continue; echo "== $$b"; $(PY) "$$b" || exit 1; done

# The last day before the deadline on the production stack (bench/surge/README.md): PostgreSQL (started if down), a
# fresh database seeded by seed_scale, the app and the bare ceiling project under SURGE_SERVER (gunicorn, granian or
# both), the task worker and locust headless for SURGE_DURATION seconds; prints the report and checks 0 lost/doubled.
bench-surge: install
	$(PY) bench/surge/run.py

# The queues at scale on a database seeded by `manage.py seed_scale --dossiers 1000000` (DATABASE_URL must name it):
# EXPLAIN (ANALYZE, BUFFERS) of each queue query, then the queue pages' p95 beside the one-row read (docs/performance.md)
bench-queues: install
	$(PY) bench/queues/explain.py
	$(PY) bench/queues/pages.py

messages: install
	cd zhicheng && ../$(PY) ../manage.py makemessages -l en --no-obsolete && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) var zhicheng.sqlite3* .mypy_cache .import_linter_cache
