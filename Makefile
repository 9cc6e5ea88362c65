# One-command set-up and the course's workflows. Needs only Python 3.11+ and make.
#   make demo   - environment, build the exercises, grade the bundled sample class
#   make test   - ruff, then the whole test suite
#   make setup  - just the environment (.venv), idempotent
#   make build  - exercises/ from solutions/ (nbgrader generate_assignment)
#   make lab    - JupyterLab 4 on the repository (with nbgrader's formgrader)
#   make bench  - grading benchmark (a generated class; prints figures)
#   make lint   - ruff (ruff.toml)
#   make site   - the course site in book/_build/html (lectures executed offline, cached)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The TensorFlow build: a CPU wheel unless an NVIDIA driver is present.
TF_EXTRA ?= $(shell command -v nvidia-smi >/dev/null 2>&1 && echo gpu || echo cpu)
PYTEST_WORKERS ?= auto
STAMP := $(VENV)/.installed-$(TF_EXTRA)

.PHONY: setup build test lint demo lab lab-server bench site clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(TF_EXTRA),instructor,dev]"
	-@command -v bwrap >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  (apt-get install -y -qq bubblewrap >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap >/dev/null 2>&1)); } || \
	  echo "note: bubblewrap is not installed; grading runs without a sandbox (see README)"
	-@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || \
	  { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  (apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1)); } || \
	  echo "note: chromium and chromium-driver are not installed; the browser tests will skip"
	rm -f $(VENV)/.installed-*
	touch $@

build: setup
	$(BIN)/dlcourse build

test: setup lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

lint: setup
	$(BIN)/ruff check .

demo: build
	rm -rf results/demo
	$(BIN)/dlcourse grade sample_class/submissions --out results/demo --timeout 60
	@echo "Grade table: results/demo/grades.csv   Feedback: results/demo/feedback/<student>/<module>.html"

# JupyterLab on the loopback interface (a free port from 8888 up, a token in the printed
# link). The environment's bin comes first on PATH for the server, its terminals and
# kernels, so `dlcourse`, `nbgrader` and nbgrader's `alembic` resolve (terminals run a
# plain interactive shell: a login shell would reset PATH from /etc/profile). nbgrader's
# exchange (results/nbgrader-exchange, see nbgrader_config.py) gets the released exercises
# so the Assignment List panel shows them. LAB_ARGS adds options (tests: --no-browser
# --port=N). `make lab-server` is the same without the `setup` step.
EXCHANGE := results/nbgrader-exchange
lab: setup
	@$(MAKE) --no-print-directory lab-server

lab-server:
	@mkdir -p $(EXCHANGE)/dlcourse/outbound $(EXCHANGE)/dlcourse/inbound $(EXCHANGE)/dlcourse/feedback
	@chmod 0777 $(EXCHANGE) $(EXCHANGE)/dlcourse/inbound 2>/dev/null || true
	@for module in exercises/*/; do name=$$(basename $$module); rm -rf $(EXCHANGE)/dlcourse/outbound/$$name; \
	  cp -r $$module $(EXCHANGE)/dlcourse/outbound/$$name; done
	PATH="$(abspath $(BIN)):$$PATH" exec $(BIN)/jupyter lab --ip=127.0.0.1 --notebook-dir=. \
	  --ServerApp.terminado_settings="shell_command=['$${SHELL:-/bin/bash}']" \
	  $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS)

bench: setup
	$(BIN)/python -m autograder.bench $(BENCH_ARGS)

# The course site: every lecture executed (cached in book/_build/.jupyter_cache, so a rebuild
# runs only what changed) and rendered with its figures and formulas. `make clean` keeps the
# cache; `$(BIN)/python -m autograder.site --clean` rebuilds from nothing.
site: setup
	$(BIN)/python -m autograder.site

clean:
	rm -rf results bench_out .pytest_cache
