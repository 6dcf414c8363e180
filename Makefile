# darasa: `make run` serves the app, `make test` runs every test.
# Both create the virtual environment in .venv first if it is missing or stale.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test check unit integration e2e bench clean

$(BIN)/darasa: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/darasa
	$(BIN)/darasa serve

test: $(BIN)/darasa
	$(BIN)/pytest

# Lint, types (strict on core/) and the import contracts of pyproject.toml.
check: $(BIN)/darasa
	$(BIN)/ruff check core adapters entrypoints tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(BIN)/darasa
	$(BIN)/pytest tests/unit

integration: $(BIN)/darasa
	$(BIN)/pytest tests/integration

e2e: $(BIN)/darasa
	$(BIN)/pytest tests/e2e

bench: $(BIN)/darasa
	command -v wrk >/dev/null || apt-get install -y wrk || sudo apt-get install -y wrk
	command -v valgrind >/dev/null || apt-get install -y valgrind || sudo apt-get install -y valgrind
	-$(BIN)/python benchmarks/actions.py
	-$(BIN)/python benchmarks/instructions.py
	-$(BIN)/python benchmarks/ratelimit.py
	-$(BIN)/python benchmarks/roundtrips.py
	-$(BIN)/python benchmarks/history.py
	-$(BIN)/python benchmarks/progress_history.py
	-$(BIN)/python benchmarks/overhead.py
	-$(BIN)/python benchmarks/startup.py

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
