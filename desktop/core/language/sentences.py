"""Sentences of English and Portuguese text, with their place in it.

The supporting sentence, the gate's per-sentence coverage and the prompt's excerpts
all read text sentence by sentence. Sentences are split with a regular expression
that knows the abbreviations of English and Portuguese. It is written here rather
than taken from a sentence-splitting package: `sentencex`, the well-kept one that
knows Portuguese, ends a sentence after an initial ("J. Souza") and before a dash,
and the supporting sentence held the answer less often with it on FaQuAD's public
split (see docs/measurements.md). A blank line or a line that starts a list item
ends a sentence too, and a very long one is cut at ; or :, which no package does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.core.language.words import WORD

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
