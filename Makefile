# SGD, step by step: every set-up step lives here, so a fresh machine with only
# Python and pip needs nothing but `make lab` or `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Kernels that notebooks start find this environment's Python first.
export PATH := $(abspath $(BIN)):$(PATH)
# The constraints file pins what the stored outputs were made with; torch==2.13.0
# there resolves to the local CPU build, so no CUDA package is pulled in.
STAMP  := $(VENV)/.installed
LAB_ARGS ?=
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test lint unit outputs bench clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[lab,test]'
	@touch $@

## Open the course in JupyterLab.
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_ARGS) $(LAB_ARGS)

## Every check: lint, unit tests, doctests, notebook hygiene and nbval.
test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check sgd_helpers tests tools notebooks

## Re-execute every notebook in place: the only way outputs enter the repo.
outputs: $(STAMP)
	$(BIN)/python tools/run_notebooks.py $(NOTEBOOKS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
