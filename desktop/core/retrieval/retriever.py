"""Hybrid retrieval: which passages of a collection are about a question.

`Retriever.search` is a pipeline of stages, each a module with one job:

1. `question.Question`: the question's language and words, found once.
2. `candidates`: the keyword index's and the vector index's best rows, the vector
   rows weighed per passage language (`votes.VectorVotes`).
3. `fusion`: the two rankings made one by their scores.
4. `cross_language`: across languages the model cannot bridge, the head re-ordered
   by shared prefixes and by a model that reads both languages.
5. `reranking`: the head re-read by a cross-encoder, where there is one.
6. `distinct`: the first `k` passages that are not near-duplicates.
7. `gate`: whether those passages are about the question at all.

The supporting sentence of an answer (`supporting_sentence`) is picked later, from
the passages the model was given.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from desktop.core.index.collections_db import Collection, CollectionsDatabase
from desktop.core.index.vector_store import ChunkStore, fts_query_text
from desktop.core.models.embedding import Embedder, Vector
from desktop.core.models.reranker import Reranker
from desktop.core.retrieval.candidates import find_candidates
from desktop.core.retrieval.config import RetrievalConfig
from desktop.core.retrieval.cross_language import Bridge, reorder_across_languages
from desktop.core.retrieval.distinct import distinct_hits
from desktop.core.retrieval.fusion import fuse
from desktop.core.retrieval.gate import judge
from desktop.core.retrieval.model_languages import embedder_languages, knows_language
from desktop.core.retrieval.question import Question
from desktop.core.retrieval.reranking import rerank
from desktop.core.retrieval.search import Search
from desktop.core.retrieval.votes import VectorVotes, language_weight
from desktop.core.types import Hit
from desktop.errors import CollectionModelError


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    relevant: bool  # whether the best passages are about the question at all
    best_similarity: float
    keyword_coverage: float  # `coverage.Coverage.score` of the passages found
    elapsed_ms: float
    # For a question in another language than the passages', which the embedding model
    # knows both of: the question's words cannot be in the passages, so only the cosine
    # can say that nothing near it was found (`EmbeddingModelSpec.far_across_languages`).
    judged_by_meaning: bool = False
    far_in_meaning: bool = False


class Retriever:
    """Answers 'which passages are about this?' for one collection or several."""

    def __init__(
        self,
        embedder: Embedder,
        store: ChunkStore,
        catalog: CollectionsDatabase,
        config: RetrievalConfig | None = None,
        reranker: Reranker | None = None,
        rerank_depth: int = 5,
        embedder_for: Callable[[Collection], Embedder] | None = None,
        bridge: Bridge | None = None,
    ) -> None:
        """`reranker` (optional) reorders the `rerank_depth` best fused passages
        (with fusion's order: `RetrievalConfig.rerank_weight`). Five: more cost time
        for no better order on SciFact, fewer lost some of the gain (see
        docs/measurements.md).

        `embedder_for` gives each collection the model it was indexed with
        (without it, only collections of `embedder` can be searched). `bridge`
        (optional) re-reads the head across languages the model does not know
        (`RetrievalConfig.across_languages_meaning_weight`).
        """
        self._embedder = embedder
        self._embedder_for = embedder_for
        self._store = store
        self._catalog = catalog
        self.config = config or RetrievalConfig()
        self._reranker = reranker
        self._rerank_depth = rerank_depth
        self._bridge = bridge

    def embedder_of(self, collection: Collection) -> Embedder:
        """The model that embeds queries for `collection`: the one it was indexed with."""
        if self._embedder_for is None or collection.embedding_model == self._embedder.name:
            return self._embedder
        return self._embedder_for(collection)

    def prepare(self, collection: Collection, question: str | Question) -> Search:
        """One search of `question` over `collection`, as the stages read it."""
        if isinstance(question, str):
            question = Question.of(question)
        embedder = self.embedder_of(collection)
        return Search(question, collection, embedder, embedder_languages(embedder))

    def knows_language(self, collection: Collection, language: str | None = None) -> bool:
        """Whether the collection's embedding model was trained on `language`
        (by default the collection's)."""
        languages = embedder_languages(self.embedder_of(collection))
        return knows_language(languages, language or collection.language)

    def vector_weight(self, collection: Collection, language: str | None = None) -> float:
        """The weight of the vector ranking's votes for passages in `language` (by
        default the collection's), for a question in that language."""
        language = language or collection.language
        return language_weight(self.config, self.knows_language(collection, language), language)

    def search_many(self, collections: Sequence[Collection], query: str, k: int) -> SearchResult:
        """Search several collections and keep the best `k` passages of all."""
        if len(collections) == 1 or (collections and not fts_query_text(query)):
            return self.search(collections[0], query, k)  # the second: nothing to find
        started = time.perf_counter()
        question = Question.of(query)
        vectors: dict[str, Vector] = {}  # one query embedding per model
        for c in collections:
            search = self.prepare(c, question)
            voted = VectorVotes(search, self.config).start_weight > 0
            if voted and c.embedding_model not in vectors:
                vectors[c.embedding_model] = search.embedder.embed_query(query)
        results = [self.search(c, question, k, vectors.get(c.embedding_model)) for c in collections]
        # Scores are scaled to each collection's best: a collection judged irrelevant
        # would place its nearest passage beside the answer's.
        results = [r for r in results if r.relevant] or results
        # A filler goes after every match of the other collections: first in its own
        # collection it scores like a keyword match first in another, yet it is only
        # the vectors' guess in a language the model does not know.
        hits = sorted(
            (h for r in results for h in r.hits),
            key=lambda h: (not h.filler, h.score),
            reverse=True,
        )
        return SearchResult(
            hits=tuple(hits[:k]),
            relevant=any(r.relevant for r in results),
            best_similarity=max((r.best_similarity for r in results), default=0.0),
            keyword_coverage=max((r.keyword_coverage for r in results), default=0.0),
            elapsed_ms=(time.perf_counter() - started) * 1000,
            judged_by_meaning=all(r.judged_by_meaning for r in results),
            far_in_meaning=all(r.far_in_meaning for r in results),
        )

    def search(
        self,
        collection: Collection,
        query: str | Question,
        k: int,
        vector: Vector | None = None,
    ) -> SearchResult:
        """The `k` best distinct passages of `collection` for `query`, and the gate's
        verdict on them; `vector`: the question's embedding, when made already."""
        started = time.perf_counter()
        text = query.text if isinstance(query, Question) else query
        if not fts_query_text(text):  # "???", an emoji: no word to look for
            # (the embedder's query prefix alone is near every passage: it would pass)
            return SearchResult((), False, 0.0, 0.0, (time.perf_counter() - started) * 1000)
        search = self.prepare(collection, query)
        embedder = search.embedder
        if collection.embedding_model != embedder.name:
            raise CollectionModelError(
                collection.name, collection.embedding_model, self._embedder.name,
                f"but {embedder.name!r} is loaded",
            )  # fmt: skip

        def embed() -> Vector:
            return vector if vector is not None else embedder.embed_query(text)

        cfg = self.config
        found = find_candidates(self._store, search, VectorVotes(search, cfg), cfg, k, embed)
        fused = fuse(found, cfg.text_weight)
        fused = reorder_across_languages(fused, search, cfg, self._bridge)
        fused = rerank(fused, search, self._reranker, self._rerank_depth, cfg)
        paths = self._catalog.paths_for(collection, {row.doc_hash for row, _ in fused})
        hits = distinct_hits(fused, paths, k, cfg.duplicate_overlap, found.fillers)
        verdict = judge(search, hits, found, cfg, self._bridge)
        return SearchResult(
            hits=tuple(hits),
            relevant=verdict.relevant,
            best_similarity=verdict.best_similarity,
            keyword_coverage=verdict.keyword_coverage,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            judged_by_meaning=verdict.judged_by_meaning,
            far_in_meaning=verdict.far_in_meaning,
        )
