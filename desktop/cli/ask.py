"""`arquivo ask`: answer a question from a collection, streamed, with its sources.

With LoRA adapters (`--lora`, the collection's default adapter or those the
settings switch on), and with `--compare` the same question answered without
and with them, side by side.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop.cli.options import Commands, add_collection_option, add_json_option
from desktop.cli.render import (
    ReadingProgress,
    answer_json,
    document_step_text,
    print_sources,
)
from desktop.core.types import CancelToken
from desktop.errors import ArquivoError, Cancelled
from desktop.services.adapters import AdapterChoice, Comparison, choose_adapters
from desktop.services.ask_with_adapters import AskEvent, ask_with_adapters
from desktop.services.assistant import Answer, AnswerDelta, DocumentStep, ReadingSources
from desktop.services.models import check_adapter, inspect_gguf
from desktop.services.workspace import Workspace


def add_ask_parser(commands: Commands) -> None:
    p = commands.add_parser("ask", help="answer a question from a collection, with sources")
    p.add_argument("question", metavar="QUESTION")
    add_collection_option(p)
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
    add_json_option(p)


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
    cancel = CancelToken()
    # No adapter: the model is left as it is, so a question that retrieval cannot
    # answer never loads it.
    events = ask_with_adapters(
        ws.assistant, args.collection, args.question, adapters or None,
        compare=args.compare, cancel=cancel,
    )  # fmt: skip
    if args.compare:
        return show_comparison(ws, args, adapters, events, cancel)
    answer: Answer | None = None
    streamed = False
    reading = ReadingProgress()
    with stop_on_ctrl_c(cancel):
        for event in events:
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


def show_comparison(
    ws: Workspace,
    args: argparse.Namespace,
    adapters: Sequence[AdapterChoice],
    events: Iterator[AskEvent],
    cancel: CancelToken,
) -> int:
    """The same question without and with the adapters, on one loaded model."""
    comparison: Comparison | None = None
    with stop_on_ctrl_c(cancel):
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
