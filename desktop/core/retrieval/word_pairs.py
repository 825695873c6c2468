"""Word pairs: the passage that holds a question's words side by side ranks higher.

The full-text index scores each word on its own (BM25), so a paragraph that
mentions "sistema" and "informação" far apart scores like the one that says
"sistemas de informação". Questions are mostly written with the words of the
passage that answers them, often whole phrases of it. So the keyword ranking's
head is re-ordered by BM25 (as a share of the best score) plus the share of the
question's word pairs that the passage also holds: two content words next to
each other once stop words are left out, stemmed, in either order ("system of
information" meets "information system").

On FaQuAD's public split re-ordering the keyword ranking's first 10 this way
raised plain full-text search and Arquivo's default alike, and SciFact a little;
a deeper head did no better, a shallower one slightly worse (see
docs/measurements.md). In a first sketch, pairs of words up to two or three
apart, or in the question's order only, did no better than neighbours in either
order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from desktop.core.index.vector_store import StoredHit
from desktop.core.language.words import STOP_WORDS, fold, stem_list

# Two letters and more: unlike `words.content_words` (three and more, for word sets),
# a pair keeps acronyms and numbers such as "TI", "RH" or "10" next to their neighbour
# (the pairs were measured so).
_WORD = re.compile(r"\w\w+", re.UNICODE)
# Per language, a folded word -> its stem, or None for a stop word. Every candidate
# passage of every question is read word by word: looked up here, a word costs a dict
# hit instead of a call to the stemmer, several times cheaper.
_STEMS: dict[str, dict[str, str | None]] = {}
# Words remembered per language before starting afresh: a few megabytes (passages full
# of numbers or codes fill it faster; starting afresh costs one stemmer call a passage).
_STEMS_KEPT = 50_000


def _stems(words: list[str], language: str) -> list[str | None]:
    """Folded, then stemmed, like `words.stems`: a question typed without accents
    meets the accented text. (Stemming the accented word first joins "informação"
    and "informações", but loses the unaccented "informacao": plain full-text search
    on FaQuAD re-ordered so scored a little lower.)"""
    known = _STEMS.setdefault(language, {})
    new = [w for w in dict.fromkeys(words) if w not in known]
    if new:
        if len(known) + len(new) > _STEMS_KEPT:
            # a new dict rather than clear(): another search may be reading the old one
            known = _STEMS[language] = {}
            new = list(dict.fromkeys(words))
        stemmed = stem_list(new, language)
        known.update((w, None if w in STOP_WORDS else s) for w, s in zip(new, stemmed, strict=True))
    return [known[w] for w in words]


def word_pairs(text: str, language: str) -> set[tuple[str, str]]:
    """The pairs of neighbouring content words of `text`, stemmed, in text order."""
    stems = [s for s in _stems(_WORD.findall(fold(text)), language) if s]
    return set(pairwise(stems))


def by_word_pairs(
    hits: Sequence[StoredHit], query: str, language: str, weight: float, head: int | None = None
) -> list[StoredHit]:
    """A keyword ranking with its first `head` hits (all by default) re-ordered by
    BM25 share plus `weight` times pair share.

    Every hit comes back with its BM25 as a share of the best of `hits`, and those
    of the head with the pairs' bonus added: fusion weighs these scores against the
    vectors' cosine. A question with no pair (one content word), or a weight of 0,
    keeps the order as given.
    """
    best = max((h.score for h in hits), default=0.0) or 1.0
    shares = [replace(h, score=h.score / best) for h in hits]
    front = len(shares) if head is None else min(head, len(shares))
    if weight <= 0 or front < 2:
        return shares
    asked = {(a, b) if a <= b else (b, a) for a, b in word_pairs(query, language) if a != b}
    if not asked:
        return shares

    def with_pairs(hit: StoredHit) -> StoredHit:
        held = word_pairs(hit.text, language)
        shared = sum(1 for a, b in asked if (a, b) in held or (b, a) in held)
        return replace(hit, score=hit.score + weight * shared / len(asked))

    scored = [with_pairs(h) for h in shares[:front]]
    # stable: ties keep the order
    return sorted(scored, key=lambda h: h.score, reverse=True) + shares[front:]
