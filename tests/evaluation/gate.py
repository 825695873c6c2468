"""The refusal gate, measured: does retrieval alone tell answerable questions apart?

The corpus is split in two halves by a stable hash of each document id (or of
its title, so that a whole article goes one way), and each half is indexed as
a collection. Every question is asked of the half that holds its gold passage
(it should be answered) and of the half that does not (the documents do not
contain it: it should be refused without asking the model). Retrieval alone
decides this, so every question is measured. The gate's raw signals (best
cosine, share of the question's words held by a passage) are recorded too, and
thresholds are swept over them to calibrate `RetrievalConfig.min_similarity`
and `min_keyword_coverage`: the sweep applies the gate's rule (on topic when
the cosine reaches one threshold, where the embedder knows the language, or
the keyword coverage reaches the other), while the rates reported for the
current settings are the retriever's own verdicts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.index.collections_db import Collection
from desktop.core.retrieval.config import RetrievalConfig
from desktop.core.retrieval.coverage import coverage
from desktop.core.retrieval.model_languages import embedder_min_similarity
from desktop.core.types import CancelToken
from desktop.services.workspace import Workspace
from tests.evaluation.beir import CorpusDocument, Dataset
from tests.evaluation.corpus import EvalProgress, ProgressCallback, document_id, index_documents

MAX_GATE_DOCUMENTS = 1000  # a larger corpus is sampled for the gate (gold passages kept)
SIMILARITY_GRID = (*(round(0.20 + 0.025 * i, 3) for i in range(31)), float("inf"))
COVERAGE_GRID = (*(round(0.40 + 0.025 * i, 3) for i in range(25)), float("inf"))


@dataclass(frozen=True)
class GateSignals:
    """What the retriever saw for one question asked of one collection."""

    query_id: str
    has_gold: bool  # the collection holds the question's gold passage
    found_anything: bool
    similarity: float
    coverage: float
    trusts_similarity: bool  # the embedder knows the collection's language
    relevant: bool  # the retriever's own verdict
    gold_retrieved: bool = False  # the gold passage was among the passages
    passage_coverage: float = 0.0  # the best passage's share of the question's words
    sentence_coverage: float = 0.0  # the best sentence's share (`coverage` is their mean)


def gate_verdict(signals: GateSignals, min_similarity: float, min_coverage: float) -> bool:
    """The gate's rule with other thresholds (for the sweep)."""
    on_topic = signals.trusts_similarity and signals.similarity >= min_similarity
    return signals.found_anything and (on_topic or signals.coverage >= min_coverage)


@dataclass(frozen=True)
class GatePoint:
    min_similarity: float
    min_keyword_coverage: float
    answered: float  # share of questions asked with their gold passage that pass the gate
    refused: float  # share of questions asked without it that the gate stops

    def to_dict(self) -> dict[str, Any]:
        def threshold(x: float) -> float | None:
            return None if x == float("inf") else x

        return {
            "min_similarity": threshold(self.min_similarity),
            "min_keyword_coverage": threshold(self.min_keyword_coverage),
            "answered_with_gold": round(self.answered, 4),
            "refused_without_gold": round(self.refused, 4),
        }


def sweep(signals: Sequence[GateSignals]) -> list[GatePoint]:
    """Both rates for every pair of thresholds on the grids (inf: that signal off)."""
    positives = [s for s in signals if s.has_gold]
    negatives = [s for s in signals if not s.has_gold]
    points = []
    for sim in SIMILARITY_GRID:
        for cov in COVERAGE_GRID:
            answered = share(gate_verdict(s, sim, cov) for s in positives)
            refused = share(not gate_verdict(s, sim, cov) for s in negatives)
            points.append(GatePoint(sim, cov, answered, refused))
    return points


def best_point(points: Sequence[GatePoint]) -> GatePoint:
    """The thresholds whose worse rate is best (then the higher sum)."""
    return max(points, key=lambda p: (min(p.answered, p.refused), p.answered + p.refused))


def share(flags: Iterator[bool] | Sequence[bool]) -> float:
    """The share of true flags (0 when there are none)."""
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


PASSAGE_SPLIT = "passage"  # each document on its own: sibling passages of an article stay
TITLE_SPLIT = "title"  # documents that share a title (an article's paragraphs) stay together
SPLITS = {
    PASSAGE_SPLIT: "corpus halves by a hash of each document id: the question's gold passage "
    "is missing but other passages of its article may be there (hard negatives)",
    TITLE_SPLIT: "corpus halves by a hash of each document title: the whole article that "
    "holds the gold passage is missing",
}


@dataclass(frozen=True)
class GateReport:
    split: str  # PASSAGE_SPLIT or TITLE_SPLIT
    documents: int  # documents split between the two halves
    questions: int
    asked_with_gold: int
    asked_without_gold: int
    answered_with_gold: float  # the retriever's own verdicts, current settings
    refused_without_gold: float
    gold_retrieved: float  # share of questions asked with gold whose gold passage was retrieved
    min_similarity: float
    min_keyword_coverage: float
    trusts_similarity: bool  # whether the cosine counted at all (the embedder knows the language)
    best: GatePoint
    signals: tuple[GateSignals, ...] = field(repr=False)

    def to_dict(self, details: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "split": self.split,
            "split_means": SPLITS[self.split],
            "documents": self.documents,
            "questions": self.questions,
            "asked_with_gold": self.asked_with_gold,
            "asked_without_gold": self.asked_without_gold,
            "current": {
                "min_similarity": self.min_similarity,
                "min_keyword_coverage": self.min_keyword_coverage,
                "answered_with_gold": round(self.answered_with_gold, 4),
                "refused_without_gold": round(self.refused_without_gold, 4),
            },
            "gold_retrieved": round(self.gold_retrieved, 4),
            "similarity_counts": self.trusts_similarity,
            "best_on_grid": self.best.to_dict(),
        }
        if details:
            out["sweep"] = [p.to_dict() for p in sweep(self.signals)]
            out["signals"] = [
                {
                    "query": s.query_id,
                    "has_gold": s.has_gold,
                    "similarity": round(s.similarity, 4),
                    "coverage": round(s.coverage, 4),
                    "passage_coverage": round(s.passage_coverage, 4),
                    "sentence_coverage": round(s.sentence_coverage, 4),
                    "relevant": s.relevant,
                }
                for s in self.signals
            ]
        return out


# The run


def half_of(key: str) -> int:
    """0 or 1, stable across runs and machines."""
    return hashlib.sha256(key.encode("utf-8")).digest()[0] & 1


def split_key(doc: CorpusDocument, split: str) -> str:
    return doc.title.strip() or doc.id if split == TITLE_SPLIT else doc.id


def measure_gate(
    dataset: Dataset,
    workspace: Workspace,
    folder: Path,
    split: str,
    progress: ProgressCallback | None,
    cancel: CancelToken,
) -> GateReport:
    """Each question asked of the half with its gold passage and of the half without."""
    documents = _gate_documents(dataset)
    collections, ids_by_name = _index_halves(workspace, documents, folder, split, progress, cancel)
    where = {doc.id: half_of(split_key(doc, split)) for doc in documents}
    retriever = workspace.retriever
    depth = workspace.assistant.options.sources * 2  # what `ask` retrieves
    signals: list[GateSignals] = []
    for done, query in enumerate(dataset.queries, 1):
        cancel.raise_if_cancelled()
        golds = {d for d, rel in dataset.qrels[query.id].items() if rel > 0 and d in where}
        holding = {where[d] for d in golds}
        for side, collection in enumerate(collections):
            found = retriever.search(collection, query.text, depth)
            retrieved = {document_id(p, ids_by_name) for h in found.hits for p in h.paths}
            knows = getattr(retriever, "knows_language", None)
            held = coverage(query.text, [h.text for h in found.hits], collection.language)
            signals.append(
                GateSignals(
                    query_id=query.id,
                    has_gold=side in holding,
                    found_anything=bool(found.hits),
                    similarity=found.best_similarity,
                    coverage=found.keyword_coverage,
                    trusts_similarity=bool(knows(collection)) if knows else True,
                    relevant=found.relevant,
                    gold_retrieved=bool(golds & retrieved),
                    passage_coverage=held.passage,
                    sentence_coverage=held.sentence,
                )
            )
        if progress:
            progress(EvalProgress("gate", done, len(dataset.queries)))
    positives = [s for s in signals if s.has_gold]
    negatives = [s for s in signals if not s.has_gold]
    config: RetrievalConfig = retriever.config
    return GateReport(
        split=split,
        documents=len(documents),
        questions=len(dataset.queries),
        asked_with_gold=len(positives),
        asked_without_gold=len(negatives),
        answered_with_gold=share([s.relevant for s in positives]),
        refused_without_gold=share([not s.relevant for s in negatives]),
        gold_retrieved=share([s.gold_retrieved for s in positives]),
        min_similarity=embedder_min_similarity(
            retriever.embedder_of(collections[0]), config.min_similarity
        ),
        min_keyword_coverage=config.min_keyword_coverage,
        trusts_similarity=any(s.trusts_similarity for s in signals),
        best=best_point(sweep(signals)),
        signals=tuple(signals),
    )


def _index_halves(
    workspace: Workspace,
    documents: Sequence[CorpusDocument],
    folder: Path,
    split: str,
    progress: ProgressCallback | None,
    cancel: CancelToken,
) -> tuple[list[Collection], dict[str, str]]:
    """Each half of `documents` indexed as a collection; both, and file name -> id."""
    halves: list[list[CorpusDocument]] = [[], []]
    for doc in documents:
        halves[half_of(split_key(doc, split))].append(doc)
    names = [f"answers-{split}-a", f"answers-{split}-b"]
    ids_by_name: dict[str, str] = {}
    for half, name in zip(halves, names, strict=True):
        ids_by_name.update(index_documents(workspace, half, folder / name, name, progress, cancel))
    return [workspace.catalog.get_collection(name) for name in names], ids_by_name


def _gate_documents(dataset: Dataset) -> list[CorpusDocument]:
    """The corpus, or for a large one its gold passages plus a stable sample of the rest."""
    if len(dataset.documents) <= MAX_GATE_DOCUMENTS:
        return list(dataset.documents)
    golds = {d for docs in dataset.qrels.values() for d, rel in docs.items() if rel > 0}
    kept = [doc for doc in dataset.documents if doc.id in golds]
    others = sorted(
        (doc for doc in dataset.documents if doc.id not in golds),
        key=lambda doc: hashlib.sha256(doc.id.encode("utf-8")).hexdigest(),
    )
    return kept + others[: max(0, MAX_GATE_DOCUMENTS - len(kept))]
