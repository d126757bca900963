# InnoBridge: two commands do all the set-up on a machine with only Python 3.11 + pip.
#   make demo   set up, load the demo data and serve http://127.0.0.1:8000
#   make test   set up and run the whole test suite (SQLite; PostgreSQL and the
#               browser too when they are there; both required when CI=true)
#   make lint   ruff check, ruff format --check, mypy, lint-imports
#
# uv is bootstrapped with pip into .tools/ (a pinned version), so nothing has to
# be installed by hand. Set UV=/path/to/uv to use another one.

# The real interpreter, not a pyenv shim (uv would rebuild .venv at every call).
PYTHON ?= $(shell $$(command -v python3.11 2>/dev/null || command -v python3) \
	-c 'import sys; print(sys.executable)')
UV_VERSION := 0.13.9
TOOLS := .tools
UV ?= $(TOOLS)/bin/uv
VENV := .venv
INNOBRIDGE := $(VENV)/bin/innobridge
PORT ?= 8000

# Never let uv download a Python build: the machine's Python 3.11 is the one.
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test lint setup venv messages clean

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

## venv: .venv exactly as uv.lock says (fast when already in sync); with CI=true also the
## optional Ray group, so the Ray embedding job is tested (RAY=1 installs it elsewhere)
RAY_GROUP := $(if $(filter true 1,$(CI) $(RAY)),--group ray,)
venv: | $(UV)
	$(UV) sync --frozen --python $(PYTHON) $(RAY_GROUP)

## setup: the virtual environment, the compiled translations and (where a C compiler is
## found) the embedding model's engine built for this CPU, else the prebuilt one is used
setup: venv
	$(INNOBRIDGE) compiletranslations
	$(INNOBRIDGE) build_engine

## demo: migrate, import ROR, seed the demo people, print the accounts, serve
demo: setup
	$(INNOBRIDGE) demo --port $(PORT)

## test: the whole suite (see scripts/test)
test: setup
	bash scripts/test

## lint: ruff, mypy and import-linter (the arrows of DESIGN.md), configured in pyproject.toml
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy innobridge
	$(VENV)/bin/lint-imports

## messages: refresh the .po catalogues (developers; needs GNU gettext's msgfmt/xgettext)
messages: venv
	cd innobridge && ../$(INNOBRIDGE) makemessages -l en -l zh_Hant -l zh_Hans --no-obsolete

clean:
	rm -rf $(TOOLS) $(VENV) var/innobridge.sqlite3* var/screenshots
