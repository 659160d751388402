# jiaodui: `make run` starts the whole system, `make test` runs the whole suite against it.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION ?= 0.13.8
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PYTEST_ARGS ?=

.PHONY: help install run stop restart status test test-unit test-faults lint contracts dlq-replay bench clean-stack web gen-api

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(UV):
	python3 -m pip install --quiet --user "uv==$(UV_VERSION)" || python3 -m pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: uv.lock pyproject.toml $(wildcard */pyproject.toml services/*/pyproject.toml) | $(UV)
	$(UV) sync --frozen --all-packages --quiet
	@touch $@

install: .venv/.synced ## install the Python workspace (uv, locked)

# The portal (web/): npm ci from the committed lockfile, then vite build, each only when stale.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npx vite build --logLevel warn

web: web/dist/index.html ## build the portal (npm ci + vite build when stale)

gen-api: install web/node_modules/.installed ## regenerate the portal's API types from the services' OpenAPI
	cd web && npm run gen:api

run: install web ## install what is missing and start everything (idempotent)
	bash deploy/local/run.sh

stop: ## stop the services and the stack
	bash deploy/local/services.sh stop
	bash deploy/local/stack.sh down

restart: install ## restart the five services (after a code change)
	bash deploy/local/services.sh restart

status: ## what runs
	@bash deploy/local/stack.sh status; bash deploy/local/services.sh status

test: install web lint ## lint, then the whole suite against the real stack (started if not running)
	bash deploy/local/browser.sh
	bash deploy/local/run.sh --quiet
	.venv/bin/python -m pytest $(PYTEST_ARGS)

test-unit: install ## unit tests only (no server needed)
	.venv/bin/python -m pytest -m "not integration" $(PYTEST_ARGS)

test-faults: install ## the long fault-injection suite
	bash deploy/local/run.sh --quiet
	JIAODUI_FAULTS_LONG=1 .venv/bin/python -m pytest -m faults $(PYTEST_ARGS)

lint: install web/node_modules/.installed ## ruff, mypy (strict), contracts and API-types drift, vue-tsc, vitest
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy contracts/src runtime/src services/*/src deploy/local/sinks.py
	.venv/bin/python -m jiaodui_contracts.generate --check
	cd web && npm run --silent check:api && npm run --silent typecheck && npx vitest run --silent

bench: install ## the DESIGN §7 benchmarks beside their baselines → bench-results/ (slow)
	bash deploy/local/run.sh --quiet
	bash deploy/local/kafka.sh tools
	bash -c 'source deploy/local/env.sh && apt_install wrk'
	.venv/bin/python -m bench $(SCENARIOS)

.PHONY: soak
soak: install ## the deadline-day mix for SOAK_MINUTES (30) at SOAK_RATE/s, per SOAK_SLICE_MINUTES → soak-results/ (long)
	bash deploy/local/run.sh --quiet
	.venv/bin/python -m soak

.PHONY: stack-cluster stop-cluster test-cluster
stack-cluster: install ## start the 3-broker Kafka cluster (ports 19092-19094) beside the stack
	bash deploy/local/kafka-cluster.sh up

stop-cluster: ## stop the 3-broker Kafka cluster (its data stays in .stack/kafka-cluster)
	bash deploy/local/kafka-cluster.sh down

test-cluster: install ## start the cluster, kill -9 a partition leader, then the active KRaft controller, under outbox/inbox load, stop it
	bash deploy/local/run.sh --quiet
	bash deploy/local/kafka-cluster.sh up
	JIAODUI_KAFKA_CLUSTER=1 .venv/bin/python -m pytest -s tests/faults/test_cluster_leader_kill.py \
	  $(PYTEST_ARGS); rc=$$?; bash deploy/local/kafka-cluster.sh down; exit $$rc

.PHONY: stack-failover stop-failover test-failover
stack-failover: install ## PostgreSQL with a synchronous standby on :5433; services restarted onto both
	bash deploy/local/run.sh --quiet
	bash deploy/local/postgres-ha.sh up
	bash deploy/local/services.sh restart

stop-failover: install ## back to one PostgreSQL on :5432 (switching back after a failover); services restarted
	bash deploy/local/postgres-ha.sh down
	bash deploy/local/services.sh restart

test-failover: install ## the standby option, kill -9 the primary mid-burst, promote, count the books; then back to one PostgreSQL
	bash deploy/local/run.sh --quiet
	bash deploy/local/postgres-ha.sh up
	bash deploy/local/services.sh restart
	JIAODUI_PG_FAILOVER=1 .venv/bin/python -m pytest -s tests/faults/test_postgres_failover.py \
	  $(PYTEST_ARGS); rc=$$?; bash deploy/local/postgres-ha.sh down && bash deploy/local/services.sh restart \
	  || rc=1; exit $$rc

dlq-replay: install ## move a DLQ back to its topic: make dlq-replay TOPIC=identity.events
	.venv/bin/python -m jiaodui_runtime.dlq replay $(TOPIC)

contracts: install ## regenerate JSON Schemas and the AsyncAPI document from the models
	.venv/bin/python -m jiaodui_contracts.generate

clean-stack: stop ## stop everything and delete local data (.stack and the Postgres cluster)
	bash -c 'source deploy/local/env.sh; rm -rf "$$STACK_DIR" "$$PG_HOME"'
