"""How much of a question's wording the retrieved passages hold: the relevance gate's
measure of words.

Counted with the collection language's own stemmer (`words.stems`): there the
language is known, and the gate's threshold was calibrated that way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.language.respellings import spellings
from desktop.core.language.sentences import split_sentences
from desktop.core.language.words import content_words, fold_word, stem_list, stems


@dataclass(frozen=True)
class Coverage:
    """How much of a question's wording the retrieved passages hold.

    Passages on the right topic share many of a question's words, spread over
    their sentences; the passage that answers it usually has one sentence with
    most of them (that is why the best sentence finds the answer so often).
    The relevance gate reads both, as their mean (`score`): on FaQuAD's public
    split it told answerable from unanswerable questions better than either
    alone (see docs/measurements.md).
    """

    passage: float  # the largest share of the question's words that one passage holds
    sentence: float  # the largest share that one sentence holds

    @property
    def score(self) -> float:
        return (self.passage + self.sentence) / 2


# a stem of two or three letters ("created" respelled "creado": "cre") is in too many words
_MIN_STEM = 4


def _question_stems(question: str, language: str, asked_in: str | None) -> list[set[str]]:
    """Each of the question's words as the stems (in `language`) that count as it:
    its own, and for a question in another language its respellings
    (`respellings.spellings`: "organizations" is held by "organizações")."""
    words = sorted(content_words(question))
    own = stem_list(words, language)
    if asked_in is None or asked_in == language:
        return [{stem} for stem in dict.fromkeys(own)]
    wanted: dict[str, set[str]] = {}
    for word, stem in zip(words, own, strict=True):
        others = stem_list([fold_word(w) for w in spellings(word, asked_in, language)], language)
        wanted.setdefault(stem, {stem}).update(o for o in others if len(o) >= _MIN_STEM)
    return list(wanted.values())


def coverage(
    question: str, texts: Sequence[str], language: str, asked_in: str | None = None
) -> Coverage:
    """The question's words (stemmed in `language`) found in `texts`, per passage and
    sentence; a question asked in another language (`asked_in`) counts its words'
    respellings too."""
    wanted = _question_stems(question, language, asked_in)
    if not wanted:
        return Coverage(0.0, 0.0)

    def held_in(text: str) -> int:
        found = stems(content_words(text), language)
        return sum(1 for forms in wanted if not forms.isdisjoint(found))

    passage = sentence = 0
    for text in texts:
        held = held_in(text)
        passage = max(passage, held)
        if held <= sentence:
            continue  # none of its sentences can hold more than the whole passage
        for piece in split_sentences(text):
            sentence = max(sentence, held_in(piece.text))
    return Coverage(passage / len(wanted), sentence / len(wanted))
