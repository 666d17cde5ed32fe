# Two commands on a fresh machine: `make demo` and `make test` (README).
# Every target that needs the environment depends on .venv/.stamp, which
# (re)installs only when pyproject.toml changes, so repeated runs are cheap.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install lint clean docs bench chromium office

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.stamp: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# --browser needs the system Chromium (Debian package; Playwright's own download cannot be
# fetched here), CJK fonts for faithful screenshots, and axe-core from npm (node_modules is
# not committed). Each step runs only when its part is missing or its manifest changed.
install: $(VENV)/.stamp node_modules/.stamp chromium office

chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium fonts-wqy-microhei)

# The 通报 in PDF: LibreOffice converts the .docx, Noto CJK gives it embeddable Chinese fonts,
# poppler's pdftoppm renders a page for the docs.
office:
	@(command -v soffice >/dev/null && command -v pdftoppm >/dev/null \
	  && test -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc) \
	  || (apt-get update && apt-get install -y libreoffice-writer-nogui fonts-noto-cjk poppler-utils)

node_modules/.stamp: package.json
	@command -v npm >/dev/null || (apt-get update && apt-get install -y npm)
	npm install --no-audit --no-fund
	touch $@

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
	$(BIN)/python bench/browser.py

clean:
	rm -rf $(VENV) out .pytest_cache node_modules
