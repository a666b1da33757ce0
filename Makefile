# Two entry points: `make run` (set up, then solve the shipped scenarios) and
# `make test` (set up, then lint and run the whole test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup clean examples app

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/mitigation solve scenarios/*.yaml
	for plant in scenarios/policy/*/; do $(BIN)/mitigation compare $$plant || exit 1; done

# The filled example templates of examples/filled/: each shipped plant as it is in
# 2025 and as its optimal plan has it in 2030, in Excel and as CSV.
examples: $(STAMP)
	for scenario in scenarios/*.yaml; do \
	  plant=$$(basename $$scenario .yaml); \
	  product=$$(sed -n 's/^product: *//p' $$scenario); \
	  $(BIN)/mitigation template $$product --fill-from $$scenario --year 2025 --as-is \
	    --out examples/filled/$${plant}_2025.xlsx || exit 1; \
	  $(BIN)/mitigation template $$product --fill-from $$scenario --year 2030 --as-planned \
	    --out examples/filled/$${plant}_2030.xlsx || exit 1; \
	  $(BIN)/mitigation template $$product --fill-from $$scenario --year 2030 --as-planned \
	    --lang zh --out examples/filled/$${plant}_2030_zh.csv || exit 1; \
	done

lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/ruff format --check

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) results .pytest_cache .ruff_cache

# The workshop front end on a local port (APP_PORT, default 8501).
APP_PORT ?= 8501
app: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(APP_PORT) --server.address 127.0.0.1 --server.headless true --browser.gatherUsageStats false
