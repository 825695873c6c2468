"""The generators of the docs' reference parts: each renders one marked block of a page.

They read the real sources (argparse, `Settings`, `bench-results/*.json`, the module
docstrings, pyproject.toml), so the pages cannot drift from them. `docs/generate.py`
runs them all; `tests/test_docs.py` fails when a page is stale. They are developer
tools, not part of the app: nothing under `desktop/` imports them.
"""
