# SGD, step by step: every set-up step lives here, so a fresh machine with only
# Python and pip needs nothing but `make lab` or `make test`. Without make, the
# README's "Without make" gives the same steps as plain commands.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Kernels that notebooks start find this environment's Python first.
export PATH := $(abspath $(BIN)):$(PATH)
# The stored figures are made by Jupyter's inline backend; a backend set in the shell (MPLBACKEND=Agg, say) would
# make every figure vanish from the outputs, so kernels started from here never see one.
unexport MPLBACKEND
LAB_ARGS ?=
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)
# make PYTHON=... rebuilds the environment with that Python; otherwise the one there is kept.
PYTHON_GIVEN := $(if $(filter command line environment,$(origin PYTHON)),--python-given)

# The Colab environment: Colab's Python (3.13) and Colab's versions of every package it touches
# (constraints-colab.txt, from Colab's published freeze; tools/colab_env.py says how torch stands in).
COLAB_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13.*/bin/python3.13) $(shell command -v python3.13 2>/dev/null))
COLAB_VENV  := .venv-colab
WHEELS      := build/wheels
# In the Colab environment pip finds sgd-helpers only in WHEELS (the working tree, built as a wheel), through pip's
# own variables: the notebooks' setup cell is run exactly as a learner's runtime runs it.
COLAB_RUN   := PIP_FIND_LINKS=$(abspath $(WHEELS)) PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 SGD_COLAB_ENV=1 \
               PYDEVD_DISABLE_FILE_VALIDATION=1
COLAB_PYTEST := $(COLAB_VENV)/bin/pytest -c tests/pytest-colab.ini --rootdir . -p no:cacheprovider -q

# Biome, the explorers' JavaScript linter, from npm (`make lint`); the course itself needs no Node.js.
NPM   := $(shell command -v npm 2>/dev/null)
BIOME := node_modules/.bin/biome

# PyTorch's CPU kernel paths (ATEN_CPU_CAPABILITY) that `make reruns` re-executes the notebooks under, besides the
# one this processor picks by itself: always `default` (no AVX, as on many learners' machines, ARM laptops among
# them), and `avx2` too where the processor has AVX-512 (so picks that by itself).
CAPABILITIES ?= default $(if $(shell grep -qs avx512f /proc/cpuinfo && echo yes),avx2)

.PHONY: env colab-env lab test quick lint unit reproduce reruns test-colab wheel outputs bench site clean

## The environment, made, repaired or brought up to date (at once when nothing changed): tools/env.py.
env:
	@$(PYTHON) tools/env.py $(VENV) $(PYTHON_GIVEN)

## Open the course in JupyterLab.
lab: env
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_ARGS) $(LAB_ARGS)

## Every check: the quick part (lint; unit tests, doctests, notebook hygiene and the browser test; the stored outputs
## reproduced by re-executing every notebook), nbval in the Colab environment, then the slow re-runs.
test: quick test-colab reruns

## What a contributor runs after each change: a few minutes.
quick: lint unit reproduce

unit: env
	$(BIN)/python -m pytest

## Re-execute every notebook and fail, naming the notebook and cell, unless its text comes out again exactly and its
## figures within the image tolerance (tools/figures.py).
reproduce: env
	$(BIN)/python tools/run_notebooks.py --check --jobs 2

## The slow re-runs: the random notebooks with other seeds (every assert must still hold), and every notebook again
## under each of CAPABILITIES, PyTorch's other CPU kernel paths (the same text, figures within the tolerance).
reruns: env
	$(BIN)/python -m pytest --dist load -m rerun tests/test_other_seeds.py  # side by side: the default loadscope runs one file in one worker
	@for capability in $(CAPABILITIES); do \
	  ATEN_CPU_CAPABILITY=$$capability $(BIN)/python tools/run_notebooks.py --check --jobs 2 || exit 1; \
	done

## Built (or repaired, or brought up to date) by tools/colab_env.py, which compares what it was built from by content.
colab-env:
	@test -n "$(COLAB_PYTHON)" || { echo "make test-colab needs Python 3.13, Colab's: install it (pyenv install 3.13)" \
	  "or name it: make test COLAB_PYTHON=/path/to/python3.13"; exit 1; }
	@$(COLAB_PYTHON) tools/colab_env.py build $(COLAB_VENV)

## The working tree's sgd_helpers as a wheel, for the Colab environment's pip to find.
wheel: env
	rm -rf $(WHEELS) build/lib
	$(BIN)/python -m pip wheel -q --no-deps --no-build-isolation --disable-pip-version-check -w $(WHEELS) .

## Every notebook in the Colab environment, each starting without sgd_helpers: its own setup cell installs it in the
## running kernel, as on Colab, and nbval checks every cell. Then the setup cell's own tests and the explorers'.
test-colab: colab-env wheel
	@for nb in notebooks/*.ipynb; do \
	  $(COLAB_VENV)/bin/python -m pip uninstall -q -y sgd-helpers 2>/dev/null; \
	  (cd $(COLAB_VENV) && bin/python -c "import importlib.util as u; assert not u.find_spec('sgd_helpers')") || exit 1; \
	  $(COLAB_RUN) $(COLAB_PYTEST) --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg $$nb \
	    || exit 1; \
	  (cd $(COLAB_VENV) && bin/python -c "import sgd_helpers as s; assert 'site-packages' in s.__file__") || exit 1; \
	done
	$(COLAB_RUN) $(COLAB_PYTEST) tests/test_colab_setup.py tests/test_widgets.py

## ruff over the code and notebooks; Biome over the explorers' JavaScript (its formatter and linter, one binary from
## npm's @biomejs/biome, pinned by package-lock.json); zizmor over the GitHub workflows (offline: no token, no
## network), failing on any finding and on a workflow it cannot parse. Biome needs npm, which nothing else of the
## course needs (CONTRIBUTING says why), and PyPI has no zizmor wheel for Linux on ARM (pyproject.toml): without
## them each is skipped with a note, except under CI.
lint: env $(if $(NPM),$(BIOME))
	$(BIN)/ruff check sgd_helpers tests tools notebooks
	@if [ -n "$(NPM)" ]; then echo "$(BIOME) ci --colors=off"; $(BIOME) ci --colors=off; \
	else echo "make lint: npm (Node.js) is not installed: explorer.js is not checked by Biome"; test -z "$$CI"; fi
	@if [ -x $(BIN)/zizmor ]; then echo "$(BIN)/zizmor --offline --strict-collection .github/workflows/"; \
	  $(BIN)/zizmor --offline --strict-collection .github/workflows/; \
	else echo "make lint: zizmor is not installed (no wheel for this machine): the workflows are not audited"; \
	  test -z "$$CI"; fi

$(BIOME): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

## Re-execute every notebook in place: the only way outputs enter the repo.
outputs: env
	$(BIN)/python tools/run_notebooks.py $(NOTEBOOKS)

## The course as a website, from the stored notebooks (no re-execution): build/site/index.html.
site: env
	$(BIN)/python tools/site_build.py

## Performance budgets: notebook times against their floor, explorer latency (in Python and in the browser), fit
## against a bare loop.
bench: env
	$(BIN)/python tools/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(COLAB_VENV) .pytest_cache .ruff_cache build *.egg-info node_modules
