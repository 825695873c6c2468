"""`ask` against bare llama-cpp-python: generation speed and first-token delay.

Goals, with the same model and prompt (model loading excluded):
- tokens per second through `Assistant.ask` at least 95% of bare llama-cpp-python's;
- the first token through `ask` (retrieval and prompt building included) at most
  300 ms later than bare llama-cpp-python's.

One `LlamaCppLLM` is loaded and shared: the assistant uses it, and the bare side
calls its `.llama` (`create_chat_completion(stream=True)`) with the messages
`build_messages` makes from the very sources the assistant chose, the same
`max_tokens`, temperature 0 (greedy; the model's seed is fixed at 0) and the
assistant's repetition penalty, so both sides generate the same tokens. The KV cache
is reset before every call, so neither side reuses the other's prompt. The order
alternates per repeat.

Tokens/s is (tokens - 1) / (last piece - first piece), with tokens counted by
re-tokenising the streamed text, the same way for both sides.

    .venv/bin/python tests/benchmarks/bench_ask.py [--questions 6] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    REPO_ROOT,
    Contention,
    app_paths,
    default_eval,
    eval_collection,
    header,
    median,
    models_dir,
    print_table,
    verdict,
    wait_for_quiet,
    write_documents,
    write_results,
)

SPEED_GOAL = 0.95
FIRST_TOKEN_GOAL_MS = 300.0
COLLECTION = "bench"
MIN_SPEED_TOKENS = 8  # shorter answers give no meaningful tokens/s


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=default_eval("scifact"),
        help="a folder with corpus.jsonl, queries.jsonl, qrels.tsv; default "
        "../shared/data/eval/scifact, generated text when absent",
    )
    parser.add_argument("--docs", type=int, default=60, help="passages in the collection")
    parser.add_argument("--questions", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=2, help="pairs of runs per question")
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument(
        "--quiet-wait", type=float, default=20.0,
        help="seconds to wait, at most, for other processes to go quiet before each run",
    )  # fmt: skip
    parser.add_argument(
        "--clean-cores", type=float, default=0.3,
        help="a pair is clean when other processes used fewer cores than this during it",
    )  # fmt: skip
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--name", default="ask", help="results file name")
    return parser.parse_args()


class Clock:
    """Times of the first and last streamed piece, from the call."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.first = 0.0
        self.last = 0.0
        self.pieces: list[str] = []

    def piece(self, text: str) -> None:
        now = time.perf_counter()
        if not self.pieces:
            self.first = now
        self.last = now
        self.pieces.append(text)

    def result(self, llm: Any) -> dict[str, Any]:
        text = "".join(self.pieces)
        tokens = llm.count_tokens(text) if text else 0
        span = self.last - self.first
        return {
            "text": text,
            "tokens": tokens,
            "pieces": len(self.pieces),
            "first_token_ms": (self.first - self.started) * 1000 if self.pieces else None,
            "generation_s": span,
            "tokens_per_s": (tokens - 1) / span if span > 0 and tokens > 1 else None,
            "last_piece_ms": (self.last - self.started) * 1000,
        }


def run_ask(ws: Any, question: str) -> dict[str, Any]:
    from desktop.services.assistant import Answer, AnswerDelta, SourcesFound

    ws.assistant.llm.llama.reset()  # no prompt reuse from the previous call
    clock = Clock()
    sources_ms = None
    sources: tuple[Any, ...] = ()
    answer = None
    held = ""  # a " [n]" the assistant may add after the model's last token: not the model's
    for event in ws.assistant.ask(COLLECTION, question):
        if isinstance(event, AnswerDelta):
            if held:
                clock.piece(held)
                held = ""
            if re.fullmatch(r"\s*\[\d+\]", event.text):
                held = event.text
            else:
                clock.piece(event.text)
        elif isinstance(event, SourcesFound):
            sources_ms = (time.perf_counter() - clock.started) * 1000
            sources = event.sources
        elif isinstance(event, Answer):
            answer = event
    done = time.perf_counter()
    assert answer is not None
    result = clock.result(ws.assistant.llm)
    result.update(
        sources_ms=sources_ms,
        after_last_piece_ms=(done - clock.last) * 1000,
        sources=[s.hit.chunk_id for s in sources],
        reported=vars(answer.timings),
    )
    return result


def run_bare(llm: Any, messages: list[dict[str, str]], max_tokens: int) -> dict[str, Any]:
    llama = llm.llama
    llama.reset()
    clock = Clock()
    stream = llama.create_chat_completion(
        messages=messages,
        max_tokens=max_tokens,
        temperature=0.0,
        repeat_penalty=llm.repeat_penalty,  # as `ask` samples, or the tokens differ
        stream=True,
    )
    for part in stream:
        text = part["choices"][0]["delta"].get("content")
        if text:
            clock.piece(text)
    return clock.result(llm)


def summarise(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over pairs; ratios and deltas are taken within each pair first."""
    deltas = [p["first_token_delta_ms"] for p in pairs]
    long = [p for p in pairs if "speed_ratio" in p and p["ask"]["tokens"] > MIN_SPEED_TOKENS]
    return {
        "ask_tokens_per_s": median(p["ask"]["tokens_per_s"] for p in long),
        "bare_tokens_per_s": median(p["bare"]["tokens_per_s"] for p in long),
        "speed_ratio_median": median(p["speed_ratio"] for p in long),
        "ask_first_token_ms": median(p["ask"]["first_token_ms"] for p in pairs),
        "bare_first_token_ms": median(p["bare"]["first_token_ms"] for p in pairs),
        "first_token_delta_ms_median": median(deltas),
        "first_token_delta_ms_max": max(deltas),
        "ask_sources_ms": median(p["ask"]["sources_ms"] for p in pairs),
        "ask_retrieve_ms": median(p["ask"]["reported"]["retrieve_ms"] for p in pairs),
        "ask_after_last_piece_ms": median(p["ask"]["after_last_piece_ms"] for p in pairs),
        "prompt_tokens": median(p["prompt_tokens"] for p in pairs),
        "tokens": median(p["ask"]["tokens"] for p in pairs),
    }


def best_of(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per question, each side's best run (noise only slows a run down), then medians."""
    by_question: dict[str, list[dict[str, Any]]] = {}
    for pair in pairs:
        by_question.setdefault(pair["question"], []).append(pair)
    ratios, deltas = [], []
    for group in by_question.values():
        ask = [p["ask"] for p in group]
        bare = [p["bare"] for p in group]
        ask_speed = max(r["tokens_per_s"] or 0.0 for r in ask)
        bare_speed = max(r["tokens_per_s"] or 0.0 for r in bare)
        if ask_speed and bare_speed and group[0]["ask"]["tokens"] > MIN_SPEED_TOKENS:
            ratios.append(ask_speed / bare_speed)
        deltas.append(
            min(r["first_token_ms"] for r in ask) - min(r["first_token_ms"] for r in bare)
        )
    return {"speed_ratio_median": median(ratios), "first_token_delta_ms_median": median(deltas)}


def save(
    args: argparse.Namespace,
    models: Path,
    context: dict[str, Any],
    pairs: list[dict[str, Any]],
    complete: bool,
) -> dict[str, Any]:
    """Summarise the pairs so far and write the results file."""
    clean = [p for p in pairs if p["clean"]]
    used = clean if len(clean) >= max(3, len(pairs) // 3) else pairs
    result = summarise(used)
    result.update(context)
    result.update(
        complete=complete,
        pairs_total=len(pairs),
        pairs_clean=len(clean),
        pairs_used="clean" if used is clean else "all (too few clean pairs)",
        max_tokens=args.max_tokens,
        all_same_text=all(p["same_text"] for p in pairs),
        all_same_sources=all(p["same_sources"] for p in pairs),
        all_pairs=summarise(pairs),
        best_of=best_of(pairs),
        pairs=pairs,
    )
    speed_ok = result["speed_ratio_median"] >= SPEED_GOAL
    first_ok = result["first_token_delta_ms_median"] <= FIRST_TOKEN_GOAL_MS
    path = write_results(
        args.name,
        {
            "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
            | {"models_dir": str(models)},
            "result": result,
            "goals": {
                "speed_ratio_at_least": SPEED_GOAL,
                "speed_met": speed_ok,
                "first_token_delta_ms_at_most": FIRST_TOKEN_GOAL_MS,
                "first_token_met": first_ok,
            },
        },
    )
    return {"result": result, "speed_ok": speed_ok, "first_ok": first_ok, "path": path}


def show(args: argparse.Namespace, out: dict[str, Any]) -> None:
    result, speed_ok, first_ok = out["result"], out["speed_ok"], out["first_ok"]
    print()
    print(
        f"{result['questions']} questions x {args.repeats} pairs, {result['docs']} passages, "
        f"prompt ~{result['prompt_tokens']:.0f} tokens, answer ~{result['tokens']:.0f} tokens "
        f"(max {args.max_tokens}); same text both sides: {result['all_same_text']}; "
        f"medians over {result['pairs_used']} pairs "
        f"({result['pairs_clean']}/{result['pairs_total']} clean)"
    )
    print_table(
        ["measure", "ask", "bare", "ratio/delta", "goal", "verdict"],
        [
            ["tokens/s", result["ask_tokens_per_s"], result["bare_tokens_per_s"],
             result["speed_ratio_median"], f">= {SPEED_GOAL}", verdict(speed_ok)],
            ["first token (ms)", result["ask_first_token_ms"], result["bare_first_token_ms"],
             result["first_token_delta_ms_median"], f"<= +{FIRST_TOKEN_GOAL_MS:.0f} ms",
             verdict(first_ok)],
            ["  sources ready (ms)", result["ask_sources_ms"], "", "", "", ""],
            ["  of which retrieval (ms)", result["ask_retrieve_ms"], "", "", "", ""],
            ["after last piece (ms)", result["ask_after_last_piece_ms"], "", "", "", ""],
            ["all pairs: tokens/s ratio", "", "", result["all_pairs"]["speed_ratio_median"],
             "", ""],
            ["all pairs: first-token delta", "", "",
             result["all_pairs"]["first_token_delta_ms_median"], "", ""],
            ["best of each side: tokens/s ratio", "", "", result["best_of"]["speed_ratio_median"],
             "", ""],
            ["best of each side: first-token delta", "", "",
             result["best_of"]["first_token_delta_ms_median"], "", ""],
        ],
    )  # fmt: skip
    print(f"\nresults: {out['path'].relative_to(REPO_ROOT)}")


def main() -> int:
    from desktop.offline import enforce_offline

    enforce_offline()
    args = parse_args()
    models = models_dir(args.models_dir)
    header("bench_ask")
    print(f"data: {args.eval_dir or 'generated'}; models: {models}", flush=True)

    from desktop.core.answering.prompts import build_messages
    from desktop.core.models.embedding import FastEmbedEmbedder
    from desktop.core.models.llm import LlamaCppLLM, resolve_model_path
    from desktop.core.types import IndexSummary
    from desktop.services.workspace import Workspace
    from desktop.settings import Settings

    settings = Settings().replace(temperature=0.0, max_answer_tokens=args.max_tokens)
    entries, questions = eval_collection(args.eval_dir, args.docs, args.questions)
    with tempfile.TemporaryDirectory(prefix="arquivo-bench-") as tmp:
        work = Path(tmp)
        os.environ["ARQUIVO_HOME"] = str(work / "home")
        folder = work / "docs"
        write_documents(folder, entries, (".txt", ".md"))
        paths = app_paths(work / "home", models)

        started = time.perf_counter()
        embedder = FastEmbedEmbedder.from_models_dir(models, settings.embedding_model)
        llm = LlamaCppLLM(
            resolve_model_path(models, settings.chat_model),
            context_size=settings.context_size,
            threads=settings.threads,
            gpu_layers=settings.gpu_layers,
        )
        load_s = time.perf_counter() - started
        ws = Workspace(paths, settings, embedder=embedder, llm=llm)
        summary = [e for e in ws.indexer.index([folder], COLLECTION) if isinstance(e, IndexSummary)]
        print(
            f"indexed {summary[0].files_indexed} files ({summary[0].chunks_added} chunks); "
            f"models loaded in {load_s:.1f} s (excluded); {llm.device}",
            flush=True,
        )

        # The sources `ask` will use, found the way `ask` finds them, for the bare side.
        prompts: dict[str, list[dict[str, str]]] = {}
        chosen: dict[str, list[str]] = {}
        for question in questions:
            found = ws.assistant.search(COLLECTION, question, settings.sources * 2)
            if not found.relevant:
                print(f"  skipped (retrieval found nothing relevant): {question[:60]}")
                continue
            sources = ws.assistant.fit_sources(question, found.hits)
            prompts[question] = build_messages(question, sources, may_refuse=not found.relevant)
            chosen[question] = [s.hit.chunk_id for s in sources]
        if not prompts:
            raise SystemExit("no question had relevant sources")

        warm = next(iter(prompts))  # first calls load lazy state on both paths
        run_ask(ws, warm)
        run_bare(llm, prompts[warm], args.max_tokens)

        context = {
            "questions": len(prompts),
            "docs": len(entries),
            "chunks": summary[0].chunks_added,
            "device": llm.device,
        }
        pairs: list[dict[str, Any]] = []
        for repeat in range(args.repeats):
            for qi, (question, messages) in enumerate(prompts.items()):
                ask_first = (repeat + qi) % 2 == 0
                order = ("ask", "bare") if ask_first else ("bare", "ask")
                pair: dict[str, Any] = {"question": question, "order": "/".join(order)}
                for side in order:
                    quiet = wait_for_quiet(args.quiet_wait)
                    with Contention() as contention:
                        if side == "ask":
                            run = run_ask(ws, question)
                        else:
                            run = run_bare(llm, messages, args.max_tokens)
                    run.update(quiet, others_cores=contention.others_cores)
                    pair[side] = run
                a, b = pair["ask"], pair["bare"]
                pair["same_sources"] = a["sources"] == chosen[question]
                pair["same_text"] = a["text"] == b["text"]
                pair["prompt_tokens"] = sum(llm.count_tokens(m["content"]) for m in messages)
                if a["tokens_per_s"] and b["tokens_per_s"]:
                    pair["speed_ratio"] = a["tokens_per_s"] / b["tokens_per_s"]
                pair["first_token_delta_ms"] = a["first_token_ms"] - b["first_token_ms"]
                pair["clean"] = max(a["others_cores"], b["others_cores"]) < args.clean_cores
                pairs.append(pair)
                print(
                    f"  {repeat + 1}.{qi + 1} ({pair['order']}): "
                    f"ask {a['tokens_per_s'] or 0:.1f} tok/s first {a['first_token_ms']:.0f} ms | "
                    f"bare {b['tokens_per_s'] or 0:.1f} tok/s first {b['first_token_ms']:.0f} ms | "
                    f"{a['tokens']} tokens | others {a['others_cores']:.2f}/"
                    f"{b['others_cores']:.2f} cores{'' if pair['clean'] else ' (noisy)'}"
                    f"{'' if pair['same_text'] else ' (texts differ)'}",
                    flush=True,
                )
                save(args, models, context, pairs, complete=False)  # a killed run keeps data
        ws.close()

    out = save(args, models, context, pairs, complete=True)
    show(args, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
