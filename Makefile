# The one entry point: `make run`, `make test`, `make lint`, `make bench`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint format bench bench-smoke messages install clean

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
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/djlint templates --lint
	$(BIN)/bandit -q -c pyproject.toml -r strategy_exchange participants clauses rounds
	$(BIN)/pip-audit --skip-editable --progress-spinner off

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf var/db.sqlite3 var/mail var/media var/staticfiles
