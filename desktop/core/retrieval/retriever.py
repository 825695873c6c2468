"""Hybrid retrieval: vector search and full-text search, fused.

The two rankings are fused by their scores (`convex_fuse`): each put on a
0-to-1 scale per question, then weighted and added. Reciprocal rank fusion
(RRF), which reads ranks only, did worse: on SciFact's 808 train claims
nDCG@10 0.746 (vectors alone 0.747) against 0.763 by scores, on its 150
public claims 0.777 against 0.793; a cosine far above the rest and one just
above it count alike once turned into ranks. Near-duplicate chunks (overlaps,
copies that differ by a character) are dropped so that the model's budget holds
distinct passages. Relevance is judged separately, from the raw scores: a
question the documents cannot answer must not reach the model with unrelated
passages.

Fusion knows when a retriever is weak. A collection's language is detected at
indexing (it also picks the keyword index's stemmer), and an embedding model
says which languages it was trained on. When the model does not know the
collection's language its ranking is close to noise: measured on the FaQuAD
public split (Portuguese), the English MiniLM alone scored nDCG@10 0.52 against
0.92 for the Portuguese-stemmed keyword index, and fusing the two at equal
weight (0.74) was worse than keywords alone. The vector ranking then gets
`foreign_vector_weight` instead of `vector_weight`, and the relevance gate stops
trusting the cosine (an English model finds two unrelated Portuguese texts
"similar"). A multilingual model that lists the language counts again, with
the weight tuned on that language's public split (`language_vector_weights`).
A question in another language than such a collection's gets the head of its
ranking re-ordered by the roots it shares with each passage (`by_roots`), then
re-read by a small model that knows both languages (`bridge.by_meaning`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from desktop.core.index.collections_db import Collection, CollectionsDatabase
from desktop.core.index.vector_store import ChunkStore, StoredHit, TableSpec, fts_query_text
from desktop.core.language.accents import accented_words
from desktop.core.language.detect import passage_language, question_language
from desktop.core.language.respellings import keyword_respellings
from desktop.core.language.words import content_words, roots
from desktop.core.models.embedding import Embedder, EmbeddingModelSpec, Vector, find_embedding_spec
from desktop.core.models.reranker import Reranker, rerank_head
from desktop.core.retrieval.cross_language import Bridge, by_meaning
from desktop.core.retrieval.support import coverage
from desktop.core.retrieval.word_pairs import by_phrases
from desktop.core.types import Hit
from desktop.errors import CollectionModelError, ModelError


@dataclass(frozen=True)
class RetrievalConfig:
    """How retrieval fuses and filters; defaults measured on the public splits.

    `vector_weight` and `text_weight` weigh the two rankings' scaled scores
    (`convex_fuse`). For a language the model knows, tuned on SciFact's 808
    train claims (bge-small, 40 candidates each): nDCG@10 0.750 at 0.7, 0.758 at
    1, 0.763 at 1.5, 0.763 at 2; the public claims then gave 0.793 at 1.5 (0.778
    at 2). The vectors weigh more than the keywords because the scaled cosine of
    the 40th vector row is 0, while the 40th keyword row keeps its share of the
    best BM25.

    `foreign_vector_weight` replaces `vector_weight` for passages in a language
    the embedding model does not know. At 0 (the default) the vector ranking
    only fills in after the keyword matches when these are too few, and is not
    even computed otherwise. On the FaQuAD public split (Portuguese, English
    MiniLM, fused by RRF) nDCG@10 was 0.919 at 0, 0.878 at 0.1, 0.822 at 0.3 and
    0.740 at 1: any weight costs quality. Fused by scores, with bge-small: 0.926
    at 0, 0.928 at 0.05, 0.921 at 0.3 (replayed): not worth embedding for.

    `language_vector_weights` overrides `vector_weight` per passage language,
    for models that know it. Portuguese, tuned on FaQuAD with multilingual-e5-
    small: 0.933 at 0.3, 0.934 at 0.5 (replayed on a kept index; RRF at its
    best weight, 0.1: 0.929; keywords alone 0.926; the full run at 0.5: 0.930).
    There the questions share many words with their passage, so keywords lead;
    the vectors still rank alone when the keywords find nothing (a question
    asked in English).
    """

    candidates: int = 40  # rows taken from each retriever before fusion
    # The keyword ranking's first `phrase_candidates` are re-ordered by BM25 plus
    # `phrase_weight` times the share of the question's word pairs a passage holds
    # (`phrases.by_phrases`); weight 0 keeps BM25's order.
    phrase_weight: float = 0.5
    phrase_candidates: int = 10
    # A file's passages beyond this many go after other files' in the keyword ranking: a
    # phrase that a long file repeats (a book's running header, boilerplate) must not fill
    # every candidate and hide the other files that hold it. When one file holds more
    # than that many of the first `candidates` rows, the keyword search reads
    # `candidate_pool` times as many to find the others.
    per_file_candidates: int = 4
    candidate_pool: int = 3
    vector_weight: float = 1.5
    text_weight: float = 1.0
    foreign_vector_weight: float = 0.0
    # Replaces `foreign_vector_weight` for a question clearly written in a language the
    # model knows, about passages in one it does not (an English question over a
    # Portuguese collection): the keywords can hardly cross languages, while the
    # model's embedding of the question still finds passages by names, numbers and
    # shared roots. 1.0 / 1.5 / 2.0 gave nDCG@10 0.471 / 0.495 / 0.491 on 54 FaQuAD
    # questions asked in English, 0.293 / 0.322 / 0.309 on 30 SciFact claims asked in
    # Portuguese.
    across_languages_vector_weight: float = 1.5
    # Replaces `across_languages_vector_weight` when the model knows both languages
    # (multilingual-e5): its cosine across them then measures meaning, not only names
    # and roots, and the keywords still find next to nothing. 54 FaQuAD questions asked
    # in English with e5: 0.631 / 0.693 / 0.716 / 0.716 / 0.720 at 1 / 1.5 / 2 / 3 / 5
    # (e5 alone 0.700). Once the keywords found passages in the question's own language,
    # `across_languages_vector_weight` applies again: in the bilingual set (FaQuAD and
    # SciFact in one collection, e5) the same English questions then got 0.517 (0.279
    # without a vote there; 0.548 at 2, 0.567 at 3, but the set's own-language
    # questions lost 0.002 and 0.013 there; at 1.5 they keep 0.917).
    across_known_languages_vector_weight: float = 3.0
    # A question clearly in another language than its collection's, which the embedding
    # model does not know (an English question over Portuguese passages with bge-small):
    # the first `root_candidates` fused passages are re-ordered by their score plus this
    # weight times the share of the question's roots they hold (`words.roots`: "memory"
    # and "memória", "instructions" and "instruções"), scaled to the best score. The
    # model reads only names and numbers there, and roots are what else the two
    # languages share. 54 FaQuAD questions asked in English, replayed on the kept
    # index: 0.511 without, 0.590 / 0.605 / 0.611 at 1 / 2 / 5 (roots of 5 letters
    # gave 0.635 at 2, of 4: 0.621; 6 are the gate's too); the full run at 2: 0.495 ->
    # 0.602. Not where the model knows the collection's language: there its vectors
    # already vote across languages (30 SciFact claims asked in Portuguese, replayed:
    # 0.322 without, 0.319 at 2).
    across_languages_root_weight: float = 2.0
    root_candidates: int = 30
    # Then, the same head is re-read by a model that reads both languages
    # (`bridge.by_meaning`: reciprocal rank fusion, constant 60, of the head's order
    # and the bridge's, the bridge's rank weighted this much; 0: off). FaQuAD's 54
    # questions in English over its Portuguese paragraphs, replayed on the kept index
    # (2026-11-28, the head's 30 passages): 0.632 -> 0.705 nDCG@10 at 1 (0.75: 0.699,
    # 1.5: 0.680 at constant 30; constant 10 gave 0.713, not taken on 54 questions).
    across_languages_meaning_weight: float = 1.0
    # A question in English (or Portuguese) also asks the keyword index for its words
    # respelled the other language's way (`cognates.keyword_respellings`:
    # "organizations" -> "organizações"), and across languages the gate counts them
    # among its words. Measured on the kept indexes (2026-11-28): FaQuAD's 54
    # questions in English 0.602 -> 0.622 nDCG@10, SciFact's 30 claims in Portuguese
    # 0.322 -> 0.339; in the bilingual set, questions about the other language's
    # passages 0.439 -> 0.512 and 0.411 -> 0.479 (detected as Portuguese), 0.400 ->
    # 0.484 and 0.421 -> 0.438 (detected as English); FaQuAD, SciFact and the
    # bilingual set's questions as a whole unchanged.
    respell_across_languages: bool = True
    # Over a Portuguese keyword index, a word typed without accents is also asked with
    # the accent its ending usually takes (`accents`: "informacao" -> "informação"),
    # which the index's stemmer needs.
    restore_accents: bool = True
    # Across languages, the share of the question's words (`support.Coverage.score`)
    # that lets the passages through whatever the cosine: "When was the Higher
    # Institute of Pedagogy in Corumbá created?" holds 0.4 of them in its Portuguese
    # passage, at a cosine of 0.55. Unrelated English claims over FaQuAD's paragraphs
    # held at most 0.25.
    across_languages_keyword_coverage: float = 0.30
    # ... and the bridge model must find one of the passages at least this close to
    # the question in meaning (its cosine), unless they hold `min_keyword_coverage` of
    # its words (0: not asked; nor where a passage is in the question's language).
    # Measured on kept indexes (2026-11-28), answered / refused: FaQuAD's 54 English
    # questions against SciFact's 150 claims asked of FaQuAD 81.5% / 85.3% -> 81.5% /
    # 98.0%; 30 SciFact claims in Portuguese against 150 FaQuAD questions asked of
    # SciFact 90.0% / 66.0% -> 90.0% / 75.3%; the English questions asked of the FaQuAD
    # half with their paragraph and of the half without it (by article) 79.6% / 42.6%
    # -> 79.6% / 44.4%. The highest that answered no fewer (replayed): 0.2 gave 79.6% /
    # 98.7%, 86.7% / 80.7% and 77.8% / 46.3%; 0.25 refused all the claims but answered
    # 80% of the Portuguese ones.
    across_languages_min_meaning: float = 0.175
    language_vector_weights: tuple[tuple[str, float], ...] = (("Portuguese", 0.5),)
    duplicate_overlap: float = 0.85  # word-set overlap above which a chunk is a duplicate
    # How much the reranker's probability that a passage answers weighs against the
    # passage's place in fusion's head (`rerank.rerank_head`; used only with a reranker).
    rerank_weight: float = 1.0
    # The reranker re-reads nothing when fusion's first passage leads its second by at
    # least this much (None: it always re-reads). It reads 5 passages in about 0.5 s on
    # 2 cores, where fusion takes 50 ms; and where fusion is sure, the blend seldom
    # changes its first. SciFact with bge-small (replayed on kept indexes, nDCG@10 on
    # 400 train claims / 150 public ones): never re-read 0.765 / 0.793, always 0.771 /
    # 0.796; skipping at a lead of 0.05 / 0.1 / 0.15 / 0.2 spared 77 / 58 / 43 / 31% of
    # the questions and kept 0.767 / 0.769 / 0.770 / 0.771 (train). 0.1 is the widest
    # that spares more than half of them, so that the median question costs what fusion
    # costs; it keeps two thirds of the reranker's gain on the train claims (a third on
    # the public ones: 0.794 against 0.793 and 0.796).
    rerank_margin: float | None = 0.1
    # Cosine at or above which a passage is on topic (an embedding model's spec may say
    # otherwise: `EmbeddingModelSpec.min_similarity`). On SciFact's public split
    # (`arquivo eval --answers`: 1,000 abstracts in two halves, each claim asked of both,
    # keyword rule beside it) 0.35 answered 96.8% but refused only 7.7%, and the best
    # worse-of-the-two was 0.55 (77.8% / 78.2%). But there every abstract is biomedical;
    # on an ordinary report 0.55 refused "Tell me about the boiler." (cosine 0.49) and
    # "What does the report say about the budget?" (0.45), while unrelated questions
    # scored 0.03 to 0.17. A wrong refusal hides what the user has; a question let
    # through still meets a prompt that says to answer only from the sources. So 0.35.
    min_similarity: float = 0.35
    # How much of the question's wording the passages must hold (`support.Coverage.score`:
    # the mean of the best passage's and the best sentence's share of its stemmed words).
    # FaQuAD public split, each question asked of the corpus half with its gold paragraph
    # and of the half without (`arquivo eval --answers`; MiniLM, so the keywords decide):
    # 0.70 answered 87.1% / refused 87.3% with halves by article (86.4% / 78.4% when other
    # paragraphs of the article stay), against 84.9% / 84.9% (83.7% / 76.4%) for the
    # share of unstemmed words in one passage at its best threshold. 0.72 gave 83.3% /
    # 82.4% by paragraph but lost more by article.
    min_keyword_coverage: float = 0.70


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    relevant: bool  # whether the best passages are about the question at all
    best_similarity: float
    keyword_coverage: float  # `support.Coverage.score` of the passages found
    elapsed_ms: float
    # For a question in another language than the passages', which the embedding model
    # knows both of: the question's words cannot be in the passages, so only the cosine
    # can say that nothing near it was found (`EmbeddingModelSpec.far_across_languages`).
    judged_by_meaning: bool = False
    far_in_meaning: bool = False


def convex_fuse(
    text_hits: Sequence[StoredHit],
    vector_hits: Sequence[StoredHit],
    vector_weights: Sequence[float],
    text_weight: float,
) -> list[tuple[StoredHit, float]]:
    """The keyword and vector rankings fused by their scores, best first.

    Each ranking's scores are first put on one scale: a keyword row's score as a
    share of the first row's (never above the row before it, so the order given
    is kept: `spread_over_files` may have moved rows down), a cosine by where it
    lies between the lowest and highest of all the vector rows (1 for the best). A
    row then scores the weighted sum of the two, divided by the weights in play,
    so that a passage first in both scores 1 in any collection (`search_many`
    compares collections by these scores: one searched by keywords alone must not
    lose to one where two rankings add up); below 1 when the highest cosine is a
    row that does not vote. A row that no ranking voted for (a vector row of weight
    0) is left out; a voting row at the lowest cosine stays, scoring only what the
    keywords give it.
    """
    scores: dict[str, float] = {}
    rows: dict[str, StoredHit] = {}
    top = max((h.score for h in text_hits), default=0.0) or 1.0
    running = top
    for hit in text_hits:
        running = min(running, hit.score)
        scores[hit.chunk_id] = text_weight * running / top
        rows[hit.chunk_id] = hit
    # the scale spans every vector row, those that do not vote too: with a passage the
    # model cannot read at the top (cosine 0.79), an unrelated one at 0.65 is not "the best"
    low = min((h.score for h in vector_hits), default=0.0)
    high = max((h.score for h in vector_hits), default=0.0)
    for hit, weight in zip(vector_hits, vector_weights, strict=True):
        if weight > 0:
            place = (hit.score - low) / (high - low) if high > low else 1.0
            scores[hit.chunk_id] = scores.get(hit.chunk_id, 0.0) + weight * place
            rows.setdefault(hit.chunk_id, hit)
    total = text_weight + max(vector_weights, default=0.0) or 1.0
    order = sorted(scores, key=lambda cid: scores[cid], reverse=True)
    return [(rows[cid], scores[cid] / total) for cid in order]


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
    hits, in this order, so the deeper search can be skipped. (As far as the
    keyword index ranks a short list as it ranks the head of a long one: on
    FaQuAD one question of 449 saw two passages swap, nDCG@10 0.919 -> 0.918.)
    """
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.doc_hash] = counts.get(hit.doc_hash, 0) + 1
        if counts[hit.doc_hash] > per_file:
            return True
    return False


def _spec_of(embedder: Embedder) -> EmbeddingModelSpec | None:
    """The known model spec of `embedder`, by its name (None: a model we do not list)."""
    try:
        return find_embedding_spec(embedder.name)
    except ModelError:
        return None


def embedder_languages(embedder: Embedder) -> str | None:
    """The languages an embedder was trained on, as its model spec words them.

    An embedder may say so itself (a `languages` attribute); otherwise its
    name is looked up among the known models. None when nobody knows.
    """
    languages = getattr(embedder, "languages", None)
    if isinstance(languages, str):
        return languages
    return model_languages(embedder.name)


def model_languages(name: str) -> str | None:
    """The languages the named embedding model was trained on, as its spec words them;
    None for a model Arquivo does not list (a folder the user imported). Reads no
    model: the app asks it of every collection it lists."""
    try:
        return find_embedding_spec(name).languages
    except ModelError:
        return None


def embedder_min_similarity(embedder: Embedder, default: float) -> float:
    """The cosine from which `embedder` vouches for a passage (its spec's, else `default`)."""
    spec = _spec_of(embedder)
    return default if spec is None or spec.min_similarity is None else spec.min_similarity


def embedder_far_across_languages(embedder: Embedder) -> float | None:
    """The cosine under which passages are far from a question in another language
    (its spec's `far_across_languages`; None: the model cannot tell)."""
    spec = _spec_of(embedder)
    return spec.far_across_languages if spec else None


def embedder_near_across_languages(embedder: Embedder) -> float | None:
    """The cosine from which passages are about a question in another language."""
    spec = _spec_of(embedder)
    return spec.near_across_languages if spec else None


def embedder_across_languages_similarity(embedder: Embedder) -> float | None:
    """The cosine a question asked across languages must reach with `embedder`
    (its spec's `across_languages_similarity`; None: not used)."""
    spec = _spec_of(embedder)
    return spec.across_languages_similarity if spec else None


def knows_language(languages: str | None, language: str) -> bool:
    """Whether a model trained on `languages` can rank text in `language`.

    `languages` is free text such as "English" or "multilingual (100+
    languages, Portuguese included)"; `language` is a collection's full-text
    language ("Portuguese"). Unknown on either side counts as known: the
    vector ranking is only down-weighted on positive evidence.
    """
    if not languages or not language:
        return True
    said = languages.lower()
    return "multilingual" in said or language.lower() in said


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def holds_language(texts: Iterable[str], language: str, default_language: str) -> bool:
    """Whether any of the passages `texts` is written in `language` (one without marks
    either way is in `default_language`, its collection's).

    The head of a question's ranking is re-ordered across languages (`by_roots`,
    `bridge.by_meaning`) only when none of it is in the question's language: in a
    bilingual collection the passages in the question's own language are what it is
    about as often as not (roots there cost the bilingual set's English claims 0.896
    -> 0.862, and its English questions about Portuguese passages 0.439 -> 0.386).
    """
    return any(passage_language(text, default_language) == language for text in texts)


def by_roots(
    fused: list[tuple[StoredHit, float]],
    query: str,
    weight: float,
    depth: int,
) -> list[tuple[StoredHit, float]]:
    """The first `depth` passages re-ordered by score + `weight` x the best score x the
    share of the question's roots each holds (for a head none of which is in the
    question's language: `holds_language`).

    The scores that travel on are the head's own, handed out again in the new order,
    so that `search_many` still compares collections on one scale.
    """
    head, rest = fused[:depth], fused[depth:]
    wanted = roots(content_words(query))
    best = max((score for _, score in head), default=0.0)
    if not wanted or best <= 0:
        return fused
    scale = weight * best / len(wanted)
    keys = [score + scale * len(wanted & roots(content_words(row.text))) for row, score in head]
    order = sorted(range(len(head)), key=lambda i: keys[i], reverse=True)  # stable on ties
    scores = sorted((score for _, score in head), reverse=True)
    return [(head[i][0], score) for i, score in zip(order, scores, strict=True)] + rest


class VectorVotes:
    """How much the vector ranking's vote weighs for each passage, on one question
    over one collection, and whether the passage's cosine can vouch for it.

    Per passage, by the language it is written in: a collection holds what its
    owner wrote, often English and Portuguese side by side, while its keyword index
    has one language. An English model's ranking counts for the English passages
    and not for the Portuguese ones, whichever language the collection was detected
    as, and a Portuguese question gets no vote for the Portuguese ones: to the
    model both are close to noise. Across languages it does count
    (`across_languages_vector_weight`): a question's words can hardly be in passages
    of another language, while the model still places it near them by names,
    numbers and shared roots — measured both ways (English questions over FaQuAD,
    Portuguese claims over SciFact), and in a bilingual collection too: there,
    once the keywords found passages in the question's own language, the other
    language's passages kept no vote until 2026-11-28; with bge-small, voting for
    them cost its Portuguese questions 0.004 (0.909 → 0.905) and lifted English
    questions about its Portuguese passages from 0.148 to 0.400 and Portuguese
    claims about its English abstracts from 0.243 to 0.421. A model that knows
    both languages (multilingual-e5) is trusted further: it votes across them
    with a weight of its own (`across_known_languages_vector_weight`), back to
    the common one once the keywords found the question's language
    (`keywords_found`), where that weight would crowd out what they found.
    """

    def __init__(self, retriever: Retriever, collection: Collection, query: str) -> None:
        self._retriever = retriever
        self._collection = collection
        self.asked_in = question_language(query)
        self.heard = self.asked_in is None or retriever.knows_language(collection, self.asked_in)
        self._boost_across = True
        self._by_language: dict[str, tuple[float, bool]] = {}

    @property
    def start_weight(self) -> float:
        """The weight for a passage in the collection's language: above 0, the vector
        search runs from the start beside the keyword search."""
        return self.weigh(self._collection.language)[0]

    def keywords_found(self, text_hits: Sequence[StoredHit]) -> None:
        """Passages in the question's own language among the keyword matches end the
        extra weight across languages of a model that knows both."""
        asked_in = self.asked_in
        texts = (h.text for h in text_hits)
        if asked_in is not None and holds_language(texts, asked_in, self._collection.language):
            self._boost_across = False
            self._by_language.clear()

    def weigh(self, language: str) -> tuple[float, bool]:
        """(weight, vouches) for a passage written in `language`."""
        if language not in self._by_language:
            retriever, collection = self._retriever, self._collection
            cfg = retriever.config
            known = retriever.knows_language(collection, language)
            weight = retriever.vector_weight(collection, language) if self.heard else 0.0
            asked_in = self.asked_in
            across = asked_in is not None and asked_in != language
            if across and (known or self.heard):  # the model knows one of the two at least
                both = known and self.heard
                if both and self._boost_across:
                    weight = cfg.across_known_languages_vector_weight
                else:
                    weight = cfg.across_languages_vector_weight
            self._by_language[language] = (weight, known and self.heard)
        return self._by_language[language]

    def vote(self, hit: StoredHit) -> tuple[float, bool]:
        return self.weigh(passage_language(hit.text, self._collection.language))


class Retriever:
    """Answers 'which passages are about this?' for one collection."""

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
        (with fusion's order: `RetrievalConfig.rerank_weight`).

        5, measured on SciFact's public split with ms-marco-MiniLM-L-12-v2 and MiniLM
        when the reranker's order alone decided and fusion read ranks: nDCG@10 0.768
        against 0.751 for fusion alone; 10 gave 0.761 for twice the time (about 0.1 s
        a passage on 2 cores, so 0.5 s a question at 5). With the reranker weighed
        against fusion (bge-small, fusion by scores, replayed), 3 / 4 / 5 passages gave
        0.768 / 0.768 / 0.771 on 400 train claims and 0.793 / 0.793 / 0.795 on the
        public ones (fusion alone 0.765 / 0.793): 5 stays.

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
        self._languages = embedder_languages(embedder)
        self._reranker = reranker
        self._rerank_depth = rerank_depth
        self._bridge = bridge

    def embedder_of(self, collection: Collection) -> Embedder:
        """The model that embeds queries for `collection`: the one it was indexed with."""
        if self._embedder_for is None or collection.embedding_model == self._embedder.name:
            return self._embedder
        return self._embedder_for(collection)

    def knows_language(self, collection: Collection, language: str | None = None) -> bool:
        """Whether the collection's embedding model was trained on `language`
        (by default the collection's)."""
        languages = self._languages
        if collection.embedding_model != self._embedder.name and self._embedder_for is not None:
            languages = embedder_languages(self.embedder_of(collection))
        return knows_language(languages, language or collection.language)

    def _rerank(
        self, collection: Collection, query: str, fused: list[tuple[StoredHit, float]]
    ) -> list[tuple[StoredHit, float]]:
        """The fused ranking with its head re-read by the reranker, where it can read.

        Only passages in a language the reranker knows, and only for a question that
        is not clearly in another: an English cross-encoder scores a Portuguese
        passage, or a Portuguese question, by the few words the two share.
        """
        reranker = self._reranker
        if reranker is None:
            return fused
        asked_in = question_language(query)
        if asked_in is not None and not knows_language(reranker.languages, asked_in):
            return fused

        def readable(row: StoredHit) -> bool:
            language = passage_language(row.text, collection.language)
            return knows_language(reranker.languages, language)

        depth, weight = self._rerank_depth, self.config.rerank_weight
        margin = self.config.rerank_margin
        return rerank_head(reranker, query, fused, depth, readable, weight, margin)

    def _by_phrases(
        self, text_hits: list[StoredHit], query: str, collection: Collection
    ) -> list[StoredHit]:
        """The keyword ranking with its head re-ordered by the question's word pairs,
        every row's score a share of the best BM25 (plus, in the head, the pairs').

        Before `spread_over_files`, which keeps the order it is given: a long file's
        passages beyond `per_file_candidates` (often the same running header, holding
        the same pairs) must not climb back over the other files' first ones.
        """
        cfg = self.config
        return by_phrases(
            text_hits, query, collection.language, cfg.phrase_weight, cfg.phrase_candidates
        )

    def _keyword_query(self, collection: Collection, query: str, asked_in: str | None) -> str:
        """What the keyword index is asked: the question; over a Portuguese index, its
        words typed without accents with their likely accents as well (`accents`);
        and its words respelled the other language's way, for passages in that
        language (`cognates.keyword_respellings`)."""
        cfg = self.config
        extra: list[str] = []
        if cfg.restore_accents and collection.language == "Portuguese" and asked_in != "English":
            extra += accented_words(query)
        if cfg.respell_across_languages and asked_in is not None:
            extra += keyword_respellings(query, asked_in, collection.language)
        return " ".join([query, *extra]) if extra else query

    def _across_languages(
        self,
        collection: Collection,
        query: str,
        asked_in: str | None,
        fused: list[tuple[StoredHit, float]],
    ) -> list[tuple[StoredHit, float]]:
        """Across languages the model cannot bridge, the fused head re-ordered by the
        question's roots each passage holds (`across_languages_root_weight`; only
        where the model does not know the collection's language), then by what the
        bridge model reads in them (`across_languages_meaning_weight`; also where it
        does not know the question's).

        Both only when none of the head's passages is in the question's language: in
        a bilingual collection those are what it is about as often as not.
        """
        cfg = self.config
        if asked_in is None or asked_in == collection.language:
            return fused
        knows_passages = self.knows_language(collection)
        if knows_passages and self.knows_language(collection, asked_in):
            return fused
        by_root = cfg.across_languages_root_weight > 0 and not knows_passages
        bridge = self._bridge if cfg.across_languages_meaning_weight > 0 else None
        depth = cfg.root_candidates
        head = (row.text for row, _ in fused[:depth])
        if not (by_root or bridge) or holds_language(head, asked_in, collection.language):
            return fused
        if by_root:
            fused = by_roots(fused, query, cfg.across_languages_root_weight, depth)
        if bridge is not None:
            fused = by_meaning(fused, query, bridge, depth, cfg.across_languages_meaning_weight)
        return fused

    def _crosses_languages(
        self, query: str, collection: Collection, hits: Sequence[Hit], held: float,
        best_similarity: float,
    ) -> bool:  # fmt: skip
        """Whether a question in another language than the collection's, where the
        embedding model does not know one of the two, has evidence in the passages.

        Then the gate has little to go on: most of the question's words cannot be in
        the passages, and the cosine alone is not trusted. The words that cross
        languages (names, numbers, acronyms: "When was UFMS founded?" over Portuguese
        documents) are the evidence left, so any of them found lets the passages go to
        the model, which is told to say when they do not answer; none found is a
        refusal. For a question in the model's own language, where its spec gives an
        `across_languages_similarity`, a shared root counts as well ("monitoring",
        "monitoria") and the best passage's cosine must reach that threshold (a shared
        word alone let a third of unrelated questions through), unless the passages
        hold `across_languages_keyword_coverage` of the question's words. The bridge
        model has the last word (`_far_in_meaning`).
        """
        asked_in = question_language(query)
        if asked_in is None or asked_in == collection.language:
            return False
        knows_question = self.knows_language(collection, asked_in)
        if knows_question and self.knows_language(collection):
            return False
        threshold = (
            embedder_across_languages_similarity(self.embedder_of(collection))
            if knows_question
            else None
        )
        if threshold is None:
            return held > 0
        if held >= self.config.across_languages_keyword_coverage:
            return True  # several names or terms of the question are in the passages
        wanted = roots(content_words(query))
        shared = held > 0 or any(wanted & roots(content_words(h.text)) for h in hits)
        return shared and best_similarity >= threshold

    def _far_in_meaning(
        self, query: str, asked_in: str | None, collection: Collection, hits: Sequence[Hit]
    ) -> bool:
        """Whether the bridge model finds every passage far from the question in meaning
        (`across_languages_min_meaning`), once `_crosses_languages` let them through:
        words shared across languages (names, numbers, roots) also turn up in passages
        about something else. Not where a passage is in the question's own language (a
        bilingual collection): within one language the bridge tells topics apart, not
        passages, and the other signals decide as before."""
        bridge, floor = self._bridge, self.config.across_languages_min_meaning
        if bridge is None or floor <= 0 or not hits:
            return False
        texts = (h.text for h in hits)
        if asked_in is None or holds_language(texts, asked_in, collection.language):
            return False
        try:
            closeness = bridge.similarities(query, [(h.chunk_id, h.text) for h in hits])
        except ModelError:
            return False  # the bridge said why, once; the other evidence decides
        return max(closeness) < floor

    def vector_weight(self, collection: Collection, language: str | None = None) -> float:
        """The weight of the vector ranking's votes for passages in `language` (by
        default the collection's)."""
        cfg = self.config
        language = language or collection.language
        if not self.knows_language(collection, language):
            return cfg.foreign_vector_weight
        return dict(cfg.language_vector_weights).get(language, cfg.vector_weight)

    def search_many(self, collections: Sequence[Collection], query: str, k: int) -> SearchResult:
        """Search several collections and keep the best `k` passages of all."""
        if len(collections) == 1 or (collections and not fts_query_text(query)):
            return self.search(collections[0], query, k)  # the second: nothing to find
        started = time.perf_counter()
        vectors: dict[str, Vector] = {}  # one query embedding per model
        for c in collections:
            if VectorVotes(self, c, query).start_weight > 0 and c.embedding_model not in vectors:
                vectors[c.embedding_model] = self.embedder_of(c).embed_query(query)
        results = [self.search(c, query, k, vectors.get(c.embedding_model)) for c in collections]
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
        self, collection: Collection, query: str, k: int, vector: Vector | None = None
    ) -> SearchResult:
        started = time.perf_counter()
        if not fts_query_text(query):  # "???", an emoji: no word to look for
            # (the embedder's query prefix alone is near every passage: it would pass)
            return SearchResult((), False, 0.0, 0.0, (time.perf_counter() - started) * 1000)
        cfg = self.config
        embedder = self.embedder_of(collection)
        if collection.embedding_model != embedder.name:
            raise CollectionModelError(
                collection.name, collection.embedding_model, self._embedder.name,
                f"but {embedder.name!r} is loaded",
            )  # fmt: skip
        table = TableSpec(collection.table_name, collection.dim, collection.language)
        votes_of = VectorVotes(self, collection, query)
        vote = votes_of.vote
        vector_hits: list[StoredHit] = []
        keywords = self._keyword_query(collection, query, votes_of.asked_in)
        searched_vectors = votes_of.start_weight > 0
        if searched_vectors:
            if vector is None:
                vector = embedder.embed_query(query)
            vector_hits, text_hits = self._store.hybrid_search(
                table, vector, keywords, cfg.candidates
            )
        else:
            text_hits = self._store.text_search(table, keywords, cfg.candidates)
        if crowded(text_hits, cfg.per_file_candidates):
            # only then can deeper rows change the spread ranking's head (the deeper
            # search cost 5 ms more a question at 100,000 chunks, asked every time)
            deeper = self._store.text_search(table, keywords, cfg.candidates * cfg.candidate_pool)
            deeper = self._by_phrases(deeper, query, collection)
            text_hits = spread_over_files(deeper, cfg.per_file_candidates)[: cfg.candidates]
        else:
            text_hits = self._by_phrases(text_hits, query, collection)
        votes_of.keywords_found(text_hits)
        if not searched_vectors and (len(text_hits) < k or any(vote(h)[0] > 0 for h in text_hits)):
            # too few keyword matches, or some in a language the model knows (a
            # collection detected as Portuguese holding English files); `search_many`
            # may have embedded the question already
            if vector is None:
                vector = embedder.embed_query(query)
            vector_hits = self._store.vector_search(table, vector, cfg.candidates)
        votes = [vote(h) for h in vector_hits]
        weights = [weight for weight, _ in votes]
        tail: list[StoredHit] = []
        if len(text_hits) < k:
            # Too few keyword matches (a question in another language, or in other
            # words): the vector matches that get no vote continue the keyword
            # ranking, after it.
            found = {h.chunk_id for h in text_hits}
            tail = [
                h
                for h, w in zip(vector_hits, weights, strict=True)
                if w <= 0 and h.chunk_id not in found
            ]
        fillers = {h.chunk_id for h in tail}
        fused = convex_fuse(text_hits, vector_hits, weights, cfg.text_weight)
        # a filler scores 0: no ranking voted for it (a vector match in a language the
        # model does not know), it only continues the list when the keywords run out
        fused += [(h, 0.0) for h in tail]
        fused = self._across_languages(collection, query, votes_of.asked_in, fused)
        fused = self._rerank(collection, query, fused)
        similarity = {h.chunk_id: h.score for h in vector_hits}
        # The cosine only vouches for a passage in a language the model knows.
        vouched = {h.chunk_id for h, (_, known) in zip(vector_hits, votes, strict=True) if known}
        paths = self._catalog.paths_for(collection, {h.doc_hash for h, _ in fused})
        kept: list[tuple[StoredHit, float, list[str], set[str]]] = []
        past_full = 0  # rows read once `k` passages are kept: only their twins matter then
        for row, score in fused:
            if len(kept) >= k:
                past_full += 1
                if past_full > k:
                    # A copy of a kept passage ranks next to it (both retrievers score it
                    # alike), so `k` more rows find its twins; reading the whole fused
                    # list took 10 ms a question at 100,000 chunks.
                    break
            row_paths = paths.get(row.doc_hash)
            if not row_paths:
                continue  # chunks of an unfinished run that nothing references yet
            words = content_words(row.text)
            twin = next((k for k in kept if _overlap(words, k[3]) >= cfg.duplicate_overlap), None)
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
                filler=row.chunk_id in fillers,
            )
            for row, score, row_paths, _ in kept
        ]
        best_similarity = max((similarity.get(h.chunk_id, 0.0) for h in hits), default=0.0)
        best_vouched = max(
            (similarity[h.chunk_id] for h in hits if h.chunk_id in vouched), default=0.0
        )
        # Respellings count among the question's words only where the model can read
        # the question, so that its cosine is weighed beside them (`_crosses_languages`):
        # a question it cannot read goes through on any word it shares with the
        # passages, and common words respelled ("informação", "information") are in
        # almost any text (150 FaQuAD questions asked of SciFact: refused 38% of the
        # time instead of 66%).
        respell = cfg.respell_across_languages and votes_of.heard
        respelled_from = votes_of.asked_in if respell else None
        held = coverage(query, [h.text for h in hits], collection.language, respelled_from).score
        min_similarity = embedder_min_similarity(embedder, cfg.min_similarity)
        on_topic = best_vouched >= min_similarity
        relevant = bool(hits) and (
            on_topic
            or held >= cfg.min_keyword_coverage
            or (
                self._crosses_languages(query, collection, hits, held, best_similarity)
                and not self._far_in_meaning(query, votes_of.asked_in, collection, hits)
            )
        )
        floor = self._meaning_floor(collection, votes_of.asked_in, embedder)
        if floor is not None and not relevant and hits:
            near = embedder_near_across_languages(embedder)
            relevant = near is not None and best_similarity >= near
        return SearchResult(
            hits=tuple(hits),
            relevant=relevant,
            best_similarity=best_similarity,
            keyword_coverage=held,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            judged_by_meaning=floor is not None,
            far_in_meaning=floor is not None and best_similarity < floor,
        )

    def _meaning_floor(
        self, collection: Collection, asked_in: str | None, embedder: Embedder
    ) -> float | None:
        """The cosine under which nothing near a question asked across languages was
        found, where the model knows both languages (None: the words can judge)."""
        if asked_in is None or asked_in == collection.language:
            return None
        if not (self.knows_language(collection, asked_in) and self.knows_language(collection)):
            return None
        return embedder_far_across_languages(embedder)
