# The two commands: `make publish` and `make test`.  Both set up what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VNU    := .cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar
SOCIAL := .cache/social-ref/node_modules/.installed-twitter-text-3.1.0-atproto-api-0.21.0
# No telemetry, no analytics: nothing leaves this machine at run time.
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: publish test bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

publish: $(STAMP)
	$(BIN)/publish render

# The W3C Nu HTML Checker for tests/test_validator.py (set-up time; tests never download).
$(VNU):
	@command -v npm >/dev/null || { echo "npm not found: tests/test_validator.py needs it (see .ci/run)"; exit 1; }
	npm install --prefix .cache/vnu --no-audit --no-fund --silent vnu-jar@26

# The platforms' reference code for tests/social/test_reference.py (the oracle; pinned).
$(SOCIAL):
	@command -v npm >/dev/null || { echo "npm not found: tests/social needs it (see .ci/run)"; exit 1; }
	npm install --prefix .cache/social-ref --no-audit --no-fund --silent \
	  twitter-text@3.1.0 @atproto/api@0.21.0
	touch $@

test: $(STAMP) $(VNU) $(SOCIAL)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff mypy types-PyYAML
	$(BIN)/ruff check channels flows tests bench
	$(BIN)/mypy channels --ignore-missing-imports

clean:
	rm -rf $(VENV) output/* output/.versions output/.publish.lock
