"""How retrieval fuses, re-orders and filters: one frozen value, tuned on the public splits.

Each field says what it does and why it has its value; the runs behind the values
are in docs/measurements.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetrievalConfig:
    """How retrieval fuses and filters; defaults measured on the public splits.

    `vector_weight` and `text_weight` weigh the two rankings' scaled scores
    (`fusion.convex_fuse`), tuned on SciFact's train claims and checked on its
    public ones. The vectors weigh more than the keywords because the scaled cosine
    of the last vector candidate is 0, while the last keyword candidate keeps its
    share of the best BM25.

    `foreign_vector_weight` replaces `vector_weight` for passages in a language
    the embedding model does not know. At 0 (the default) the vector ranking
    only fills in after the keyword matches when these are too few, and is not
    even computed otherwise: on FaQuAD (Portuguese, English models) any weight
    cost quality, or gained too little to be worth embedding the question for.

    `language_vector_weights` overrides `vector_weight` per passage language,
    for models that know it: Portuguese was tuned on FaQuAD with
    multilingual-e5-small. There the questions share many words with their
    passage, so keywords lead; the vectors still rank alone when the keywords find
    nothing (a question asked in English).
    """

    candidates: int = 40  # rows taken from each retriever before fusion
    # The keyword ranking's first `phrase_candidates` are re-ordered by BM25 plus
    # `phrase_weight` times the share of the question's word pairs a passage holds
    # (`word_pairs.by_word_pairs`); weight 0 keeps BM25's order.
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
    # shared prefixes. Tuned both ways: FaQuAD's questions asked in English, SciFact's
    # claims asked in Portuguese.
    across_languages_vector_weight: float = 1.5
    # Replaces `across_languages_vector_weight` when the model knows both languages
    # (multilingual-e5): its cosine across them then measures meaning, not only names
    # and prefixes, and the keywords still find next to nothing. Once the keywords found
    # passages in the question's own language, `across_languages_vector_weight` applies
    # again: in a bilingual collection a higher weight there crowded out the passages
    # in the question's own language.
    across_known_languages_vector_weight: float = 3.0
    # A question clearly in another language than its collection's, which the embedding
    # model does not know (an English question over Portuguese passages with bge-small):
    # the first `prefix_candidates` fused passages are re-ordered by their score plus
    # this weight times the share of the question's shared prefixes they hold
    # (`words.shared_prefixes`: "memory" and "memória", "instructions" and
    # "instruções"), scaled to the best score. The model reads only names and numbers
    # there, and these prefixes are what else the two languages share. Not where the
    # model knows the collection's language: there its vectors already vote across
    # languages, and the prefixes added nothing.
    across_languages_prefix_weight: float = 2.0
    prefix_candidates: int = 30
    # Then, the same head is re-read by a model that reads both languages
    # (`cross_language.by_meaning`: reciprocal rank fusion, constant 60, of the head's
    # order and the bridge's, the bridge's rank weighted this much; 0: off). It lifted
    # FaQuAD's questions asked in English clearly; higher weights did worse.
    across_languages_meaning_weight: float = 1.0
    # A question in English (or Portuguese) also asks the keyword index for its words
    # respelled the other language's way (`respellings.keyword_respellings`:
    # "organizations" -> "organizações"), and across languages the gate counts them
    # among its words. It helped questions asked across languages both ways, in
    # single-language and bilingual collections, and changed nothing for questions in
    # their collection's language.
    respell_across_languages: bool = True
    # Over a Portuguese keyword index, a word typed without accents is also asked with
    # the accent its ending usually takes (`accents`: "informacao" -> "informação"),
    # which the index's stemmer needs.
    restore_accents: bool = True
    # Across languages, the share of the question's words (`coverage.Coverage.score`)
    # that lets the passages through whatever the cosine: "When was the Higher
    # Institute of Pedagogy in Corumbá created?" holds a good share of them in its
    # Portuguese passage at a low cosine, while unrelated English claims over FaQuAD's
    # paragraphs held less.
    across_languages_keyword_coverage: float = 0.30
    # ... and the bridge model must find one of the passages at least this close to
    # the question in meaning (its cosine), unless they hold `min_keyword_coverage` of
    # its words (0: not asked; nor where a passage is in the question's language). It
    # refused more unrelated questions across languages and no answerable one; the
    # highest value that answered no fewer.
    across_languages_min_meaning: float = 0.175
    language_vector_weights: tuple[tuple[str, float], ...] = (("Portuguese", 0.5),)
    duplicate_overlap: float = 0.85  # word-set overlap above which a chunk is a duplicate
    # How much the reranker's probability that a passage answers weighs against the
    # passage's place in fusion's head (`reranking.rerank`; used only with a reranker).
    rerank_weight: float = 1.0
    # The reranker re-reads nothing when fusion's first passage leads its second by at
    # least this much (None: it always re-reads). Reading costs far more than fusion,
    # and where fusion is sure the blend seldom changes its first. This is the widest
    # margin that spares more than half of the questions, so that the median question
    # costs what fusion costs, while keeping most of the reranker's gain.
    rerank_margin: float | None = 0.1
    # Cosine at or above which a passage is on topic (an embedding model's spec may say
    # otherwise: `EmbeddingModelSpec.min_similarity`). On SciFact's gate halves a higher
    # threshold balanced answered and refused better, but there every abstract is
    # biomedical; on an ordinary report it refused plain questions about what the report
    # holds, while unrelated questions scored far lower. A wrong refusal hides what the
    # user has; a question let through still meets a prompt that says to answer only
    # from the sources. So the lower value.
    min_similarity: float = 0.35
    # How much of the question's wording the passages must hold (`coverage.Coverage.score`:
    # the mean of the best passage's and the best sentence's share of its stemmed words).
    # Calibrated on FaQuAD's gate halves (`arquivo eval --answers`; an English model, so
    # the keywords decide): it told answerable from unanswerable questions better than
    # the share of unstemmed words in one passage, and a higher threshold lost more
    # answerable questions than it refused unanswerable ones.
    min_keyword_coverage: float = 0.70
