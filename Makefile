# Two entry points for a fresh machine: `make plans` (the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: plans test lint-code docs bench clean

$(BIN)/planbook: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## The main job: lint the repo's own plans, then build the site from them (into site/).
plans: $(BIN)/planbook
	$(BIN)/planbook lint
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## The whole test suite: ruff, the rule docs being current, and pytest.
## The browser test drives Debian's chromium through Playwright (installed with .[dev]).
test: $(BIN)/planbook
	@$(BIN)/python -c "import playwright" 2>/dev/null || $(BIN)/pip install --quiet -e '.[dev]'
	@test -x /usr/bin/chromium || echo "note: /usr/bin/chromium is missing, so the browser test will fail: apt-get install -y chromium"
	$(BIN)/ruff check src tests bench
	$(BIN)/planbook rules --write-docs docs/rules >/dev/null
	$(BIN)/python -c "from planbook.docs import write_codes_table, write_shipped_doctypes; write_codes_table(); write_shipped_doctypes()"
	$(BIN)/python -c "from planbook.records import write_inits; write_inits()"
	git diff --exit-code -- docs/rules src/planbook/rules/codes.py src/planbook/doctypes/shipped.json src/planbook/record_inits.py || (echo "docs/rules, the rule codes table, the shipped doc types' JSON or the records' written __init__s are stale: run 'make docs' and commit" && exit 1)
	$(BIN)/pytest

docs: $(BIN)/planbook
	$(BIN)/planbook rules --write-docs docs/rules
	$(BIN)/python -c "from planbook.docs import write_codes_table, write_shipped_doctypes; write_codes_table(); write_shipped_doctypes()"
	$(BIN)/python -c "from planbook.records import write_inits; write_inits()"

bench: $(BIN)/planbook
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) site build *.egg-info
