# forewarn: `make brief` sets everything up and runs the main job; `make test` runs the tests.
PYTHON ?= python3.11
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: setup brief test test-all bench clean

setup: $(STAMP)

# Re-installs only when the project's declared dependencies change.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test,postgres,web,png]'
	@touch $(STAMP)

brief: $(STAMP)
	$(VENV)/bin/forewarn brief

# The default suite (under ten minutes on two cores) plus the slow marker.
test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[bench]'
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis
