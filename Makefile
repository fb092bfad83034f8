# The two commands of the README: `make demo` (set up, then the main job on the sample data)
# and `make test` (set up, then the whole test suite). Everything else is a helper.
.PHONY: setup demo test lint typecheck bench clean

setup:
	@scripts/setup.sh

demo: setup
	@.venv/bin/chatbook demo

test: setup
	.venv/bin/python -m pytest $(PYTEST_ARGS)

lint: setup
	.venv/bin/ruff check toolkit tests bench scripts
	.venv/bin/mypy

bench: setup
	.venv/bin/python bench/ingest.py
	.venv/bin/python bench/search.py
	OMP_NUM_THREADS=1 .venv/bin/python bench/ocr.py

clean:
	rm -rf data/*.db data/*.db-wal data/*.db-shm data/runs data/attachments data/inbox
