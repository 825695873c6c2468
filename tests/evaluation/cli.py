"""`python -m tests.evaluation DATASET_DIR`: measure Arquivo on a dataset in BEIR layout.

Retrieval quality by default (`retrieval`), or with `--answers` the refusal
gate and the answers (`answers`). It is a developer's tool, not part of the
app: `make eval` runs it on every dataset in `EVAL_DATA`.

The corpus is indexed into a temporary data folder that shares the user's
models and settings (so the user's embedding model is the one measured) and
is deleted afterwards: the user's own collections are never touched. The
table goes to stdout (or the JSON with `--json`), progress to stderr, and the
JSON is always written to `--out` (default `bench-results/eval-<dataset>.json`,
or `bench-results/answers-<dataset>.json` with every question's signals and
answers). With `--keep-index DIR` the data folder is DIR and stays: a second
run with the same DIR searches the kept index instead of embedding the corpus
again, which makes comparing retrieval settings a matter of seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from desktop.cli.session import add_workspace_options, printable_stdout, run_in_workspace
from desktop.core.types import CancelToken
from desktop.errors import ArquivoError
from desktop.offline import enforce_offline
from desktop.paths import AppPaths
from desktop.services.models import resolve_model_path
from desktop.services.workspace import Workspace
from desktop.settings import Settings
from tests.evaluation.answers import evaluate_answers
from tests.evaluation.answers import report_table as answers_table
from tests.evaluation.corpus import EvalProgress
from tests.evaluation.retrieval import evaluate, report_table

RESULTS_DIR = Path("bench-results")
DEFAULT_ANSWER_LIMIT = 150  # the floor (see docs/measurements.md for how long it takes)
_STAGES = {"index": "indexing", "embed": "dense reference", "search": "queries"}


def build_parser() -> argparse.ArgumentParser:
    """The evaluation's options: those `arquivo eval` had, then the workspace's."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.evaluation",
        description="Index a BEIR dataset (corpus.jsonl, queries.jsonl, qrels.tsv) into a "
        "temporary data folder and measure nDCG, recall and MRR against BM25 and bare "
        "dense search run on the same data.",
    )
    add_retrieval_arguments(parser)
    add_answer_arguments(parser)
    add_workspace_options(parser)
    return parser


def add_retrieval_arguments(p: argparse.ArgumentParser) -> None:
    """The dataset and the options of the retrieval measurement."""
    p.add_argument("dataset", type=Path, metavar="DATASET_DIR")
    p.add_argument("--json", action="store_true", help="print the JSON instead of the table")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N judged queries")
    p.add_argument("--out", type=Path, metavar="FILE", help="where to write the JSON")
    p.add_argument(
        "--queries-dir",
        type=Path,
        metavar="DIR",
        help="take queries.jsonl and qrels.tsv from DIR (another split of the same corpus)",
    )
    p.add_argument(
        "--language",
        metavar="NAME",
        help="full-text language of the evaluated collection (default: detected by the indexer)",
    )
    p.add_argument(
        "--keep-index",
        type=Path,
        metavar="DIR",
        help="index into DIR and keep it; a later run with the same DIR reuses that index "
        "and the dense reference's vectors (delete DIR after changing chunking or models)",
    )
    p.add_argument(
        "--embedding-model",
        metavar="NAME",
        help="embedding model to measure instead of the one in the settings",
    )
    p.add_argument(
        "--reranker",
        metavar="NAME",
        help='reranker to measure instead of the one in the settings ("" for none)',
    )
    p.add_argument("-k", type=int, default=10, help="cut-off of the metrics (default 10)")


def add_answer_arguments(p: argparse.ArgumentParser) -> None:
    """`--answers` and the options of the answers measurement."""
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation beside the user's workspace; the exit status as `arquivo`'s."""
    with printable_stdout():
        enforce_offline()
        args = build_parser().parse_args(argv)
        return run_in_workspace(cmd_eval, args)


class _ProgressLine:
    """One tqdm bar per stage, on stderr, only in a terminal."""

    def __init__(self) -> None:
        self._bar: tqdm[Any] | None = None
        self._stage = ""

    def __call__(self, event: EvalProgress) -> None:
        if event.stage != self._stage:
            self.close()
            self._stage = event.stage
            label = _STAGES.get(event.stage, event.stage)
            self._bar = tqdm(total=event.total, desc=label, file=sys.stderr, dynamic_ncols=True)
        assert self._bar is not None
        self._bar.total = event.total
        self._bar.n = event.done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def cmd_eval(ws: Workspace, args: argparse.Namespace) -> int:
    """Run the evaluation beside `ws` (the user's workspace: models and settings only)."""
    if getattr(args, "answers", False):
        return cmd_answers(ws, args, _ProgressLine() if sys.stderr.isatty() else None)
    if args.k < 1:
        raise ArquivoError("-k must be at least 1")
    if args.limit is not None and args.limit < 1:
        raise ArquivoError("--limit must be at least 1")
    if not args.dataset.is_dir():
        raise ArquivoError(f"no such folder: {args.dataset}", "give a folder in BEIR layout")
    show = _ProgressLine() if sys.stderr.isatty() else None
    keep: Path | None = getattr(args, "keep_index", None)
    if keep is not None and keep.resolve() == ws.paths.home.resolve():
        raise ArquivoError("--keep-index must not be your data folder", "name a new folder")
    with contextlib.ExitStack() as stack:
        home = keep or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="arquivo-eval-"))
        )
        paths = AppPaths(home=home, models=ws.paths.models)
        settings = _eval_settings(ws, args)
        same_model = settings.embedding_model == ws.settings.embedding_model
        eval_ws = Workspace(paths, settings, embedder=ws.embedder if same_model else None)
        try:
            report = evaluate(
                args.dataset,
                eval_ws,
                k=args.k,
                limit_queries=args.limit,
                queries_dir=args.queries_dir,
                collection_language=args.language,
                progress=show,
                cancel=CancelToken(),
                reuse_index=keep is not None,
            )
        finally:
            if show:
                show.close()
            eval_ws.close()
    out: Path = args.out or RESULTS_DIR / f"eval-{report.dataset}.json"
    _save_and_show(
        out, report.to_json(), args.json, lambda: report.to_json(per_query=False),
        lambda: report_table(report),
    )  # fmt: skip
    return 0


def _save_and_show(
    out: Path, full: str, as_json: bool, summary: Callable[[], str], table: Callable[[], str]
) -> None:
    """Write the full report to `out`; print its summary JSON, or its table and where it went."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(full + "\n", encoding="utf-8")
    if as_json:
        print(summary())
    else:
        print(table())
        print(f"\nWritten to {out}")


def _eval_settings(ws: Workspace, args: argparse.Namespace) -> Settings:
    """The user's settings with the models that --embedding-model / --reranker name."""
    changes = {
        key: value
        for key in ("embedding_model", "reranker")
        if (value := getattr(args, key, None)) is not None
    }
    return ws.settings.replace(**changes) if changes else ws.settings


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
    _save_and_show(
        out, report.to_json(), args.json, lambda: report.to_json(details=False),
        lambda: answers_table(report),
    )  # fmt: skip
    return 0
