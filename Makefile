# walktimer: `make run` sets everything up and starts the program; `make test` sets up the
# same plus the test tools and runs every check headless. Both are safe to run again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SESSION ?=

.PHONY: run test check lint typecheck pytest bench system clean screenshots

system:
	@scripts/setup-system.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(VENV)/.installed $@

run: system $(VENV)/.installed
	$(BIN)/walktimer $(SESSION)

lint: system $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: system $(VENV)/.installed-test
	$(BIN)/mypy

pytest: system $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

test: lint typecheck pytest

bench: system $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
