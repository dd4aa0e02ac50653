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
# SAM CLI pins an older boto3, so it gets its own venv. Both install from wheels on Python 3.13; the stamp
# names the versions, so changing a pin rebuilds the venv.
SAM_CLI_VERSION := 1.170.0
CFN_LINT_VERSION := 1.58.0
SAM_STAMP := $(SAM_VENV)/.installed-sam-$(SAM_CLI_VERSION)-cfn-lint-$(CFN_LINT_VERSION)

.PHONY: help venv browser demo gallery test test-fast lint typecheck openapi openapi-check cost-table sam-validate sam-build bench clean

help:
	@echo "make demo   - run videogen end to end on the embedded local cloud (no AWS account)"
	@echo "make test   - lint, type-check, tests with coverage, OpenAPI drift check, sam validate --lint"
	@echo "make test-fast - the tests without the full renders (marked slow), for the edit-test loop"
	@echo "make bench  - benchmarks under bench/"
	@echo "make gallery - out/gallery.jpg: the offline illustrator's pictures of 48 prompts, to look at"

$(STAMP): pyproject.toml
	@test -n "$(PY313)" || { echo "Python 3.13 not found (install it, or pyenv install 3.13.0)"; exit 1; }
	@test -x $(BIN)/python || $(PY313) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,voice]'
	$(BIN)/python -m pip install --quiet --no-deps 'stability-sdk==0.8.6'
	@touch $(STAMP)

venv: $(STAMP)

# The web console's browser tests and screenshots: Debian's Chromium (Playwright's own browser download
# cannot work offline, so Playwright drives this one) and axe-core from the npm registry.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
AXE_VERSION := 4.10.3
AXE := build/npm/node_modules/axe-core/axe.min.js
CHROMIUM_STAMP := build/.chromium-installed

$(CHROMIUM_STAMP):
	@mkdir -p build
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "Installing Debian's chromium (apt-get)..."; \
		export DEBIAN_FRONTEND=noninteractive; \
		$(SUDO) apt-get install -y -q chromium >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q chromium >/dev/null; }; \
	fi
	@chromium --version >/dev/null 2>&1 || { echo "chromium did not install"; exit 1; }
	@touch $@

$(AXE):
	@mkdir -p build/npm
	npm install --silent --no-audit --no-fund --prefix build/npm axe-core@$(AXE_VERSION)

browser: $(CHROMIUM_STAMP) $(AXE)

demo: $(STAMP) browser
	$(BIN)/python -m videogen_local.demo

# A contact sheet of the offline illustrator's pictures (48 prompts, every style and aspect) to look at.
gallery: $(STAMP)
	$(BIN)/python -m videogen_local.gallery out/gallery.jpg

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

openapi: $(STAMP)
	$(BIN)/python -m videogen.api.openapi --write infra/openapi.json

openapi-check: $(STAMP)
	$(BIN)/python -m videogen.api.openapi --check infra/openapi.json

# The README's cost section, from the cost model (videogen.domain.costs); a unit test fails when it is stale.
cost-table: $(STAMP)
	$(BIN)/python -m videogen_local.costs --write-readme

$(SAM_STAMP):
	@test -n "$(PY313)" || { echo "Python 3.13 not found"; exit 1; }
	@test -x $(SAM_VENV)/bin/python || $(PY313) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/python -m pip install --quiet 'aws-sam-cli==$(SAM_CLI_VERSION)' 'cfn-lint==$(CFN_LINT_VERSION)'
	@rm -f $(SAM_VENV)/.installed*
	@touch $@

# Three checks, all offline: `sam validate` runs the SAM translator (it rejects invalid SAM properties,
# which --lint alone let through), `--lint` runs cfn-lint on the transformed template, and plain cfn-lint
# also checks what SAM's own lint skips (e.g. a bad runtime in Globals).
sam-validate: $(SAM_STAMP)
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam validate --region us-east-1 --template-file template.yaml
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam validate --lint --region us-east-1 --template-file template.yaml
	$(SAM_VENV)/bin/cfn-lint template.yaml

# No Docker: SAM builds with the local python3.13, which must come first on PATH. SAM ships no bytecode
# and Lambda's code directories are read-only, so every cold start would compile each imported module
# (about 4x the import time, see bench/api_import.py --layout build). Precompile for 3.13 with
# unchecked-hash .pyc files: `sam package` zips every file with a 1980 mtime, so timestamp-checked ones
# would be stale; `sam deploy` ships whatever .aws-sam/build holds.
sam-build: $(SAM_STAMP) $(STAMP)
	SAM_CLI_TELEMETRY=0 PATH="$(dir $(PY313)):$$PATH" $(SAM_VENV)/bin/sam build --template-file template.yaml
	$(PY313) -m compileall -q -j 0 --invalidation-mode unchecked-hash .aws-sam/build/SharedLayer/python .aws-sam/build/ApiFunction
	$(BIN)/python -m videogen_local.build

# The end-to-end tests run a second time from the build (--from-build), so the build comes first, and a
# missing or stale one fails those tests instead of skipping them. One worker per core, a module per worker
# (module-scoped local clouds stay in one process): the whole suite serially took 15.5 of CI's 20 minutes.
test: lint typecheck openapi-check sam-validate sam-build browser
	VIDEOGEN_REQUIRE_BUILD=1 $(BIN)/pytest -n auto --dist loadfile --cov --cov-report=term

# The edit-test loop: every test but the full renders (marked slow), without lint or build (the tests that
# need a build skip). `make test` still runs everything.
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow" -n auto --dist loadfile

# MoviePy (the comparison in bench/render.py) pins pillow<12; it runs fine on ours, so it is installed
# without its pins, for the benchmark only.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet numpy imageio tqdm decorator 'proglog==0.1.12'
	$(BIN)/python -m pip install --quiet --no-deps 'moviepy==2.2.1'
	@touch $@

bench: $(BENCH_STAMP)
	$(BIN)/python bench/api_import.py
	$(BIN)/python bench/parse_scripts.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/voice.py
	$(BIN)/python bench/webhooks.py
	$(BIN)/python bench/fallback.py
	$(BIN)/python bench/illustrator.py
	$(MAKE) sam-build
	$(BIN)/python bench/from_build.py

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov out
