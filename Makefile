# The two commands: `make publish` and `make test`.  Both set up what they need: the Debian
# packages in system-packages.txt (installed when run as root, else the command is named),
# then .venv with the Python packages.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VNU    := .cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar
SOCIAL := .cache/social-ref/node_modules/.installed-twitter-text-3.1.0-atproto-api-0.21.0
OUTLOUD := .cache/outloud-0.2.1/bin/outloud
# No telemetry, no analytics: nothing leaves this machine at run time.
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
# Our own pip calls: errors only (this machine's pip configuration warns about every
# index location it cannot read; pip shows nothing else at this level unless it fails).
PIP := $(BIN)/python -m pip --quiet --quiet --disable-pip-version-check

.PHONY: publish test bench lint clean system-publish system-test

$(STAMP): pyproject.toml
	@echo "setting up $(VENV) (the Python packages of pyproject.toml; about a minute, once)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install -e '.[test]'
	@touch $(STAMP)

# The Debian packages: checked with dpkg-query every time (instant), installed once.
system-publish system-test:
	@$(PYTHON) -m channels.machine $(@:system-%=%)

publish: system-publish
	@$(MAKE) -s --no-print-directory $(STAMP)
	@$(BIN)/publish render

# The W3C Nu HTML Checker for tests/test_validator.py (set-up time; tests never download).
$(VNU):
	@command -v npm >/dev/null || { echo "npm not found: tests/test_validator.py needs it (see system-packages.txt)"; exit 1; }
	@npm install --prefix .cache/vnu --no-audit --no-fund --silent vnu-jar@26

# The platforms' reference code for tests/social/test_reference.py (the oracle; pinned).
$(SOCIAL):
	@command -v npm >/dev/null || { echo "npm not found: tests/social needs it (see system-packages.txt)"; exit 1; }
	@npm install --prefix .cache/social-ref --no-audit --no-fund --silent \
	  twitter-text@3.1.0 @atproto/api@0.21.0
	@touch $@

# outloud, a PDF/UA-1 and WCAG checker, for tests/pdf/test_outloud.py (the oracle; pinned).
# Its own venv: it brings PyMuPDF (AGPL), which stays out of ours and out of `make publish`;
# PyMuPDF 1.26 (PyMuPDF 2 adds onnxruntime and numpy, 230 MB more, for layout we do not use).
$(OUTLOUD):
	@$(PYTHON) -m venv .cache/outloud-0.2.1
	@.cache/outloud-0.2.1/bin/python -m pip --quiet --quiet --disable-pip-version-check \
	  install outloud==0.2.1 "pymupdf>=1.24,<1.27"

test: system-test
	@$(MAKE) -s --no-print-directory $(STAMP) $(VNU) $(SOCIAL) $(OUTLOUD)
	@$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(PIP) install ruff mypy types-PyYAML
	$(BIN)/ruff check channels flows tests bench
	$(BIN)/mypy channels --ignore-missing-imports

clean:
	rm -rf $(VENV) output/* output/.versions output/.publish.lock
