# Shortcuts for local work; the README's test command is ./scripts/test (which CI runs too).
.PHONY: check test fmt

check:  ## quality gates: ruff, ruff format, mypy, import-linter contracts, missing migrations
	./scripts/check

test:  ## install the test extras, run the quality gates and the whole suite
	./scripts/test

fmt:  ## fix what ruff can fix and format the code
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .
