"""Running and looking after chatbook.

Owns the papermill pipeline (`pipeline`) and its typed notebook parameters (`nbparams`), the
run report (`report`), backups and restores (`backup`), store checks and repairs (`doctor`),
the demo (`demo`) and DuckDB/Polars exploration (`explore`). May import every other package.
"""
