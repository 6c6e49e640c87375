# dukcapil.cctv — two commands set up a fresh machine: `make demo` and `make test`.
# Each creates the virtual environment it needs (.venv) from the project's own files.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test venv sanity units simulator integration molecule lint build clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

## The main job: the procedure against the built-in simulated site (outputs in build/demo/).
demo: venv
	PATH="$(abspath $(BIN)):$$PATH" bash tools/demo.sh

## Every test: build + install, sanity, units, simulator, integration, lint. Ends with "N passed, N failed".
test: venv
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python tools/testrun.py

# Single steps, for development.
build sanity units simulator integration molecule lint: venv
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python tools/testrun.py $@

clean:
	rm -rf build tests/output collections
