# Mogi: `make run` serves the app; `make test` runs ruff and the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install run test lint format migrations-check bench worker beat messages

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Mogi needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_bank
	@echo "Demo accounts:"
	@$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install lint migrations-check
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

bench: install
	$(VENV)/bin/pytest benchmarks -p no:cacheprovider -q

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=info --concurrency=2

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=info

messages: install
	$(PY) manage.py makemessages -l ja -l en --no-obsolete
	$(PY) manage.py compilemessages
