# newsevents — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install demo test unit integration lint schemas schemas-check eval bench up down clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv with the pinned dependencies (requirements.lock)

demo: $(STAMP) ## embedded broker + worker, publish seeds/, print the events
	$(BIN)/newsevents demo

test: $(STAMP) ## every test tier, plus lint and the JSON Schema freshness check
	$(BIN)/ruff check .
	$(BIN)/python -m schemas.generate --check
	$(BIN)/python -m pytest

unit: $(STAMP) ## unit tests only (no broker)
	$(BIN)/python -m pytest tests/unit

integration: $(STAMP) ## integration tests only (embedded broker)
	$(BIN)/python -m pytest tests/integration

lint: $(STAMP) ## ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

schemas: $(STAMP) ## regenerate schemas/json/*.schema.json from the models
	$(BIN)/python -m schemas.generate

schemas-check: $(STAMP) ## fail when schemas/json is stale
	$(BIN)/python -m schemas.generate --check

eval: $(STAMP) ## score the coder on a gold file: make eval GOLD=path/to/gold.jsonl
	$(BIN)/newsevents eval $(GOLD)

bench: $(STAMP) ## benchmark: make bench ARTICLES=path/to/bbc.csv
	$(BIN)/newsevents bench $(if $(ARTICLES),--articles $(ARTICLES))

up: ## docker compose stack (Kafka, workers, Prometheus, Grafana)
	docker compose up --build -d

down: ## stop the compose stack
	docker compose down -v

clean: ## remove the virtualenv and local state
	rm -rf $(VENV) .newsevents .pytest_cache .hypothesis *.egg-info
