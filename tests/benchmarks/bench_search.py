"""Search latency and vector recall on a 100,000-chunk collection.

A standalone program, not a pytest test:

    .venv/bin/python tests/benchmarks/bench_search.py [--rows 100000] [--queries 200]

It builds a real collection through the product's own `LanceStore.add_many`,
`CollectionsDatabase.record_files` and `refresh_indexes` in a temporary ARQUIVO_HOME, then
measures the whole `Assistant.search` path (query embedding, vector search,
full-text search, fusion, catalog path lookup) with the real embedding model.

The corpus. Embedding 100,000 chunks takes hours on 2 cores, so only `--real`
passages (default 4,000) are embedded for real: FaQuAD's and SciFact's documents
cut by the product's chunker, embedded once with the real embedder and cached in
`bench-results/cache/`. Every other row is derived from them:

    i    a real passage, uniformly at random
    j    one of i's 10 nearest real passages (by cosine), uniformly at random
    a    uniform in [0.5, 0.95]
    v    normalise(a * v_i + (1 - a) * v_j + N(0, noise^2) per dimension)
    text a random run of round(a * len_i) of i's words, then a run of
         round((1 - a) * len_j) of j's words

so the vectors keep the real passages' cluster structure (each derived row
lies between two real neighbours, off the segment by the noise) and the texts
keep the sources' vocabulary and word frequencies for the full-text index.
Rows are shuffled, grouped into documents of 1 to 60 chunks, and committed 256
chunks at a time as the indexer does; the catalog records one file per document.

The queries are real: SciFact's and FaQuAD's queries.jsonl (SciFact first),
embedded by the real embedder inside the timed path. Ground truth is the exact
top 10 by cosine (a numpy product over the same vectors as stored).

Results go to stdout (a table) and bench-results/search.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

DEFAULT_DATA = REPO.parent / "shared" / "data"
RESULTS = REPO / "bench-results"
COMMIT_CHUNKS = 256  # as IndexOptions.commit_chunks
NEIGHBOURS = 10  # j is drawn among i's this many nearest real passages
MIX_RANGE = (0.5, 0.95)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rows", type=int, default=100_000, help="chunks in the collection")
    p.add_argument("--queries", type=int, default=200, help="queries measured")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding eval/")
    p.add_argument("--real", type=int, default=4_000, help="real passages embedded")
    p.add_argument("--noise", type=float, default=0.02, help="noise std per dimension")
    p.add_argument("--k", type=int, default=12, help="hits asked of Assistant.search")
    p.add_argument("--cpus", type=int, default=2, help="pin to this many CPUs (0: all)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--embedding-model", default="", help="an installed embedding model (default: the setting)"
    )
    p.add_argument("--cache", type=Path, default=RESULTS / "cache")
    p.add_argument("--out", type=Path, default=RESULTS / "search.json")
    p.add_argument("--keep", action="store_true", help="keep the temporary ARQUIVO_HOME")
    return p.parse_args(argv)


def pin_cpus(count: int) -> list[int]:
    """Restrict this process (and the thread pools it will start) to `count` CPUs."""
    cpus = sorted(os.sched_getaffinity(0))
    if count > 0 and len(cpus) > count:
        os.sched_setaffinity(0, cpus[:count])
    return sorted(os.sched_getaffinity(0))


# Corpus: real passages, derived rows, queries


@dataclass(frozen=True)
class Passage:
    source: str  # "scifact:<id>#<n>"
    text: str


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def real_passages(data: Path, limit: int, seed: int) -> tuple[list[Passage], str]:
    """FaQuAD's chunks, then SciFact's in a seeded random order, up to `limit`."""
    from desktop.core.ingest.chunking import chunk_document
    from desktop.core.types import Document, Section

    passages: list[Passage] = []
    sets = [(name, data / f"eval/{name}/corpus.jsonl") for name in ("faquad", "scifact")]
    found = [(name, path) for name, path in sets if path.is_file()]
    for name, path in found:
        docs = _jsonl(path)
        random.Random(seed).shuffle(docs)
        for doc in docs:
            document = Document(
                path=Path(f"{doc['_id']}.txt"),
                sections=(Section(text=doc["text"], heading=doc.get("title", "")),),
                title=doc.get("title", ""),
            )
            for chunk in chunk_document(document):
                passages.append(Passage(f"{name}:{doc['_id']}#{chunk.ordinal}", chunk.text))
    if passages:
        return passages[:limit], "real: " + ", ".join(str(p) for _, p in found)
    return generated_passages(limit, seed), "generated text (no eval data found)"


def generated_passages(limit: int, seed: int) -> list[Passage]:
    """Fallback without the eval data: topic-clustered pseudo-sentences."""
    rng = random.Random(seed)
    vocab = [f"{a}{b}" for a in ("ka", "lo", "mi", "ne", "su", "ta", "ve", "zo")
             for b in ("ran", "lis", "mot", "dun", "pel", "qui", "sor", "tem")]  # fmt: skip
    topics = [rng.sample(vocab, 12) for _ in range(max(1, limit // 40))]
    out = []
    for n in range(limit):
        topic = topics[n % len(topics)]
        words = [rng.choice(topic) if rng.random() < 0.6 else rng.choice(vocab) for _ in range(120)]
        out.append(Passage(f"generated:{n}", " ".join(words)))
    return out


def load_queries(data: Path, count: int) -> list[tuple[str, str]]:
    queries: list[tuple[str, str]] = []
    for name in ("scifact", "faquad"):
        path = data / f"eval/{name}/queries.jsonl"
        if path.is_file():
            queries += [(name, q["text"]) for q in _jsonl(path)]
    if not queries:
        queries = [("generated", f"kaneran {w} motsor") for w in range(count)]
    return queries[:count]


def embed_cached(embedder: Any, passages: list[Passage], cache: Path) -> tuple[Any, float, bool]:
    """Real vectors for `passages`, computed once per (model, passage set)."""
    import numpy as np

    key = hashlib.sha256(embedder.name.encode())
    for p in passages:
        key.update(p.source.encode() + b"\0" + p.text.encode() + b"\0")
    path = cache / f"passages-{key.hexdigest()[:16]}.npy"
    if path.is_file():
        return np.load(path), 0.0, True
    cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    parts = []
    for start in range(0, len(passages), 256):
        parts.append(embedder.embed_documents([p.text for p in passages[start : start + 256]]))
        done = start + len(parts[-1])
        rate = done / (time.perf_counter() - started)
        print(f"  embedded {done}/{len(passages)} real passages ({rate:.1f}/s)", flush=True)
    vectors = np.concatenate(parts).astype(np.float32)
    seconds = time.perf_counter() - started
    np.save(path, vectors)
    return vectors, seconds, False


def derive_rows(
    real: Any, texts: list[str], rows: int, noise: float, seed: int
) -> tuple[Any, list[str], list[int]]:
    """`rows` vectors and texts: the real ones, then derived ones (see the module doc).

    Returns the vectors (normalised float32), the texts, and for each row the
    real passage it mostly comes from (itself for a real row).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    n_real, dim = real.shape
    sims = real @ real.T
    np.fill_diagonal(sims, -np.inf)
    near = np.argpartition(-sims, NEIGHBOURS, axis=1)[:, :NEIGHBOURS]
    m = max(0, rows - n_real)
    i = rng.integers(0, n_real, m)
    j = near[i, rng.integers(0, NEIGHBOURS, m)]
    a = rng.uniform(*MIX_RANGE, m).astype(np.float32)
    derived = a[:, None] * real[i] + (1 - a[:, None]) * real[j]
    derived += rng.normal(0.0, noise, (m, dim)).astype(np.float32)
    derived /= np.linalg.norm(derived, axis=1, keepdims=True)
    vectors = np.concatenate([real[:rows], derived]).astype(np.float32)
    words = [t.split() for t in texts]
    out_texts = list(texts[:rows])
    for ii, jj, aa in zip(i.tolist(), j.tolist(), a.tolist(), strict=True):
        out_texts.append(_span(words[ii], aa, rng) + " " + _span(words[jj], 1 - aa, rng))
    base = list(range(min(rows, n_real))) + i.tolist()
    return vectors, out_texts, base


def _span(words: list[str], share: float, rng: Any) -> str:
    n = max(1, round(share * len(words)))
    start = int(rng.integers(0, max(1, len(words) - n + 1)))
    return " ".join(words[start : start + n])


# Building the collection through the product's store and catalog


def build_collection(
    ws: Any, vectors: Any, texts: list[str], seed: int
) -> tuple[Any, list[str], dict[str, float]]:
    """Store every row in documents of 1 to 60 chunks; returns (collection, row ids, timings)."""
    from desktop.core.index.collections_db import FileRecord
    from desktop.core.index.vector_store import TableSpec
    from desktop.core.types import Chunk

    rng = random.Random(seed)
    order = list(range(len(texts)))
    rng.shuffle(order)
    collection = ws.catalog.create_collection("bench", ws.embedder.name, ws.embedder.dim)
    table = TableSpec(collection.table_name, collection.dim, collection.language)
    ids = [""] * len(texts)
    documents: list[tuple[str, list[Chunk], list[int]]] = []
    pos = 0
    while pos < len(order):
        size = min(60, max(1, int(rng.expovariate(1 / 8)) + 1), len(order) - pos)
        rows = order[pos : pos + size]
        doc_hash = hashlib.sha256(f"bench-document-{len(documents)}".encode()).hexdigest()
        chunks = [Chunk(texts[r], n, page=n // 3 + 1) for n, r in enumerate(rows)]
        for n, r in enumerate(rows):
            ids[r] = f"{doc_hash}:{n}"
        documents.append((doc_hash, chunks, rows))
        pos += size
    started = time.perf_counter()
    batch: list[tuple[str, list[Chunk], list[int]]] = []
    for doc in documents:
        batch.append(doc)
        if sum(len(d[1]) for d in batch) >= COMMIT_CHUNKS or doc is documents[-1]:
            rows = [r for d in batch for r in d[2]]
            ws.store.add_many(table, [(h, c) for h, c, _ in batch], vectors[rows])
            files = [
                FileRecord(f"/bench/corpus/{h[:2]}/{h[:12]}.txt", h, 4096, 0) for h, _, _ in batch
            ]
            ws.catalog.record_files(collection, files, [(h, len(c), h[:12]) for h, c, _ in batch])
            batch = []
    added = time.perf_counter() - started

    vector_index = {"seconds": 0.0}
    original = ws.store._create_vector_index

    def timed_index(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            vector_index["seconds"] += time.perf_counter() - began

    ws.store._create_vector_index = timed_index
    started = time.perf_counter()
    ws.store.refresh_indexes(table)
    refresh = time.perf_counter() - started
    del ws.store._create_vector_index
    timings = {
        "add_s": added,
        "refresh_indexes_s": refresh,
        "vector_index_s": vector_index["seconds"],
        "documents": len(documents),
    }
    return collection, ids, timings


# Measuring


class Clock:
    """Accumulates the time spent in wrapped calls, per name, for one query."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - began

        return timed


class _Proxy:
    def __init__(self, inner: Any, clock: Clock, names: dict[str, str]) -> None:
        self._inner = inner
        for method, label in names.items():
            setattr(self, method, clock.wrap(label, getattr(inner, method)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def ms_stats(samples: Iterable[float]) -> dict[str, float]:
    values = sorted(s * 1000 for s in samples)
    if not values:
        return {"median_ms": 0.0, "p95_ms": 0.0, "mean_ms": 0.0, "max_ms": 0.0}
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return {
        "median_ms": round(statistics.median(values), 2),
        "p95_ms": round(p95, 2),
        "mean_ms": round(statistics.fmean(values), 2),
        "max_ms": round(values[-1], 2),
    }


def exact_top(vectors: Any, queries: Any, k: int) -> Any:
    import numpy as np

    sims = queries @ vectors.T
    top = np.argpartition(-sims, k, axis=1)[:, :k]
    order = np.take_along_axis(sims, top, axis=1).argsort(axis=1)[:, ::-1]
    return np.take_along_axis(top, order, axis=1)


def measure(
    ws: Any, collection: Any, vectors: Any, ids: list[str], queries: list[tuple[str, str]], k: int
) -> dict[str, Any]:
    import numpy as np

    from desktop.core.index.vector_store import TableSpec
    from desktop.core.retrieval.retriever import Retriever
    from desktop.services.assistant import Assistant

    table = TableSpec(collection.table_name, collection.dim, collection.language)
    texts = [q for _, q in queries]
    candidates = ws.retriever.config.candidates
    qvec = np.stack([ws.embedder.embed_query(t) for t in texts]).astype(np.float32)
    truth = exact_top(vectors, qvec, 10)
    truth_ids = [{ids[r] for r in row} for row in truth.tolist()]

    for text in texts[:10]:  # warm up every part once
        ws.assistant.search(collection.name, text, k)

    def timed(call: Callable[[int], Any]) -> tuple[list[float], list[Any]]:
        """One pass over the queries for one part alone, so parts never overlap."""
        seconds, results = [], []
        for n in range(len(texts)):
            began = time.perf_counter()
            results.append(call(n))
            seconds.append(time.perf_counter() - began)
        return seconds, results

    def recall(found: list[Any]) -> list[float]:
        return [
            len({h.chunk_id for h in hits[:10]} & truth_ids[n]) / 10 for n, hits in enumerate(found)
        ]

    embed_s, _ = timed(lambda n: ws.embedder.embed_query(texts[n]))
    vector_s, top10 = timed(lambda n: ws.store.vector_search(table, qvec[n], 10))
    vector_cand_s, top_cand = timed(lambda n: ws.store.vector_search(table, qvec[n], candidates))
    fts_s, _ = timed(lambda n: ws.store.text_search(table, texts[n], candidates))
    exact_s, _ = timed(lambda n: exact_top(vectors, qvec[n : n + 1], 10))
    recall10, recall_cand = recall(top10), recall(top_cand)

    # The headline: the product's own objects, nothing wrapped.
    e2e_s = []
    relevant = 0
    for text in texts:
        began = time.perf_counter()
        found = ws.assistant.search(collection.name, text, k)
        e2e_s.append(time.perf_counter() - began)
        relevant += found.relevant

    # The same path again with each part timed.
    clock = Clock()
    searches = {"hybrid_search": "searches", "vector_search": "searches", "text_search": "searches"}
    store = _Proxy(ws.store, clock, searches)
    catalog = _Proxy(ws.catalog, clock, {"paths_for": "catalog", "get_collection": "collection"})
    embedder = _Proxy(ws.embedder, clock, {"embed_query": "embed"})
    assistant = Assistant(catalog, Retriever(embedder, store, catalog), ws.load_llm)  # type: ignore[arg-type]
    names = ("embed", "searches", "collection", "catalog")
    parts: dict[str, list[float]] = {name: [] for name in (*names, "rest")}
    for text in texts:
        clock.spent = {}
        began = time.perf_counter()
        assistant.search(collection.name, text, k)
        total = time.perf_counter() - began
        for name in names:
            parts[name].append(clock.spent.get(name, 0.0))
        parts["rest"].append(total - sum(clock.spent.values()))

    flat_s = []
    lance = ws.store._table(table)
    for n in range(min(20, len(texts))):
        began = time.perf_counter()
        query = lance.search(qvec[n], vector_column_name="vector").distance_type("cosine")
        query.bypass_vector_index().limit(10).to_list()
        flat_s.append(time.perf_counter() - began)

    return {
        "recall_at_10": round(statistics.fmean(recall10), 4),
        "recall_at_10_min": min(recall10),
        "queries_below_0.8": sum(r < 0.8 for r in recall10),
        f"recall_at_10_of_top_{candidates}": round(statistics.fmean(recall_cand), 4),
        "end_to_end": ms_stats(e2e_s),
        "relevant_share": round(relevant / len(texts), 3),
        "breakdown_in_path": {name: ms_stats(v) for name, v in parts.items()},
        "alone": {
            "embed_query": ms_stats(embed_s),
            "vector_search_10": ms_stats(vector_s),
            f"vector_search_{candidates}": ms_stats(vector_cand_s),
            f"text_search_{candidates}": ms_stats(fts_s),
            "numpy_exact_top10": ms_stats(exact_s),
            "lancedb_flat_scan_top10_20q": ms_stats(flat_s),
        },
    }


def index_description(ws: Any, collection: Any) -> dict[str, Any]:
    from desktop.core.index.vector_store import LanceStore, TableSpec

    table = TableSpec(collection.table_name, collection.dim, collection.language)
    lance = ws.store._table(table)
    out: dict[str, Any] = {
        "ann_threshold": LanceStore.ann_threshold,
        "vector_probes": getattr(LanceStore, "vector_probes", None),
        "indices": [],
    }
    for index in lance.list_indices():
        out["indices"].append(
            {
                "name": index.name,
                "type": str(index.index_type),
                "columns": list(index.columns),
                "num_indexed_rows": index.num_indexed_rows,
                "num_unindexed_rows": index.num_unindexed_rows,
                "size_bytes": index.size_bytes,
                "details": {
                    k: v for k, v in (index.index_details or {}).items() if k != "runtime_hints"
                },
            }
        )
    return out


class OtherLoad:
    """CPU time other processes spend while this one measures, in cores (Linux)."""

    def __init__(self) -> None:
        self._start = self._sample()

    @staticmethod
    def _sample() -> tuple[float, float, float]:
        busy = 0.0
        with contextlib.suppress(OSError):
            fields = [float(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
            busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
        own = os.times()
        return time.perf_counter(), busy, own.user + own.system

    def cores(self) -> float:
        wall, busy, own = (b - a for a, b in zip(self._start, self._sample(), strict=True))
        return round(max(0.0, (busy - own) / wall), 2) if busy and wall > 0 else 0.0


def machine() -> dict[str, Any]:
    model = platform.processor()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model,
        "cpus_used": sorted(os.sched_getaffinity(0)),
        "cpus_total": os.cpu_count(),
        "load_average_1_5_15_min": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("lancedb", "pylance", "pyarrow", "numpy", "fastembed", "onnxruntime"):
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    return out


def print_table(result: dict[str, Any]) -> None:
    m = result["results"]
    b = m["breakdown_in_path"]
    a = m["alone"]
    build = result["build"]
    vector_alone = next(k for k in a if k.startswith("vector_search_") and k != "vector_search_10")
    text_alone = next(k for k in a if k.startswith("text_search_"))
    rows = [
        ("recall@10, vector search alone (limit 10)", f"{m['recall_at_10']:.3f}", "goal >= 0.95"),
        ("recall@10, top 10 of the retriever's candidates",
         f"{m[next(k for k in m if k.startswith('recall_at_10_of_top'))]:.3f}", ""),
        ("end to end Assistant.search, median", f"{m['end_to_end']['median_ms']:.1f} ms",
         "goal <= 50 ms"),
        ("end to end Assistant.search, p95", f"{m['end_to_end']['p95_ms']:.1f} ms", ""),
        ("  query embedding (median)", f"{b['embed']['median_ms']:.1f} ms", ""),
        ("  vector and full-text search, run together (median)",
         f"{b['searches']['median_ms']:.1f} ms", ""),
        ("    (vector search alone)", f"{a[vector_alone]['median_ms']:.1f} ms", vector_alone),
        ("    (full-text search alone)", f"{a[text_alone]['median_ms']:.1f} ms", text_alone),
        ("  catalog: get_collection (median)", f"{b['collection']['median_ms']:.1f} ms", ""),
        ("  catalog: paths_for (median)", f"{b['catalog']['median_ms']:.1f} ms", ""),
        ("  fusion and the rest (median)", f"{b['rest']['median_ms']:.1f} ms", ""),
        ("numpy exact top 10 (median)", f"{a['numpy_exact_top10']['median_ms']:.1f} ms", ""),
        ("LanceDB flat scan top 10 (median, 20 q)",
         f"{a['lancedb_flat_scan_top10_20q']['median_ms']:.1f} ms", ""),
        ("vector index build at the end of indexing", f"{build['vector_index_s']:.1f} s", ""),
        ("refresh_indexes in all (FTS, vector, optimize)",
         f"{build['refresh_indexes_s']:.1f} s", ""),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>10}  {note}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cpus = pin_cpus(args.cpus)
    import numpy as np

    from desktop.offline import enforce_offline
    from desktop.paths import HOME_ENV, MODELS_ENV, AppPaths
    from desktop.services.workspace import Workspace
    from desktop.settings import Settings

    enforce_offline()
    models = AppPaths.resolve().models  # found before ARQUIVO_HOME moves
    home = Path(tempfile.mkdtemp(prefix="arquivo-bench-"))
    os.environ[HOME_ENV] = str(home)
    os.environ[MODELS_ENV] = str(models)
    print(f"CPUs {cpus}; temporary ARQUIVO_HOME {home}", flush=True)
    settings = Settings()
    if args.embedding_model:
        settings = settings.replace(embedding_model=args.embedding_model)
    ws = Workspace(AppPaths.resolve(), settings)
    try:
        passages, source = real_passages(args.data, args.real, args.seed)
        print(f"{len(passages)} real passages ({source})", flush=True)
        real, embed_s, cached = embed_cached(ws.embedder, passages, args.cache)
        real = real / np.linalg.norm(real, axis=1, keepdims=True)
        vectors, texts, base = derive_rows(
            real, [p.text for p in passages], args.rows, args.noise, args.seed
        )
        n_real = min(len(passages), args.rows)
        derived = vectors[n_real:]
        cos_base = (derived * real[base[n_real:]]).sum(axis=1) if len(derived) else np.zeros(1)
        queries = load_queries(args.data, args.queries)
        print(f"{len(vectors)} rows ({n_real} real, {len(vectors) - n_real} derived); "
              f"{len(queries)} queries; building the collection...", flush=True)  # fmt: skip
        collection, ids, build = build_collection(ws, vectors, texts, args.seed)
        print(
            f"  stored in {build['add_s']:.1f} s; refresh_indexes "
            f"{build['refresh_indexes_s']:.1f} s (vector index {build['vector_index_s']:.1f} s)",
            flush=True,
        )
        other = OtherLoad()
        results = measure(ws, collection, vectors, ids, queries, args.k)
        results["other_processes_cpu_cores"] = other.cores()
        if results["other_processes_cpu_cores"] > 0.2:
            print(
                f"  warning: other processes used {results['other_processes_cpu_cores']:.2f} "
                "CPU cores while this measured: the timings are pessimistic"
            )
        report: dict[str, Any] = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "machine": machine(),
            "versions": versions(),
            "parameters": {
                "rows": len(vectors),
                "queries": len(queries),
                "query_sets": sorted({s for s, _ in queries}),
                "k": args.k,
                "candidates": ws.retriever.config.candidates,
                "embedding_model": ws.embedder.name,
                "seed": args.seed,
            },
            "corpus": {
                "real_passages": n_real,
                "real_source": source,
                "real_embedding_s": round(embed_s, 1),
                "real_embedding_cached": cached,
                "derived_rows": len(vectors) - n_real,
                "derivation": (
                    f"v = normalise(a*v_i + (1-a)*v_j + N(0, {args.noise}^2)); i a random real "
                    f"passage, j one of its {NEIGHBOURS} nearest real passages, a ~ U{MIX_RANGE}; "
                    "text = a random run of round(a*len_i) of i's words + a run of "
                    "round((1-a)*len_j) of j's words"
                ),
                "derived_cosine_to_main_source": {
                    "median": round(float(np.median(cos_base)), 3),
                    "p5": round(float(np.percentile(cos_base, 5)), 3),
                },
                "documents": build["documents"],
                "commit_chunks": COMMIT_CHUNKS,
            },
            "build": {k: round(v, 2) for k, v in build.items()},
            "index": index_description(ws, collection),
            "results": results,
        }
        corpus = report["corpus"]
        print(
            f"\ncorpus: {corpus['real_passages']} real passages, {corpus['derived_rows']} derived:"
        )
        print(f"  {corpus['derivation']}")
        print(f"  derived rows' cosine to i: {corpus['derived_cosine_to_main_source']}")
        print(f"  {corpus['documents']} documents; {len(queries)} real queries\n")
        print_table(report)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.out}")
    finally:
        ws.close()
        if args.keep:
            print(f"kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
