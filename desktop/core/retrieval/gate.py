"""The relevance gate: whether the passages found are about the question at all.

A question the documents cannot answer must not reach the model with unrelated
passages. The gate judges from the raw signals, not from fusion's scores: the best
cosine of a passage the embedding model can vouch for (`min_similarity`), and the
share of the question's words the passages hold (`coverage`). Across languages the
words can hardly be shared: there names, numbers and shared prefixes are the
evidence where the model cannot cross languages, and the cosine where it can.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.language.words import content_words, shared_prefixes
from desktop.core.retrieval.candidates import Candidates
from desktop.core.retrieval.config import RetrievalConfig
from desktop.core.retrieval.coverage import coverage
from desktop.core.retrieval.cross_language import Bridge
from desktop.core.retrieval.model_languages import (
    embedder_across_languages_similarity,
    embedder_far_across_languages,
    embedder_min_similarity,
    embedder_near_across_languages,
)
from desktop.core.retrieval.search import Search
from desktop.core.types import Hit
from desktop.errors import ModelError


@dataclass(frozen=True)
class Verdict:
    relevant: bool  # whether the best passages are about the question at all
    best_similarity: float  # the best cosine among the passages kept
    keyword_coverage: float  # `coverage.Coverage.score` of the passages kept
    # For a question in another language than the passages', which the embedding model
    # knows both of: the question's words cannot be in the passages, so only the cosine
    # can say that nothing near it was found (`EmbeddingModelSpec.far_across_languages`).
    judged_by_meaning: bool = False
    far_in_meaning: bool = False


def judge(
    search: Search,
    hits: Sequence[Hit],
    candidates: Candidates,
    config: RetrievalConfig,
    bridge: Bridge | None,
) -> Verdict:
    """The gate's verdict on the passages kept (`hits`) for `search`."""
    similarity = {h.chunk_id: h.score for h in candidates.vector_hits}
    # The cosine only vouches for a passage in a language the model knows.
    vouched = {
        h.chunk_id
        for h, (_, known) in zip(candidates.vector_hits, candidates.votes, strict=True)
        if known
    }
    best_similarity = max((similarity.get(h.chunk_id, 0.0) for h in hits), default=0.0)
    best_vouched = max((similarity[h.chunk_id] for h in hits if h.chunk_id in vouched), default=0.0)
    # Respellings count among the question's words only where the model can read the
    # question, so that its cosine is weighed beside them (`_crosses_languages`): a
    # question it cannot read goes through on any word it shares with the passages,
    # and common words respelled ("informação", "information") are in almost any text.
    respell = config.respell_across_languages and search.heard
    respelled_from = search.asked_in if respell else None
    texts = [h.text for h in hits]
    language = search.collection.language
    held = coverage(search.question.text, texts, language, respelled_from).score
    on_topic = best_vouched >= embedder_min_similarity(search.embedder, config.min_similarity)
    relevant = bool(hits) and (
        on_topic
        or held >= config.min_keyword_coverage
        or (
            _crosses_languages(search, hits, held, best_similarity, config)
            and not _far_in_meaning(search, hits, bridge, config)
        )
    )
    floor = _meaning_floor(search)
    if floor is not None and not relevant and hits:
        near = embedder_near_across_languages(search.embedder)
        relevant = near is not None and best_similarity >= near
    return Verdict(
        relevant=relevant,
        best_similarity=best_similarity,
        keyword_coverage=held,
        judged_by_meaning=floor is not None,
        far_in_meaning=floor is not None and best_similarity < floor,
    )


def _crosses_languages(
    search: Search,
    hits: Sequence[Hit],
    held: float,
    best_similarity: float,
    config: RetrievalConfig,
) -> bool:
    """Whether a question in another language than the collection's, where the
    embedding model does not know one of the two, has evidence in the passages.

    Then the gate has little to go on: most of the question's words cannot be in
    the passages, and the cosine alone is not trusted. The words that cross
    languages (names, numbers, acronyms: "When was UFMS founded?" over Portuguese
    documents) are the evidence left, so any of them found lets the passages go to
    the model, which is told to say when they do not answer; none found is a
    refusal. For a question in the model's own language, where its spec gives an
    `across_languages_similarity`, a shared prefix counts as well ("monitoring",
    "monitoria") and the best passage's cosine must reach that threshold (a shared
    word alone let too many unrelated questions through), unless the passages
    hold `across_languages_keyword_coverage` of the question's words. The bridge
    model has the last word (`_far_in_meaning`).
    """
    if not search.across_languages or search.model_reads_both:
        return False
    knows_question = search.knows(search.asked_in)
    threshold = embedder_across_languages_similarity(search.embedder) if knows_question else None
    if threshold is None:
        return held > 0
    if held >= config.across_languages_keyword_coverage:
        return True  # several names or terms of the question are in the passages
    wanted = search.question.prefixes
    shared = held > 0 or any(wanted & shared_prefixes(content_words(h.text)) for h in hits)
    return shared and best_similarity >= threshold


def _far_in_meaning(
    search: Search, hits: Sequence[Hit], bridge: Bridge | None, config: RetrievalConfig
) -> bool:
    """Whether the bridge model finds every passage far from the question in meaning
    (`across_languages_min_meaning`), once `_crosses_languages` let them through:
    words shared across languages (names, numbers, prefixes) also turn up in passages
    about something else. Not where a passage is in the question's own language (a
    bilingual collection): within one language the bridge tells topics apart, not
    passages, and the other signals decide as before."""
    floor = config.across_languages_min_meaning
    if bridge is None or floor <= 0 or not hits:
        return False
    asked_in = search.asked_in
    if asked_in is None or search.holds_language((h.text for h in hits), asked_in):
        return False
    try:
        question = search.question.text
        closeness = bridge.similarities(question, [(h.chunk_id, h.text) for h in hits])
    except ModelError:
        return False  # the bridge said why, once; the other evidence decides
    return max(closeness) < floor


def _meaning_floor(search: Search) -> float | None:
    """The cosine under which nothing near a question asked across languages was
    found, where the model knows both languages (None: the words can judge)."""
    if not search.model_reads_both:
        return None
    return embedder_far_across_languages(search.embedder)
