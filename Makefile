# videogen — every target installs what it needs itself.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13 is the Lambda runtime; use it locally too. Prefer python3.13 on PATH, else pyenv's 3.13.
PY313 := $(shell \
	if command -v python3.13 >/dev/null 2>&1 && python3.13 -c 'import sys; assert sys.version_info[:2]==(3,13)' 2>/dev/null; then command -v python3.13; \
	elif command -v pyenv >/dev/null 2>&1 && PYENV_VERSION=3.13.0 pyenv which python3.13 >/dev/null 2>&1; then PYENV_VERSION=3.13.0 pyenv which python3.13; \
	elif [ -x "$$HOME/.pyenv/versions/3.13.0/bin/python3.13" ]; then echo "$$HOME/.pyenv/versions/3.13.0/bin/python3.13"; \
	else ls -d $$HOME/.pyenv/versions/3.13.*/bin/python3.13 2>/dev/null | tail -n 1; fi)

VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .venv-sam
STAMP := $(VENV)/.installed

.PHONY: help venv demo test lint typecheck openapi openapi-check sam-validate sam-build bench clean

help:
	@echo "make demo   - run videogen end to end on the embedded local cloud (no AWS account)"
	@echo "make test   - lint, type-check, tests with coverage, OpenAPI drift check, sam validate --lint"
	@echo "make bench  - benchmarks under bench/"

$(STAMP): pyproject.toml
	@test -n "$(PY313)" || { echo "Python 3.13 not found (install it, or pyenv install 3.13.0)"; exit 1; }
	@test -x $(BIN)/python || $(PY313) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps 'stability-sdk==0.8.6'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m videogen.demo

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

openapi: $(STAMP)
	$(BIN)/python -m videogen.api.openapi --write infra/openapi.json

openapi-check: $(STAMP)
	$(BIN)/python -m videogen.api.openapi --check infra/openapi.json

$(SAM_VENV)/.installed:
	@test -n "$(PY313)" || { echo "Python 3.13 not found"; exit 1; }
	@test -x $(SAM_VENV)/bin/python || $(PY313) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/python -m pip install --quiet aws-sam-cli cfn-lint
	@touch $@

sam-validate: $(SAM_VENV)/.installed
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam validate --lint --region us-east-1 --template-file template.yaml

sam-build: $(SAM_VENV)/.installed
	SAM_CLI_TELEMETRY=0 PATH="$(dir $(PY313)):$$PATH" $(SAM_VENV)/bin/sam build --template-file template.yaml

test: lint typecheck openapi-check sam-validate
	$(BIN)/pytest --cov --cov-report=term

bench: $(STAMP)
	$(BIN)/python bench/api_import.py

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov out
