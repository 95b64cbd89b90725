# mvd-course — two commands: `make start` (launch the course) and `make test` (run every test).
# Both create .venv on first use and reinstall only when requirements.txt, constraints.txt or
# pyproject.toml change.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
ROOT_FLAG    := $(if $(filter 0,$(shell id -u)),--allow-root,)
# nbgrader (formgrader, autograde) runs helper programs such as `alembic` from PATH.
export PATH := $(abspath $(BIN)):$(PATH)
BROWSER_FLAG := $(if $(or $(DISPLAY),$(filter Darwin,$(shell uname -s))),,--no-browser)

.PHONY: hub hub-down bench-hub start instructor test system-packages test-fast lint format bench bench-grading bench-report strip lock clean help

help:
	@echo "make start   launch JupyterLab on Lesson 0, the first lesson (first run installs everything into .venv)"
	@echo "make instructor  JupyterLab in the course directory with formgrader (COURSE=folder, default assignments/)"
	@echo "make test    run the whole test suite (first installs the Debian packages in system-packages.txt)"
	@echo "make test-fast  the edit-test loop: no browser, no sandbox, no kernels or nbgrader (under a minute)"
	@echo "make lint    ruff lint and format check (LINT_PATHS=... to check part of the tree)"
	@echo "make format  ruff format + safe fixes on LINT_PATHS"
	@echo "make bench   print lesson execution time, kernel memory, widget update times in-process and in Chromium"
	@echo "make bench-grading  grade a simulated class of 100: plain nbgrader, executed and kernel-less; then 1,000 kernel-less"
	@echo "make bench-report   time and memory to build the item-analysis report for 200, 1000, 5000 students"
	@echo "make hub     a whole class on this server: JupyterHub + nbgrader exchange + PostgreSQL (as root; make hub-down)"
	@echo "make bench-hub  50 students submitting and two instructors grading on the hub: times and memory"
	@echo "make strip   remove outputs and execution counts from lesson notebooks"

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "mvd-course needs Python 3.11 or newer, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	# JupyterLab's "get news?" pop-up would cover the lesson; switch it off in this environment only.
	$(BIN)/jupyter labextension disable "@jupyterlab/apputils-extension:announcements" >/dev/null 2>&1 || true
	touch $(STAMP)

# The student's launch: config/student hides nbgrader's instructor tools (formgrader, Create Assignment).
STUDENT_CONFIG := $(abspath config/student)

start: $(STAMP)
	JUPYTER_CONFIG_PATH=$(STUDENT_CONFIG)$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH)) \
	$(BIN)/jupyter lab --notebook-dir=. --ip=127.0.0.1 --port=$(PORT) $(BROWSER_FLAG) $(ROOT_FLAG) \
		--LabApp.default_url=/lab/tree/lessons/00_recognising_hfs.ipynb

# The instructor's JupyterLab: started inside the nbgrader course directory so that formgrader finds its
# nbgrader_config.py, gradebook and exchange. COURSE=/srv/nbgrader/mvd-course for a copied course folder.
COURSE ?= assignments
instructor: $(STAMP)
	$(BIN)/mvdcourse lab --course $(COURSE) --port $(PORT) $(if $(BROWSER_FLAG),,--browser)

# The Debian packages the tests call (system-packages.txt): installed when missing, or a one-sentence stop.
system-packages:
	@sh tools/system-packages.sh

# MVDCOURSE_NO_SKIPS=1: a skipped test is a failure (tests/conftest.py); the suite runs whole or not at all.
site: $(STAMP)
	$(BIN)/python -m mvdcourse.site --out _site

# axe-core (package.json) for the accessibility audits in Chromium (lessons, quiz, site, report).
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(AXE)

test: $(STAMP) system-packages $(AXE)
	MVDCOURSE_NO_SKIPS=1 $(BIN)/python -m pytest --durations=15 $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not sandbox and not slow" $(PYTEST_ARGS)

LINT_PATHS ?= .
lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

format: $(STAMP)
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_lessons.py
	$(BIN)/python benchmarks/bench_widgets_browser.py

# A whole class on one server (deploy/): JupyterHub, local users, nbgrader exchange, PostgreSQL gradebook.
# Run as root. HUB_STATE keeps everything (users' homes aside); `make hub-down` stops it, data kept.
HUB_STATE ?= /srv/mvd-course
HUB_USERS ?= deploy/users.example.csv
HUB_PORT  ?= 9420
HUB_PG_PORT ?= 9432
HUB_USER_PORTS ?= 9423-9439
hub: $(STAMP) system-packages
	$(BIN)/python deploy/coursehub.py up --state $(HUB_STATE) --users $(HUB_USERS) --port $(HUB_PORT) \
		--pg-port $(HUB_PG_PORT) --user-ports $(HUB_USER_PORTS)

hub-down: $(STAMP)
	$(BIN)/python deploy/coursehub.py down --state $(HUB_STATE)

bench-hub: $(STAMP) system-packages
	$(BIN)/python benchmarks/bench_hub.py $(BENCH_HUB_ARGS)

bench-grading: $(STAMP)
	$(BIN)/python benchmarks/bench_grading.py

bench-report: $(STAMP)
	$(BIN)/python benchmarks/bench_report.py --sizes 200 1000 5000

strip: $(STAMP)
	$(BIN)/nbstripout --keep-id lessons/*.ipynb
	$(BIN)/python tools/format_lessons.py lessons/[0-9][0-9]_*.ipynb

lock: $(STAMP)
	{ echo "# Full pinned set (pip constraints) resolved on Python 3.11 from requirements.txt; regenerate with 'make lock'."; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -vi '^mvdcourse'; } > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache
