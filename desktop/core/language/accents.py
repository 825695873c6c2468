"""Portuguese words typed without their accents, given back the likely accented form.

Many people type Portuguese without accents ("informacao", "avaliacoes"). Retrieval
folds accents when it compares words itself, but LanceDB's full-text index stems a
word before it folds it, and the Portuguese Snowball stemmer only knows the accented
endings: "informação" is indexed as "inform", while "informacao" stays "informaca"
and finds nothing (many common accented words were not found typed without accents,
the -ção/-ções, -ão/-ões and -ível families among them; see docs/measurements.md).

So the keyword query also carries each unaccented word with the accent its ending
usually takes. The endings below are the regular ones of Portuguese spelling; a form
that is not a word costs nothing, the index holds no such word.
"""

from __future__ import annotations

import re

from desktop.core.language.words import index_stems

# Unaccented ending -> accented ending, longest first: the first that fits is used.
_ACCENTED_ENDINGS: tuple[tuple[str, str], ...] = (
    ("coes", "ções"),
    ("cao", "ção"),
    ("soes", "sões"),
    ("sao", "são"),
    ("oes", "ões"),
    ("aes", "ães"),
    ("ao", "ão"),
    ("iveis", "íveis"),
    ("ivel", "ível"),
    ("aveis", "áveis"),
    ("avel", "ável"),
    ("encias", "ências"),
    ("encia", "ência"),
    ("ancias", "âncias"),
    ("ancia", "ância"),
    ("arios", "ários"),
    ("ario", "ário"),
    ("orios", "órios"),
    ("orio", "ório"),
    ("arias", "árias"),  # carga horária, matérias (and "padaria" asked as "padária": no harm)
    ("aria", "ária"),
    ("uidos", "uídos"),  # construído, incluída
    ("uidas", "uídas"),
    ("uido", "uído"),
    ("uida", "uída"),
    ("tem", "tém"),  # mantém, contém
    ("ues", "uês"),  # português, inglês: "-ês" after the consonant below too
    ("les", "lês"),
    ("ces", "cês"),
    ("nes", "nês"),
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_MIN_LETTERS = 3  # "pao" -> "pão"


def accented(word: str) -> str | None:
    """The accented form of an unaccented Portuguese word's ending ("informacoes" ->
    "informações"), or None when the word has accents already or no such ending."""
    word = word.lower()
    if len(word) < _MIN_LETTERS or not word.isascii() or not word.isalpha():
        return None
    for plain, marked in _ACCENTED_ENDINGS:
        if word.endswith(plain) and len(word) > len(plain):
            return word[: -len(plain)] + marked
    return None


def accented_words(question: str) -> list[str]:
    """The accented forms of the question's unaccented words, in order, each once;
    not those the index stems as it does the word typed ("ciencia" and "ciência"
    both meet "cienc"): those would only count the word twice."""
    found: dict[str, None] = {}
    for word in _WORD.findall(question):
        form = accented(word)
        if form is not None and index_stems([form], "Portuguese") != index_stems(
            [word], "Portuguese"
        ):
            found.setdefault(form, None)
    return list(found)
