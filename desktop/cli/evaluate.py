"""`arquivo eval DATASET_DIR`: retrieval quality on a BEIR-layout dataset.

The corpus is indexed into a temporary data folder that shares the user's
models and settings (so the user's embedding model is the one measured) and
is deleted afterwards: the user's own collections are never touched. The
table goes to stdout (or the JSON with `--json`), progress to stderr, and the
JSON is always written to `--out` (default `bench-results/eval-<dataset>.json`).
With `--keep-index DIR` the data folder is DIR and stays: a second run with the
same DIR searches the kept index instead of embedding the corpus again, which
makes comparing retrieval settings a matter of seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from pathlib import Path
from typing import Any

from tqdm import tqdm

from desktop.cli.answers import add_answer_arguments, cmd_answers
from desktop.core.types import CancelToken
from desktop.errors import ArquivoError
from desktop.paths import AppPaths
from desktop.services.evaluation import BM25, DENSE, EvalProgress, EvalReport, evaluate
from desktop.services.workspace import Workspace
from desktop.settings import Settings

RESULTS_DIR = Path("bench-results")
_STAGES = {"index": "indexing", "embed": "dense reference", "search": "queries"}


def add_eval_parser(commands: Any) -> argparse.ArgumentParser:
    """Add `eval` to the `arquivo` subcommands (`commands` from `add_subparsers`)."""
    p: argparse.ArgumentParser = commands.add_parser(
        "eval",
        help="measure retrieval quality on a dataset in BEIR layout",
        description="Index a BEIR dataset (corpus.jsonl, queries.jsonl, qrels.tsv) into a "
        "temporary data folder and measure nDCG, recall and MRR against BM25 and bare "
        "dense search run on the same data.",
    )
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
    add_answer_arguments(p)
    return p


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
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.to_json() + "\n", encoding="utf-8")
    if args.json:
        print(report.to_json(per_query=False))
    else:
        print(report_table(report))
        print(f"\nWritten to {out}")
    return 0


def _eval_settings(ws: Workspace, args: argparse.Namespace) -> Settings:
    """The user's settings with the models that --embedding-model / --reranker name."""
    changes = {
        key: value
        for key in ("embedding_model", "reranker")
        if (value := getattr(args, key, None)) is not None
    }
    return ws.settings.replace(**changes) if changes else ws.settings


def report_table(report: EvalReport) -> str:
    """The figures as an aligned text table, ratios of nDCG to each reference last."""
    k = report.k
    lines = [
        f"{report.dataset}: {report.documents} documents ({report.chunks} chunks), "
        f"{report.queries} queries, {report.judgements} judgements; "
        + ("index reused" if report.index_reused else f"indexed in {report.index_seconds:.0f} s"),
        f"{report.embedding_model}, full-text language {report.collection_language}; "
        f"{report.machine.get('cpu')}, {report.machine.get('cores')} cores, {report.date}",
        "",
    ]
    present = {m.name for m in report.methods}
    refs = [r for r in (BM25, DENSE) if r in present]
    header = ["method", f"nDCG@{k}", f"recall@{k}", f"MRR@{k}", "median ms", "p95 ms"]
    header += [f"nDCG/{r}" for r in refs]
    rows = [header]
    for m in report.methods:
        row = [m.name, f"{m.ndcg:.3f}", f"{m.recall:.3f}", f"{m.mrr:.3f}"]
        row += [f"{m.latency_median_ms:.1f}", f"{m.latency_p95_ms:.1f}"]
        for ref in refs:
            ratio = report.ratio(m.name, ref)
            row.append("-" if m.name == ref or ratio is None else f"{ratio:.2f}x")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
