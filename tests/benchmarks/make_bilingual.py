"""Build a bilingual retrieval set (BEIR layout) from FaQuAD and SciFact.

A standalone program, not a pytest test:

    .venv/bin/python tests/benchmarks/make_bilingual.py OUT_DIR [--eval-data DIR]
    .venv/bin/python -m tests.evaluation OUT_DIR [--language Portuguese]

People keep English and Portuguese files side by side, while a collection's
keyword index has one language. This set puts FaQuAD's 249 Portuguese passages
and 600 English SciFact abstracts (the ones judged for the public claims, then
others drawn with a fixed seed) in one corpus, with both sets of questions, so
that one evaluation run (`python -m tests.evaluation`) shows how each language's
questions fare in a mixed
collection. Question ids keep their source's form: SciFact's are numbers,
FaQuAD's are not, which is how the README's figures split them.

The set is written outside `tests/`: SciFact's licence (CC BY-NC) keeps it out
of the repository; the data comes from `../shared/data/eval/` by default.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import EVAL_DATA

ENGLISH_ABSTRACTS = 600
SEED = 5


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_qrels(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle][1:]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def build(eval_data: Path, out: Path) -> tuple[int, int, int]:
    """Write corpus.jsonl, queries.jsonl and qrels.tsv; (English, Portuguese, questions)."""
    scifact, faquad = eval_data / "scifact", eval_data / "faquad"
    judged = read_qrels(scifact / "qrels.tsv") + read_qrels(faquad / "qrels.tsv")
    english = read_jsonl(scifact / "corpus.jsonl")
    gold = {doc_id for _, doc_id, _ in judged}
    others = [d for d in english if d["_id"] not in gold]
    random.Random(SEED).shuffle(others)
    chosen = [d for d in english if d["_id"] in gold]
    chosen += others[: max(0, ENGLISH_ABSTRACTS - len(chosen))]
    portuguese = read_jsonl(faquad / "corpus.jsonl")
    questions = read_jsonl(scifact / "queries.jsonl") + read_jsonl(faquad / "queries.jsonl")
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "corpus.jsonl", chosen + portuguese)
    write_jsonl(out / "queries.jsonl", questions)
    with (out / "qrels.tsv").open("w", encoding="utf-8") as handle:
        handle.write("query-id\tcorpus-id\tscore\n")
        handle.writelines("\t".join(row) + "\n" for row in judged)
    return len(chosen), len(portuguese), len(questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the set into")
    parser.add_argument("--eval-data", type=Path, default=EVAL_DATA, help="holds scifact/, faquad/")
    args = parser.parse_args()
    english, portuguese, questions = build(args.eval_data, args.out)
    print(f"{english} English and {portuguese} Portuguese passages, {questions} questions")


if __name__ == "__main__":
    main()
