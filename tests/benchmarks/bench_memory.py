"""Peak memory of `arquivo ask` (and `arquivo index`) with the default models.

Goal: `ask` peaks at 1.0 GB or less where the default chat model is Qwen2.5-Coder 0.5B,
2.2 GB or less where it is the 1.5B (machines with 6 GB of memory or more).

Each command runs as its own process, as a user runs it. Its peak resident set
comes from the kernel (`os.wait4`'s `ru_maxrss`, for that child alone); a
thread also samples the RSS of its process tree with psutil, as a cross-check.
The question must find relevant passages, or `ask` never loads the chat model:
the run is only counted when the answer names the model and has sources.

    .venv/bin/python tests/benchmarks/bench_memory.py [--docs 50] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import contextlib

from desktop.core.models.llm import LARGE_CHAT_MODEL, SMALL_CHAT_MODEL, default_chat_model
from tests.benchmarks.common import (
    REPO_ROOT,
    child_env,
    default_eval,
    eval_collection,
    header,
    median,
    models_dir,
    print_table,
    verdict,
    write_documents,
    write_results,
)

# by the default chat model (issue "Answers worth reading")
ASK_GOAL_MB = {SMALL_CHAT_MODEL: 1000.0, LARGE_CHAT_MODEL: 2200.0}
MB = 1024 * 1024
SAMPLE_S = 0.05  # psutil sampling period: a cross-check, kept light so it steals little CPU


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=default_eval("scifact"),
        help="a folder with corpus.jsonl, queries.jsonl, qrels.tsv; default "
        "../shared/data/eval/scifact, generated text when absent",
    )
    parser.add_argument("--docs", type=int, default=50, help="passages in the collection")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command")
    parser.add_argument("--question", default=None, help="default: a question of the data set")
    parser.add_argument(
        "--answer-tokens", type=int, default=None,
        help="write max_answer_tokens to the data folder's settings (default: the product's "
        "default, untouched); a shorter answer makes `ask` quicker on a busy machine",
    )  # fmt: skip
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument(
        "--arquivo", type=Path, default=REPO_ROOT / ".venv" / "bin" / "arquivo",
        help="the entry point to run",
    )  # fmt: skip
    parser.add_argument("--name", default="memory", help="results file name")
    return parser.parse_args()


def tree_rss(process: Any) -> int:
    import psutil

    total = 0
    for proc in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total


def measure(command: list[str], env: dict[str, str], out: Path) -> dict[str, Any]:
    """Run `command`, stdout to `out`; its peak RSS from wait4 and from sampling."""
    import psutil

    started = time.perf_counter()
    with out.open("wb") as stdout:
        child = subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.PIPE)
    sampled = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal sampled
        try:
            process = psutil.Process(child.pid)
            while not done.is_set():
                sampled = max(sampled, tree_rss(process))
                time.sleep(SAMPLE_S)
        except psutil.Error:
            pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = child.stderr.read() if child.stderr else b""
    _, status, usage = os.wait4(child.pid, 0)
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{stderr.decode()}")
    return {
        "peak_rss_mb": usage.ru_maxrss * 1024 / MB,  # Linux reports kilobytes
        "sampled_peak_rss_mb": sampled / MB,
        "wall_s": wall,
        "user_s": usage.ru_utime,
        "system_s": usage.ru_stime,
    }


def main() -> int:
    from desktop.offline import enforce_offline

    enforce_offline()
    args = parse_args()
    models = models_dir(args.models_dir)
    header("bench_memory")
    print(f"data: {args.eval_dir or 'generated'}; models: {models}", flush=True)
    entries, questions = eval_collection(args.eval_dir, args.docs, 8)
    env = child_env(models)
    exe = str(args.arquivo)

    with tempfile.TemporaryDirectory(prefix="arquivo-bench-") as tmp:
        work = Path(tmp)
        folder = work / "docs"
        write_documents(folder, entries, (".txt", ".md"))
        index_runs = []
        for i in range(args.repeats):
            home = work / f"home-{i}"  # a fresh data folder: every run indexes everything
            command = [exe, "--data-dir", str(home), "index", str(folder), "--json"]
            run = measure(command, env, work / "index.json")
            run["summary"] = json.loads((work / "index.json").read_text())
            index_runs.append(run)
            print(
                f"  index {i + 1}: {run['peak_rss_mb']:.0f} MB, {run['wall_s']:.1f} s", flush=True
            )
        home = work / "home-0"
        if args.answer_tokens is not None:
            (home / "settings.toml").write_text(f"max_answer_tokens = {args.answer_tokens}\n")

        candidates = [args.question] if args.question else questions
        ask_runs: list[dict[str, Any]] = []
        question = None
        for candidate in candidates:  # the first question that reaches the model
            command = [exe, "--data-dir", str(home), "ask", candidate, "--json"]
            run = measure(command, env, work / "ask.json")
            answer = json.loads((work / "ask.json").read_text())
            run["model"], run["sources"] = answer["model"], len(answer["sources"])
            run["tokens"] = answer["timings"]["tokens"]
            if answer["model"] and answer["sources"]:
                question = candidate
                ask_runs.append(run)
                break
            print(f"  not counted (no model call): {candidate[:60]}", flush=True)
        if question is None:
            raise SystemExit("no question reached the chat model")
        print(f"  ask 1: {ask_runs[0]['peak_rss_mb']:.0f} MB, {ask_runs[0]['wall_s']:.1f} s")
        for i in range(1, args.repeats):
            command = [exe, "--data-dir", str(home), "ask", question, "--json"]
            run = measure(command, env, work / "ask.json")
            answer = json.loads((work / "ask.json").read_text())
            run["model"], run["sources"] = answer["model"], len(answer["sources"])
            run["tokens"] = answer["timings"]["tokens"]
            ask_runs.append(run)
            print(f"  ask {i + 1}: {run['peak_rss_mb']:.0f} MB, {run['wall_s']:.1f} s", flush=True)

    ask_peak = max(r["peak_rss_mb"] for r in ask_runs)
    goal_mb = ASK_GOAL_MB[default_chat_model(models)]
    ok = ask_peak <= goal_mb
    result = {
        "docs": len(entries),
        "chunks": index_runs[0]["summary"].get("chunks_added"),
        "question": question,
        "ask_runs": ask_runs,
        "index_runs": index_runs,
        "ask_peak_rss_mb_max": ask_peak,
        "ask_peak_rss_mb_median": median(r["peak_rss_mb"] for r in ask_runs),
        "ask_sampled_peak_mb_max": max(r["sampled_peak_rss_mb"] for r in ask_runs),
        "index_peak_rss_mb_max": max(r["peak_rss_mb"] for r in index_runs),
        "index_peak_rss_mb_median": median(r["peak_rss_mb"] for r in index_runs),
        "index_sampled_peak_mb_max": max(r["sampled_peak_rss_mb"] for r in index_runs),
    }
    print()
    print(
        f"{result['docs']} files, {result['chunks']} chunks, {args.repeats} runs each; "
        f"ask answered with {ask_runs[0]['sources']} sources, {ask_runs[0]['tokens']} tokens"
    )
    print_table(
        ["command", "peak RSS MB (max)", "median", "sampled max", "goal", "verdict"],
        [
            ["arquivo ask", ask_peak, result["ask_peak_rss_mb_median"],
             result["ask_sampled_peak_mb_max"], f"<= {goal_mb:.0f}", verdict(ok)],
            ["arquivo index", result["index_peak_rss_mb_max"],
             result["index_peak_rss_mb_median"], result["index_sampled_peak_mb_max"],
             "(info)", ""],
        ],
    )  # fmt: skip
    out = write_results(
        args.name,
        {
            "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
            | {"models_dir": str(models)},
            "result": result,
            "goals": {"ask_peak_mb_at_most": goal_mb, "ask_met": ok},
        },
    )
    print(f"\nresults: {out.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
