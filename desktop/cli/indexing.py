"""`arquivo index`, `mask`, `remove`, `forget` and `reindex`: change what a collection holds."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from desktop.cli.options import Commands, add_collection_option, add_json_option
from desktop.cli.render import (
    IndexProgressBar,
    masked_text,
    partial_text,
    summary_json,
    summary_text,
)
from desktop.core.types import FileIndexed, FileSkipped, IndexEvent, IndexSummary, Progress
from desktop.errors import ArquivoError
from desktop.services.models import load_embedder
from desktop.services.workspace import Workspace
from desktop.terminal import printable

logger = logging.getLogger(__name__)


# Parsers


def add_index_parser(commands: Commands) -> None:
    p = commands.add_parser("index", help="index folders or files into a collection")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    add_collection_option(p)
    add_json_option(p)


def add_remove_parser(commands: Commands) -> None:
    p = commands.add_parser("remove", help="take files or a folder out of a collection")
    p.add_argument("path", type=Path, metavar="PATH")
    add_collection_option(p)


def add_mask_parser(commands: Commands) -> None:
    p = commands.add_parser(
        "mask",
        help="mask personal data in a collection (e-mail, phones, CPF, CNPJ, cards, IBAN, IP)",
        description="Mask personal data at indexing time: what is stored, embedded, shown and "
        "sent to the model is the masked text; your files are never changed. Changing it "
        "indexes the collection again.",
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("state", choices=("on", "off"))
    add_json_option(p)


def add_forget_parser(commands: Commands) -> None:
    p = commands.add_parser("forget", help="delete a whole collection from the index")
    p.add_argument("name", metavar="NAME")


def add_reindex_parser(commands: Commands) -> None:
    p = commands.add_parser(
        "reindex",
        help="embed a collection again with another embedding model",
        description="Embed a collection's indexed passages again with the current embedding "
        "model (or --embedding-model). The old index answers until the new one is complete; "
        "a stopped re-index continues where it left off when run again.",
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--embedding-model", metavar="M", help="a model in models/embedding/ (default: the setting)"
    )
    add_json_option(p)


# Commands


def cmd_index(ws: Workspace, args: argparse.Namespace) -> int:
    return show_index_run(ws.indexer.index(args.paths, args.collection), args.json)


def cmd_mask(ws: Workspace, args: argparse.Namespace) -> int:
    on = args.state == "on"
    collection = ws.catalog.get_collection(args.name)
    if ws.catalog.masks_personal_data(collection) == on:
        print(f"{args.name!r} {'already masks' if on else 'does not mask'} personal data.")
        return 0
    done = "masked" if on else "no longer masked"
    print(
        f"Personal data in {args.name!r} will be {done}: its files are read and indexed "
        "again.",
        file=sys.stderr,
    )  # fmt: skip
    return show_index_run(ws.indexer.set_masking(args.name, on), args.json)


def show_index_run(events: Iterable[IndexEvent], as_json: bool) -> int:
    """Follow an index run: a progress bar on a terminal, then its summary, the files
    read in part and the personal data masked in each file."""
    bar = None if as_json or not sys.stderr.isatty() else IndexProgressBar()
    summary: IndexSummary | None = None
    indexed: list[FileIndexed] = []
    try:
        for event in events:
            if isinstance(event, Progress) and bar:
                bar.update(event)
            elif isinstance(event, FileSkipped) and bar:
                bar.note(f"skipped {event.path}: {event.reason}")
            elif isinstance(event, FileIndexed):
                logger.debug("indexed %s (%d chunks)", event.path, event.chunks)
                indexed.append(event)
                if event.unread and bar:
                    bar.note(f"indexed in part {event.path}: {event.unread}")
            elif isinstance(event, IndexSummary):
                summary = event
    finally:
        if bar:
            bar.close()
    assert summary is not None
    if as_json:
        print(json.dumps(summary_json(summary, indexed), ensure_ascii=False))
    else:
        partial = [f for f in indexed if f.unread]
        lines = [summary_text(summary), partial_text(partial), masked_text(indexed)]
        print("\n".join(filter(None, lines)))
    return 0


def cmd_remove(ws: Workspace, args: argparse.Namespace) -> int:
    collection = ws.catalog.get_collection(args.collection)
    was_folder = str(Path(os.path.abspath(args.path))) in ws.catalog.roots(collection)
    count = ws.indexer.remove(args.collection, args.path)
    if count == 0 and not was_folder:
        raise ArquivoError(f"nothing indexed at {args.path} in collection {args.collection!r}")
    print(f"Removed {count} file{'s' if count != 1 else ''} from {args.collection!r}.")
    if count == 0:  # a folder inside another of the collection's: its files stay
        name = printable(str(args.path), one_line=True)
        print(f"{name} is no longer one of its folders; another folder still holds its files.")
    return 0


def cmd_reindex(ws: Workspace, args: argparse.Namespace) -> int:
    model = args.embedding_model or ws.settings.embedding_model
    current = model == ws.settings.embedding_model
    embedder = ws.embedder if current else load_embedder(ws.paths.models, model)
    bar = None if args.json or not sys.stderr.isatty() else IndexProgressBar()
    summary: IndexSummary | None = None
    try:
        for event in ws.indexer.reindex(args.name, embedder):
            if isinstance(event, Progress) and bar:
                bar.update(event)
            elif isinstance(event, IndexSummary):
                summary = event
    finally:
        if bar:
            bar.close()
    assert summary is not None
    if args.json:
        print(json.dumps(summary_json(summary), ensure_ascii=False))
    else:
        print(
            f"Re-indexed {args.name!r} with {model}: {summary.chunks_added} passages "
            f"in {summary.seconds:.1f} s."
        )
    return 0


def cmd_forget(ws: Workspace, args: argparse.Namespace) -> int:
    ws.indexer.forget(args.name)
    print(f"Forgot collection {args.name!r}.")
    return 0
