# Two commands do all set-up on a fresh machine:
#   make run    installs what the app needs and opens it
#   make test   installs what the tests need, runs the linters (make lint) and the whole suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint bench screenshots clean sysdeps-run sysdeps-test

run: sysdeps-run $(STAMP)
	@$(PY) -m compileall -q coach
	$(PY) -m coach $(ARGS)

test: sysdeps-test $(STAMP) lint
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check coach tests benchmarks tools
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: sysdeps-test $(STAMP)
	$(PY) -m benchmarks

screenshots: sysdeps-test $(STAMP)
	$(PY) tools/screenshots.py docs/screenshots

sysdeps-run:
	@sh tools/system-packages.sh run

sysdeps-test:
	@sh tools/system-packages.sh test

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m compileall -q coach  # as an installed package would be (faster start-up)
	@rm -f $(VENV)/.installed-*
	@touch $@

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
