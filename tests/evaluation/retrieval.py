"""Measure retrieval quality on a public benchmark in BEIR layout, through the real path.

A dataset is a folder in BEIR layout (`beir`). Every corpus entry becomes a
plain-text file that the normal `Indexer` indexes into the workspace's
collection (`corpus`); every query goes through `Assistant.search`, and the
retrieved chunks map back to document ids through their file names. Two
references run in the same process on the same documents and queries
(`references`: BM25 and bare dense search), so that ratios to them do not
depend on the machine or its load. Metrics are BEIR's (`beir.score_run`,
trec_eval).

Embedding a corpus is the slow part (a corpus of a few thousand abstracts takes
minutes on quiet cores, hours on busy ones; see docs/measurements.md), so a run
can keep its data folder and a later run reuse it (`reuse_index`): the corpus
files stay in the folder too, so indexing them again is the normal incremental
run, which skips what is indexed (an interrupted build resumes where it
stopped), and the dense reference's vectors are read back. That is for
comparing retrieval settings; after a change to chunking, indexing or the
embedding model the folder must be built afresh.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.index.collections_db import Collection
from desktop.core.index.vector_store import FTS_LANGUAGES
from desktop.core.models.embedding import Embedder
from desktop.core.types import CancelToken, IndexSummary
from desktop.errors import ArquivoError
from desktop.services.workspace import Workspace
from tests.evaluation.beir import (
    Dataset,
    EvalQuery,
    QueryScores,
    load_dataset,
    mean_scores,
    score_run,
    unique_ids,
)
from tests.evaluation.corpus import (
    EvalProgress,
    ProgressCallback,
    document_id,
    index_corpus,
    safe_name,
    write_corpus_files,
)
from tests.evaluation.machine import machine_info, versions
from tests.evaluation.references import Bm25Reference, DenseReference

logger = logging.getLogger(__name__)

BM25 = "bm25"
DENSE = "dense"
ARQUIVO = "arquivo"
REFERENCES = (BM25, DENSE)
_METRICS = ("ndcg", "recall", "mrr")

Search = Callable[[str], list[str]]  # a query -> document ids, best first


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
    _check_request(k, references, collection_language)
    cancel = cancel or CancelToken()
    dataset = load_dataset(dataset_dir, queries_dir=queries_dir, limit_queries=limit_queries)
    machine = machine_info()
    name = f"eval-{dataset.name}"
    embedder = workspace.embedder
    reused = _open_collection(workspace, name, collection_language, reuse_index)
    run = _index_and_query(workspace, dataset, name, k, references, cancel, progress, reuse_index)
    collection = workspace.catalog.get_collection(name)
    report = EvalReport(
        dataset=dataset.name,
        dataset_dir=str(dataset_dir.resolve()),
        k=k,
        documents=len(dataset.documents),
        documents_skipped=len(run.summary.files_skipped),
        chunks=run.chunks,
        queries=len(dataset.queries),
        judgements=dataset.judgements,
        date=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        machine=machine,
        versions=versions(),
        embedding_model=embedder.name,
        collection_language=collection.language,
        retrieval=_retrieval_settings(workspace, collection, chunks_per_query(k)),
        index_seconds=run.summary.seconds,
        dense_embed_seconds=run.dense_seconds,
        methods=_score_methods(dataset, run.runs, run.latencies, k, embedder.name),
        index_reused=reused,
        chunks_embedded=run.summary.chunks_added,
    )
    logger.info(
        "evaluated %s: %d documents, %d queries; nDCG@%d %s",
        report.dataset, report.documents, report.queries, k,
        ", ".join(f"{m.name} {m.ndcg:.3f}" for m in report.methods),
    )  # fmt: skip
    return report


def _check_request(k: int, references: Sequence[str], collection_language: str | None) -> None:
    """Refuse a bad request before any work."""
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


def _open_collection(
    workspace: Workspace, name: str, language: str | None, reuse_index: bool
) -> bool:
    """Make sure collection `name` may be evaluated into; True when a kept one is reused.

    A collection of that name is refused unless `reuse_index`, and a kept one
    must have been built with the workspace's embedding model. `language`, when
    given, is the new collection's full-text language.
    """
    embedder = workspace.embedder
    existing = workspace.catalog.find_collection(name)
    reused = reuse_index and existing is not None
    if existing is not None and not reused:
        raise ArquivoError(
            f"collection {name!r} already exists in {workspace.paths.home}",
            "evaluate into an empty data folder",
        )
    if existing is not None and existing.embedding_model != embedder.name:
        raise ArquivoError(
            f"the kept index in {workspace.paths.home} was built with "
            f"{existing.embedding_model!r}, not {embedder.name!r}",
            "delete that folder to build it again",
        )
    if language is not None and not reused:
        workspace.catalog.create_collection(name, embedder.name, embedder.dim, language)
    return reused


def chunks_per_query(k: int) -> int:
    """Chunks Arquivo's search is asked for: several chunks may share a document."""
    return 3 * k


@dataclass(frozen=True)
class _Measured:
    """What indexing the corpus and running the queries gave."""

    summary: IndexSummary
    chunks: int  # in the collection
    dense_seconds: float  # spent embedding the dense reference's documents
    runs: Mapping[str, Mapping[str, Sequence[str]]]  # method -> query id -> document ids
    latencies: Mapping[str, Sequence[float]]  # method -> each query's milliseconds


def _index_and_query(
    workspace: Workspace,
    dataset: Dataset,
    name: str,
    k: int,
    references: Sequence[str],
    cancel: CancelToken,
    progress: ProgressCallback | None,
    reuse_index: bool,
) -> _Measured:
    """Index the corpus as collection `name`, then run every query through each method."""
    embedder = workspace.embedder
    with contextlib.ExitStack() as stack:
        if reuse_index:  # kept beside the index, unchanged files keep their mtime
            folder = workspace.paths.home / f"corpus-{safe_name(dataset.name)}"
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="arquivo-eval-")))
        ids = write_corpus_files(dataset.documents, folder)
        summary = index_corpus(workspace, folder, name, cancel, progress)
        chunks = workspace.catalog.stats(workspace.catalog.get_collection(name)).chunks
        depth = chunks_per_query(k)
        cache = _dense_cache(workspace, dataset.name, embedder) if reuse_index else None
        searchers, dense_seconds = _reference_searchers(
            dataset, embedder, k, references, cancel, progress, cache
        )
        searchers[ARQUIVO] = lambda q: _arquivo_search(workspace, name, q, depth, ids)
        runs, latencies = _run_queries(dataset.queries, searchers, cancel, progress)
    return _Measured(summary, chunks, dense_seconds, runs, latencies)


def _dense_cache(workspace: Workspace, dataset: str, embedder: Embedder) -> Path:
    return workspace.paths.home / f"{safe_name(f'dense-{dataset}-{embedder.name}')}.npy"


def _reference_searchers(
    dataset: Dataset,
    embedder: Embedder,
    k: int,
    references: Sequence[str],
    cancel: CancelToken,
    progress: ProgressCallback | None,
    cache: Path | None,
) -> tuple[dict[str, Search], float]:
    """The references asked for, ready to search, and the seconds the dense one embedded."""
    searchers: dict[str, Search] = {}
    if BM25 in references:
        bm25 = Bm25Reference(dataset.documents)
        searchers[BM25] = lambda q: bm25.search(q, k)
    dense_seconds = 0.0
    if DENSE in references:
        dense = DenseReference(embedder, dataset.documents, cancel, progress, cache)
        searchers[DENSE] = lambda q: dense.search(q, k)
        dense_seconds = dense.seconds
    return searchers, dense_seconds


def _arquivo_search(
    workspace: Workspace, collection: str, query: str, depth: int, ids_by_name: Mapping[str, str]
) -> list[str]:
    found = workspace.assistant.search(collection, query, depth)
    ids = (document_id(path, ids_by_name) for hit in found.hits for path in hit.paths)
    return unique_ids(doc_id for doc_id in ids if doc_id is not None)


def _run_queries(
    queries: Sequence[EvalQuery],
    searchers: Mapping[str, Search],
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


def _score_methods(
    dataset: Dataset,
    runs: Mapping[str, Mapping[str, Sequence[str]]],
    latencies: Mapping[str, Sequence[float]],
    k: int,
    embedding_model: str,
) -> tuple[MethodResult, ...]:
    """Each method's run scored against the dataset's judgements, with its latencies."""
    descriptions = {
        BM25: "bm25s Lucene k1=1.5 b=0.75, lower-case words, title + text",
        DENSE: f"{embedding_model}, one vector per document, exact cosine",
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
    return tuple(methods)


def _retrieval_settings(workspace: Workspace, collection: Collection, depth: int) -> dict[str, Any]:
    """The retriever's settings as it used them on `collection`, for the report."""
    retrieval = dict(asdict(workspace.retriever.config))
    retrieval["chunks_per_query"] = depth
    retrieval["embedder_knows_language"] = workspace.retriever.knows_language(collection)
    retrieval["vector_weight_used"] = workspace.retriever.vector_weight(collection)
    retrieval["bridge_languages"] = workspace.settings.bridge_languages
    return retrieval


# The table


def report_table(report: EvalReport) -> str:
    """The figures as an aligned text table, ratios of nDCG to each reference last."""
    k = report.k
    lines = [
        f"{report.dataset}: {report.documents} documents ({report.chunks} chunks), "
        f"{report.queries} queries, {report.judgements} judgements; "
        + ("index reused" if report.index_reused else f"indexed in {report.index_seconds:.0f} s"),
        f"{report.embedding_model}, full-text language {report.collection_language}; "
        f"{report.machine.get('cpu')}, {report.machine.get('cores')} cores, {report.date}",
        "",
    ]
    present = {m.name for m in report.methods}
    refs = [r for r in (BM25, DENSE) if r in present]
    header = ["method", f"nDCG@{k}", f"recall@{k}", f"MRR@{k}", "median ms", "p95 ms"]
    header += [f"nDCG/{r}" for r in refs]
    rows = [header]
    for m in report.methods:
        row = [m.name, f"{m.ndcg:.3f}", f"{m.recall:.3f}", f"{m.mrr:.3f}"]
        row += [f"{m.latency_median_ms:.1f}", f"{m.latency_p95_ms:.1f}"]
        for ref in refs:
            ratio = report.ratio(m.name, ref)
            row.append("-" if m.name == ref or ratio is None else f"{ratio:.2f}x")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
