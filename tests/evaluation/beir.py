"""Public retrieval benchmarks in BEIR layout: reading one, and scoring a run on it.

A dataset folder holds `corpus.jsonl` (`_id`, `title`, `text`), `queries.jsonl`
(`_id`, `text`) and `qrels.tsv` (query id, document id, relevance, with a header
line). Metrics are BEIR's, computed by trec_eval (`pytrec-eval-terrier`): nDCG@k
with graded gains, recall@k, and the reciprocal rank of the first relevant
document within the top k (MRR@k). `retrieval` runs Arquivo and its references
on a dataset; `answers` measures the relevance gate and the answers.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.errors import ArquivoError

# The data set


@dataclass(frozen=True)
class CorpusDocument:
    id: str
    title: str
    text: str

    @property
    def content(self) -> str:
        """What the document's file holds: the title, a blank line, the text."""
        return f"{self.title}\n\n{self.text}" if self.title.strip() else self.text


@dataclass(frozen=True)
class EvalQuery:
    id: str
    text: str


@dataclass(frozen=True)
class Dataset:
    name: str
    documents: tuple[CorpusDocument, ...]
    queries: tuple[EvalQuery, ...]  # only queries with at least one relevant document
    qrels: Mapping[str, Mapping[str, int]]  # query id -> document id -> relevance

    @property
    def judgements(self) -> int:
        return sum(len(docs) for docs in self.qrels.values())


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise ArquivoError(f"cannot read {path}: {exc.strerror}", "is it a BEIR dataset?") from exc
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ArquivoError(f"{path}, line {number}: not JSON ({exc.msg})") from exc
            if not isinstance(row, dict) or "_id" not in row:
                raise ArquivoError(f"{path}, line {number}: an object with an `_id` expected")
            yield row


def _read_qrels(path: Path) -> dict[str, dict[str, int]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ArquivoError(f"cannot read {path}: {exc.strerror}", "is it a BEIR dataset?") from exc
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(lines, 1):
        cols = line.split("\t") if "\t" in line else line.split()
        if not cols:
            continue
        if number == 1 and not cols[-1].lstrip("-").isdigit():
            continue  # the header: query-id, corpus-id, score
        if len(cols) != 3 or not cols[2].lstrip("-").isdigit():
            raise ArquivoError(f"{path}, line {number}: query id, document id, relevance expected")
        qrels.setdefault(cols[0], {})[cols[1]] = int(cols[2])
    return qrels


def load_dataset(
    dataset_dir: Path, *, queries_dir: Path | None = None, limit_queries: int | None = None
) -> Dataset:
    """Read a BEIR folder; `queries_dir` takes queries and qrels from another folder."""
    queries_dir = queries_dir or dataset_dir
    documents = tuple(
        CorpusDocument(str(row["_id"]), str(row.get("title") or ""), str(row.get("text") or ""))
        for row in _read_jsonl(dataset_dir / "corpus.jsonl")
    )
    known = {doc.id for doc in documents}
    judged = _read_qrels(queries_dir / "qrels.tsv")
    queries: list[EvalQuery] = []
    for row in _read_jsonl(queries_dir / "queries.jsonl"):
        relevant = judged.get(str(row["_id"]), {})
        if any(rel > 0 and doc in known for doc, rel in relevant.items()):
            queries.append(EvalQuery(str(row["_id"]), str(row.get("text") or "")))
        if limit_queries is not None and len(queries) >= limit_queries:
            break
    if not documents or not queries:
        raise ArquivoError(
            f"{dataset_dir} has no documents or no judged queries",
            "a BEIR folder holds corpus.jsonl, queries.jsonl and qrels.tsv",
        )
    qrels = {q.id: dict(judged[q.id]) for q in queries}
    return Dataset(dataset_dir.resolve().name, documents, tuple(queries), qrels)


# Metrics


@dataclass(frozen=True)
class QueryScores:
    ndcg: float
    recall: float
    mrr: float


def score_run(
    qrels: Mapping[str, Mapping[str, int]], run: Mapping[str, Sequence[str]], k: int = 10
) -> dict[str, QueryScores]:
    """nDCG@k, recall@k and MRR@k of each judged query, from ranked document ids.

    trec_eval computes them, as in BEIR. It orders a run by score (ties by
    document id), so ranks become strictly falling scores; a query with nothing
    retrieved scores 0 instead of being left out of the mean.
    """
    try:
        import pytrec_eval
    except ImportError as exc:
        raise ArquivoError(
            "the evaluation needs the `pytrec-eval-terrier` package",
            "`make setup` installs it",
        ) from exc
    scored = {
        qid: {doc: float(k - rank) for rank, doc in enumerate(unique_ids(run.get(qid, ()))[:k])}
        for qid in qrels
    }
    present = {qid: docs for qid, docs in scored.items() if docs}
    judged = {qid: dict(docs) for qid, docs in qrels.items()}
    evaluator = pytrec_eval.RelevanceEvaluator(
        judged, {f"ndcg_cut.{k}", f"recall.{k}", "recip_rank"}
    )
    measured = evaluator.evaluate(present) if present else {}
    zero = QueryScores(0.0, 0.0, 0.0)
    return {
        qid: QueryScores(
            float(measured[qid][f"ndcg_cut_{k}"]),
            float(measured[qid][f"recall_{k}"]),
            float(measured[qid]["recip_rank"]),
        )
        if qid in measured
        else zero
        for qid in qrels
    }


def mean_scores(per_query: Mapping[str, QueryScores]) -> QueryScores:
    values = list(per_query.values())
    if not values:
        return QueryScores(0.0, 0.0, 0.0)
    return QueryScores(
        statistics.fmean(v.ndcg for v in values),
        statistics.fmean(v.recall for v in values),
        statistics.fmean(v.mrr for v in values),
    )


def unique_ids(ids: Iterable[str]) -> list[str]:
    """Document ids in rank order, each once (several chunks of one document)."""
    return list(dict.fromkeys(ids))
