"""Measure retrieval quality on a public benchmark in BEIR layout, through the real path.

A dataset is a folder in BEIR layout (`beir`). Every corpus entry becomes a
plain-text file that the normal `Indexer` indexes into the workspace's
collection; every query goes through `Assistant.search`, and the retrieved
chunks map back to document ids through their file names. Two references run
in the same process on the same documents and queries, so that ratios to them
do not depend on the machine or its load: BM25 (`bm25s`, Lucene variant, k1
1.5, b 0.75, lower-case word tokens, no stemming) and bare dense search with
the workspace's embedding model (each document's whole text embedded once,
exact cosine). Metrics are BEIR's (`beir.score_run`, trec_eval).

Embedding a corpus is the slow part (SciFact's 5,183 abstracts take about ten
minutes on 2 quiet cores, hours on busy ones), so a run can keep its data
folder and a later run reuse it (`reuse_index`): the corpus files stay in the
folder too, so indexing them again is the normal incremental run, which skips
what is indexed (an interrupted build resumes where it stopped), and the dense
reference's vectors are read back. That is for comparing retrieval settings;
after a change to chunking, indexing or the embedding model the folder must be
built afresh.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import os
import platform
import re
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from desktop import __version__
from desktop.core.index.vector_store import FTS_LANGUAGES
from desktop.core.models.embedding import Embedder
from desktop.core.types import CancelToken, FileSkipped, IndexSummary, Progress
from desktop.errors import ArquivoError
from desktop.services.beir import (
    CorpusDocument,
    EvalQuery,
    QueryScores,
    load_dataset,
    mean_scores,
    score_run,
    unique_ids,
)
from desktop.services.workspace import Workspace

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)
_UNSAFE_NAME = re.compile(r"[^\w.-]+", re.UNICODE)
_EMBED_BATCH = 32  # documents embedded per step of the dense reference

BM25 = "bm25"
DENSE = "dense"
ARQUIVO = "arquivo"
REFERENCES = (BM25, DENSE)
_METRICS = ("ndcg", "recall", "mrr")
_PACKAGES = (
    "fastembed", "onnxruntime", "lancedb", "pyarrow", "numpy", "bm25s", "pytrec-eval-terrier",
)  # fmt: skip


# Results


@dataclass(frozen=True)
class MethodResult:
    name: str
    description: str
    ndcg: float
    recall: float
    mrr: float
    latency_median_ms: float
    latency_p95_ms: float
    per_query: Mapping[str, QueryScores] = field(repr=False)

    def to_dict(self, per_query: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "ndcg": round(self.ndcg, 4),
            "recall": round(self.recall, 4),
            "mrr": round(self.mrr, 4),
            "latency_median_ms": round(self.latency_median_ms, 2),
            "latency_p95_ms": round(self.latency_p95_ms, 2),
        }
        if per_query:
            out["per_query"] = {
                qid: [round(s.ndcg, 4), round(s.recall, 4), round(s.mrr, 4)]
                for qid, s in self.per_query.items()
            }
        return out


@dataclass(frozen=True)
class EvalReport:
    dataset: str
    dataset_dir: str
    k: int
    documents: int
    documents_skipped: int  # corpus entries the indexer did not index (no text)
    chunks: int
    queries: int
    judgements: int
    date: str
    machine: Mapping[str, Any]
    versions: Mapping[str, str]
    embedding_model: str
    collection_language: str
    retrieval: Mapping[str, Any]  # the retriever's settings and the chunks asked per query
    index_seconds: float
    dense_embed_seconds: float
    methods: tuple[MethodResult, ...]
    index_reused: bool = False  # the collection came from an earlier run's data folder
    chunks_embedded: int = 0  # by this run's indexing: 0 when a kept index was complete

    def method(self, name: str) -> MethodResult:
        for result in self.methods:
            if result.name == name:
                return result
        raise KeyError(name)

    def ratio(self, name: str, reference: str, metric: str = "ndcg") -> float | None:
        """`name`'s metric divided by `reference`'s; None when the reference scored 0."""
        base = float(getattr(self.method(reference), metric))
        return float(getattr(self.method(name), metric)) / base if base > 0 else None

    def ratios(self, name: str) -> dict[str, dict[str, float | None]]:
        """`name`'s metrics as ratios to each reference in the run."""
        present = [m.name for m in self.methods if m.name in REFERENCES and m.name != name]
        return {f"vs_{r}": {m: self.ratio(name, r, m) for m in _METRICS} for r in present}

    def to_dict(self, per_query: bool = True) -> dict[str, Any]:
        """JSON-ready: rounded figures, and each query's scores when `per_query`."""
        out: dict[str, Any] = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name != "methods"
        }
        out.update(
            metrics=f"nDCG@{self.k}, recall@{self.k}, MRR@{self.k} (trec_eval)",
            machine=dict(self.machine),
            versions=dict(self.versions),
            retrieval=dict(self.retrieval),
            index_seconds=round(self.index_seconds, 1),
            dense_embed_seconds=round(self.dense_embed_seconds, 1),
            methods=[m.to_dict(per_query) for m in self.methods],
            ratios={
                m.name: {
                    ref: {key: None if v is None else round(v, 4) for key, v in values.items()}
                    for ref, values in self.ratios(m.name).items()
                }
                for m in self.methods
                if m.name not in REFERENCES
            },
        )
        return out

    def to_json(self, per_query: bool = True, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(per_query), ensure_ascii=False, indent=indent)


@dataclass(frozen=True)
class EvalProgress:
    """How far a run is: `stage` is "index", "embed" (the dense reference) or "search"."""

    stage: str
    done: int
    total: int


ProgressCallback = Callable[[EvalProgress], None]


# The two references


class Bm25Reference:
    """BM25 as the comparison point: bm25s, Lucene's formula, plain lower-case words."""

    def __init__(self, documents: Sequence[CorpusDocument]) -> None:
        try:
            import bm25s
        except ImportError as exc:
            raise ArquivoError(
                "the evaluation needs the `bm25s` package", "`make setup` installs it"
            ) from exc
        self._ids = [doc.id for doc in documents]
        self._index = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
        self._index.index([tokenize(doc.content) for doc in documents], show_progress=False)
        self._vocab: Mapping[str, int] = self._index.vocab_dict

    def search(self, query: str, k: int) -> list[str]:
        tokens = [t for t in tokenize(query) if t in self._vocab]
        if not tokens:
            return []
        found, scores = self._index.retrieve(
            [tokens], k=min(k, len(self._ids)), show_progress=False, n_threads=1
        )
        return [self._ids[int(i)] for i, s in zip(found[0], scores[0], strict=True) if s > 0]


def tokenize(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _load_vectors(path: Path | None, shape: tuple[int, int]) -> np.ndarray | None:
    """Vectors saved by an earlier run, or None when absent or of another shape."""
    if path is None or not path.is_file():
        return None
    try:
        matrix = np.load(path)
    except (OSError, ValueError):
        return None
    return matrix if matrix.shape == shape else None


class DenseReference:
    """Exhaustive cosine search over one vector per whole document."""

    def __init__(
        self,
        embedder: Embedder,
        documents: Sequence[CorpusDocument],
        cancel: CancelToken,
        progress: ProgressCallback | None = None,
        cache: Path | None = None,
    ) -> None:
        """`cache`: an .npy file of the vectors, read when it fits, else written."""
        self._embedder = embedder
        self._ids = [doc.id for doc in documents]
        started = time.perf_counter()
        cached = _load_vectors(cache, (len(documents), embedder.dim))
        if cached is not None:
            self._matrix = cached
            self.seconds = 0.0
            return
        parts = []
        for start in range(0, len(documents), _EMBED_BATCH):
            cancel.raise_if_cancelled()
            batch = documents[start : start + _EMBED_BATCH]
            parts.append(embedder.embed_documents([doc.content for doc in batch]))
            if progress:
                progress(EvalProgress("embed", start + len(batch), len(documents)))
        self._matrix = np.concatenate(parts) if parts else np.zeros((0, embedder.dim), np.float32)
        self.seconds = time.perf_counter() - started
        if cache is not None:
            np.save(cache, self._matrix)

    def search(self, query: str, k: int) -> list[str]:
        # einsum, not `@`: a matrix product starts OpenBLAS's threads, which then spin
        # for a while after it, and on 2 cores that time was charged to the next method
        # measured (Arquivo's median on SciFact: 116 ms after it, 68 ms with one thread).
        # One thread does this product in about a millisecond.
        scores = np.einsum("ij,j->i", self._matrix, self._embedder.embed_query(query))
        top = min(k, len(scores))
        best = np.argpartition(-scores, top - 1)[:top] if top else np.zeros(0, np.int64)
        ordered = best[np.argsort(-scores[best], kind="stable")]
        return [self._ids[int(i)] for i in ordered]


# The run


def evaluate(
    dataset_dir: Path,
    workspace: Workspace,
    *,
    k: int = 10,
    limit_queries: int | None = None,
    queries_dir: Path | None = None,
    collection_language: str | None = None,
    references: Sequence[str] = REFERENCES,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    reuse_index: bool = False,
) -> EvalReport:
    """Index the dataset into `workspace` and measure Arquivo and the references.

    `workspace` should be a throwaway one (a temporary data folder): the corpus
    becomes a collection in it. `collection_language` (one of `FTS_LANGUAGES`)
    fixes that collection's full-text language instead of letting the indexer
    detect it. Leaving `DENSE` out of `references` saves embedding the corpus a
    second time. With `reuse_index`, the corpus files are kept in the data
    folder and indexed incrementally (a collection an earlier run left there is
    only completed), and the dense reference's vectors are kept for the next run.
    """
    if k < 1:
        raise ArquivoError("k must be at least 1")
    unknown = set(references) - set(REFERENCES)
    if unknown:
        raise ArquivoError(f"unknown reference {sorted(unknown)[0]!r}", f"known: {REFERENCES}")
    if collection_language is not None and collection_language not in FTS_LANGUAGES:
        raise ArquivoError(
            f"unknown full-text language {collection_language!r}",
            f"known: {', '.join(FTS_LANGUAGES)}",
        )
    cancel = cancel or CancelToken()
    dataset = load_dataset(dataset_dir, queries_dir=queries_dir, limit_queries=limit_queries)
    machine = machine_info()
    collection_name = f"eval-{dataset.name}"
    embedder = workspace.embedder
    existing = workspace.catalog.find_collection(collection_name)
    reused = reuse_index and existing is not None
    if existing is not None and not reused:
        raise ArquivoError(
            f"collection {collection_name!r} already exists in {workspace.paths.home}",
            "evaluate into an empty data folder",
        )
    if existing is not None and existing.embedding_model != embedder.name:
        raise ArquivoError(
            f"the kept index in {workspace.paths.home} was built with "
            f"{existing.embedding_model!r}, not {embedder.name!r}",
            "delete that folder to build it again",
        )
    if collection_language is not None and not reused:
        workspace.catalog.create_collection(
            collection_name, embedder.name, embedder.dim, collection_language
        )
    with contextlib.ExitStack() as stack:
        if reuse_index:  # kept beside the index, unchanged files keep their mtime
            folder = workspace.paths.home / f"corpus-{_UNSAFE_NAME.sub('_', dataset.name)}"
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="arquivo-eval-")))
        ids = write_corpus_files(dataset.documents, folder)
        summary = index_corpus(workspace, folder, collection_name, cancel, progress)
        stats = workspace.catalog.stats(workspace.catalog.get_collection(collection_name))
        indexed = (len(summary.files_skipped), stats.chunks, summary.seconds)
        depth = 3 * k  # chunks asked per query: several chunks may share a document
        searchers: dict[str, Callable[[str], list[str]]] = {}
        if BM25 in references:
            bm25 = Bm25Reference(dataset.documents)
            searchers[BM25] = lambda q: bm25.search(q, k)
        dense_seconds = 0.0
        if DENSE in references:
            cache = _dense_cache(workspace, dataset.name, embedder) if reuse_index else None
            dense = DenseReference(embedder, dataset.documents, cancel, progress, cache)
            searchers[DENSE] = lambda q: dense.search(q, k)
            dense_seconds = dense.seconds
        searchers[ARQUIVO] = lambda q: _arquivo_search(workspace, collection_name, q, depth, ids)
        runs, latencies = _run_queries(dataset.queries, searchers, cancel, progress)
    collection = workspace.catalog.get_collection(collection_name)
    descriptions = {
        BM25: "bm25s Lucene k1=1.5 b=0.75, lower-case words, title + text",
        DENSE: f"{embedder.name}, one vector per document, exact cosine",
        ARQUIVO: "Arquivo's retrieval (Assistant.search) over the indexed chunks",
    }
    methods = []
    for name in runs:
        per_query = score_run(dataset.qrels, runs[name], k)
        mean = mean_scores(per_query)
        methods.append(
            MethodResult(
                name=name,
                description=descriptions[name],
                ndcg=mean.ndcg,
                recall=mean.recall,
                mrr=mean.mrr,
                latency_median_ms=float(np.median(latencies[name])),
                latency_p95_ms=float(np.percentile(latencies[name], 95)),
                per_query=per_query,
            )
        )
    retrieval = dict(asdict(workspace.retriever.config))
    retrieval["chunks_per_query"] = depth
    retrieval["embedder_knows_language"] = workspace.retriever.knows_language(collection)
    retrieval["vector_weight_used"] = workspace.retriever.vector_weight(collection)
    retrieval["bridge_languages"] = workspace.settings.bridge_languages
    report = EvalReport(
        dataset=dataset.name,
        dataset_dir=str(dataset_dir.resolve()),
        k=k,
        documents=len(dataset.documents),
        documents_skipped=indexed[0],
        chunks=indexed[1],
        queries=len(dataset.queries),
        judgements=dataset.judgements,
        date=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        machine=machine,
        versions=versions(),
        embedding_model=embedder.name,
        collection_language=collection.language,
        retrieval=retrieval,
        index_seconds=indexed[2],
        dense_embed_seconds=dense_seconds,
        methods=tuple(methods),
        index_reused=reused,
        chunks_embedded=summary.chunks_added,
    )
    logger.info(
        "evaluated %s: %d documents, %d queries; nDCG@%d %s",
        report.dataset, report.documents, report.queries, k,
        ", ".join(f"{m.name} {m.ndcg:.3f}" for m in report.methods),
    )  # fmt: skip
    return report


def _file_names(documents: Sequence[CorpusDocument]) -> dict[str, str]:
    """Each corpus entry's file name (lower case) -> its id; the same on every run."""
    ids_by_name: dict[str, str] = {}
    for doc in documents:
        base = _UNSAFE_NAME.sub("_", doc.id)[:100].strip("._") or "doc"
        name = f"{base}.txt"
        if name.lower() in ids_by_name:  # ids that differ only in unsafe characters or case
            name = f"{base}-{len(ids_by_name)}.txt"
        ids_by_name[name.lower()] = doc.id
    return ids_by_name


def write_corpus_files(documents: Sequence[CorpusDocument], folder: Path) -> dict[str, str]:
    """One .txt file per corpus entry, named after its id; returns file name -> id.

    A file that already holds the entry is left alone, so that the indexer
    sees it unchanged (same size and modification time) in a kept folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    ids_by_name = _file_names(documents)
    names = list(ids_by_name)  # in corpus order, like `documents`
    for name, doc in zip(names, documents, strict=True):
        path = folder / name
        data = doc.content.encode("utf-8")
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            pass
        path.write_bytes(data)
    return ids_by_name


def _dense_cache(workspace: Workspace, dataset: str, embedder: Embedder) -> Path:
    name = _UNSAFE_NAME.sub("_", f"dense-{dataset}-{embedder.name}")
    return workspace.paths.home / f"{name}.npy"


def index_corpus(
    workspace: Workspace,
    folder: Path,
    collection: str,
    cancel: CancelToken,
    progress: ProgressCallback | None,
    stage: str = "index",
) -> IndexSummary:
    summary: IndexSummary | None = None
    for event in workspace.indexer.index([folder], collection, cancel):
        if isinstance(event, Progress) and progress:
            progress(EvalProgress(stage, event.files_done, event.files_total))
        elif isinstance(event, FileSkipped):
            logger.info("corpus entry not indexed: %s (%s)", event.path, event.reason)
        elif isinstance(event, IndexSummary):
            summary = event
    assert summary is not None, "an indexing run ends with its summary"
    return summary


def _arquivo_search(
    workspace: Workspace, collection: str, query: str, depth: int, ids_by_name: Mapping[str, str]
) -> list[str]:
    found = workspace.assistant.search(collection, query, depth)
    ids = (ids_by_name.get(Path(path).name.lower()) for hit in found.hits for path in hit.paths)
    return unique_ids(doc_id for doc_id in ids if doc_id is not None)


def _run_queries(
    queries: Sequence[EvalQuery],
    searchers: Mapping[str, Callable[[str], list[str]]],
    cancel: CancelToken,
    progress: ProgressCallback | None,
) -> tuple[dict[str, dict[str, list[str]]], dict[str, list[float]]]:
    """Each query through every method in turn, so that load changes hit all alike."""
    for search in searchers.values():
        search(queries[0].text)  # warm-up: first-use costs are not query latency
    runs: dict[str, dict[str, list[str]]] = {name: {} for name in searchers}
    latencies: dict[str, list[float]] = {name: [] for name in searchers}
    for done, query in enumerate(queries, 1):
        cancel.raise_if_cancelled()
        for name, search in searchers.items():
            started = time.perf_counter()
            runs[name][query.id] = search(query.text)
            latencies[name].append((time.perf_counter() - started) * 1000)
        if progress:
            progress(EvalProgress("search", done, len(queries)))
    return runs, latencies


# Where and with what it ran


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 0
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = []
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "load_average": load,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def versions() -> dict[str, str]:
    found = {"arquivo": __version__}
    for package in _PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found
