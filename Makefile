# Two commands: `make lab` (set up, open JupyterLab on the start notebook) and `make test`
# (set up, run every test). The rest are helpers for the instructor and the developers.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# jupyter refuses to run as root without --allow-root (CI machines and containers run as root).
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
NOTEBOOKS := $(sort $(wildcard notebooks/0*.ipynb))

.PHONY: lab test browser install install-dev execute bench release check grade handout present clean

# No "news" or update pop-ups in class: JupyterLab reads the venv's settings/overrides.json
# (written once), and --LabApp.news_url=None keeps the server from fetching the feed.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
# No busy icon in the browser tab: JupyterLab swaps the tab's icon on every busy and idle of the
# kernel, which a panel's picture makes 60 times a second in live mode (each swap a fetch and a
# decode on the browser's main thread). Part of the install: the browser tests measure this lab.
LAB_PAGE_CONFIG := $(VENV)/etc/jupyter/labconfig/page_config.json

lab: $(VENV)/.installed $(LAB_OVERRIDES)
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --LabApp.news_url=None notebooks/00_start_here.ipynb

$(LAB_OVERRIDES): | $(VENV)/bin/python
	mkdir -p $(@D)
	echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' > $@

$(LAB_PAGE_CONFIG): | $(VENV)/bin/python
	mkdir -p $(@D)
	echo '{"disabledExtensions": {"@jupyterlab/application-extension:faviconbusy": true}}' > $@

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

$(VENV)/.installed: requirements.txt pyproject.toml | $(VENV)/bin/python $(LAB_PAGE_CONFIG)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

# axe-core (the accessibility audit of the browser tests) comes from npm when npm is there;
# without it those tests skip with the reason (CI installs npm, so there they run).
$(VENV)/.installed-dev: requirements-dev.txt tests/browser/package-lock.json $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/browser --no-audit --no-fund --silent; fi
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

# The printed handout: one PDF per lecture notebook and lecture.pdf, in handout/ (OUT=...), from the
# stored notebooks (NB=... for some); needs Debian's chromium and libjs-mathjax.
handout: $(VENV)/.installed-dev
	$(PY) -m regutils.handout --out $(or $(OUT),handout) $(NB)

# The presenter view: each panel alone on a page (Voilà, no code) at http://127.0.0.1:8866/
present: $(VENV)/.installed-dev
	$(VENV)/bin/voila presenter --Voila.ip=127.0.0.1 $(if $(PORT),--port=$(PORT))

clean:
	rm -rf $(VENV) .pytest_cache
