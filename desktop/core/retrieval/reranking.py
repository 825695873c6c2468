"""Reranking: fusion's head re-read by a cross-encoder, where it can read."""

from __future__ import annotations

from desktop.core.index.vector_store import StoredHit
from desktop.core.models.reranker import Reranker, rerank_head
from desktop.core.retrieval.config import RetrievalConfig
from desktop.core.retrieval.model_languages import knows_language
from desktop.core.retrieval.search import Search


def rerank(
    fused: list[tuple[StoredHit, float]],
    search: Search,
    reranker: Reranker | None,
    depth: int,
    config: RetrievalConfig,
) -> list[tuple[StoredHit, float]]:
    """The fused ranking with its first `depth` passages re-read by the reranker
    (`rerank_head`, weighed by `rerank_weight`, skipped past `rerank_margin`).

    Only passages in a language the reranker knows, and only for a question that
    is not clearly in another: an English cross-encoder scores a Portuguese
    passage, or a Portuguese question, by the few words the two share.
    """
    if reranker is None:
        return fused
    languages = reranker.languages
    asked_in = search.asked_in
    if asked_in is not None and not knows_language(languages, asked_in):
        return fused

    def readable(row: StoredHit) -> bool:
        return knows_language(languages, search.language_of(row.text))

    return rerank_head(
        reranker, search.question.text, fused, depth, readable,
        config.rerank_weight, config.rerank_margin,
    )  # fmt: skip
