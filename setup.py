"""The compiled part of chatbook: the parser's inner loop, a small C extension.

Everything else is in pyproject.toml. `optional=True`: where no C compiler is found, the build
goes on without it and the parser uses its pure-Python loop (same results, slower);
tests/test_fastloop.py fails in a checkout where it was not built, so CI cannot test only the
fallback without saying so.
"""

from setuptools import Extension, setup

setup(ext_modules=[
    Extension("toolkit.ingest._fastloop", ["toolkit/ingest/_fastloop.c"], optional=True),
])
