"""Candidates: the keyword index's and the vector index's best rows for a question.

The keyword index is asked the question and, over a Portuguese index, its words typed
without accents with their accents; and, for passages in the other language, its
words respelled that language's way (`language.respellings`). Its ranking's head is
re-ordered by the question's word pairs, and one file's passages are kept from
filling every place. The vector index is asked only where its vote counts
(`votes.VectorVotes`), or where the keywords found too few rows; then the vector rows
that get no vote continue the keyword ranking, after it (the fillers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop.core.index.vector_store import ChunkStore, StoredHit, TableSpec
from desktop.core.language.accents import accented_words
from desktop.core.language.respellings import keyword_respellings
from desktop.core.models.embedding import Vector
from desktop.core.retrieval.config import RetrievalConfig
from desktop.core.retrieval.search import Search
from desktop.core.retrieval.votes import VectorVotes
from desktop.core.retrieval.word_pairs import by_word_pairs


@dataclass(frozen=True)
class Candidates:
    """The rows fusion reads, with the vector rows' votes."""

    text_hits: list[StoredHit]  # keyword rows, scores as shares of the best (plus pairs)
    vector_hits: list[StoredHit]  # vector rows, scores their cosine
    votes: list[tuple[float, bool]]  # per vector row: its weight, and whether it vouches
    # vector rows that got no vote, continuing a keyword ranking of fewer than `k` rows
    tail: list[StoredHit]

    @property
    def fillers(self) -> set[str]:
        return {h.chunk_id for h in self.tail}


def keyword_query(search: Search, config: RetrievalConfig) -> str:
    """What the keyword index is asked: the question; over a Portuguese index, its
    words typed without accents with their likely accents as well (`accents`); and
    its words respelled the other language's way, for passages in that language
    (`respellings.keyword_respellings`).

    Both stay on whatever the embedding model. The accents serve the keyword index's
    Portuguese stemmer. The respellings serve the keyword index too: a multilingual
    model crosses languages by meaning, yet without respellings its questions asked
    across languages found their passages less often (see docs/measurements.md).
    The other aids for a model that cannot cross languages (shared prefixes, the
    bridge model, the gate's word evidence) stand aside where it can
    (`Search.model_reads_both`).
    """
    query, asked_in = search.question.text, search.asked_in
    language = search.collection.language
    extra: list[str] = []
    if config.restore_accents and language == "Portuguese" and asked_in != "English":
        extra += accented_words(query)
    if config.respell_across_languages and asked_in is not None:
        extra += keyword_respellings(query, asked_in, language)
    return " ".join([query, *extra]) if extra else query


def find_candidates(
    store: ChunkStore,
    search: Search,
    votes: VectorVotes,
    config: RetrievalConfig,
    k: int,
    embed: Callable[[], Vector],
) -> Candidates:
    """Both rankings' candidates for `search`; `embed` gives the question's vector when
    the vector index is asked (`search_many` may have embedded it already)."""
    c = search.collection
    table = TableSpec(c.table_name, c.dim, c.language)
    keywords = keyword_query(search, config)
    vector_hits: list[StoredHit] = []
    searched_vectors = votes.start_weight > 0
    if searched_vectors:
        vector_hits, text_hits = store.hybrid_search(table, embed(), keywords, config.candidates)
    else:
        text_hits = store.text_search(table, keywords, config.candidates)
    text_hits = _keyword_ranking(store, table, keywords, text_hits, search, config)
    votes.keywords_found(text_hits)
    if not searched_vectors and (
        len(text_hits) < k or any(votes.vote(h)[0] > 0 for h in text_hits)
    ):
        # too few keyword matches, or some in a language the model knows (a
        # collection detected as Portuguese holding English files)
        vector_hits = store.vector_search(table, embed(), config.candidates)
    cast = [votes.vote(h) for h in vector_hits]
    tail: list[StoredHit] = []
    if len(text_hits) < k:
        # Too few keyword matches (a question in another language, or in other
        # words): the vector matches that get no vote continue the keyword
        # ranking, after it.
        found = {h.chunk_id for h in text_hits}
        tail = [
            h
            for h, (weight, _) in zip(vector_hits, cast, strict=True)
            if weight <= 0 and h.chunk_id not in found
        ]
    return Candidates(text_hits, vector_hits, cast, tail)


def _keyword_ranking(
    store: ChunkStore,
    table: TableSpec,
    keywords: str,
    text_hits: list[StoredHit],
    search: Search,
    config: RetrievalConfig,
) -> list[StoredHit]:
    """The keyword rows re-ordered by word pairs (`by_word_pairs`), each file's passages
    beyond `per_file_candidates` after the other files' (`spread_over_files`).

    Pairs re-order before the spread, which keeps the order it is given: a long file's
    passages beyond `per_file_candidates` (often the same running header, holding the
    same pairs) must not climb back over the other files' first ones.
    """
    question, language = search.question.text, search.collection.language
    weight, head = config.phrase_weight, config.phrase_candidates

    def by_pairs(hits: list[StoredHit]) -> list[StoredHit]:
        return by_word_pairs(hits, question, language, weight, head)

    if not crowded(text_hits, config.per_file_candidates):
        return by_pairs(text_hits)
    # only then can deeper rows change the spread ranking's head (asking for them
    # every time would cost every question a deeper search)
    deeper = store.text_search(table, keywords, config.candidates * config.candidate_pool)
    spread = spread_over_files(by_pairs(deeper), config.per_file_candidates)
    return spread[: config.candidates]


def spread_over_files(hits: list[StoredHit], per_file: int) -> list[StoredHit]:
    """The same hits, each file's first `per_file` first and the rest after, in order.

    Nothing is dropped: a collection of one long book keeps its ranking as it was.
    """
    seen: dict[str, int] = {}
    first: list[StoredHit] = []
    later: list[StoredHit] = []
    for hit in hits:
        seen[hit.doc_hash] = seen.get(hit.doc_hash, 0) + 1
        (first if seen[hit.doc_hash] <= per_file else later).append(hit)
    return first + later


def crowded(hits: list[StoredHit], per_file: int) -> bool:
    """Whether some file holds more than `per_file` of the hits.

    When none does, `spread_over_files` of a deeper list begins with these
    hits, in this order, so the deeper search can be skipped (as far as the
    keyword index ranks a short list as it ranks the head of a long one, which
    on FaQuAD swapped a pair of passages once).
    """
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.doc_hash] = counts.get(hit.doc_hash, 0) + 1
        if counts[hit.doc_hash] > per_file:
            return True
    return False
