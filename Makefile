# Two commands: `make lab` (set up, open JupyterLab on the start notebook) and `make test`
# (set up, run every test). The rest are helpers for the instructor and the developers.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# jupyter refuses to run as root without --allow-root (CI machines and containers run as root).
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
NOTEBOOKS := $(sort $(wildcard notebooks/0*.ipynb))

.PHONY: lab test browser install install-dev execute bench release check grade clean

lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/00_start_here.ipynb

test: $(VENV)/.installed-dev
	$(PY) -m pytest

# Only the real-browser tests (JupyterLab + Chromium), printing the slider timings.
browser: $(VENV)/.installed-dev
	$(PY) -m pytest tests/browser -o addopts="" -p no:cacheprovider -s

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# Re-run every lecture notebook in place so its stored outputs (what nbval compares) are current.
execute: $(VENV)/.installed
	$(PY) -m regutils.notebooks execute $(or $(NB),$(NOTEBOOKS))

# Speed tables (PyTorch is the reference: `make bench` installs the CPU build from this disk).
bench: $(VENV)/.installed-dev
	$(PY) -m pip install -q torch==2.13.0
	$(PY) benchmarks/bench_train.py
	$(PY) benchmarks/bench_panels.py

# Homework: the instructor releases the student notebooks, students check, the instructor grades.
release: $(VENV)/.installed
	$(PY) -m regutils.homework release --edition dist/student-edition

check: $(VENV)/.installed
	$(PY) -m regutils.homework check notebooks/homework/$(or $(HW),hw1).ipynb $(if $(TIMEOUT),--timeout $(TIMEOUT))

grade: $(VENV)/.installed
	$(PY) -m regutils.homework grade $(or $(DIR),submissions) --out $(or $(OUT),grading) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(JOBS),--jobs $(JOBS))

clean:
	rm -rf $(VENV) .pytest_cache
