# The two front-door commands: `make demo` and `make test`. Each sets up the
# virtual environment itself (uv, from PyPI), so a fresh machine needs only
# python3 (3.11+) and make.

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-output

.PHONY: demo test lint typecheck bench clean system-packages bench-web

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python $(PYTHON)
	touch $@

system-packages:
	bash scripts/ensure-system-packages.sh

# The demo county, its MPS, then the Care Market Intelligence Tool on it at
# http://127.0.0.1:8000/ (Ctrl-C stops it; `caremarket demo --no-serve` only writes the files).
demo: $(VENV)/.synced system-packages
	$(BIN)/caremarket demo --out $(DEMO_DIR) --serve

lint: $(VENV)/.synced
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(VENV)/.synced
	$(BIN)/mypy

test: lint typecheck system-packages
	$(BIN)/pytest -n 2 -q

bench: $(VENV)/.synced
	$(BIN)/python bench/ingest/run.py
	$(BIN)/python bench/report/run.py
	$(BIN)/python bench/history/run.py

bench-web: $(VENV)/.synced
	$(BIN)/python bench/web/run.py

clean:
	rm -rf $(VENV) .tools $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
