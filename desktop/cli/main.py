"""`arquivo`: index folders, ask questions, search, manage collections.

Results go to stdout, diagnostics to stderr. Each command lives in its own
module (a function that adds its parser, one that runs it); this one puts the
parser together and runs the command chosen in the user's workspace
(`session`, which also sets the exit status).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from desktop import __version__
from desktop.cli import ask, collection, indexing, models, search
from desktop.cli.options import Commands
from desktop.cli.session import (
    Command,
    add_workspace_options,
    printable_stdout,
    run_in_workspace,
)
from desktop.offline import enforce_offline

# Each command: the function that adds its parser, and the one that runs it.
# `arquivo --help` lists them in this order.
COMMANDS: dict[str, tuple[Callable[[Commands], None], Command]] = {
    "index": (indexing.add_index_parser, indexing.cmd_index),
    "ask": (ask.add_ask_parser, ask.cmd_ask),
    "search": (search.add_search_parser, search.cmd_search),
    "collections": (collection.add_collections_parser, collection.cmd_collections),
    "remove": (indexing.add_remove_parser, indexing.cmd_remove),
    "mask": (indexing.add_mask_parser, indexing.cmd_mask),
    "forget": (indexing.add_forget_parser, indexing.cmd_forget),
    "reindex": (indexing.add_reindex_parser, indexing.cmd_reindex),
    "models": (models.add_models_parser, models.cmd_models),
    "adapters": (models.add_adapters_parser, models.cmd_adapters),
}


def build_parser() -> argparse.ArgumentParser:
    """`arquivo`'s parser: the options every command takes, then each command's."""
    parser = argparse.ArgumentParser(
        prog="arquivo",
        description="Ask questions about your own documents, offline, with citations.",
    )
    parser.add_argument("--version", action="version", version=f"arquivo {__version__}")
    add_workspace_options(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add_parser, _ in COMMANDS.values():
        add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; stdout carries data only, written with `printable`."""
    with printable_stdout():
        return run(argv)


def run(argv: Sequence[str] | None = None) -> int:
    enforce_offline()
    args = build_parser().parse_args(argv)
    _, command = COMMANDS[args.command]
    return run_in_workspace(command, args)


if __name__ == "__main__":
    sys.exit(main())
