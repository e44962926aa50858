# Two commands do all set-up on a fresh machine with python3 and make:
#   make run   — create .venv, install, start the dashboard on the embedded demo township
#   make test  — create .venv, install with test extras, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

# constraints.txt pins every package at the version the test suite last passed with, so a new
# release upstream cannot break a fresh install. `make lock` refreshes it from a passing venv.
PIP_INSTALL := $(BIN)/python -m pip install --quiet -c constraints.txt
# Test files run on every core (pytest-xdist), a file's tests together on one worker so its
# module fixtures (a server, a browser) start once. PARALLEL= runs them one after another.
PARALLEL ?= -n auto --dist loadfile

.PHONY: run test check lint format bench demo lock clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/township-atlas serve --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PARALLEL)

# The edit loop: ruff and the tests that need no browser, no PDF and no subprocess server.
check: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q -x -m "not browser and not slow and not app" $(PARALLEL)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks.bench_map_load
	$(BIN)/python -m benchmarks.bench_scale
	$(BIN)/python -m benchmarks.bench_placement
	$(BIN)/python -m benchmarks.bench_placement_scale
	$(BIN)/python -m benchmarks.bench_storage
	$(BIN)/python -m benchmarks.bench_postgis
	$(BIN)/python -m benchmarks.bench_brief
	$(BIN)/python -m benchmarks.bench_year_change
	$(BIN)/python -m benchmarks.bench_history
	$(BIN)/python -m benchmarks.bench_register --runs 1

lock: $(VENV)/.installed-test
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^township' > constraints.txt

# 会议模式's presentation view at 1280×720, 1366×768, 1920×1080 and 1440×900, light and dark, drawn
# by Debian chromium with every outside request blocked: look at each before a release.
SHOTS ?= build/screenshots
screenshots: $(VENV)/.installed-test
	$(BIN)/python -m tools.screenshots --out $(SHOTS)

demo: $(VENV)/.installed
	$(BIN)/township-atlas demo --out out/demo.gpkg

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
