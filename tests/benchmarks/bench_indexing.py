"""Indexing throughput against bare fastembed, and the cost of an unchanged re-run.

Goals:
- end-to-end indexing (walk, read, chunk, hash, embed, store, index, commit)
  reaches at least 85% of bare fastembed's chunks/s on exactly the same chunks;
- a second run over an unchanged folder takes under 1 s per 1,000 files.

Both sides load their model once, before any timing, and are warmed up. Each
round indexes a fresh data folder and embeds the same chunk texts with a bare
`fastembed.TextEmbedding` (same model folder, same batch size); the order of
the two sides alternates between rounds. The ratio is taken per round, then
the median.

    .venv/bin/python tests/benchmarks/bench_indexing.py [--docs 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
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
    child_env,
    default_corpus,
    header,
    load_entries,
    median,
    models_dir,
    print_table,
    verdict,
    wait_for_quiet,
    write_documents,
    write_results,
)

THROUGHPUT_GOAL = 0.85
UNCHANGED_GOAL_S_PER_1000 = 1.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=default_corpus("scifact"),
        help="a corpus.jsonl (_id, title, text); default ../shared/data/eval/scifact, "
        "generated text when absent",
    )
    parser.add_argument("--docs", type=int, default=200, help="files for the throughput part")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds of both sides")
    parser.add_argument(
        "--small-files", type=int, default=1200, help="files for the unchanged re-run part"
    )
    parser.add_argument(
        "--small-chars", type=int, default=200, help="characters of text in each small file"
    )
    parser.add_argument("--unchanged-runs", type=int, default=5, help="repeats of the re-run")
    parser.add_argument(
        "--quiet-wait", type=float, default=20.0,
        help="seconds to wait, at most, for other processes to go quiet before each side",
    )  # fmt: skip
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument(
        "--cli", action=argparse.BooleanOptionalAction, default=True,
        help="also time `arquivo index` on the unchanged folder (a whole process)",
    )  # fmt: skip
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of one unchanged run"
    )
    parser.add_argument("--name", default="indexing", help="results file name")
    return parser.parse_args()


def chunk_texts(files: list[Path], max_bytes: int) -> list[str]:
    """Exactly what the indexer embeds: each chunk with its document's title and its
    heading before it (`embedding_text`), file by file."""
    from desktop.core.ingest import read_document
    from desktop.core.ingest.chunking import chunk_document, context_title, embedding_text

    texts: list[str] = []
    for path in sorted(files):
        document = read_document(path, max_bytes)
        title = context_title(document)
        texts.extend(embedding_text(c, title) for c in chunk_document(document))
    return texts


def run_index(paths: Any, settings: Any, embedder: Any, folder: Path) -> dict[str, Any]:
    """One `index()` call in a fresh Workspace sharing the loaded embedder."""
    from desktop.core.types import IndexSummary, Progress
    from desktop.services.workspace import Workspace

    started = time.perf_counter()
    ws = Workspace(paths, settings, embedder=embedder)
    summary = None
    embed_rate = 0.0
    try:
        for event in ws.indexer.index([folder], "bench"):
            if isinstance(event, Progress):
                embed_rate = event.chunks_per_s
            elif isinstance(event, IndexSummary):
                summary = event
    finally:
        ws.close()
    wall = time.perf_counter() - started
    assert summary is not None
    return {
        "wall_s": wall,
        "chunks": summary.chunks_added,
        "files_indexed": summary.files_indexed,
        "files_unchanged": summary.files_unchanged,
        "files_skipped": len(summary.files_skipped),
        "embed_chunks_per_s_inside": embed_rate,
    }


def run_bare(model: Any, texts: list[str], batch_size: int) -> dict[str, Any]:
    started = time.perf_counter()
    rows = list(model.embed(texts, batch_size=batch_size))
    wall = time.perf_counter() - started
    assert len(rows) == len(texts)
    return {"wall_s": wall, "chunks": len(texts)}


def throughput(args: argparse.Namespace, models: Path, work: Path) -> tuple[dict[str, Any], Any]:
    from fastembed import TextEmbedding

    from desktop.core.models.embedding import FastEmbedEmbedder
    from desktop.settings import Settings

    settings = Settings()
    entries = load_entries(args.corpus, args.docs)
    folder = work / "docs"
    files = write_documents(folder, entries, (".txt", ".md"))
    texts = chunk_texts(files, settings.max_file_mb * 1024 * 1024)

    embedder = FastEmbedEmbedder.from_models_dir(models, settings.embedding_model)
    batch_size = int(getattr(embedder, "_batch_size", 32))
    model_folder = models / "embedding" / settings.embedding_model
    spec = embedder._spec
    bare = TextEmbedding(model_name=spec.fastembed_name, specific_model_path=str(model_folder))
    warm = texts[: 2 * batch_size]
    embedder.embed_documents(warm)
    list(bare.embed(warm, batch_size=batch_size))

    rounds = []
    for i in range(args.rounds):
        home = work / f"home-{i}"
        paths = app_paths(home, models)
        order = ("indexer", "bare") if i % 2 == 0 else ("bare", "indexer")
        result: dict[str, Any] = {"order": "/".join(order)}
        for side in order:
            quiet = wait_for_quiet(args.quiet_wait)
            with Contention() as contention:
                if side == "indexer":
                    run = run_index(paths, settings, embedder, folder)
                else:
                    run = run_bare(bare, texts, batch_size)
            result[side] = run | quiet | {"others_cores": contention.others_cores}
        idx, raw = result["indexer"], result["bare"]
        idx["chunks_per_s"] = idx["chunks"] / idx["wall_s"]
        raw["chunks_per_s"] = raw["chunks"] / raw["wall_s"]
        result["ratio"] = idx["chunks_per_s"] / raw["chunks_per_s"]
        rounds.append(result)
        print(
            f"  round {i + 1}/{args.rounds} ({result['order']}): indexer "
            f"{idx['chunks_per_s']:.1f} chunks/s, bare {raw['chunks_per_s']:.1f} chunks/s, "
            f"ratio {result['ratio']:.3f} | others {idx['others_cores']:.2f}/"
            f"{raw['others_cores']:.2f} cores",
            flush=True,
        )
    return {
        "corpus": str(args.corpus) if args.corpus else "generated",
        "files": len(files),
        "chunks_bare": len(texts),
        "chunk_chars_mean": sum(map(len, texts)) / max(1, len(texts)),
        "batch_size": batch_size,
        "chunks_match": all(r["indexer"]["chunks"] == len(texts) for r in rounds),
        "rounds": rounds,
        "indexer_chunks_per_s": median(r["indexer"]["chunks_per_s"] for r in rounds),
        "bare_chunks_per_s": median(r["bare"]["chunks_per_s"] for r in rounds),
        "embed_chunks_per_s_inside_indexer": median(
            r["indexer"]["embed_chunks_per_s_inside"] for r in rounds
        ),
        "indexer_wall_s": median(r["indexer"]["wall_s"] for r in rounds),
        "bare_wall_s": median(r["bare"]["wall_s"] for r in rounds),
        "ratio_median": median(r["ratio"] for r in rounds),
        "goal": THROUGHPUT_GOAL,
    }, embedder


def unchanged(args: argparse.Namespace, models: Path, work: Path, embedder: Any) -> dict[str, Any]:
    from desktop.settings import Settings

    settings = Settings()
    entries = load_entries(args.corpus, args.small_files, fallback_sentences=2)
    short = [type(e)(e.id, e.title, e.text[: args.small_chars]) for e in entries]
    folder = work / "small"
    files = write_documents(folder, short, (".txt", ".md"))
    home = work / "home-unchanged"
    paths = app_paths(home, models)

    first = run_index(paths, settings, embedder, folder)
    print(
        f"  first run: {first['files_indexed']} files, {first['chunks']} chunks "
        f"in {first['wall_s']:.1f} s",
        flush=True,
    )
    runs = []
    for i in range(args.unchanged_runs):
        run = run_index(paths, settings, embedder, folder)
        if run["files_unchanged"] != len(files) - first["files_skipped"]:
            raise SystemExit(f"re-run {i + 1} found changes: {run}")
        runs.append(run)
    walls = [r["wall_s"] for r in runs]
    result: dict[str, Any] = {
        "files": len(files),
        "first_run": first,
        "runs_s": walls,
        "median_s": median(walls),
        "s_per_1000_files": median(walls) / len(files) * 1000,
        "goal_s_per_1000_files": UNCHANGED_GOAL_S_PER_1000,
    }

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run_index(paths, settings, embedder, folder)
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(25)
        print(stream.getvalue())

    if args.cli:
        # Whole processes, as a user runs them: `collections` opens the same data folder
        # with no model and no LanceDB, so the difference is what `index` adds to start-up.
        env = child_env(models)
        exe = str(REPO_ROOT / ".venv" / "bin" / "arquivo")
        index_cmd = [exe, "--data-dir", str(home), "index", str(folder), "-c", "bench", "--json"]
        collections_cmd = [exe, "--data-dir", str(home), "collections", "--json"]
        cli_walls: list[float] = []
        base_walls: list[float] = []
        for _ in range(3):
            for command, walls in ((index_cmd, cli_walls), (collections_cmd, base_walls)):
                started = time.perf_counter()
                subprocess.run(command, env=env, check=True, capture_output=True)
                walls.append(time.perf_counter() - started)
        result["cli_runs_s"] = cli_walls
        result["cli_median_s"] = median(cli_walls)
        result["cli_s_per_1000_files"] = median(cli_walls) / len(files) * 1000
        result["cli_collections_runs_s"] = base_walls
        result["cli_collections_median_s"] = median(base_walls)
    return result


def main() -> int:
    from desktop.offline import enforce_offline

    enforce_offline()
    args = parse_args()
    models = models_dir(args.models_dir)
    header("bench_indexing")
    print(f"corpus: {args.corpus or 'generated'}; models: {models}", flush=True)
    with tempfile.TemporaryDirectory(prefix="arquivo-bench-") as tmp:
        work = Path(tmp)
        os.environ["ARQUIVO_HOME"] = str(work / "home")
        print("throughput (indexer vs bare fastembed, same chunks):", flush=True)
        speed, embedder = throughput(args, models, work)
        print("unchanged re-run:", flush=True)
        again = unchanged(args, models, work, embedder)

    ratio_ok = speed["ratio_median"] >= THROUGHPUT_GOAL
    unchanged_ok = again["s_per_1000_files"] < UNCHANGED_GOAL_S_PER_1000
    print()
    print(
        f"{speed['files']} files, {speed['chunks_bare']} chunks "
        f"(mean {speed['chunk_chars_mean']:.0f} chars), batch {speed['batch_size']}, "
        f"{len(speed['rounds'])} rounds, medians:"
    )
    print_table(
        ["measure", "value", "goal", "verdict"],
        [
            ["indexer chunks/s (end to end)", speed["indexer_chunks_per_s"], "", ""],
            ["  embedding alone, inside indexer", speed["embed_chunks_per_s_inside_indexer"],
             "", ""],
            ["bare fastembed chunks/s", speed["bare_chunks_per_s"], "", ""],
            ["ratio indexer / bare", speed["ratio_median"], f">= {THROUGHPUT_GOAL}",
             verdict(ratio_ok)],
            [f"unchanged re-run, {again['files']} files (s)", again["median_s"], "", ""],
            ["unchanged re-run, s per 1,000 files", again["s_per_1000_files"],
             f"< {UNCHANGED_GOAL_S_PER_1000}", verdict(unchanged_ok)],
            *(
                [["`arquivo index` process, unchanged (s)", again["cli_median_s"], "(info)", ""],
                 ["`arquivo collections` process (s)", again["cli_collections_median_s"],
                  "(info)", ""]]
                if "cli_s_per_1000_files" in again
                else []
            ),
        ],
    )  # fmt: skip
    out = write_results(
        args.name,
        {
            "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
            | {"models_dir": str(models)},
            "throughput": speed,
            "unchanged": again,
            "goals": {
                "ratio_at_least": THROUGHPUT_GOAL,
                "ratio_met": ratio_ok,
                "unchanged_s_per_1000_files_under": UNCHANGED_GOAL_S_PER_1000,
                "unchanged_met": unchanged_ok,
            },
        },
    )
    print(f"\nresults: {out.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
