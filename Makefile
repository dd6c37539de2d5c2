# Two commands do all set-up on a fresh machine:
#   make run    installs what the app needs and opens it
#   make test   installs what the tests need, runs the linters (make lint) and the whole suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HASH := $(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# The app alone (make run), and the app with the test tools (make test): two stamps, so
# make run never installs pytest, mypy or ruff.
STAMP := $(VENV)/.installed-$(HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(HASH)
DIST_STAMP := $(VENV)/.installed-dist-$(HASH)

.PHONY: run test lint bench screenshots dist clean sysdeps-run sysdeps-test

run: sysdeps-run $(STAMP)
	@$(PY) -m compileall -q coach
	$(PY) -m coach $(ARGS)

test: sysdeps-test $(DEV_STAMP) lint
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check coach tests benchmarks tools
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: sysdeps-test $(DEV_STAMP)
	$(PY) -m benchmarks

screenshots: sysdeps-test $(DEV_STAMP)
	$(PY) tools/screenshots.py docs/screenshots

# The one-folder application, no Python needed: dist/physio-coach/physio-coach
dist: sysdeps-run $(DIST_STAMP)
	$(PY) tools/bundle.py dist build/pyinstaller

sysdeps-run:
	@sh tools/system-packages.sh run

sysdeps-test:
	@sh tools/system-packages.sh test

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e .
	$(PY) -m compileall -q coach  # as an installed package would be (faster start-up)
	@rm -f $(VENV)/.installed-[0-9]*
	@touch $@

$(DEV_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-dev-*
	@touch $@

$(DIST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dist]'
	@rm -f $(VENV)/.installed-dist-*
	@touch $@

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
