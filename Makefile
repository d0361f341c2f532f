# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_ORG ?= sample_orgs/northwind_command
DEMO_OUT ?= demo-out

.PHONY: demo test venv neo4j neo4j-stop bench clean

# Quiet: the user sees what went wrong, not pip's and setuptools' progress. setuptools
# notes on every editable install that folders named like the package shadow it: known here.
PIP := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip --quiet --disable-pip-version-check

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing orgpower and its dependencies into $(VENV) (once; a few minutes)..."
	@$(PIP) install --upgrade pip
	@$(PIP) install -e '.[all]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	@$(BIN)/orgpower audit $(DEMO_ORG) --out $(DEMO_OUT) --format json,html,xlsx
	@echo "Report: $(abspath $(DEMO_OUT))/audit.html"

# Starts its own Neo4j for the suite when NEO4J_URI is not set, and stops it afterwards.
test: $(STAMP)
	$(BIN)/python scripts/run_tests.py $(PYTEST_ARGS)

neo4j: $(STAMP)
	@$(BIN)/python scripts/neo4j_server.py start

neo4j-stop:
	@$(BIN)/python scripts/neo4j_server.py stop

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(DEMO_OUT) .pytest_cache .hypothesis
