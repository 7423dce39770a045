# Two commands set everything up on a machine with only python3 and make:
#   make run   - create .venv, install pipetui, open the TUI on the default database
#   make test  - create/update .venv with the test extras, lint, type-check, run the suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=

.PHONY: run test lint typecheck pytest bench screenshots screenshots-terminal clean soak

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamps are rebuilt whenever pyproject.toml changes, so a pulled dependency
# change installs itself on the next `make run` / `make test`.
$(VENV)/.run-stamp: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[postgres,serve]'
	$(BIN)/python -m compileall -q src
	touch $@

$(VENV)/.test-stamp: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.run-stamp

run: $(VENV)/.run-stamp
	$(BIN)/pipetui $(ARGS)

lint: $(VENV)/.test-stamp
	$(BIN)/ruff check src tests benchmarks screenshots
	$(BIN)/ruff format --check src tests benchmarks screenshots

typecheck: $(VENV)/.test-stamp
	$(BIN)/mypy

# The suite runs on SQLite and on a throwaway PostgreSQL server (started and
# stopped by the tests themselves, see tests/pg_server.py), spread over the
# machine's cores (pytest-xdist; at most 4 workers, each with its own server).
pytest: $(VENV)/.test-stamp
	$(BIN)/pytest -n auto --maxprocesses 4

test: lint typecheck pytest

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache

screenshots: $(VENV)/.test-stamp
	$(BIN)/python screenshots/make_screenshots.py

# The board as a real terminal (xterm under Xvfb, no bidi of its own) draws it:
# screenshots/board-real-terminal*.png. Installs xterm, Xvfb, ImageMagick and
# fonts with apt-get when missing (as root). Not part of `make test`.
screenshots-terminal: $(VENV)/.run-stamp
	$(BIN)/python screenshots/real_terminal.py --small $(ARGS)

# Full benchmark suite (1k / 10k / 100k deals, 5 runs each): see benchmarks/bench.py.
bench: $(VENV)/.test-stamp
	cd benchmarks && ../$(BIN)/python bench.py

# The kill -9 loop of tests/test_crash_loop.py (import, deal moves, demo, each
# process killed at a random moment, the database checked after every kill) with
# 200 processes per workload instead of `make test`'s 3: about 8 minutes on a
# 2-core machine. Prints what the kills hit; another sequence: PIPETUI_CRASH_SEED=N.
soak: $(VENV)/.test-stamp
	PIPETUI_CRASH_ITERATIONS=200 $(BIN)/pytest tests/test_crash_loop.py -s
