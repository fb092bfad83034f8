# The two commands of the README: `make demo` (set up, then the main job on the sample data)
# and `make test` (set up, then the whole test suite, as CI runs it). Everything else is a helper.
.PHONY: setup demo test test-fast lint typecheck bench clean

# The fast lane: unit and in-process tests. No Jupyter kernels, browser, Postgres or slow tests
# (see the markers in pyproject.toml); a few minutes instead of a quarter of an hour.
FAST_LANE = not (postgres or browser or kernel or slow)

setup:
	@scripts/setup.sh

demo: setup
	@.venv/bin/chatbook demo

test: setup
	.venv/bin/python -m pytest $(PYTEST_ARGS)

test-fast: setup
	.venv/bin/python -m pytest -m "$(FAST_LANE)" $(PYTEST_ARGS)

lint: setup
	.venv/bin/ruff check toolkit tests bench scripts
	.venv/bin/mypy

bench: setup
	.venv/bin/python bench/ingest.py
	.venv/bin/python bench/search.py
	OMP_NUM_THREADS=1 .venv/bin/python bench/ocr.py

clean:
	rm -rf data/*.db data/*.db-wal data/*.db-shm data/runs data/attachments data/inbox
