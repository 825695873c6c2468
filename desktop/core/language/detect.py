"""Which language a text is in: enough to answer in the asker's language, to pick the
stemmer of a collection's keyword index, and to tell which passages share a
question's language.

Arquivo's users write English and Portuguese; common function words tell the two
apart reliably on a sentence, and a whole collection is judged on a sample of
its chunks.

The word lists stay hand-written. `py3langid` (langid.py's model, restricted to the
two languages) was measured in their place: retrieval on both public splits, and the
language of their passages, came out the same, while it judged some short Portuguese
questions unclear that the lists read ("À que Turing contribuiu?"), cost several times
more per passage (retrieval judges every candidate passage of every question), and
its model takes memory and a moment to load (see docs/measurements.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words that are common in one language and rare in the other. "do" and "as" are in
# neither: both languages use them all the time ("do" is "of the" in Portuguese), and a
# short question ("How many students do the courses have?") must not come out a tie.
_PORTUGUESE_MARKERS = frozenset(
    """
    que não uma para com como qual quais quem onde quando porque são está isso pelo pela
    dos das nos nas também foi ser muito sobre o os da em é de por quanto quantos quanta
    quantas ao aos à às um uns umas seu sua seus suas pode podem deve devem tem têm há
    entre até já ou se esse essa este esta isto aquele aquela pelos pelas num numa sem
    mas ainda depois antes
    """.split()
)
_ENGLISH_MARKERS = frozenset(
    """
    the what which who where when why how is are was were does did of and to in for with
    about this that can have has be an it on at by from or not will would should many
    much there their they you your been its into than
    """.split()
)


def _evidence(text: str) -> tuple[int, int]:
    """(Portuguese, English) marks in `text`: common words, and accents for Portuguese."""
    words = re.findall(r"\w+", text.lower())
    pt = sum(w in _PORTUGUESE_MARKERS for w in words) + 2 * bool(re.search(r"[ãõçáéíóúâêô]", text))
    en = sum(w in _ENGLISH_MARKERS for w in words)
    return pt, en


def detect_language(text: str) -> str:
    """'pt' or 'en', from common words: enough to answer in the asker's language."""
    pt, en = _evidence(text)
    return "pt" if pt > en else "en"


FTS_LANGUAGE = {"pt": "Portuguese", "en": "English"}


def question_language(text: str) -> str | None:
    """The full-text language name a question is clearly written in, else None.

    Unlike `detect_language`, a tie (no marks, or as many of each) says nothing:
    "Quantos alunos?" must not pass for English.
    """
    pt, en = _evidence(text)
    if pt == en:
        return None
    return FTS_LANGUAGE["pt" if pt > en else "en"]


def passage_language(text: str, default: str) -> str:
    """The full-text language name a passage is written in; `default` when unclear.

    A passage without marks either way (a table of figures, a list of names) is
    taken to be in its collection's language. Its first 500 characters say
    enough (retrieval asks this of every candidate passage of a question).
    """
    return question_language(text[:500]) or default


def collection_language(texts: Iterable[str], sample_chars: int = 50_000) -> str:
    """The full-text index language for a collection, from a sample of its text."""
    sample: list[str] = []
    size = 0
    for text in texts:
        sample.append(text)
        size += len(text)
        if size >= sample_chars:
            break
    return FTS_LANGUAGE[detect_language(" ".join(sample))]
