# dukcapil.cctv — two commands set up a fresh machine: `make demo` and `make test`.
# Each creates the virtual environment it needs (.venv) from the project's own files.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test venv sanity units simulator integration molecule lint build importer docs ee floor newest ee-image clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

## The main job: the procedure against the built-in simulated site (outputs in build/demo/).
demo: venv
	PATH="$(abspath $(BIN)):$$PATH" bash tools/demo.sh

## Every test: build + install, importer, sanity, units, simulator, integration, molecule, lint, docs, ee,
## floor and newest (sanity and units at the lowest and newest ansible-core). Ends with "N passed, N failed".
test: venv
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python tools/testrun.py

# Single steps, for development.
build importer sanity units simulator integration molecule lint docs ee floor newest: venv
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python tools/testrun.py $@

## The execution environment image (needs podman or docker; not part of `make test`, which runs
## `ansible-builder create` only). Tag it with TAG=registry/name:version.
TAG ?= dukcapil-cctv-ee:$(shell sed -n 's/^version: *//p' galaxy.yml)
ee-image: venv
	$(BIN)/ansible-galaxy collection build --force --output-path build/dist .
	$(BIN)/ansible-builder build --file execution-environment.yml --context build/ee --tag $(TAG)

clean:
	rm -rf build tests/output collections
