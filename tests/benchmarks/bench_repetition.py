"""The chat model's repetition penalty: answers that loop, and how long answers take.

A standalone program, not a pytest test:

    .venv/bin/python tests/benchmarks/bench_repetition.py [--dataset DIR]
        [--questions 16] [--penalties 1.0 1.1] [--keep-index DIR]

The dataset (FaQuAD's public split where `../shared` has it, else the test slice)
is indexed as the evaluation (`python -m tests.evaluation`) does; every 28th of its
questions is asked through
`Assistant.ask` with the real default chat model, each penalty in turn on the
same question, so that the machine's drift hits all of them. An answer "loops"
when a three-word phrase comes four times or more. Gold answer strings are
counted too (they are rare with the tiny default model, whatever the penalty).
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import tempfile
import time
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
    read_queries,
    write_results,
)

SLICE = REPO_ROOT / "tests" / "data" / "faquad-slice"
WORD = re.compile(r"\w+")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    full = EVAL_DATA / "faquad"
    parser.add_argument("--dataset", type=Path, default=full if full.is_dir() else SLICE)
    parser.add_argument("--questions", type=int, default=16)
    parser.add_argument("--penalties", type=float, nargs="+", default=[1.0, 1.1])
    parser.add_argument("--keep-index", type=Path, default=None, help="index into DIR, kept")
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--name", default="repetition", help="results file name")
    return parser.parse_args()


def loops(text: str) -> bool:
    words = WORD.findall(text.lower())
    phrases = collections.Counter(zip(words, words[1:], words[2:], strict=False))
    return bool(phrases) and phrases.most_common(1)[0][1] >= 4


def main() -> int:
    args = parse_args()
    from desktop.core.models.llm import LlamaCppLLM
    from desktop.core.types import Answer
    from desktop.services.workspace import Workspace
    from desktop.settings import Settings
    from tests.evaluation.gold import contains_gold
    from tests.evaluation.retrieval import evaluate

    header("bench_repetition")
    home = args.keep_index or Path(tempfile.mkdtemp(prefix="arquivo-bench-repetition-"))
    ws = Workspace(app_paths(home, models_dir(args.models_dir)), Settings())
    evaluate(args.dataset, ws, references=(), reuse_index=True, limit_queries=1)  # the index
    collection = f"eval-{args.dataset.name}"
    questions = read_queries(args.dataset / "queries.jsonl")[::28][: args.questions]
    llm = ws.load_llm()
    assert isinstance(llm, LlamaCppLLM)
    found: dict[float, dict[str, Any]] = {
        p: {"answered": 0, "loops": 0, "gold": 0, "seconds": []} for p in args.penalties
    }
    for question in questions:
        for penalty in args.penalties:
            llm.repeat_penalty = penalty
            started = time.perf_counter()
            events = list(ws.assistant.ask(collection, question["text"]))
            answer = next(e for e in events if isinstance(e, Answer))
            if not answer.grounded:
                continue  # refused: the model was not asked
            side = found[penalty]
            side["answered"] += 1
            side["loops"] += loops(answer.text)
            side["gold"] += contains_gold(answer.text, question.get("answers", []))
            side["seconds"].append(time.perf_counter() - started)
    ws.close()
    rows = [
        (p, v["answered"], v["loops"], v["gold"], sum(v["seconds"]), median(v["seconds"]))
        for p, v in found.items()
    ]
    print_table(("penalty", "answered", "looping", "gold", "seconds", "median s"), rows)
    out = write_results(
        args.name,
        {"dataset": str(args.dataset), "questions": len(questions),
         "penalties": {str(p): v for p, v in found.items()}},
    )  # fmt: skip
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
