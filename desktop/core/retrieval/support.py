"""The sentence of the sources that best supports an answer.

A tiny chat model often answers badly, but the passage it was given usually
holds the answer in one sentence: on FaQuAD's public split, the sentence of the
gold paragraph sharing the most words with the question contained a gold answer
for 82% of the questions, while SmolLM2-135M's own answer did for 7 of 40. So
every answer comes with that sentence, and the interfaces highlight it in its
source.

Sentences are split with a regular expression that knows the abbreviations of
English and Portuguese (no sentence-splitting library is a dependency, and the
usual ones are English-first). Words are compared folded (lower case, no
accents) and cut to a short prefix: a cheap stemmer that treats "organizações"
and "organização", "inspected" and "inspection" as the same word, in both
languages, without a language switch.

`coverage` measures the same thing for the relevance gate, per passage and per
sentence, with the collection language's own stemmer (`words.stems`): there the
language is known, and the gate's threshold was calibrated that way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.language.detect import passage_language, question_language
from desktop.core.language.respellings import OTHER_LANGUAGE, respelled, spellings
from desktop.core.language.words import (
    PREFIX_CHARS,
    STOP_WORDS,
    WORD,
    content_words,
    fold_word,
    stem_list,
    stems,
)
from desktop.core.types import Hit, Source, Support

# A sentence ends at . ! ? … (with closing quotes or brackets) followed by space; a blank
# line or a line that starts a list item also ends one. Single line breaks are wrapping.
_BOUNDARY = re.compile(
    r"[.!?…][\"'”’»)\]]*(?P<gap>\s+)(?=[\"'“‘«(\[¿¡]?[A-ZÀ-ÖØ-Þ0-9¿¡])"
    r"|(?P<blank>\n[ \t]*\n\s*)"
    r"|(?P<item>\n)(?=[ \t]*(?:[-•*▪–]\s|\d{1,3}[.)]\s))"
)
# Words after which a full stop does not end a sentence (folded, without the dot).
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr drs prof profa sr sra srs sras st jr etc e.g i.e vs cf fig figs no nos
    nº n.º art arts pag pags p pp vol vols ed eds cap caps inc ltd co corp dept univ
    approx est jan feb fev mar apr abr jun jul aug ago sep set sept oct out nov dec dez
    av exmo exma ilmo ilma lda ltda sec séc tel obs ex
    """.split()
)
_LONG_SENTENCE = 400  # characters beyond which a "sentence" is cut at ; or :


@dataclass(frozen=True)
class Sentence:
    """A sentence of a text and where it lies in it (`text[start:end]`)."""

    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text`, with spans into it; whitespace-only pieces dropped."""
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        gap = next(g for g in ("gap", "blank", "item") if match.group(g) is not None)
        end = match.start(gap)  # the stop and closing quotes stay in the sentence
        if _ends_with_abbreviation(text, start, end):
            continue
        pieces.append((start, end))
        start = match.end()
    pieces.append((start, len(text)))
    sentences: list[Sentence] = []
    for begin, end in pieces:
        for b, e in _cut_long(text, begin, end):
            stripped = _strip_span(text, b, e)
            if stripped is not None:
                sentences.append(Sentence(text[stripped[0] : stripped[1]], *stripped))
    return sentences


def _ends_with_abbreviation(text: str, start: int, end: int) -> bool:
    """Whether the piece text[start:end] ends with 'Dr.', 'e.g.', an initial 'J.' and so on."""
    piece = text[start:end].rstrip("\"'”’»)] \t\n")
    if not piece.endswith("."):
        return False
    last = piece[:-1].rsplit(None, 1)[-1] if piece[:-1].strip() else ""
    last = last.lstrip("(\"'“«[").lower()
    if len(last) == 1 and last.isalpha():
        return True  # an initial: "J. Smith"
    return last in _ABBREVIATIONS


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A very long piece (a table row, a list without stops) cut at ; or : near the middle."""
    if end - start <= _LONG_SENTENCE:
        return [(start, end)]
    cuts = [m.end() for m in re.finditer(r"[;:]\s", text[start:end]) if m.end() < end - start]
    if not cuts:
        return [(start, end)]
    middle = (end - start) // 2
    cut = start + min(cuts, key=lambda c: abs(c - middle))
    return _cut_long(text, start, cut) + _cut_long(text, cut, end)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end or not WORD.search(text, start, end):
        return None
    return start, end


def terms(text: str) -> set[str]:
    """Content words of `text`, folded and cut to a stem-like prefix."""
    return {
        w[:PREFIX_CHARS]
        for w in WORD.findall(fold_word(text))
        if (len(w) > 2 or w.isdigit()) and w not in STOP_WORDS
    }


def best_sentence(text: str, question: str) -> Sentence | None:
    """The sentence of `text` sharing the most words with the question."""
    found = best_support(question, "", [Source(1, Hit("", "", text, None, "", 0.0))])
    return None if found is None else Sentence(found.sentence, found.start, found.end)


def best_support(
    question: str,
    answer: str,
    sources: Sequence[Source],
    cited: Sequence[int] = (),
) -> Support | None:
    """The sentence of the used sources that best supports the answer to `question`.

    The used sources are those the answer cites, or all when it cites none or
    when no cited source shares a word with the question (a wrong citation). A
    sentence scores by the question's words it holds; the answer's words
    break ties, then the better-ranked source, then the shorter sentence. None
    when no sentence shares a word with the question or the answer.
    """
    used = [s for s in sources if s.n in set(cited)]
    if used:
        found = _best_support(question, answer, used)
        if found is not None and found[0][0] > 0:
            return found[1]
        # the cited sources share no word with the question: a wrong citation
    found = _best_support(question, answer, list(sources))
    return None if found is None else found[1]


def attribute(answer: str, question: str, sources: Sequence[Source]) -> int | None:
    """The number of the source an uncited answer came from: the one sharing most of
    the answer's words (the question's break ties), then the better ranked; None when
    no source shares a word with the answer."""
    said = terms(answer)
    wanted = terms(question)
    best: tuple[tuple[int, int, int], int] | None = None
    for rank, source in enumerate(sources):
        words = terms(source.hit.text)
        key = (len(words & said), len(words & wanted), -rank)
        if key[0] and (best is None or key > best[0]):
            best = (key, source.n)
    return None if best is None else best[1]


def _respelled_terms(question: str) -> tuple[str | None, set[str]]:
    """The question's language and its words respelled the other language's way
    (`cognates`), as `terms`: the sources of an English question may be
    Portuguese, and the other way round."""
    asked_in = question_language(question)
    other = OTHER_LANGUAGE.get(asked_in or "")
    if asked_in is None or other is None:
        return asked_in, set()
    return asked_in, terms(" ".join(respelled(question, asked_in, other)))


def _best_support(
    question: str, answer: str, used: Sequence[Source]
) -> tuple[tuple[float, ...], Support] | None:
    """The best sentence of `used` with its sort key (question words first)."""
    wanted = terms(question)
    asked_in, respelled_terms = _respelled_terms(question)
    said = terms(answer) - wanted
    best: tuple[tuple[float, ...], Support] | None = None
    for rank, source in enumerate(used):
        # respellings only for a source in the other language: in the question's own,
        # "special" respelled "especial" would count "especially" as a question word
        wanted_here, said_here = wanted, said
        if respelled_terms and passage_language(source.hit.text, asked_in or "") != asked_in:
            wanted_here, said_here = wanted | respelled_terms, said - respelled_terms
        for sentence in split_sentences(source.hit.text):
            words = terms(sentence.text)
            on_question = len(words & wanted_here)
            on_answer = len(words & said_here)
            if not on_question and not on_answer:
                continue
            key = (on_question, on_answer, -rank, -len(sentence.text))
            if best is None or key > best[0]:
                support = Support(source.n, sentence.text, sentence.start, sentence.end)
                best = (key, support)
    return best


@dataclass(frozen=True)
class Coverage:
    """How much of a question's wording the retrieved passages hold.

    Passages on the right topic share many of a question's words, spread over
    their sentences; the passage that answers it usually has one sentence with
    most of them (that is why the best sentence finds the answer so often).
    The relevance gate reads both, as their mean (`score`): on FaQuAD's public
    split it told answerable from unanswerable questions better than either
    alone (README, "Refusal").
    """

    passage: float  # the largest share of the question's words that one passage holds
    sentence: float  # the largest share that one sentence holds

    @property
    def score(self) -> float:
        return (self.passage + self.sentence) / 2


_MIN_STEM = 4


def _question_stems(question: str, language: str, asked_in: str | None) -> list[set[str]]:
    """Each of the question's words as the stems (in `language`) that count as it:
    its own, and for a question in another language its respellings
    (`cognates.spellings`: "organizations" is held by "organizações")."""
    words = sorted(content_words(question))
    own = stem_list(words, language)
    if asked_in is None or asked_in == language:
        return [{stem} for stem in dict.fromkeys(own)]
    wanted: dict[str, set[str]] = {}
    for word, stem in zip(words, own, strict=True):
        others = stem_list([fold_word(w) for w in spellings(word, asked_in, language)], language)
        # a stem of two or three letters ("created" as "creado": "cre") is in too many words
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
