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

# The Colab-like environment: Colab's 2026 versions (constraints-colab.txt).
COLAB_VENV  := .venv-colab
COLAB_STAMP := $(COLAB_VENV)/.installed
COLAB_PKGS  := torch numpy matplotlib pyparsing ipython ipykernel jupyter_client ipywidgets fastcore \
               pytest pytest-xdist nbval

.PHONY: lab test lint unit reproduce test-colab outputs bench clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[lab,test]'
	@touch $@

## Open the course in JupyterLab.
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_ARGS) $(LAB_ARGS)

## Every check: lint; unit tests, doctests, notebook hygiene and nbval; byte-for-byte
## reproduction of the stored outputs; and nbval again in the Colab-like environment.
test: lint unit reproduce test-colab

unit: $(STAMP)
	$(BIN)/python -m pytest

## Re-execute every notebook and fail, with a diff, unless its stored bytes come out again.
reproduce: $(STAMP)
	$(BIN)/python tools/run_notebooks.py --check --jobs 2

$(COLAB_STAMP): constraints-colab.txt
	@test -x $(COLAB_VENV)/bin/python || $(PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install -q --disable-pip-version-check -c constraints-colab.txt $(COLAB_PKGS)
	@touch $@

## nbval over every notebook (and the explorer tests) with Colab's versions. sgd_helpers
## is installed by running the notebooks' own setup cell, pointed at this clone by a git
## URL. `git stash create` makes a commit of uncommitted changes to tracked files
## without touching any branch, so the URL carries the working tree, not a stale HEAD.
test-colab: $(STAMP) $(COLAB_STAMP)
	$(COLAB_VENV)/bin/python -m pip uninstall -q -y sgd-helpers 2>/dev/null || true
	rev=$$(git stash create); rev=$${rev:-$$(git rev-parse HEAD)}; \
	$(BIN)/python tools/links.py --setup-source | \
	  (cd $(COLAB_VENV) && SGD_HELPERS_URL=git+file://$(CURDIR)@$$rev PIP_DISABLE_PIP_VERSION_CHECK=1 bin/python -)
	cd $(COLAB_VENV) && bin/python -c "import sgd_helpers; assert 'site-packages' in sgd_helpers.__file__"
	PYDEVD_DISABLE_FILE_VALIDATION=1 $(COLAB_VENV)/bin/pytest -o addopts="" -p no:cacheprovider -n auto \
	  --dist loadscope --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  notebooks tests/test_widgets.py

lint: $(STAMP)
	$(BIN)/ruff check sgd_helpers tests tools notebooks

## Re-execute every notebook in place: the only way outputs enter the repo.
outputs: $(STAMP)
	$(BIN)/python tools/run_notebooks.py $(NOTEBOOKS)

## Performance budgets: notebook times against their floor, explorer latency, fit against a bare loop.
bench: $(STAMP)
	$(BIN)/python tools/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(COLAB_VENV) .pytest_cache .ruff_cache build *.egg-info
