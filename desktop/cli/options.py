"""Options several `arquivo` commands share, so that they read the same everywhere."""

from __future__ import annotations

import argparse
from typing import TypeAlias

DEFAULT_COLLECTION = "default"

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What `add_subparsers` returns: each command module adds its parser to it."""


def add_collection_option(p: argparse.ArgumentParser) -> None:
    """`--collection NAME` (`-c`), the collection a command works on."""
    p.add_argument("--collection", "-c", default=DEFAULT_COLLECTION, metavar="NAME")


def add_json_option(p: argparse.ArgumentParser) -> None:
    """`--json`: the result as one JSON object on stdout instead of text."""
    p.add_argument("--json", action="store_true", help="print one JSON object")
