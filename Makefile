# One-command set-up and the course's workflows. Needs only Python 3.11+ and make.
#   make demo   - environment, build the exercises, grade the bundled sample class
#   make test   - the whole test suite
#   make setup  - just the environment (.venv), idempotent
#   make build  - exercises/ from solutions/ (nbgrader generate_assignment)
#   make lab    - JupyterLab 4 on the repository (with nbgrader's formgrader)
#   make bench  - grading benchmark (a generated class; prints figures)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The TensorFlow build: a CPU wheel unless an NVIDIA driver is present.
TF_EXTRA ?= $(shell command -v nvidia-smi >/dev/null 2>&1 && echo gpu || echo cpu)
PYTEST_WORKERS ?= auto
STAMP := $(VENV)/.installed-$(TF_EXTRA)

.PHONY: setup build test demo lab bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(TF_EXTRA),dev]"
	-@command -v bwrap >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  (apt-get install -y -qq bubblewrap >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap >/dev/null 2>&1)); } || \
	  echo "note: bubblewrap is not installed; grading runs without a sandbox (see README)"
	rm -f $(VENV)/.installed-*
	touch $@

build: setup
	$(BIN)/dlcourse build

test: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

demo: build
	rm -rf results/demo
	$(BIN)/dlcourse grade sample_class/submissions --out results/demo --timeout 60
	@echo "Grade table: results/demo/grades.csv   Feedback: results/demo/feedback/<student>/<module>.html"

lab: setup
	$(BIN)/jupyter lab --notebook-dir=.

bench: setup
	$(BIN)/python -m autograder.bench $(BENCH_ARGS)

clean:
	rm -rf results bench_out .pytest_cache
