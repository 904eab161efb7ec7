# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SAMPLES := data/samples

.PHONY: demo notebook test lint bench bench-national mutate clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# editable_mode=compat: a plain .pth entry (the default finder mode prints a ten-line notice on
# every install); newer setuptools warn that compat mode is transitional, a notice for packagers
# that users of `make demo` need not read, so that one warning is filtered by its message
EDITABLE := --config-settings editable_mode=compat
PIP_QUIET := PYTHONWARNINGS="ignore:Compat editable"

$(VENV)/.installed: $(PY) pyproject.toml
	$(PIP_QUIET) $(PY) -m pip install --quiet $(EDITABLE) -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP_QUIET) $(PY) -m pip install --quiet $(EDITABLE) -e '.[test]'
	touch $@

# the demo environment: the package, matplotlib for audit.plot() and JupyterLab for notebooks/
$(VENV)/.installed-demo: $(VENV)/.installed
	$(PIP_QUIET) $(PY) -m pip install --quiet $(EDITABLE) -e '.[notebook]'
	touch $@

demo: $(VENV)/.installed-demo
	$(VENV)/bin/efisiensi demo --out report.xlsx --html ringkasan.html
	@echo "Buku catatan / notebooks: make notebook  (atau: $(VENV)/bin/jupyter lab notebooks/)"

notebook: $(VENV)/.installed-demo
	$(VENV)/bin/jupyter lab notebooks/

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check efisiensi tests docs $(wildcard benchmarks)

test: $(VENV)/.installed-test lint
	$(PY) -m pytest -q

bench: $(VENV)/.installed-test
	$(PY) benchmarks/run.py $(ARGS)

bench-national: $(VENV)/.installed-test
	$(PY) benchmarks/run.py --national $(ARGS)

# issue 15: break categorize (labels nothing / everything) and count the audit, report, CLI and
# property tests that fail; VERBOSE=1 names the survivors, ARGS= other test files or pytest options
mutate: $(VENV)/.installed-test
	$(PY) docs/mutate_categorize.py $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
