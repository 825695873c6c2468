"""`arquivo eval --answers DATASET_DIR`: the refusal gate and answer quality on a dataset.

Like the retrieval evaluation, it runs in a temporary data folder that shares
the user's models and settings and is deleted afterwards. The table goes to
stdout (the JSON with `--json`), and the JSON, with every question's signals
and answers, to `--out` (default `bench-results/answers-<dataset>.json`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from desktop.core.types import CancelToken
from desktop.errors import ArquivoError
from desktop.paths import AppPaths
from desktop.services.answer_eval import evaluate_answers, report_table
from desktop.services.models import resolve_model_path
from desktop.services.workspace import Workspace

RESULTS_DIR = Path("bench-results")
DEFAULT_ANSWER_LIMIT = 150  # the floor; the default model takes about 5 s each


def add_answer_arguments(p: argparse.ArgumentParser) -> None:
    """The `eval` options of the answers measurement."""
    p.add_argument(
        "--answers",
        action="store_true",
        help="measure answers instead of retrieval: the refusal gate (each question asked of "
        "the corpus half with its gold passage and of the half without) and, where the "
        "queries carry gold answer strings, how often answers and supporting sentences "
        "contain one",
    )
    p.add_argument(
        "--answer-limit",
        type=int,
        metavar="N",
        default=DEFAULT_ANSWER_LIMIT,
        help=f"questions the chat model answers (default {DEFAULT_ANSWER_LIMIT}; 0: gate only)",
    )
    p.add_argument(
        "--model", type=Path, metavar="FILE",
        help="the GGUF chat model that answers: a file, or a name in the models folder "
        "(default: the settings')",
    )  # fmt: skip


def cmd_answers(ws: Workspace, args: argparse.Namespace, progress: Any = None) -> int:
    """Run the answers measurement beside `ws` (its models and settings only)."""
    if args.answer_limit < 0:
        raise ArquivoError("--answer-limit cannot be negative")
    if not args.dataset.is_dir():
        raise ArquivoError(f"no such folder: {args.dataset}", "give a folder in BEIR layout")
    with tempfile.TemporaryDirectory(prefix="arquivo-answers-") as home:
        paths = AppPaths(home=Path(home), models=ws.paths.models)
        model = resolve_model_path(ws.paths.models, str(args.model)) if args.model else None
        # no shared embedder: each collection gets the model its language would get
        eval_ws = Workspace(paths, ws.settings, chat_model=model or ws.chat_model_path)
        try:
            report = evaluate_answers(
                args.dataset,
                eval_ws,
                limit=args.answer_limit,
                progress=progress,
                cancel=CancelToken(),
            )
        finally:
            close = getattr(progress, "close", None)
            if close:
                close()
            eval_ws.close()
    model = getattr(args, "model", None)
    suffix = f"-{Path(model).stem}" if model else ""
    out: Path = args.out or RESULTS_DIR / f"answers-{report.dataset}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.to_json() + "\n", encoding="utf-8")
    if args.json:
        print(report.to_json(details=False))
    else:
        print(report_table(report))
        print(f"\nWritten to {out}", file=sys.stdout)
    return 0
