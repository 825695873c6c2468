"""Measure answers on a public dataset: the refusal gate, and answers against gold strings.

Two measurements, both through the real path (the normal indexer, retriever
and assistant, real models) in a throwaway workspace:

- The refusal gate (`gate`): each question asked of the corpus half that
  holds its gold passage and of the half that does not.
- Answer quality. Where the dataset's queries carry gold answer strings (an
  `answers` list in queries.jsonl, as the FaQuAD conversion has), the first
  `limit` questions are asked of the whole corpus with the chat model, and we
  count how often the answer, and how often its best supporting sentence,
  contains a gold answer (`gold`). A tiny model is slow and weak, which is why
  the supporting sentence is measured too.
"""

from __future__ import annotations

import datetime
import json
import logging
import statistics
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.retrieval.supporting_sentence import best_support
from desktop.core.types import Answer, CancelToken
from desktop.errors import ArquivoError
from desktop.services.workspace import Workspace
from tests.evaluation.beir import Dataset, load_dataset
from tests.evaluation.corpus import EvalProgress, ProgressCallback, document_id, index_documents
from tests.evaluation.gate import (
    PASSAGE_SPLIT,
    TITLE_SPLIT,
    GateReport,
    measure_gate,
    share,
)
from tests.evaluation.gold import (
    ANSWER_F1,
    answer_words,
    contains_gold,
    in_language,
    is_right,
    read_gold_answers,
    token_f1,
)
from tests.evaluation.machine import machine_info

logger = logging.getLogger(__name__)


# Reports


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
        return share([bool(getattr(r, name)) for r in self.records])

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
    ids_by_name = index_documents(
        workspace, dataset.documents, folder / name, name, progress, cancel
    )
    records = []
    for done, query in enumerate(queries, 1):
        cancel.raise_if_cancelled()
        started = time.perf_counter()
        answer = _answer(workspace, name, query.text, cancel)
        seconds = time.perf_counter() - started
        golds = {d for d, rel in dataset.qrels[query.id].items() if rel > 0}
        given = {document_id(p, ids_by_name) for s in answer.sources for p in s.hit.paths}
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
