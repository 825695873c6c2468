"""Measure answers on a public dataset: the refusal gate, and answers against gold strings.

Two measurements, both through the real path (the normal indexer, retriever
and assistant, real models) in a throwaway workspace:

- The refusal gate. The corpus is split in two halves by a stable hash of
  each document id, and each half is indexed as a collection. Every question
  is asked of the half that holds its gold passage (it should be answered) and
  of the half that does not (the documents do not contain it: it should be
  refused without asking the model). Retrieval alone decides this, so every
  question is measured. The gate's raw signals (best cosine, share of the
  question's words held by a passage) are recorded too, and thresholds are
  swept over them to calibrate `RetrievalConfig.min_similarity` and
  `min_keyword_coverage`: the sweep applies the gate's rule (on topic when the
  cosine reaches one threshold, where the embedder knows the language, or the
  keyword coverage reaches the other), while the rates reported for the
  current settings are the retriever's own verdicts.
- Answer quality. Where the dataset's queries carry gold answer strings (an
  `answers` list in queries.jsonl, as the FaQuAD conversion has), the first
  `limit` questions are asked of the whole corpus with the chat model, and we
  count how often the answer, and how often its best supporting sentence,
  contains a gold answer (folded: case, accents and spacing ignored). A tiny
  model is slow and weak, which is why the supporting sentence is measured too.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
import statistics
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.language.detect import FTS_LANGUAGE, detect_language, question_language
from desktop.core.language.words import fold
from desktop.core.retrieval.retriever import RetrievalConfig, embedder_min_similarity
from desktop.core.retrieval.support import best_support, coverage
from desktop.core.types import Answer, CancelToken
from desktop.errors import ArquivoError
from desktop.services.beir import CorpusDocument, Dataset, load_dataset
from desktop.services.evaluation import (
    EvalProgress,
    ProgressCallback,
    index_corpus,
    machine_info,
    write_corpus_files,
)
from desktop.services.workspace import Workspace

logger = logging.getLogger(__name__)

_SPACE = re.compile(r"\s+")
_EDGE_PUNCTUATION = " .,;:!?\"'()[]«»“”"
MAX_GATE_DOCUMENTS = 1000  # a larger corpus is sampled for the gate (gold passages kept)
SIMILARITY_GRID = (*(round(0.20 + 0.025 * i, 3) for i in range(31)), float("inf"))
COVERAGE_GRID = (*(round(0.40 + 0.025 * i, 3) for i in range(25)), float("inf"))


# Gold answers


def normalise(text: str) -> str:
    """Folded (lower case, no accents), spacing collapsed, edge punctuation dropped."""
    return _SPACE.sub(" ", fold(text)).strip(_EDGE_PUNCTUATION)


def contains_gold(text: str, answers: Sequence[str]) -> bool:
    """Whether `text` contains one of the gold answer strings (see `normalise`)."""
    haystack = normalise(text)
    return any(gold and gold in haystack for gold in (normalise(a) for a in answers))


def answer_words(text: str) -> str:
    """An answer without its citations: `[n]` is no word of the answer."""
    return _CITATIONS.sub("", text)


_CITATIONS = re.compile(r"\s*\[\d+\]")


def is_right(text: str, answers: Sequence[str]) -> bool:
    """Holds a gold answer, or reaches a token F1 of `ANSWER_F1` with one (citations aside)."""
    words = answer_words(text)
    return contains_gold(words, answers) or token_f1(words, answers) >= ANSWER_F1


def token_f1(text: str, answers: Sequence[str]) -> float:
    """SQuAD's token F1 of `text` against the closest gold answer (see `normalise`)."""
    said = _tokens(text)
    best = 0.0
    for gold in answers:
        wanted = _tokens(gold)
        common = sum(min(said.count(w), wanted.count(w)) for w in set(wanted))
        if common:
            precision, recall = common / len(said), common / len(wanted)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def _tokens(text: str) -> list[str]:
    return [w for w in (_PUNCTUATION.sub("", w) for w in normalise(text).split()) if w]


_PUNCTUATION = re.compile(r"[^\w]")
ANSWER_F1 = 0.5  # a token F1 from which an answer counts as right (with or without the string)


def in_language(answer: str, question: str) -> bool:
    """Whether the answer is in the question's language (a number alone is in any)."""
    said = question_language(answer)
    return said is None or said == FTS_LANGUAGE[detect_language(question)]


def read_gold_answers(dataset_dir: Path) -> dict[str, list[str]]:
    """query id -> gold answer strings, from an `answers` list in queries.jsonl (may be empty)."""
    found: dict[str, list[str]] = {}
    path = dataset_dir / "queries.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ArquivoError(f"cannot read {path}: {exc.strerror}") from exc
    for line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue  # load_dataset reports malformed lines
        answers = row.get("answers") if isinstance(row, dict) else None
        if isinstance(answers, list) and answers:
            found[str(row.get("_id"))] = [str(a) for a in answers if str(a).strip()]
    return found


# Reports


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
            answered = _share(gate_verdict(s, sim, cov) for s in positives)
            refused = _share(not gate_verdict(s, sim, cov) for s in negatives)
            points.append(GatePoint(sim, cov, answered, refused))
    return points


def best_point(points: Sequence[GatePoint]) -> GatePoint:
    """The thresholds whose worse rate is best (then the higher sum)."""
    return max(points, key=lambda p: (min(p.answered, p.refused), p.answered + p.refused))


def _share(flags: Iterator[bool] | Sequence[bool]) -> float:
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


@dataclass(frozen=True)
class AnswerRecord:
    query_id: str
    question: str
    refused: bool
    gold_given: bool  # a gold passage was among the sources
    answer_has_gold: bool
    support_has_gold: bool
    any_source_support_has_gold: bool  # the best sentence of all sources, cited or not
    seconds: float
    answer: str
    support: str
    answer_f1: float = 0.0  # token F1 with the closest gold answer
    right: bool = False  # holds a gold answer, or reaches `ANSWER_F1` with one
    in_language: bool = True  # written in the question's language
    first_token_ms: float = 0.0


@dataclass(frozen=True)
class QualityReport:
    model: str
    questions: int
    records: tuple[AnswerRecord, ...] = field(repr=False)

    def share(self, name: str) -> float:
        return _share([bool(getattr(r, name)) for r in self.records])

    def to_dict(self, details: bool = True) -> dict[str, Any]:
        seconds = [r.seconds for r in self.records]
        out: dict[str, Any] = {
            "model": self.model,
            "questions": self.questions,
            "refused": round(self.share("refused"), 4),
            "gold_given": round(self.share("gold_given"), 4),
            "answer_right": round(self.share("right"), 4),
            "answer_in_language": round(self.share("in_language"), 4),
            "first_token_ms_median": round(
                statistics.median(r.first_token_ms for r in self.records), 1
            ) if self.records else 0.0,
            "answer_contains_gold": round(self.share("answer_has_gold"), 4),
            "support_contains_gold": round(self.share("support_has_gold"), 4),
            "support_of_all_sources_contains_gold": round(
                self.share("any_source_support_has_gold"), 4
            ),
            "seconds_median": round(statistics.median(seconds), 2) if seconds else 0.0,
        }
        if details:
            out["answers"] = [r.__dict__ for r in self.records]
        return out


@dataclass(frozen=True)
class AnswerEvalReport:
    dataset: str
    date: str
    machine: Mapping[str, Any]
    embedding_model: str
    gates: tuple[GateReport, ...]
    gold_answers: int  # questions with gold answer strings
    quality: QualityReport | None  # None when none has them, or none was to be answered

    def to_dict(self, details: bool = True) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "date": self.date,
            "machine": dict(self.machine),
            "embedding_model": self.embedding_model,
            "gates": [gate.to_dict(details) for gate in self.gates],
            "questions_with_gold_answers": self.gold_answers,
            "quality": None if self.quality is None else self.quality.to_dict(details),
        }

    def to_json(self, details: bool = True, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(details), ensure_ascii=False, indent=indent)


# The run


def evaluate_answers(
    dataset_dir: Path,
    workspace: Workspace,
    *,
    limit: int | None = 100,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> AnswerEvalReport:
    """Measure the refusal gate and, where there are gold answers, `limit` answers.

    `workspace` should be a throwaway one: the halves (and the whole corpus, for
    the answers) become collections in it. `limit` None answers every question.
    """
    if limit is not None and limit < 0:
        raise ArquivoError("the number of questions to answer cannot be negative")
    cancel = cancel or CancelToken()
    dataset = load_dataset(dataset_dir)
    gold = read_gold_answers(dataset_dir)
    with tempfile.TemporaryDirectory(prefix=f"arquivo-answers-{dataset.name}-") as folder:
        gates = [measure_gate(dataset, workspace, Path(folder), PASSAGE_SPLIT, progress, cancel)]
        if len({doc.title for doc in dataset.documents}) < len(dataset.documents):
            gates.append(
                measure_gate(dataset, workspace, Path(folder), TITLE_SPLIT, progress, cancel)
            )
        quality = None
        answerable = [q for q in dataset.queries if gold.get(q.id)]
        if answerable and limit != 0:
            chosen = answerable if limit is None else answerable[:limit]
            quality = measure_quality(
                dataset, chosen, gold, workspace, Path(folder), progress, cancel
            )
    report = AnswerEvalReport(
        dataset=dataset.name,
        date=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        machine=machine_info(),
        embedding_model=workspace.embedder.name,
        gates=tuple(gates),
        gold_answers=len([q for q in dataset.queries if gold.get(q.id)]),
        quality=quality,
    )
    for gate in gates:
        logger.info(
            "answers on %s, %s split: answered with gold %.3f, refused without %.3f",
            dataset.name, gate.split, gate.answered_with_gold, gate.refused_without_gold,
        )  # fmt: skip
    return report


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
    halves: list[list[CorpusDocument]] = [[], []]
    for doc in documents:
        halves[half_of(split_key(doc, split))].append(doc)
    names = [f"answers-{split}-a", f"answers-{split}-b"]
    ids_by_name: dict[str, str] = {}
    for half, name in zip(halves, names, strict=True):
        ids_by_name.update(_index_documents(workspace, half, folder / name, name, progress, cancel))
    collections = [workspace.catalog.get_collection(name) for name in names]
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
            retrieved = {ids_by_name.get(Path(p).name.lower()) for h in found.hits for p in h.paths}
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
        answered_with_gold=_share([s.relevant for s in positives]),
        refused_without_gold=_share([not s.relevant for s in negatives]),
        gold_retrieved=_share([s.gold_retrieved for s in positives]),
        min_similarity=embedder_min_similarity(
            retriever.embedder_of(collections[0]), config.min_similarity
        ),
        min_keyword_coverage=config.min_keyword_coverage,
        trusts_similarity=any(s.trusts_similarity for s in signals),
        best=best_point(sweep(signals)),
        signals=tuple(signals),
    )


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


def measure_quality(
    dataset: Dataset,
    queries: Sequence[Any],
    gold: Mapping[str, Sequence[str]],
    workspace: Workspace,
    folder: Path,
    progress: ProgressCallback | None,
    cancel: CancelToken,
) -> QualityReport:
    """Each question asked of the whole corpus with the chat model; gold strings counted."""
    name = "answers-all"
    ids_by_name = _index_documents(
        workspace, dataset.documents, folder / name, name, progress, cancel
    )
    records = []
    for done, query in enumerate(queries, 1):
        cancel.raise_if_cancelled()
        started = time.perf_counter()
        answer = _answer(workspace, name, query.text, cancel)
        seconds = time.perf_counter() - started
        golds = {d for d, rel in dataset.qrels[query.id].items() if rel > 0}
        given = {ids_by_name.get(Path(p).name.lower()) for s in answer.sources for p in s.hit.paths}
        wanted = gold[query.id]
        support = answer.support.sentence if answer.support else ""
        widest = best_support(query.text, answer.text, answer.sources)
        f1 = token_f1(answer_words(answer.text), wanted) if answer.grounded else 0.0
        records.append(
            AnswerRecord(
                query_id=query.id,
                question=query.text,
                refused=not answer.grounded,
                gold_given=bool(golds & given),
                answer_has_gold=answer.grounded and contains_gold(answer.text, wanted),
                support_has_gold=bool(support) and contains_gold(support, wanted),
                any_source_support_has_gold=widest is not None
                and contains_gold(widest.sentence, wanted),
                seconds=seconds,
                answer=answer.text,
                support=support,
                answer_f1=f1,
                right=answer.grounded and is_right(answer.text, wanted),
                in_language=in_language(answer.text, query.text),
                first_token_ms=answer.timings.first_token_ms,
            )
        )
        if progress:
            progress(EvalProgress("answer", done, len(queries)))
    model = workspace.assistant.llm.name
    return QualityReport(model=model, questions=len(records), records=tuple(records))


def _answer(workspace: Workspace, collection: str, question: str, cancel: CancelToken) -> Answer:
    for event in workspace.assistant.ask(collection, question, cancel):
        if isinstance(event, Answer):
            return event
    raise AssertionError("ask ends with an Answer")


def _index_documents(
    workspace: Workspace,
    documents: Sequence[CorpusDocument],
    folder: Path,
    collection: str,
    progress: ProgressCallback | None,
    cancel: CancelToken,
) -> dict[str, str]:
    """One .txt file per document, indexed as `collection`; returns file name -> id."""
    ids_by_name = write_corpus_files(documents, folder)
    index_corpus(workspace, folder, collection, cancel, progress, f"index {collection}")
    return ids_by_name


def report_table(report: AnswerEvalReport) -> str:
    """The figures as text: the gate's two rates, the calibration, the answers."""
    lines: list[str] = []
    for g in report.gates:
        best = g.best
        sim = "off" if best.min_similarity == float("inf") else f"{best.min_similarity:.2f}"
        cov = (
            "off"
            if best.min_keyword_coverage == float("inf")
            else f"{best.min_keyword_coverage:.2f}"
        )
        foreign = (
            "" if g.trusts_similarity else "; cosine not counted: the model lacks the language"
        )
        lines += [
            f"{report.dataset}: refusal gate, {g.questions} questions over two halves of "
            f"{g.documents} documents split by {g.split} ({report.embedding_model}{foreign})",
            f"  current (min_similarity {g.min_similarity}, min_keyword_coverage "
            f"{g.min_keyword_coverage}): answered with the gold passage "
            f"{g.answered_with_gold:.1%} of {g.asked_with_gold}, refused without it "
            f"{g.refused_without_gold:.1%} of {g.asked_without_gold}; gold passage retrieved "
            f"{g.gold_retrieved:.1%}",
            f"  best on the grid: min_similarity {sim}, min_keyword_coverage {cov}: "
            f"answered {best.answered:.1%}, refused {best.refused:.1%}",
        ]
    q = report.quality
    if q is None and not report.gold_answers:
        lines.append("  answers: no gold answer strings in this dataset")
    elif q is None:
        lines.append(f"  answers: not asked ({report.gold_answers} questions have gold answers)")
    else:
        lines.append(
            f"  answers ({q.model}, {q.questions} questions over the whole corpus): right "
            f"(holds a gold answer or token F1 >= {ANSWER_F1}) {q.share('right'):.1%}, in the "
            f"question's language {q.share('in_language'):.1%}, first token (median) "
            f"{q.to_dict(False)['first_token_ms_median'] / 1000:.1f} s; the answer "
            f"contains a gold answer {q.share('answer_has_gold'):.1%}, its supporting sentence "
            f"{q.share('support_has_gold'):.1%} (best sentence of all sources "
            f"{q.share('any_source_support_has_gold'):.1%}); refused {q.share('refused'):.1%}, "
            f"gold passage among the sources {q.share('gold_given'):.1%}"
        )
    return "\n".join(lines)
