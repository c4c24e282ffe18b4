# Two entry points for a fresh machine: `make brief` and `make test`. Each installs what it needs.
SHELL := /bin/bash
# Python writes bytecode caches here even where the environment says otherwise (some sandboxes set
# PYTHONDONTWRITEBYTECODE=1): without them every reportgen process the tests and benchmarks start compiles the
# package again (about 0.5 s of CPU each, hundreds of processes per test run) and pytest rewrites every test
# module's asserts in each of its workers.
unexport PYTHONDONTWRITEBYTECODE
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# WeasyPrint draws with Pango; the brief ships its own fonts, DejaVu is the fallback for other scripts.
# libharfbuzz-subset0: WeasyPrint subsets fonts with HarfBuzz (without it, fontTools: several times slower, and a warning).
APT_RUNTIME := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core
# Tests open briefs in a real Chromium and extract PDF text with poppler; the standards tests check PDFs with
# qpdf and pages with the Nu HTML checker (Java); bench uses time and hyperfine.
APT_TEST := chromium poppler-utils qpdf default-jre-headless time hyperfine
# Validators from npm (tests/brief/test_brief_standards.py), inside the ignored .venv. Exact versions: a new
# release adds rules. --ignore-scripts: vnu-jar's install script would download a Java of its own.
NPM_TEST := axe-core@4.14.1 vnu-jar@26.9.27
# --no-compile: pip would byte-compile every module of every package (pandas' and altair's tests and schemas
# included), a third of the set-up's time; Python compiles the modules a process imports, once, on first use.
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile

.PHONY: brief test lint bench clean
.DEFAULT_GOAL := brief

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip

$(VENV)/.stamp-runtime: pyproject.toml | $(BIN)/python
	.ci/apt-ensure $(APT_RUNTIME)
	$(PIP) -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml Makefile $(VENV)/.stamp-runtime
	.ci/apt-ensure $(APT_TEST)
	command -v npm >/dev/null || .ci/apt-ensure npm
	$(PIP) -e '.[test]'
	npm install --silent --prefix $(VENV)/node --no-audit --no-fund --ignore-scripts $(NPM_TEST)
	touch $@

brief: $(VENV)/.stamp-runtime
	$(BIN)/reportgen build inputs/anthropic-2026.yaml

test: $(VENV)/.stamp-test
	$(BIN)/python -m pytest -n 2 || { code=$$?; [ $$code -eq 5 ] && echo "pytest collected no tests" >&2; exit $$code; }

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check reportgen tests bench
	$(BIN)/mypy reportgen

bench: $(VENV)/.stamp-test
	bench/run

clean:
	rm -rf $(VENV) outputs/*/ outputs/index.html outputs/.reportgen
