# Chat Links. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint typecheck format bench bench-quick bench-rebuild bench-lifecycle demo loadtest clean compile

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

# The masker compiled with mypyc (rules/compiled.py): the same spans, about a quarter faster.
# Built again only after rules/masking.py changed; where it cannot be built, pure Python runs.
compile: $(BIN)/activate
	@$(BIN)/python -c "from rules.compiled import build; build()" \
		|| echo "The masker was not compiled (see above): masking runs as pure Python."

run: export DEBUG ?= true
run: $(BIN)/activate compile
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo "Serving Chat Links on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/gunicorn chatlinks.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 \
		--access-logfile - --log-level warning

demo: export DEBUG ?= true
demo: $(BIN)/activate compile
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo

test: $(BIN)/activate compile
	$(BIN)/pytest

# Everything but the slow tests (crawlers, a live server: the browser and the OpenID provider, a
# real worker, new Python processes, timings): for the edit-test loop, under two minutes on two
# cores. Kept there by records a module's tests share (tests/shared_db.py), not by parallel
# workers: two cores shared with other work gain little from them.
test-fast: $(BIN)/activate compile
	$(BIN)/pytest -m "not slow"

lint: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=chatlinks.test_settings $(BIN)/python manage.py makemigrations --check --dry-run

typecheck: $(BIN)/activate
	$(BIN)/mypy

format: $(BIN)/activate
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks on PostgreSQL in the throwaway database chatlinks_bench (see bench/run.py); the
# full run writes bench/RESULTS.md, the quick one (under two minutes) bench/data/.
bench: $(BIN)/activate compile
	$(BIN)/pip install --quiet -r requirements-bench.txt
	$(BIN)/python -m bench

bench-quick: $(BIN)/activate compile
	$(BIN)/pip install --quiet -r requirements-bench.txt
	$(BIN)/python -m bench --quick

# A business's rollup recount by a real worker (Redis on 127.0.0.1:6379) while pages answer.
bench-rebuild: $(BIN)/activate compile
	$(BIN)/pip install --quiet -r requirements-bench.txt
	$(BIN)/python -m bench.rebuild

# Erasing a customer and applying retention at ~100k messages by a real worker while pages answer.
bench-lifecycle: $(BIN)/activate compile
	$(BIN)/pip install --quiet -r requirements-bench.txt
	$(BIN)/python -m bench.lifecycle

# Load and fault tests against gunicorn on PostgreSQL; stops and restarts the local cluster.
loadtest: $(BIN)/activate compile
	$(BIN)/python tests/load_and_faults.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 build
