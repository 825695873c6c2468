"""Words as retrieval compares them: folded, without stop words, stemmed.

Several parts judge text by the words it shares with a question: duplicate
passages, the relevance gate, the best supporting sentence, the highlight in a
source. They share this module so that "a word" means the same everywhere.

Stemming uses the Snowball stemmer of the collection's language
(`py_rust_stemmers`, which fastembed already installs): "universidades" and
"universidade", "cells" and "cell" count as one word. A language without a
stemmer falls back to a short prefix, which does the same roughly.

The stop list is written here rather than taken from a package: the published
English and Portuguese lists (`stop-words`, `stopwordsiso`) are many times longer
and hold words that carry a topic ("able", "act", "announce", numbers). With them
the supporting sentence held the answer less often on FaQuAD's public split (see
docs/measurements.md), and the relevance gate's threshold was calibrated on this
short list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

WORD = re.compile(r"\w+", re.UNICODE)
_LONG_WORD = re.compile(r"\w{3,}", re.UNICODE)  # runs of 3+ word characters: no short words
STEM_PREFIX_CHARS = 5  # the fallback "stem": the first few letters of a folded word
# The prefix a word shares with its cognate across English and Portuguese ("monitoring",
# "monitoria"): not a stem of either language, only the letters both spell alike.
SHARED_PREFIX_CHARS = 6


class _DropMarks(dict[int, "int | None"]):
    """A `str.translate` table that deletes combining marks (the accents NFKD splits
    off a letter: "é" -> "e" + U+0301) and keeps every other character. It learns each
    character the first time it meets it, so it costs nothing at import and stays in
    C (a dict lookup) for characters already seen."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_DROP_MARKS = _DropMarks()


def fold_word(text: str) -> str:
    """Lower case without accents, for comparing words across spellings."""
    lowered = text.lower()
    if lowered.isascii():  # nothing to decompose
        return lowered
    return unicodedata.normalize("NFKD", lowered).translate(_DROP_MARKS)


@lru_cache(maxsize=256)
def fold(text: str) -> str:
    """`fold_word` of a passage, remembered: retrieval folds each candidate passage
    several times a question (duplicates, word pairs, the gate).

    It stays in C (a character-by-character filter was a large share of a query's
    time), and the last 256 texts are kept: one question reads up to a few dozen
    passages, and folding them again was a visible share of a query's time. Single
    words and file names go to `fold_word`, so as not to push the passages out (the
    gate's sentences still pass through here).
    """
    return fold_word(text)


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
STOP_WORDS = frozenset(fold_word(w) for w in _STOP_WORDS_TEXT.split())


def content_words(text: str) -> set[str]:
    """The folded words of `text` that can carry a topic (no stop words, no short ones).

    Called on every candidate passage (duplicates, the gate): the regex skips the
    short words and one set difference drops the stop words, faster than filtering
    word by word.
    """
    return set(_LONG_WORD.findall(fold(text))) - STOP_WORDS


@lru_cache(maxsize=8)
def _snowball(language: str) -> object | None:
    """The Snowball stemmer for a full-text language name ("Portuguese"), if any."""
    import py_rust_stemmers

    try:
        return py_rust_stemmers.SnowballStemmer(language.lower())
    except (ValueError, TypeError):  # a language Snowball has no stemmer for
        return None


def stems(words: Iterable[str], language: str) -> set[str]:
    """The stems of folded `words` in `language` (a collection's full-text language)."""
    return set(stem_list(list(words), language))


def stem_list(words: list[str], language: str) -> list[str]:
    """`stems`, word for word and in order (pairs of neighbours need the order)."""
    stemmer = _snowball(language) if language else None
    if stemmer is None:
        return [w[:STEM_PREFIX_CHARS] for w in words]
    return list(stemmer.stem_words(words))  # type: ignore[attr-defined]


def index_stems(words: Iterable[str], language: str) -> set[str]:
    """Stems as the keyword index makes them: stemmed with their accents, then folded
    ("informação" -> "inform", while "informacao" stays "informaca"). `stems` folds
    first, which suits comparing texts with each other, not guessing the index."""
    return {fold_word(stem) for stem in stem_list([w.lower() for w in words], language)}


def shared_prefixes(words: Iterable[str]) -> set[str]:
    """The first `SHARED_PREFIX_CHARS` letters of the folded `words` that have as many.

    Words of one Latin root often share them across English and Portuguese
    ("university" and "universidade", "curriculum" and "curricular"), where no
    stemmer of either language makes them meet.
    """
    return {w[:SHARED_PREFIX_CHARS] for w in words if len(w) >= SHARED_PREFIX_CHARS}


def terms(text: str) -> set[str]:
    """Content words of `text`, folded and cut to a stem-like prefix, in any language.

    A cheap stemmer: "organizações" and "organização", "inspected" and "inspection"
    become one term in both languages without knowing which language a text is in,
    which the supporting sentence needs (an English question's answer may sit in a
    Portuguese passage). It stays hand-written: Snowball would need each text's
    language first, and even given it, its stems found the sentence holding the
    answer less often on FaQuAD's public split (see docs/measurements.md).
    """
    return {
        w[:STEM_PREFIX_CHARS]
        for w in WORD.findall(fold_word(text))
        if (len(w) > 2 or w.isdigit()) and w not in STOP_WORDS
    }
