"""Answers end to end on FaQuAD's public split: right, in the question's language, refused,
and the time to the first token, for the default chat model beside the old default.

Goals (issue "Answers worth reading"), on 2 cores with the default models:
- right: at least 70% of the Portuguese questions answered with an answer that holds a
  gold answer, or has a token F1 of 0.5 or more with one;
- language: at least 95% of answers in the question's language (the Portuguese
  questions, and their English translations asked of the same Portuguese paragraphs);
- refusals: at most 8% of these answerable questions refused;
- first token: median at most 8 s, prompt reading included, model loading excluded.

Both models answer each question in turn (same run, same machine load), through the
real assistant over one collection of the corpus made with the default settings.

    .venv/bin/python tests/benchmarks/bench_answers.py [--limit 150] [--english 54]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    REPO_ROOT,
    app_paths,
    default_eval,
    header,
    models_dir,
    print_table,
    read_queries,
    verdict,
    write_results,
)

RIGHT_GOAL, LANGUAGE_GOAL, REFUSED_GOAL, FIRST_TOKEN_GOAL_S = 0.70, 0.95, 0.08, 8.0
ENGLISH = REPO_ROOT / "tests" / "data" / "faquad-english" / "queries.jsonl"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=default_eval("faquad"))
    p.add_argument("--limit", type=int, default=150, help="Portuguese questions")
    p.add_argument("--english", type=int, default=54, help="English questions")
    p.add_argument("--models-dir", type=Path)
    p.add_argument(
        "--models", nargs="+", metavar="FILE",
        help="chat model files in the models folder, first the one judged against the "
        "goals (default: the default model, then SmolLM2)",
    )
    p.add_argument("--name", default="answers", help="results file: bench-results/NAME.json")
    return p.parse_args()


def ask(assistant: Any, question: str) -> tuple[Any, float]:
    from desktop.core.types import Answer

    started = time.perf_counter()
    for event in assistant.ask("faquad", question):
        if isinstance(event, Answer):
            return event, time.perf_counter() - started
    raise AssertionError("ask ends with an Answer")


def main() -> int:
    args = parse_args()
    if args.data is None:
        print("no FaQuAD data (../shared/data/eval/faquad): nothing to measure")
        return 0
    from desktop.core.models.llm import FAST_CHAT_MODEL, LlamaCppLLM, default_chat_model
    from desktop.core.types import CancelToken
    from desktop.services.assistant import AskOptions, Assistant
    from desktop.services.workspace import Workspace
    from desktop.settings import Settings
    from tests.evaluation.beir import load_dataset
    from tests.evaluation.corpus import index_corpus, write_corpus_files
    from tests.evaluation.gold import (
        answer_words,
        in_language,
        is_right,
        read_gold_answers,
        token_f1,
    )

    header("bench_answers: FaQuAD answered end to end, default model beside SmolLM2")
    models = models_dir(args.models_dir)
    dataset = load_dataset(args.data)
    gold = read_gold_answers(args.data)
    portuguese = [q for q in dataset.queries if gold.get(q.id)][: args.limit]
    english = [(row["_id"], row["text"]) for row in read_queries(ENGLISH)][: args.english]
    with tempfile.TemporaryDirectory(prefix="bench-answers-") as home:
        settings = Settings()
        ws = Workspace(app_paths(Path(home), models), settings)
        folder = Path(home) / "corpus"
        write_corpus_files(dataset.documents, folder)
        index_corpus(ws, folder, "faquad", CancelToken(), None)
        collection = ws.catalog.get_collection("faquad")
        print(f"indexed {len(dataset.documents)} paragraphs with {collection.embedding_model}")
        options = AskOptions(sources=settings.sources, max_answer_tokens=settings.max_answer_tokens,
                             temperature=settings.temperature)  # fmt: skip
        sides: dict[str, Any] = {}
        for name in args.models or (default_chat_model(models), FAST_CHAT_MODEL):
            llm = LlamaCppLLM(models / name, context_size=settings.context_size,
                              threads=settings.threads, repeat_penalty=settings.repeat_penalty)
            sides[name] = Assistant(ws.catalog, ws.retriever, lambda llm=llm: llm, options,
                                    ws.store)  # fmt: skip
        records: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
        asked = [(q.id, q.text, gold[q.id]) for q in portuguese] + [
            (qid, text, []) for qid, text in english
        ]
        for i, (qid, question, answers) in enumerate(asked, 1):
            for name, assistant in sides.items():
                answer, seconds = ask(assistant, question)
                words = answer_words(answer.text)
                f1 = token_f1(words, answers) if answers and answer.grounded else 0.0
                records[name].append({
                    "id": qid, "question": question, "answer": answer.text,
                    "language": "pt" if answers else "en",
                    "refused": not answer.grounded,
                    "right": bool(answers) and answer.grounded and is_right(answer.text, answers),
                    "f1": round(f1, 3),
                    "in_language": in_language(answer.text, question),
                    "cited": list(answer.cited),
                    "first_token_s": round(answer.timings.first_token_ms / 1000, 2),
                    "seconds": round(seconds, 2),
                })  # fmt: skip
            if i % 25 == 0:
                print(f"  {i} of {len(asked)} questions", flush=True)
        ws.close()
    summary = {name: summarise(rows) for name, rows in records.items()}
    rows = []
    for name, s in summary.items():
        rows.append([name, f"{s['right']:.1%}", f"{s['in_language']:.1%}", f"{s['refused']:.1%}",
                     f"{s['cited']:.1%}", f"{s['first_token_median_s']:.1f} s"])  # fmt: skip
    print_table(["model", "right (pt)", "in language", "refused", "cited", "first token"], rows)
    default = summary[next(iter(summary))]
    checks = {
        "right": default["right"] >= RIGHT_GOAL,
        "in_language": default["in_language"] >= LANGUAGE_GOAL,
        "refused": default["refused"] <= REFUSED_GOAL,
        "first_token": default["first_token_median_s"] <= FIRST_TOKEN_GOAL_S,
    }
    for key, ok in checks.items():
        print(f"  {key}: {verdict(ok)}")
    out = write_results(args.name, {
        "questions": {"portuguese": len(portuguese), "english": len(english)},
        "goals": {"right": RIGHT_GOAL, "in_language": LANGUAGE_GOAL, "refused": REFUSED_GOAL,
                  "first_token_median_s": FIRST_TOKEN_GOAL_S},
        "met": checks, "summary": summary, "records": records,
    })  # fmt: skip
    print(f"written to {out}")
    return 0


def summarise(rows: list[dict[str, Any]]) -> dict[str, float]:
    def share(key: str, subset: list[dict[str, Any]]) -> float:
        return sum(bool(r[key]) for r in subset) / len(subset) if subset else 0.0

    pt = [r for r in rows if r["language"] == "pt"]
    answered = [r for r in rows if not r["refused"]]
    return {
        "right": round(share("right", pt), 4),
        "in_language": round(share("in_language", rows), 4),
        "in_language_pt": round(share("in_language", pt), 4),
        "in_language_en": round(share("in_language", [r for r in rows if r not in pt]), 4),
        "refused": round(share("refused", rows), 4),
        "refused_pt": round(share("refused", pt), 4),
        "cited": round(share("cited", answered), 4),
        "first_token_median_s": round(statistics.median(r["first_token_s"] for r in answered), 2)
        if answered else 0.0,
    }


if __name__ == "__main__":
    sys.exit(main())
