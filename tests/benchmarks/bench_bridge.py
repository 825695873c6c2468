"""The bridge across languages, off and on: ranking and refusals in one run.

A standalone program, not a pytest test:

    .venv/bin/python tests/benchmarks/bench_bridge.py [--dataset DIR] [--queries-dir DIR]
        [--unrelated FILE] [--keep-index DIR] [--rounds 2]

Questions asked in one language over documents in another (by default FaQuAD's
Portuguese paragraphs and 54 of its questions translated into English,
`tests/data/faquad-english`) go through the evaluation's own path (`python -m tests.evaluation`)
(`evaluation.evaluate`) with the bridge model's weight at 0 and at the default,
alternated `--rounds` times in one process, so that the machine's drift hits
both sides. The first round on each side reads its passages for the first time;
later rounds find them remembered, which is the latency a session sees once it
has asked a few questions.

With `--unrelated` (default: SciFact's claims, where `../shared` has them), the
gate is measured too: the share of the dataset's questions answered and of the
unrelated questions refused, with the bridge's veto off
(`across_languages_min_meaning` 0) and on. Without `../shared` the set is the
test slice and its English questions, and the gate is skipped.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    EVAL_DATA,
    REPO_ROOT,
    app_paths,
    header,
    median,
    models_dir,
    print_table,
    write_results,
)

SLICE = REPO_ROOT / "tests" / "data" / "faquad-slice"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    full = (EVAL_DATA / "faquad").is_dir()
    parser.add_argument("--dataset", type=Path, default=EVAL_DATA / "faquad" if full else SLICE)
    parser.add_argument(
        "--queries-dir", type=Path,
        default=REPO_ROOT / "tests" / "data" / "faquad-english" if full else SLICE / "english",
        help="queries.jsonl and qrels.tsv in another language than the documents",
    )  # fmt: skip
    unrelated = EVAL_DATA / "scifact" / "queries.jsonl"
    parser.add_argument(
        "--unrelated", type=Path, default=unrelated if unrelated.is_file() else None,
        help="queries.jsonl of questions the documents cannot answer (the gate)",
    )  # fmt: skip
    parser.add_argument("--unrelated-limit", type=int, default=150)
    parser.add_argument("--keep-index", type=Path, default=None, help="index into DIR, kept")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--name", default="bridge", help="results file name")
    return parser.parse_args()


def questions(path: Path, limit: int | None = None) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()][:limit]


def main() -> int:
    args = parse_args()
    from desktop.services.workspace import Workspace
    from desktop.settings import Settings
    from tests.evaluation.retrieval import evaluate

    header("bench_bridge")
    home = args.keep_index or Path(tempfile.mkdtemp(prefix="arquivo-bench-bridge-"))
    ws = Workspace(app_paths(home, models_dir(args.models_dir)), Settings())
    default = ws.retriever.config
    sides = {"off": 0.0, "on": default.across_languages_meaning_weight}
    runs: dict[str, list[Any]] = {side: [] for side in sides}
    for _ in range(args.rounds):
        for side, weight in sides.items():
            ws.retriever.config = dataclasses.replace(
                default, across_languages_meaning_weight=weight
            )
            report = evaluate(
                args.dataset, ws, queries_dir=args.queries_dir, references=(), reuse_index=True
            )
            runs[side].append(report.method("arquivo"))
    ws.retriever.config = default
    rows, results = [], {}
    for side, methods in runs.items():
        first, *later = methods
        warm = median(m.latency_median_ms for m in later)  # nan with one round
        results[side] = {
            "ndcg": first.ndcg, "recall": first.recall, "mrr": first.mrr,
            "median_ms_first_round": first.latency_median_ms,
            "median_ms_later_rounds": None if warm != warm else warm,
        }  # fmt: skip
        rows.append((side, first.ndcg, first.recall, first.mrr, first.latency_median_ms, warm))
    print_table(("bridge", "nDCG@10", "recall@10", "MRR@10", "median ms", "later rounds"), rows)
    ratio = results["on"]["ndcg"] / results["off"]["ndcg"] if results["off"]["ndcg"] else None
    print(f"\nnDCG@10 with the bridge / without: {ratio:.3f}" if ratio else "")
    gate = measure_gate(ws, args) if args.unrelated else None
    ws.close()
    out = write_results(
        args.name,
        {"dataset": str(args.dataset), "queries_dir": str(args.queries_dir),
         "rounds": args.rounds, "ranking": results, "ndcg_ratio": ratio, "gate": gate},
    )  # fmt: skip
    print(f"results: {out}")
    return 0


def measure_gate(ws: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Answered (the dataset's questions) and refused (the unrelated ones), veto off / on."""
    collection = ws.catalog.get_collection(f"eval-{args.dataset.name}")
    asked = questions(args.queries_dir / "queries.jsonl")
    unrelated = questions(args.unrelated, args.unrelated_limit)
    default = ws.retriever.config
    found: dict[str, dict[str, float]] = {}
    for side, floor in (("off", 0.0), ("on", default.across_languages_min_meaning)):
        ws.retriever.config = dataclasses.replace(default, across_languages_min_meaning=floor)
        answered = [ws.retriever.search(collection, q, 12).relevant for q in asked]
        let_through = [ws.retriever.search(collection, q, 12).relevant for q in unrelated]
        found[side] = {
            "answered": sum(answered) / len(answered),
            "refused": 1 - sum(let_through) / len(let_through),
        }
    ws.retriever.config = default
    print_table(
        ("veto", f"answered ({len(asked)})", f"unrelated refused ({len(unrelated)})"),
        [(side, f"{v['answered']:.1%}", f"{v['refused']:.1%}") for side, v in found.items()],
    )
    return found


if __name__ == "__main__":
    raise SystemExit(main())
