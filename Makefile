# Two commands on a fresh machine: `make demo` and `make test` (README).
# Every target that needs the environment depends on .venv/.stamp, which
# (re)installs only when pyproject.toml changes, so repeated runs are cheap.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install lint clean docs bench

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.stamp: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.stamp

demo: install
	$(BIN)/govsite demo --out out/demo

test: install
	$(BIN)/ruff check govsite tests bench
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check govsite tests bench

docs: install
	$(BIN)/govsite docs --out docs

bench: install
	$(BIN)/python bench/census.py
	$(BIN)/python bench/monitor.py

clean:
	rm -rf $(VENV) out .pytest_cache
