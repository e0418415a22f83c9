# newsevents — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KAFKA_JARS := deploy/kafka/lib/.fetched

.DEFAULT_GOAL := help
.PHONY: help install demo test unit integration kafka-tests lint schemas schemas-check eval bench up down \
	kafka-jars kafka-up kafka-down clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev,rocksdb]'
	touch $(STAMP)

install: $(STAMP) ## create .venv with the pinned dependencies (requirements.lock)

# Emptied first so that jars of an older pinned version never stay on the classpath.
$(KAFKA_JARS): deploy/kafka/pom.xml
	rm -rf deploy/kafka/lib
	mvn -q -B -f deploy/kafka/pom.xml package
	touch $@

kafka-jars: $(KAFKA_JARS) ## fetch the Apache Kafka broker and its dependencies with Maven (Java 17)

kafka-up: $(STAMP) $(KAFKA_JARS) ## a local 3-node Apache Kafka cluster (KRaft); prints NEWSEVENTS_BROKER
	$(BIN)/newsevents kafka up

kafka-down: $(STAMP) ## stop the local Kafka cluster and delete its data
	$(BIN)/newsevents kafka down

demo: $(STAMP) ## embedded broker + worker, publish seeds/, print the events
	$(BIN)/newsevents demo

test: $(STAMP) $(KAFKA_JARS) ## every test tier (Kafka tier included), plus lint and the JSON Schema check
	$(BIN)/ruff check .
	$(BIN)/python -m schemas.generate --check
	$(BIN)/python -m pytest

unit: $(STAMP) ## unit tests only (no broker)
	$(BIN)/python -m pytest tests/unit

integration: $(STAMP) ## integration tests only (embedded broker)
	$(BIN)/python -m pytest tests/integration

kafka-tests: $(STAMP) $(KAFKA_JARS) ## the Kafka tier only (a 3-node Apache Kafka cluster)
	$(BIN)/python -m pytest -m kafka

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
