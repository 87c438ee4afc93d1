# Single Window: the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SIM_PORT ?= 8001
HOST ?= 127.0.0.1
# Where links in emails and the QR codes on certificates point: the address `make run` serves, unless set.
PORTAL_BASE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
PG_URL ?= postgres://postgres@127.0.0.1:5432/singlewindow
REDIS ?= redis://127.0.0.1:6379/0

.PHONY: keys simulator run test bench lint typecheck services install pdf-deps system-deps messages check-migrations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]' 2> >(grep -v "is ignored: it is neither" >&2)
	touch $@

install: $(VENV)/.installed

# Debian packages the port clearance certificate needs: CJK fonts, and HarfBuzz's subsetter (WeasyPrint
# subsets fonts with it; without it a certificate takes seconds). Installed only where missing.
pdf-deps:
	@missing=""; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	ldconfig -p | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	    || echo "Could not install$$missing: port clearance certificates will lack their Chinese fonts." >&2; \
	fi

# Debian packages the tests need besides: Chromium for the browser tests, gettext for the catalogues.
system-deps: pdf-deps
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# Embedded default: SQLite, tasks in-process; no services needed. The simulator and the portal start first and
# the demo data (which submits declarations) waits until both answer, so no message or receipt is sent to a
# server that is not there yet. HOST=0.0.0.0 serves the local network (a phone scanning a certificate's QR code:
# see the README).
run: install pdf-deps
	$(BIN)/python manage.py migrate -v0
	$(BIN)/python manage.py load_reference_data
	@trap 'kill $$(jobs -p) 2>/dev/null' EXIT; \
	export PORTAL_BASE_URL=$(PORTAL_BASE_URL) SIMULATOR_URL=http://127.0.0.1:$(SIM_PORT) DEBUG=1; \
	PORTAL_RECEIPTS_URL=http://127.0.0.1:$(PORT)/api/v1/agency-gateway/receipts/ \
	  $(BIN)/python -m agencies.simulator --host 127.0.0.1 --port $(SIM_PORT) & \
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT) & \
	$(BIN)/python scripts/wait_for.py http://127.0.0.1:$(SIM_PORT)/_sim/health http://127.0.0.1:$(PORT)/accounts/login/ && \
	echo && $(BIN)/python manage.py demo_data && echo && \
	echo "Single Window is running at $(PORTAL_BASE_URL)/  (API docs: $(PORTAL_BASE_URL)/api/docs/)" && \
	echo "The agency simulator answers for the agencies at http://127.0.0.1:$(SIM_PORT)/ (docs/AGENCY_PROTOCOL.md)." && \
	echo "Press Ctrl-C to stop." && echo; \
	$(BIN)/python manage.py sweep --every 5 & \
	$(BIN)/python manage.py approvals_sweep --every 60 & \
	wait

# The agency simulator on its own (docs/AGENCY_PROTOCOL.md); `make run` starts it beside the portal.
simulator: install
	$(BIN)/python -m agencies.simulator --host 127.0.0.1 --port $(SIM_PORT)

services:
	@pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && exit 0; sleep 1; done; echo "PostgreSQL or Redis did not start" >&2; exit 1

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy .

check-migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python scripts/check_migrations_reversible.py

# A fresh set of secrets in .env for `docker compose up` (never overwrites one).
keys: install
	@if [ -e .env ]; then echo ".env exists; remove it first to make new keys" >&2; exit 1; fi
	@umask 077 && $(BIN)/python manage.py keys > .env && echo "Wrote .env (SECRET_KEY, the portal's and each agency's keys)."

test: install system-deps services lint typecheck check-migrations
	@# The deploy checks at the level production runs them, with a fresh set of keys (the defaults fail).
	@set -a && source <($(BIN)/python manage.py keys) && set +a && \
	  DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) $(BIN)/python manage.py check --deploy --fail-level ERROR
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) $(BIN)/pytest -p no:cacheprovider

bench: install services
	@# A fresh database every run, so figures do not drift as earlier runs' rows pile up.
	@dropdb -h 127.0.0.1 -U postgres --if-exists singlewindow_bench && createdb -h 127.0.0.1 -U postgres singlewindow_bench
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/singlewindow_bench REDIS_URL=$(REDIS) $(BIN)/python -m bench

# Regenerate the translation catalogues after changing strings, then fill in the Chinese.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python scripts/english_catalogue.py locale/en/LC_MESSAGES/django.po
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var
