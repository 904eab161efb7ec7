# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SAMPLES := data/samples

.PHONY: demo test lint bench bench-national clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/efisiensi demo

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check efisiensi tests docs $(wildcard benchmarks)

test: $(VENV)/.installed-test lint
	$(PY) -m pytest -q

bench: $(VENV)/.installed-test
	$(PY) benchmarks/run.py $(ARGS)

bench-national: $(VENV)/.installed-test
	$(PY) benchmarks/run.py --national $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
