# Two commands on a fresh clone with Python 3.10+: `make demo` and `make test`.
# Both create .venv and install what they need from the project's own pyproject.toml.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint typecheck unit bench pictures clean

demo: $(VENV)/.installed-demo
	$(BIN)/plcheck demo

test: lint typecheck unit

# actionlint comes from the dev extra (a prebuilt binary wheel). Its shellcheck and pyflakes
# passes are off so that the gate does not depend on what else a machine has installed.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint -shellcheck= -pyflakes= .github/workflows/*.yml

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy --strict plcheck

unit: $(VENV)/.installed-dev
	$(BIN)/pytest -n auto -q

# Serves the simulated world with a delay on every AWS call and writes bench/RESULTS.md,
# whose first line says how long the run took (docs/speed.md).
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-demo

# Each demo step's table as an SVG for the docs (docs/images/<command>.svg), and the zone
# grid of the check step for the README (docs/images/zones.svg).
pictures: $(VENV)/.installed-demo
	$(BIN)/python scripts/make_pictures.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
