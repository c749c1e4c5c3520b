# civicred — `make run` runs the main job, `make test` runs every check. Each makes its own venv.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.civicred-installed

.PHONY: run test lint samples bench bench-decode clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/civicred demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n 2 -q

samples: $(STAMP)
	$(BIN)/civicred samples --out sample_credentials

bench: $(STAMP)
	$(BIN)/python bench/sdjwt_verify.py
	$(BIN)/python bench/status_list.py
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/cli.py
	$(BIN)/python bench/issuance_http.py
	$(BIN)/python bench/sources.py

bench-decode: $(STAMP)
	$(BIN)/python bench/decode_rates.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
