"""Hybrid retrieval: vector search and full-text search, fused.

Reciprocal rank fusion (RRF) combines the two rankings without calibrating
their scores against each other. Near-duplicate chunks (overlaps, copies that
differ by a character) are dropped so that the model's budget holds distinct
passages. Relevance is judged separately, from the raw scores: a question the
documents cannot answer must not reach the model with unrelated passages.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.catalog import Catalog, Collection
from desktop.core.embedding import Embedder, Vector
from desktop.core.rerank import Reranker, rerank_head
from desktop.core.store import ChunkStore, StoredHit, TableSpec
from desktop.core.types import Hit
from desktop.errors import ArquivoError

_WORD = re.compile(r"\w+", re.UNICODE)

def fold(text: str) -> str:
    """Lower case without accents, for comparing words across spellings."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Words that say nothing about a topic, in the languages Arquivo's users write.
_STOP_WORDS_TEXT = """
    a an and are as at be by can did do does for from had has have how i in is it its me
    my of on or our that the their them there these this those to was we were what when
    where which who whom why will with would you your about into than then so not no yes
    if but all any some more most other such only own same too very just o os as um uma
    uns umas e é de do da dos das em no na nos nas por para com sem que qual quais quem
    quando onde como porque se ao aos à às pelo pela pelos pelas seu sua seus suas ele
    ela eles elas isso isto esse essa este esta foi são ser está estão há mais menos
    muito também já ou não sim me meu minha nosso nossa
"""
STOP_WORDS = frozenset(fold(w) for w in _STOP_WORDS_TEXT.split())


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(fold(text)) if len(w) > 2 and w not in STOP_WORDS}


@dataclass(frozen=True)
class RetrievalConfig:
    """How retrieval fuses and filters; defaults measured on the public splits."""

    candidates: int = 40  # rows taken from each retriever before fusion
    rrf_k: int = 60
    vector_weight: float = 1.0
    text_weight: float = 1.0
    duplicate_overlap: float = 0.85  # word-set overlap above which a chunk is a duplicate
    min_similarity: float = 0.35  # cosine at or above which a passage is on topic
    min_keyword_coverage: float = 0.6  # share of the question's words a passage must hold


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    relevant: bool  # whether the best passages are about the question at all
    best_similarity: float
    keyword_coverage: float
    elapsed_ms: float


def rrf_fuse(
    rankings: list[tuple[list[StoredHit], float]], k: int
) -> list[tuple[StoredHit, float]]:
    """Reciprocal rank fusion of several rankings, each with a weight."""
    scores: dict[str, float] = {}
    rows: dict[str, StoredHit] = {}
    for ranking, weight in rankings:
        for rank, hit in enumerate(ranking):
            scores[hit.chunk_id] = scores.get(hit.chunk_id, 0.0) + weight / (k + rank + 1)
            rows.setdefault(hit.chunk_id, hit)
    order = sorted(scores, key=lambda cid: scores[cid], reverse=True)
    return [(rows[cid], scores[cid]) for cid in order]


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


class Retriever:
    """Answers 'which passages are about this?' for one collection."""

    def __init__(
        self,
        embedder: Embedder,
        store: ChunkStore,
        catalog: Catalog,
        config: RetrievalConfig | None = None,
        reranker: Reranker | None = None,
        rerank_depth: int = 20,
    ) -> None:
        """`reranker` (optional) reorders the `rerank_depth` best fused passages."""
        self._embedder = embedder
        self._store = store
        self._catalog = catalog
        self.config = config or RetrievalConfig()
        self._reranker = reranker
        self._rerank_depth = rerank_depth

    def search_many(
        self, collections: Sequence[Collection], query: str, k: int
    ) -> SearchResult:
        """Search several collections and keep the best `k` passages of all."""
        if len(collections) == 1:
            return self.search(collections[0], query, k)
        started = time.perf_counter()
        vector = self._embedder.embed_query(query)
        results = [self.search(c, query, k, vector) for c in collections]
        hits = sorted((h for r in results for h in r.hits), key=lambda h: h.score, reverse=True)
        return SearchResult(
            hits=tuple(hits[:k]),
            relevant=any(r.relevant for r in results),
            best_similarity=max((r.best_similarity for r in results), default=0.0),
            keyword_coverage=max((r.keyword_coverage for r in results), default=0.0),
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    def search(
        self, collection: Collection, query: str, k: int, vector: Vector | None = None
    ) -> SearchResult:
        started = time.perf_counter()
        cfg = self.config
        if collection.embedding_model != self._embedder.name:
            raise ArquivoError(
                f"collection {collection.name!r} was indexed with embedding model "
                f"{collection.embedding_model!r}, but {self._embedder.name!r} is loaded",
                f"re-index it: `arquivo forget {collection.name}`, then index its folders again",
            )
        table = TableSpec(collection.table_name, collection.dim, collection.language)
        if vector is None:
            vector = self._embedder.embed_query(query)
        vector_hits = self._store.vector_search(table, vector, cfg.candidates)
        text_hits = self._store.text_search(table, query, cfg.candidates)
        fused = rrf_fuse(
            [(vector_hits, cfg.vector_weight), (text_hits, cfg.text_weight)], cfg.rrf_k
        )
        if self._reranker is not None:
            fused = rerank_head(self._reranker, query, fused, self._rerank_depth)
        similarity = {h.chunk_id: h.score for h in vector_hits}
        paths = self._catalog.paths_for(collection, {h.doc_hash for h, _ in fused})
        kept: list[tuple[StoredHit, float, list[str], set[str]]] = []
        for row, score in fused:
            row_paths = paths.get(row.doc_hash)
            if not row_paths:
                continue  # chunks of an unfinished run that nothing references yet
            words = content_words(row.text)
            twin = next(
                (k for k in kept if _overlap(words, k[3]) >= cfg.duplicate_overlap), None
            )
            if twin is not None:
                # the same passage in another file: cite that file too, spend no budget
                twin[2].extend(p for p in row_paths if p not in twin[2])
                continue
            if len(kept) < k:
                kept.append((row, score, list(row_paths), words))
        hits = [
            Hit(
                chunk_id=row.chunk_id,
                doc_hash=row.doc_hash,
                text=row.text,
                page=row.page,
                heading=row.heading,
                score=score,
                paths=tuple(row_paths),
            )
            for row, score, row_paths, _ in kept
        ]
        kept_words = [words for *_, words in kept]
        best_similarity = max((similarity.get(h.chunk_id, 0.0) for h in hits), default=0.0)
        question_words = content_words(query)
        coverage = max(
            (
                len(question_words & words) / len(question_words)
                for words in kept_words
            ),
            default=0.0,
        ) if question_words else 0.0  # fmt: skip
        relevant = bool(hits) and (
            best_similarity >= cfg.min_similarity or coverage >= cfg.min_keyword_coverage
        )
        return SearchResult(
            hits=tuple(hits),
            relevant=relevant,
            best_similarity=best_similarity,
            keyword_coverage=coverage,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )
