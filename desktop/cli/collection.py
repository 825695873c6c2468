"""`arquivo collections`: list the collections, or set one's default LoRA adapter."""

from __future__ import annotations

import argparse
import json
import math
import shlex
from pathlib import Path
from typing import Any

from desktop.cli.options import Commands, add_json_option
from desktop.errors import ArquivoError
from desktop.services.adapters import set_collection_adapter
from desktop.services.workspace import Workspace
from desktop.terminal import printable


def add_collections_parser(commands: Commands) -> None:
    p = commands.add_parser("collections", help="list collections, or set one's default adapter")
    add_json_option(p)
    sub = p.add_subparsers(dest="collections_command", metavar="ACTION")
    adapter = sub.add_parser(
        "adapter",
        help="set (or --clear) the LoRA adapter `ask` uses for a collection",
        description="Give a collection its own default LoRA adapter: `ask` uses it for that "
        "collection unless --lora is given. The adapter is checked against the chat model "
        "(--model, else the settings') before it is stored.",
    )
    adapter.add_argument("name", metavar="NAME", help="the collection")
    adapter.add_argument("file", type=Path, nargs="?", metavar="FILE", help="a GGUF LoRA adapter")
    adapter.add_argument("--scale", type=float, default=1.0, metavar="S", help="default 1.0")
    adapter.add_argument("--clear", action="store_true", help="drop the collection's adapter")
    adapter.add_argument(
        "--model", type=Path, metavar="FILE",
        help="check against this model (default: the chat model)",
    )  # fmt: skip


def cmd_collection_adapter(ws: Workspace, args: argparse.Namespace) -> int:
    """`collections adapter NAME FILE [--scale S]` or `collections adapter NAME --clear`."""
    if args.clear == (args.file is not None):
        raise ArquivoError("give either an adapter FILE or --clear")
    if args.clear:
        had = ws.catalog.clear_adapter(ws.catalog.get_collection(args.name))
        print(f"{args.name!r} has no default adapter{' any more' if had else ''}.")
        return 0
    if not math.isfinite(args.scale):
        raise ArquivoError(f"--scale must be a finite number, not {args.scale}")
    info = set_collection_adapter(ws.catalog, args.name, args.file, args.scale, ws.chat_model_path)
    print(
        f"{args.name!r} now answers with {args.file} (scale {args.scale:g}; rank {info.rank}, "
        f"{len(info.weights)} weights, checked against {ws.chat_model_path.name})."
    )
    return 0


def cmd_collections(ws: Workspace, args: argparse.Namespace) -> int:
    if args.collections_command == "adapter":
        return cmd_collection_adapter(ws, args)
    rows: list[dict[str, Any]] = []
    for collection in ws.catalog.collections():
        stats = ws.catalog.stats(collection)
        adapter = ws.catalog.adapter(collection)
        rows.append(
            {
                "name": collection.name,
                "folders": list(stats.roots),
                "files": stats.files,
                "chunks": stats.chunks,
                "embedding_model": collection.embedding_model,
                "language": collection.language,
                "current_model": ws.embedding_model_for(collection.language),
                "adapter": {"path": adapter.path, "scale": adapter.scale} if adapter else None,
            }
        )
    if args.json:
        print(json.dumps({"collections": rows}, ensure_ascii=False))
    elif not rows:
        print("No collections yet: `arquivo index FOLDER` makes one.")
    else:
        for row in rows:
            print(f"{row['name']}: {row['files']} files, {row['chunks']} chunks")
            for folder in row["folders"]:
                print(f"    {printable(str(folder), one_line=True)}")
            if row["adapter"]:
                print(f"    adapter: {row['adapter']['path']} (scale {row['adapter']['scale']:g})")
            if row["embedding_model"] != row["current_model"]:
                print(
                    f"    embedding model: {row['embedding_model']} (new collections in "
                    f"{row['language'] or 'its language'} use {row['current_model']}; "
                    f"`arquivo reindex {shlex.quote(row['name'])} --embedding-model "
                    f"{row['current_model']}` moves this one to it)"
                )
    return 0
