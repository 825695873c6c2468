"""`arquivo search`: find passages in a collection, without a language model."""

from __future__ import annotations

import argparse
import json

from desktop.cli.options import Commands, add_collection_option, add_json_option
from desktop.cli.render import search_json
from desktop.errors import ArquivoError
from desktop.services.workspace import Workspace
from desktop.terminal import printable


def add_search_parser(commands: Commands) -> None:
    p = commands.add_parser("search", help="find passages, without a language model")
    p.add_argument("query", metavar="QUERY")
    add_collection_option(p)
    p.add_argument("-k", type=int, default=5, help="number of results (default 5)")
    add_json_option(p)


def cmd_search(ws: Workspace, args: argparse.Namespace) -> int:
    if args.k < 1:
        raise ArquivoError("-k must be at least 1")
    result = ws.assistant.search(args.collection, args.query, args.k)
    if args.json:
        print(json.dumps(search_json(result), ensure_ascii=False))
        return 0
    if not result.hits:
        print("No passages found.")
    for i, hit in enumerate(result.hits, 1):
        page = f", page {hit.page}" if hit.page else ""
        print(f"[{i}] {printable(hit.path, one_line=True)}{page}  (score {hit.score:.3f})")
        print(f"    {' '.join(hit.text.split())[:300]}")
    return 0
