"""Shared helpers for the benchmark scripts: data, machine facts, tables, results.

The scripts are programs, not tests (`.venv/bin/python tests/benchmarks/bench_X.py`).
They measure on noisy shared machines, so they report ratios taken in the same run,
alternate the two sides, repeat, and keep medians.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # run as a script: make `desktop` importable
    sys.path.insert(0, str(REPO_ROOT))

SHARED_DATA = (REPO_ROOT / ".." / "shared" / "data").resolve()
EVAL_DATA = SHARED_DATA / "eval"
RESULTS_DIR = REPO_ROOT / "bench-results"

PACKAGES = (
    "arquivo",
    "fastembed",
    "onnxruntime",
    "llama_cpp_python",
    "lancedb",
    "pyarrow",
    "numpy",
    "pymupdf",
)


# Machine and versions


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, Any]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gb": memory_gb,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def versions() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    commit = _git("describe", "--always", "--dirty")
    changed = _git("status", "--porcelain", "--", "desktop")
    found["git"] = commit or os.environ.get("ARQUIVO_BENCH_COMMIT")
    found["product_files_changed"] = changed.splitlines() if changed else []
    return found


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(
            ["git", "-C", str(REPO_ROOT), *args], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def child_env(models: Path) -> dict[str, str]:
    """Environment for an `arquivo` process: these models, and this checkout's code."""
    env = {**os.environ, "ARQUIVO_MODELS_DIR": str(models)}
    env.pop("ARQUIVO_HOME", None)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    return env


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def write_results(name: str, payload: dict[str, Any]) -> Path:
    """`bench-results/<name>.json` with the date, machine and versions added."""
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"{name}.json"
    document = {
        "benchmark": name,
        "date": now_iso(),
        "machine": machine_info(),
        "versions": versions(),
        **payload,
    }
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def header(title: str) -> None:
    info = machine_info()
    print(f"{title}  ({now_iso()}, {info['cpu']}, {info['usable_cores']} cores)")


# Noise


def _cpu_times() -> tuple[int, int]:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields), idle


def busy_cores(interval: float = 0.5) -> float:
    """Cores kept busy by everything on the machine during `interval` (0 if unknown)."""
    try:
        total0, idle0 = _cpu_times()
        time.sleep(interval)
        total1, idle1 = _cpu_times()
    except (OSError, ValueError, IndexError):
        return 0.0
    span = total1 - total0
    cores = os.cpu_count() or 1
    return cores * (span - (idle1 - idle0)) / span if span > 0 else 0.0


def wait_for_quiet(max_wait: float, threshold: float = 0.3) -> dict[str, float]:
    """Wait (at most `max_wait` s) until other processes use under `threshold` cores.

    Call it while this process is idle: what it sees busy is someone else. On a
    shared machine this keeps most measurements off other jobs' bursts; what it
    saw goes into the results so a reader can judge.
    """
    started = time.perf_counter()
    busy = busy_cores()
    while busy >= threshold and time.perf_counter() - started < max_wait:
        busy = busy_cores()
    return {"waited_s": round(time.perf_counter() - started, 2), "busy_cores": round(busy, 2)}


class Contention:
    """Cores that other processes used while a block ran (its own CPU time taken out)."""

    def __enter__(self) -> Contention:
        self.others_cores = float("nan")
        self._start = time.perf_counter()
        self._cpu = _self_cpu()
        try:
            self._stat: tuple[int, int] | None = _cpu_times()
        except (OSError, ValueError, IndexError):
            self._stat = None
        return self

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter() - self._start
        if self._stat is None or wall <= 0:
            return
        total, idle = _cpu_times()
        busy_s = ((total - self._stat[0]) - (idle - self._stat[1])) / os.sysconf("SC_CLK_TCK")
        self.others_cores = max(0.0, (busy_s - (_self_cpu() - self._cpu)) / wall)


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# Statistics and tables


def median(values: Iterable[float]) -> float:
    values = list(values)
    return float(statistics.median(values)) if values else float("nan")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            if value != value:  # nan
                return "-"
            return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
        return str(value)

    text = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in text)) for i, h in enumerate(headers)]
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w)
        for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    print(line)
    print("-" * len(line))
    for row in text:
        print(
            "  ".join(
                v.ljust(w) if i == 0 else v.rjust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


# Models and data folders


def models_dir(override: Path | None = None) -> Path:
    """The real default models: --models-dir, else $ARQUIVO_MODELS_DIR or the default."""
    if override is not None:
        return override.expanduser().absolute()
    from desktop.paths import AppPaths

    return AppPaths.resolve().models


def app_paths(home: Path, models: Path) -> Any:
    from desktop.paths import AppPaths

    return AppPaths(home=home, models=models).ensure()


# Documents


@dataclass(frozen=True)
class Entry:
    """One passage of a corpus, written as one file."""

    id: str
    title: str
    text: str


def default_corpus(name: str) -> Path | None:
    """`../shared/data/eval/<name>/corpus.jsonl` when this checkout has it."""
    path = EVAL_DATA / name / "corpus.jsonl"
    return path if path.is_file() else None


def read_corpus(path: Path, limit: int | None = None) -> list[Entry]:
    entries: list[Entry] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            entries.append(Entry(str(row["_id"]), row.get("title") or "", row["text"]))
            if limit is not None and len(entries) >= limit:
                break
    return entries


_WORDS = """
    archive boiler budget contract council delivery energy factory garden harbour
    inspection journal laboratory maintenance network office payment quarter report
    schedule storage supplier survey teacher transport valve warehouse water budget
    engineer library meeting museum patient project railway record research river
    school season service station student system theatre vehicle village window
""".split()


def generate_corpus(n: int, seed: int = 7, sentences: int = 12) -> list[Entry]:
    """English-like passages for machines without the shared data sets."""
    rng = random.Random(seed)
    entries = []
    for i in range(n):
        topic = rng.sample(_WORDS, 3)
        body = []
        for _ in range(sentences):
            words = rng.sample(_WORDS, 7)
            number = rng.randint(2, 9000)
            body.append(
                f"The {topic[0]} {words[0]} of the {topic[1]} {words[1]} reported {number} "
                f"{words[2]} {words[3]} near the {words[4]} {topic[2]} and the {words[5]} "
                f"{words[6]}."
            )
        entries.append(Entry(f"gen-{i:05d}", " ".join(topic).title(), " ".join(body)))
    return entries


def load_entries(corpus: Path | None, limit: int, fallback_sentences: int = 12) -> list[Entry]:
    if corpus is not None and corpus.is_file():
        return read_corpus(corpus, limit)
    return generate_corpus(limit, sentences=fallback_sentences)


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:80] or "doc"


def write_documents(folder: Path, entries: Sequence[Entry], suffixes: Sequence[str]) -> list[Path]:
    """One file per entry, suffixes taken in turn (.md files get the title as a heading)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, entry in enumerate(entries):
        suffix = suffixes[i % len(suffixes)]
        path = folder / f"{i:05d}-{safe_name(entry.id)}{suffix}"
        if suffix == ".md" and entry.title:
            content = f"# {entry.title}\n\n{entry.text}\n"
        elif entry.title:
            content = f"{entry.title}\n\n{entry.text}\n"
        else:
            content = entry.text + "\n"
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths


def read_queries(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or parts[0] == "query-id":
                continue
            qrels.setdefault(parts[0], set()).add(parts[1])
    return qrels


def default_eval(name: str) -> Path | None:
    """`../shared/data/eval/<name>/` when this checkout has it."""
    folder = EVAL_DATA / name
    return folder if (folder / "corpus.jsonl").is_file() else None


def eval_collection(
    eval_dir: Path | None, docs: int, questions: int
) -> tuple[list[Entry], list[str]]:
    """`docs` passages that hold the gold passages of `questions` real questions.

    Without a data set: generated passages, and questions made from their titles.
    """
    if eval_dir is not None and (eval_dir / "queries.jsonl").is_file():
        corpus = read_corpus(eval_dir / "corpus.jsonl")
        by_id = {e.id: e for e in corpus}
        qrels = read_qrels(eval_dir / "qrels.tsv")
        chosen: list[str] = []
        gold: list[Entry] = []
        for query in read_queries(eval_dir / "queries.jsonl"):
            if len(chosen) >= questions:
                break
            ids = [i for i in sorted(qrels.get(str(query["_id"]), ())) if i in by_id]
            if ids:
                chosen.append(query["text"])
                gold.extend(by_id[i] for i in ids if by_id[i] not in gold)
        taken = {e.id for e in gold}
        filler = [e for e in corpus if e.id not in taken][: max(0, docs - len(gold))]
        return gold + filler, chosen
    entries = generate_corpus(docs)
    rng = random.Random(3)
    picked = rng.sample(entries, min(questions, len(entries)))
    return entries, [f"What was reported about the {e.title.lower()}?" for e in picked]
