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

.PHONY: start test system-packages bench bench-grading strip lock clean help

help:
	@echo "make start   launch JupyterLab on the lessons (first run installs everything into .venv)"
	@echo "make test    run the whole test suite (first installs the Debian packages in system-packages.txt)"
	@echo "make bench   print lesson execution time, kernel memory and widget update times"
	@echo "make bench-grading  grade a simulated class of 100 with plain nbgrader and with mvdcourse grade"
	@echo "make strip   remove outputs and execution counts from lesson notebooks, fold code cells"

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
		--LabApp.default_url=/lab/tree/lessons/01_hfs_and_mvd.ipynb

# The Debian packages the tests call (system-packages.txt): installed when missing, or a one-sentence stop.
system-packages:
	@sh tools/system-packages.sh

# MVDCOURSE_NO_SKIPS=1: a skipped test is a failure (tests/conftest.py); the suite runs whole or not at all.
site: $(STAMP)
	$(BIN)/python -m mvdcourse.site --out _site

test: $(STAMP) system-packages
	MVDCOURSE_NO_SKIPS=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_lessons.py

bench-grading: $(STAMP)
	$(BIN)/python benchmarks/bench_grading.py --single-worker

strip: $(STAMP)
	$(BIN)/nbstripout --keep-id lessons/*.ipynb
	$(BIN)/python tools/format_lessons.py lessons/[0-9][0-9]_*.ipynb

lock: $(STAMP)
	{ echo "# Full pinned set (pip constraints) resolved on Python 3.11 from requirements.txt; regenerate with 'make lock'."; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -vi '^mvdcourse'; } > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache
