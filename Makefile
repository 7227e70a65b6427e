# mirrorgap — `make help` lists the targets. The same targets serve people and CI.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CLIENT ?= demo
CLIENTS ?=
JOBS ?=
FORCE ?=
PYTEST_ARGS ?=

.PHONY: publish host account help demo run batch check new dashboard explore test test-fast lint bench demo-data system-deps clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (mirrorgap)" >/dev/null
	@touch $(STAMP)

demo: $(STAMP) ## set up if needed, run the bundled demo engagement and print where the report is
	@bash .ci/system-deps chromium fonts-dejavu-core || echo "note: Chromium could not be installed; the run makes every deliverable but report.pdf"
	@$(PY) -m mirrorgap.run.cli run demo

run: $(STAMP) ## run one engagement: make run CLIENT=acme (writes output/acme/<run-id>/)
	@$(PY) -m mirrorgap.run.cli run $(CLIENT)

batch: $(STAMP) ## run every params/*.yaml in parallel, skipping unchanged ones: make batch [CLIENTS="a b"] [FORCE=1] [JOBS=2]
	@$(PY) -m mirrorgap.run.batch $(CLIENTS) $(if $(FORCE),--force) $(if $(JOBS),--jobs $(JOBS))

dashboard: $(STAMP) ## serve a client's read-only dashboard of its latest run on 127.0.0.1: make dashboard CLIENT=acme [PORT=8866] [TOKEN=…]
	@$(PY) -m mirrorgap.dashboard.serve serve $(CLIENT) --port $(or $(PORT),8866) $(if $(TOKEN),--token $(TOKEN))

explore: $(STAMP) ## open the analysts' explorer (JupyterLab, live settings, saves to params): make explore CLIENT=acme
	@MIRRORGAP_CLIENT=$(CLIENT) $(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 notebooks/explore.ipynb

check: $(STAMP) ## validate params and data of a client without running the analysis: make check CLIENT=acme
	@$(PY) -m mirrorgap.run.cli check $(CLIENT)

new: $(STAMP) ## start a client: make new CLIENT=acme writes params/acme.yaml and data/acme/
	@$(PY) -m mirrorgap.run.cli new $(CLIENT)

system-deps: ## install the system packages the browser tests need (Debian's chromium), if missing
	@bash .ci/system-deps

test: $(STAMP) system-deps lint ## lint, then every test (statistics, readers, bad inputs, notebook runs, browser)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff over the code and the package's layer contract (import-linter); part of make test
	$(VENV)/bin/ruff check lib tests bench data notebooks templates
	$(VENV)/bin/lint-imports

test-fast: $(STAMP) ## the tests without notebook runs and browser
	$(PY) -m pytest -m "not notebook and not browser" $(PYTEST_ARGS)

bench: $(STAMP) ## benchmarks against DuckDB / plain pandas (not part of make test); figures go in the README
	$(PY) bench/run_bench.py

demo-data: $(STAMP) ## regenerate the synthetic demo engagement in data/demo/
	$(PY) data/demo/make_demo.py
	$(PY) data/demo/make_headcount.py

clean: ## remove runs and caches (keeps .venv)
	rm -rf output bench/out .pytest_cache

publish: $(STAMP) ## write a client's self-contained dashboard bundle (aggregates, code, Dockerfile): make publish CLIENT=acme [OUT=dist]
	@$(PY) -m mirrorgap.publish.bundle $(CLIENT) --out $(or $(OUT),dist)

account: $(STAMP) ## add a login to a published client: make account CLIENT=acme LOGIN=anna [UNIT="Malmö"]
	@$(PY) -m mirrorgap.publish.accounts add $(CLIENT) $(LOGIN) $(if $(UNIT),--unit "$(UNIT)")

host: $(STAMP) ## serve every bundle in dist/ behind a login, each client at /<client>/: make host [PORT=8800]
	@$(PY) -m mirrorgap.publish.host --bundles dist --port $(or $(PORT),8800)
