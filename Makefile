# Two commands on a fresh Debian machine with Python 3.11: `make run`, `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=1
PYTEST := $(PY) -m pytest

.PHONY: run test check test-suite test-browser install browser office messages clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q python3.11-venv; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

## Run the site on SQLite with the demo content; prints the admin login.
run: install
	$(DEV_ENV) $(PY) manage.py migrate --no-input
	$(DEV_ENV) $(PY) manage.py loaddemo
	$(DEV_ENV) $(PY) manage.py localadmin
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

## The whole test suite: lint and migrations check, model, view and admin tests, then the browser tests.
test: check test-suite test-browser

## ruff, and no model change without its migration.
check: install
	$(VENV)/bin/ruff check .
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

test-suite: install office
	$(PYTEST) -m "not browser" -n 2 $(PYTEST_ARGS)

test-browser: install browser
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PYTEST) -m browser $(PYTEST_ARGS)

## Headless Chromium from Debian for the browser tests (never a downloaded build).
browser:
	@command -v chromium >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

## LibreOffice Calc from Debian: the export tests open the CSV as staff do.
office:
	@command -v soffice >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q libreoffice-calc-nogui; }

messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l fr --ignore=.venv --ignore=var
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf var/ $(VENV)
