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
import os
import shlex
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop import __version__
from desktop.cli import models
from desktop.cli.evaluate import add_eval_parser, cmd_eval
from desktop.cli.render import (
    IndexProgressBar,
    ReadingProgress,
    answer_json,
    document_step_text,
    masked_text,
    partial_text,
    print_sources,
    search_json,
    summary_json,
    summary_text,
)
from desktop.core.types import (
    CancelToken,
    FileIndexed,
    FileSkipped,
    IndexEvent,
    IndexSummary,
    Progress,
)
from desktop.errors import ArquivoError, Cancelled
from desktop.log import FILE_ONLY, setup_logging
from desktop.offline import enforce_offline
from desktop.paths import AppPaths, use_private_umask
from desktop.services.adapters import (
    AdapterChoice,
    Comparison,
    choose_adapters,
    set_collection_adapter,
    use_adapters,
)
from desktop.services.adapters import compare as compare_answers
from desktop.services.assistant import Answer, AnswerDelta, DocumentStep, ReadingSources
from desktop.services.damage import diagnose
from desktop.services.models import check_adapter, inspect_gguf, load_embedder
from desktop.services.workspace import Workspace
from desktop.settings import load_settings
from desktop.terminal import PrintableStream, printable

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

    p = commands.add_parser("collections", help="list collections, or set one's default adapter")
    p.add_argument("--json", action="store_true", help="print one JSON object")
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

    p = commands.add_parser("remove", help="take files or a folder out of a collection")
    p.add_argument("path", type=Path, metavar="PATH")
    collection_option(p)

    p = commands.add_parser(
        "mask",
        help="mask personal data in a collection (e-mail, phones, CPF, CNPJ, cards, IBAN, IP)",
        description="Mask personal data at indexing time: what is stored, embedded, shown and "
        "sent to the model is the masked text; your files are never changed. Changing it "
        "indexes the collection again.",
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("state", choices=("on", "off"))
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = commands.add_parser("forget", help="delete a whole collection from the index")
    p.add_argument("name", metavar="NAME")

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
    p.add_argument("--json", action="store_true", help="print one JSON object")
    models.add_parsers(commands)
    add_eval_parser(commands)
    return parser


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
    ws.catalog.get_collection(args.collection)
    model_path = args.model or ws.chat_model_path
    # --lora, else the collection's default adapter, else those switched on in the settings
    adapters = choose_adapters(ws.catalog, ws.settings, args.collection, lora_pairs(args))
    for choice in adapters:
        check_adapter(choice.path, model_path)  # before llama.cpp sees it: exit 2, no crash
    if args.compare and not adapters:
        raise ArquivoError(
            "--compare needs an adapter: --lora FILE, the collection's default adapter "
            "(`arquivo collections adapter`) or one switched on in the settings"
        )
    if args.compare:
        return compare(ws, args, adapters)
    if adapters:
        use_adapters(ws.assistant.llm, adapters)
    cancel = CancelToken()
    answer: Answer | None = None
    streamed = False
    reading = ReadingProgress()
    with stop_on_ctrl_c(cancel):
        for event in ws.assistant.ask(args.collection, args.question, cancel):
            if isinstance(event, ReadingSources) and not args.json:
                reading.update(event)
            elif isinstance(event, AnswerDelta) and not args.json:
                reading.clear()
                sys.stdout.write(event.text)
                sys.stdout.flush()
                streamed = True
            elif isinstance(event, DocumentStep) and not args.json:
                print(document_step_text(event), file=sys.stderr)
            elif isinstance(event, Answer):
                answer = event
    reading.clear()
    if cancel.cancelled:
        if streamed:
            sys.stdout.write("\n")
        raise Cancelled()
    assert answer is not None
    if args.json:
        payload = answer_json(answer, ws.assistant) | {"adapters": adapters_json(adapters)}
        print(json.dumps(payload, ensure_ascii=False))
    else:
        sys.stdout.write("\n")
        print_sources(answer)
    return 0


def adapters_json(adapters: Sequence[AdapterChoice]) -> list[dict[str, Any]]:
    return [{"path": str(c.path), "scale": c.scale, "origin": c.origin} for c in adapters]


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


def compare(ws: Workspace, args: argparse.Namespace, adapters: Sequence[AdapterChoice]) -> int:
    """The same question without and with the adapters, on one loaded model."""
    cancel = CancelToken()
    comparison: Comparison | None = None
    with stop_on_ctrl_c(cancel):
        events = compare_answers(ws.assistant, args.collection, args.question, adapters, cancel)
        for event in events:
            if isinstance(event, Comparison):
                comparison = event
    if cancel.cancelled:
        raise Cancelled()
    assert comparison is not None
    results = comparison.by_side()
    if args.json:
        print(json.dumps(
            {label: answer_json(a, ws.assistant) for label, a in results.items()}
            | {"adapters": adapters_json(adapters)},
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
        print(f"[{i}] {printable(hit.path, one_line=True)}{page}  (score {hit.score:.3f})")
        print(f"    {' '.join(hit.text.split())[:300]}")
    return 0


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


COMMANDS = {
    "index": cmd_index,
    "ask": cmd_ask,
    "search": cmd_search,
    "collections": cmd_collections,
    "remove": cmd_remove,
    "forget": cmd_forget,
    "mask": cmd_mask,
    "reindex": cmd_reindex,
    "models": models.cmd_models,
    "adapters": models.cmd_adapters,
    "eval": cmd_eval,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; stdout carries data only, written with `printable`."""
    stdout = sys.stdout
    sys.stdout = PrintableStream(stdout)
    try:
        return run(argv)
    finally:
        sys.stdout = stdout


def run(argv: Sequence[str] | None = None) -> int:
    enforce_offline()
    args = build_parser().parse_args(argv)
    log_file: Path | None = None
    paths: AppPaths | None = None
    workspace: Workspace | None = None
    try:
        paths = AppPaths.resolve(args.data_dir)
        use_private_umask()
        log_file = setup_logging(paths.logs, debug=args.debug)
        paths.ensure()
        settings = load_settings(paths.config)
        workspace = Workspace(paths, settings, chat_model=getattr(args, "model", None))
        return COMMANDS[args.command](workspace, args)
    except ArquivoError as exc:
        print(f"arquivo: error: {printable(str(exc))}", file=sys.stderr)
        return 2
    except Cancelled:
        print("[stopped]", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("\n[stopped]", file=sys.stderr)
        return 130
    except BaseException as exc:  # pyo3's PanicException is not an Exception
        known = diagnose(exc, paths) if paths is not None else None
        if known is not None:
            logger.error("%s", known, exc_info=True, extra=FILE_ONLY)
            print(f"arquivo: error: {printable(str(known))}", file=sys.stderr)
            return 2
        if not isinstance(exc, Exception):
            raise  # SystemExit and the like
        logger.exception("unexpected error", extra=FILE_ONLY)
        where = f" (details in {log_file})" if log_file and not args.debug else ""
        message = printable(f"{type(exc).__name__}: {exc}")
        print(f"arquivo: unexpected error: {message}{where}", file=sys.stderr)
        if args.debug:
            import traceback

            traceback.print_exc()
        return 1
    finally:
        if workspace is not None:
            workspace.close()


if __name__ == "__main__":
    sys.exit(main())
