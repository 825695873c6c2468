"""`arquivo`: index folders, ask questions, search, manage collections.

Results go to stdout, diagnostics to stderr. Exit status: 0 on success
(skipped files are not failures), 2 for what the user can fix (bad usage, an
unusable file they named), 1 for anything unexpected, 130 after Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop import __version__
from desktop.cli import models
from desktop.cli.evaluate import add_eval_parser, cmd_eval
from desktop.cli.render import (
    IndexProgressBar,
    answer_json,
    print_sources,
    search_json,
    summary_json,
    summary_text,
)
from desktop.core.adapters import check_adapter
from desktop.core.cancel import CancelToken
from desktop.core.llm import inspect_gguf
from desktop.core.types import FileIndexed, FileSkipped, IndexSummary, Progress
from desktop.errors import ArquivoError, Cancelled
from desktop.log import setup_logging
from desktop.offline import enforce_offline
from desktop.paths import AppPaths
from desktop.services.assistant import Answer, AnswerDelta
from desktop.services.workspace import Workspace
from desktop.settings import load_settings

logger = logging.getLogger(__name__)

DEFAULT_COLLECTION = "default"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arquivo",
        description="Ask questions about your own documents, offline, with citations.",
    )
    parser.add_argument("--version", action="version", version=f"arquivo {__version__}")
    parser.add_argument("--data-dir", type=Path, help="keep all state in DIR (or $ARQUIVO_HOME)")
    parser.add_argument("--debug", action="store_true", help="log everything to the terminal")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def collection_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--collection", "-c", default=DEFAULT_COLLECTION, metavar="NAME")

    p = commands.add_parser("index", help="index folders or files into a collection")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    collection_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = commands.add_parser("ask", help="answer a question from a collection, with sources")
    p.add_argument("question", metavar="QUESTION")
    collection_option(p)
    p.add_argument("--model", type=Path, metavar="FILE", help="a GGUF chat model")
    p.add_argument(
        "--lora", type=Path, action="append", default=[], metavar="FILE",
        help="a GGUF LoRA adapter on top of the model (repeatable)",
    )  # fmt: skip
    p.add_argument(
        "--lora-scale", type=float, action="append", default=[], metavar="S",
        help="scale of the matching --lora (default 1.0)",
    )  # fmt: skip
    p.add_argument(
        "--compare", action="store_true",
        help="answer with and without the adapters, side by side",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = commands.add_parser("search", help="find passages, without a language model")
    p.add_argument("query", metavar="QUERY")
    collection_option(p)
    p.add_argument("-k", type=int, default=5, help="number of results (default 5)")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = commands.add_parser("collections", help="list collections")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = commands.add_parser("remove", help="take files or a folder out of a collection")
    p.add_argument("path", type=Path, metavar="PATH")
    collection_option(p)

    p = commands.add_parser("forget", help="delete a whole collection from the index")
    p.add_argument("name", metavar="NAME")
    models.add_parsers(commands)
    add_eval_parser(commands)
    return parser


def cmd_index(ws: Workspace, args: argparse.Namespace) -> int:
    bar = None if args.json or not sys.stderr.isatty() else IndexProgressBar()
    summary: IndexSummary | None = None
    try:
        for event in ws.indexer.index(args.paths, args.collection):
            if isinstance(event, Progress) and bar:
                bar.update(event)
            elif isinstance(event, FileSkipped) and bar:
                bar.note(f"skipped {event.path}: {event.reason}")
            elif isinstance(event, FileIndexed):
                logger.debug("indexed %s (%d chunks)", event.path, event.chunks)
            elif isinstance(event, IndexSummary):
                summary = event
    finally:
        if bar:
            bar.close()
    assert summary is not None
    if args.json:
        print(json.dumps(summary_json(summary), ensure_ascii=False))
    else:
        print(summary_text(summary))
    return 0


def lora_pairs(args: argparse.Namespace) -> list[tuple[Path, float]]:
    """Pair each --lora with its --lora-scale (1.0 when not given)."""
    scales = list(args.lora_scale)
    if len(scales) > len(args.lora):
        raise ArquivoError("more --lora-scale values than --lora adapters")
    for scale in scales:
        if not math.isfinite(scale):
            raise ArquivoError(f"--lora-scale must be a finite number, not {scale}")
    scales += [1.0] * (len(args.lora) - len(scales))
    return list(zip(args.lora, scales, strict=True))


def cmd_ask(ws: Workspace, args: argparse.Namespace) -> int:
    if args.model is not None:
        inspect_gguf(args.model)  # a bad file is the user's to fix: exit 2 before any work
    adapters = lora_pairs(args)
    model_path = args.model or ws.chat_model_path
    for adapter, _scale in adapters:
        check_adapter(adapter, model_path)  # before llama.cpp sees it: exit 2, no crash
    if args.compare and not adapters:
        raise ArquivoError("--compare needs at least one --lora adapter")
    ws.catalog.get_collection(args.collection)
    if args.compare:
        return compare(ws, args, adapters)
    if adapters:
        llm: Any = ws.assistant.llm
        llm.set_adapters({llm.load_adapter(path, scale): scale for path, scale in adapters})
    cancel = CancelToken()
    answer: Answer | None = None
    streamed = False
    with stop_on_ctrl_c(cancel):
        for event in ws.assistant.ask(args.collection, args.question, cancel):
            if isinstance(event, AnswerDelta) and not args.json:
                sys.stdout.write(event.text)
                sys.stdout.flush()
                streamed = True
            elif isinstance(event, Answer):
                answer = event
    if cancel.cancelled:
        if streamed:
            sys.stdout.write("\n")
        raise Cancelled()
    assert answer is not None
    if args.json:
        print(json.dumps(answer_json(answer, ws.assistant), ensure_ascii=False))
    else:
        sys.stdout.write("\n")
        print_sources(answer)
    return 0


@contextmanager
def stop_on_ctrl_c(cancel: CancelToken) -> Iterator[None]:
    """Ctrl-C asks the answer to stop at the next token; a second one quits at once.

    A plain KeyboardInterrupt can be swallowed when the signal lands inside one of
    llama.cpp's ctypes callbacks, and the answer would run to its end.
    """

    def on_sigint(signum: int, frame: object) -> None:
        if cancel.cancelled:
            raise KeyboardInterrupt
        cancel.cancel()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def compare(ws: Workspace, args: argparse.Namespace, adapters: list[tuple[Path, float]]) -> int:
    """The same question with and without the adapters, on one loaded model."""
    llm: Any = ws.assistant.llm
    handles = {llm.load_adapter(path, scale): scale for path, scale in adapters}
    results: dict[str, Answer] = {}
    for label in ("without adapter", "with adapter"):
        if label == "with adapter":
            llm.set_adapters(handles)
        else:
            llm.disable_adapters()
        answer = None
        for event in ws.assistant.ask(args.collection, args.question):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        results[label] = answer
    if args.json:
        print(json.dumps(
            {label: answer_json(a, ws.assistant) for label, a in results.items()},
            ensure_ascii=False,
        ))  # fmt: skip
        return 0
    for label, answer in results.items():
        print(f"=== {label} ===")
        print(answer.text.strip())
        print()
    print_sources(results["with adapter"])
    return 0


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
        print(f"[{i}] {hit.path}{page}  (score {hit.score:.3f})")
        print(f"    {' '.join(hit.text.split())[:300]}")
    return 0


def cmd_collections(ws: Workspace, args: argparse.Namespace) -> int:
    rows: list[dict[str, Any]] = []
    for collection in ws.catalog.collections():
        stats = ws.catalog.stats(collection)
        rows.append(
            {
                "name": collection.name,
                "folders": list(stats.roots),
                "files": stats.files,
                "chunks": stats.chunks,
                "embedding_model": collection.embedding_model,
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
                print(f"    {folder}")
    return 0


def cmd_remove(ws: Workspace, args: argparse.Namespace) -> int:
    count = ws.indexer.remove(args.collection, args.path)
    if count == 0:
        raise ArquivoError(f"nothing indexed at {args.path} in collection {args.collection!r}")
    print(f"Removed {count} file{'s' if count != 1 else ''} from {args.collection!r}.")
    return 0


def cmd_forget(ws: Workspace, args: argparse.Namespace) -> int:
    ws.indexer.forget(args.name)
    print(f"Forgot collection {args.name!r}.")
    return 0


COMMANDS = {
    "index": cmd_index,
    "ask": cmd_ask,
    "search": cmd_search,
    "collections": cmd_collections,
    "remove": cmd_remove,
    "forget": cmd_forget,
    "models": models.cmd_models,
    "adapters": models.cmd_adapters,
    "eval": cmd_eval,
}


def main(argv: Sequence[str] | None = None) -> int:
    enforce_offline()
    args = build_parser().parse_args(argv)
    log_file: Path | None = None
    workspace: Workspace | None = None
    try:
        paths = AppPaths.resolve(args.data_dir)
        log_file = setup_logging(paths.logs, debug=args.debug)
        settings = load_settings(paths.config)
        workspace = Workspace(paths, settings, chat_model=getattr(args, "model", None))
        return COMMANDS[args.command](workspace, args)
    except ArquivoError as exc:
        print(f"arquivo: error: {exc}", file=sys.stderr)
        return 2
    except Cancelled:
        print("[stopped]", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("\n[stopped]", file=sys.stderr)
        return 130
    except Exception as exc:
        logger.exception("unexpected error")
        where = f" (details in {log_file})" if log_file and not args.debug else ""
        print(f"arquivo: unexpected error: {type(exc).__name__}: {exc}{where}", file=sys.stderr)
        if args.debug:
            import traceback

            traceback.print_exc()
        return 1
    finally:
        if workspace is not None:
            workspace.close()


if __name__ == "__main__":
    sys.exit(main())
