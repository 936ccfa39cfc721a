# The one entry point: `make run`, `make test`, `make lint`, `make bench`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint audit format bench bench-smoke messages install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	mkdir -p var/mail
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data
	@echo ""
	@echo "Strategie-Austausch läuft auf http://127.0.0.1:8000  (Beenden mit Strg+C)"
	@echo "E-Mails landen als Dateien in var/mail/"
	@# Periodic jobs (reminders, sweep, next-round proposals) run every minute beside the server.
	$(BIN)/python manage.py run_periodic_jobs --loop 60 > var/periodic-jobs.log 2>&1 & \
	  jobs_pid=$$!; trap 'kill $$jobs_pid 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/djlint templates --lint
	$(BIN)/bandit -q -c pyproject.toml -r strategy_exchange participants clauses rounds demo
	@# Offline, the audit warns that nothing was audited instead of failing; `make audit` insists on it.
	$(BIN)/python -m tools.dependency_audit $(AUDIT_ARGS)

# The dependency audit alone; fails when the advisory service cannot be reached (see README).
audit: $(STAMP)
	$(BIN)/python -m tools.dependency_audit --require $(AUDIT_ARGS)

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# German is the source language: only the English catalogue (locale/en) is extracted. compilemessages
# compiles every directory in LOCALE_PATHS, i.e. locale/ and the hand-kept locale_overrides/.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=node_modules --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var

# Benchmark on PostgreSQL (BENCH_DATABASE_URL, default strategy_exchange_bench) and Redis; see README "Performance".
# wrk is installed when missing and running as root; otherwise the pure-Python load generator is used.
# So is HarfBuzz's subsetter, which the PDF engine uses for fonts (without it, a slower fallback).
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }; \
	  else echo "wrk not found: pages are loaded by the Python load generator (apt-get install wrk)"; fi; }
	@ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get install -y -qq libharfbuzz-subset0 >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq libharfbuzz-subset0; }; \
	  else echo "libharfbuzz-subset0 not found: report PDFs subset their fonts with the slower fontTools"; fi; }
	$(BIN)/python -m bench $(BENCH_ARGS)

# The same pipeline end to end on tiny data in about a minute (own database, results in var/bench/smoke.json).
bench-smoke: $(STAMP)
	$(BIN)/python -m bench --database-url postgres://postgres@127.0.0.1:5432/strategy_exchange_bench_smoke \
	  --organisations 200 --people 500 --rounds 10 --comments 5000 --strategies 50 \
	  --duration 2 --warmup 0.5 --fanout 50 --output var/bench/smoke.json $(BENCH_ARGS)

clean:
	rm -rf var/db.sqlite3 var/mail var/media var/staticfiles var/cache
