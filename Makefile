# disclose: make help lists the targets. Every target bootstraps the locked environment first.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= tiny
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: help bootstrap demo test test-slow test-all test-long lint bench clean-demo

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check 'uv==0.13.8'

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)  # bytecode now: every later command starts faster
	@touch $@

bootstrap: $(VENV)/.synced  ## create .venv from uv.lock (exact pinned versions)

demo: bootstrap  ## run the whole pipeline on synthetic data in data/demo/ (no Prefect server needed)
	$(BIN)/disclose demo

test: bootstrap  ## the default test suite (what CI runs; two workers, one per core)
	$(BIN)/pytest -n 2

test-slow: bootstrap  ## slower suites: property runs, larger data, a real Prefect server + worker (CI runs these too)
	$(BIN)/pytest -m "slow or server"

test-all: test test-slow  ## everything CI runs

test-long: bootstrap  ## long property-test profiles (thousands of examples; not in CI)
	$(BIN)/pytest -m long

lint: bootstrap  ## ruff
	$(BIN)/ruff check .

bench: bootstrap bench/data/acro-venv/.ready  ## benchmarks outside the test suite: make bench SCALE=tiny|force|national [ARGS="--only suppression --sizes medium"]
	$(UV) sync --frozen --compile-bytecode --group bench --python $(PYTHON)  # + the tau-Argus peer
	$(BIN)/python -m bench.run --scale $(SCALE) $(ARGS)

bench/data/acro-venv/.ready:  # acro pins pandas<3 (the project locks pandas 3): its own environment
	$(UV) venv --quiet --python $(PYTHON) bench/data/acro-venv
	$(UV) pip install --quiet --python bench/data/acro-venv/bin/python 'acro==1.0.2'
	@touch $@

clean-demo:  ## forget the demo's data home
	rm -rf data/demo
