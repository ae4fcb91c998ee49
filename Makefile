# Two commands on a fresh Debian machine with Python 3.11: `make run`, `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=1
PYTEST := $(PY) -m pytest

.PHONY: run demo editor shell serve-prod test check test-suite test-browser install browser office messages clean

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
run: demo
	$(DEV_ENV) $(PY) manage.py localadmin
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

## The database migrated and the demo content loaded (idempotent), without serving.
demo: install
	$(DEV_ENV) $(PY) manage.py migrate --no-input
	$(DEV_ENV) $(PY) manage.py loaddemo

## An editor's account (member of "Communication"): make editor EMAIL=lea.durand@example.org NAME="Léa Durand"
editor: install
	@test -n "$(EMAIL)" || { echo 'usage: make editor EMAIL=address [NAME="First Last"]' >&2; exit 2; }
	$(DEV_ENV) $(PY) manage.py create_editor "$(EMAIL)" $(if $(NAME),--name "$(NAME)")

## Django's shell on the development settings.
shell: install
	$(DEV_ENV) $(PY) manage.py shell

## The production settings on a laptop: hashed static files, then gunicorn over plain HTTP with a
## throwaway SECRET_KEY (sessions end when it stops) on GUNICORN_BIND (default 127.0.0.1:8000).
## Pictures are not served without DEBUG (nginx serves MEDIA_ROOT in production).
PROD_ENV = SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} HTTPS=0
serve-prod: install
	$(PROD_ENV) $(PY) manage.py collectstatic --noinput
	$(PROD_ENV) $(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi

## The whole test suite: lint and migrations check, model, view and admin tests, then the browser tests.
test: check test-suite test-browser

## ruff, and no model change without its migration.
check: install
	$(VENV)/bin/ruff check .
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

test-suite: install office
	$(PYTEST) -m "not browser" -n 2 $(PYTEST_ARGS)

test-browser: install browser
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PYTEST) -m browser -n 2 $(PYTEST_ARGS)

## Headless Chromium from Debian for the browser tests (never a downloaded build).
browser:
	@command -v chromium >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

## LibreOffice Calc from Debian: the export tests open the CSV and XLSX as staff do; poppler's
## pdftoppm turns the printed sign-in sheets and badges into pictures.
office:
	@command -v soffice >/dev/null && command -v pdftoppm >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q libreoffice-calc-nogui poppler-utils; }

messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l fr --ignore=.venv --ignore=var
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf var/ $(VENV)
