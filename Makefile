# Two commands for a new user (README.md): `make run` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin

.PHONY: install sysdeps run test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# From Debian's packages, when missing: Java for HermiT (owlready2's reasoner), and Virtuoso, the
# second real triplestore the push tests load into (without it that test skips, it does not fail).
sysdeps:
	@command -v java >/dev/null 2>&1 || { \
	  echo "java not found: installing default-jre-headless"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  echo "virtuoso-t not found: installing virtuoso-opensource-7-bin"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7-bin >/dev/null; } \
	  || echo "Virtuoso could not be installed: its test will be skipped"; }

# Build the seeds' knowledge graph on the embedded store (build/store, exports in build/).
run: install sysdeps
	$(BIN)/conflictkg build seeds/

test: install sysdeps
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

clean:
	rm -rf build .pytest_cache
