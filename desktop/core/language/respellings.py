"""A question's words spelled the other language's way: English and Portuguese.

An English question over Portuguese documents shares few words with them, and an
English-only embedding model cannot bridge the two, so the keyword index is left
with names and numbers. Yet much of the vocabulary of reports, regulations and
science is the same Latin word in both, spelled by regular rules: "organization"
and "organização", "activity" and "atividade", "pedagogy" and "pedagogia",
"mathematical" and "matemático". Respelling each of the question's words by those
rules, and searching the respelled words beside the question's own, lets the
keyword index (which stems in the collection's language) find them.

The rules are the textbook correspondences of English and Portuguese spelling
(suffixes such as -tion/-ção, -ity/-idade, -ical/-ico; ph/f, th/t, y/i, doubled
consonants), written here because no package carries them. A respelling that is
not a word of the other language mostly costs nothing, the index holding no such
word; but the index stems, so a wrong one can meet a real word's stem ("july" as
"jumente" would meet "jumento"): rules that misfire on common words are left out
("-ly" is respelled only on adverbs), and so are words too short to tell apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from desktop.core.language.words import STOP_WORDS, fold_word, index_stems

# English ending -> Portuguese ending, longest first: the first that fits is used.
_ENGLISH_TO_PORTUGUESE_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("izations", ("izações",)),
    ("ization", ("ização",)),
    ("ations", ("ações",)),
    ("ation", ("ação",)),
    ("ctions", ("cções", "ções")),  # Portugal keeps the c of "ficção", Brazil too there
    ("ction", ("cção", "ção")),
    ("tions", ("ções",)),
    ("tion", ("ção",)),
    ("ssions", ("ssões",)),
    ("ssion", ("ssão",)),
    ("sions", ("sões",)),
    ("sion", ("são",)),
    ("ities", ("idades",)),
    ("ity", ("idade",)),
    ("ically", ("icamente",)),
    ("icals", ("icos", "icas")),
    ("ical", ("ico", "ica")),
    ("ics", ("ica",)),
    ("ic", ("ico", "ica")),
    ("ments", ("mentos",)),
    ("ment", ("mento",)),
    ("ances", ("âncias",)),
    ("ance", ("ância",)),
    ("ancy", ("ância",)),
    ("ences", ("ências",)),
    ("ence", ("ência",)),
    ("ency", ("ência",)),
    ("ables", ("áveis",)),
    ("able", ("ável",)),
    ("ibles", ("íveis",)),
    ("ible", ("ível",)),
    ("aries", ("ários",)),
    ("ary", ("ário", "ária")),
    ("ories", ("órios",)),
    ("ory", ("ório", "ória")),
    ("ous", ("oso", "osa")),
    ("ives", ("ivos",)),
    ("ive", ("ivo", "iva")),
    ("isms", ("ismos",)),
    ("ism", ("ismo",)),
    ("ists", ("istas",)),
    ("ist", ("ista",)),
    ("ures", ("uras",)),
    ("ure", ("ura",)),
    ("logies", ("logias",)),
    ("logy", ("logia",)),
    ("phies", ("fias",)),
    ("phy", ("fia",)),
    ("gies", ("gias",)),
    ("gy", ("gia",)),
    ("mies", ("mias",)),
    ("my", ("mia",)),
    ("tries", ("trias",)),
    ("try", ("tria",)),
    ("ums", ("os",)),
    ("um", ("o",)),
    ("ally", ("almente",)),  # adverbs only: "family", "july", "apply" end in -ly too
    ("ously", ("osamente",)),
    ("ively", ("ivamente",)),
    ("ently", ("entemente",)),
    ("ated", ("ado", "ada")),
    ("ized", ("izado", "izada")),
)

# Portuguese ending -> English ending: most of the correspondences above read the other
# way (those that lose a letter, -ical/-ico, or cannot be told apart, -al, are left).
_PORTUGUESE_TO_ENGLISH_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("izações", ("izations",)),
    ("ização", ("ization",)),
    ("ações", ("ations",)),
    ("ação", ("ation",)),
    ("ções", ("tions", "ctions")),
    ("ção", ("tion", "ction")),
    ("ssões", ("ssions",)),
    ("ssão", ("ssion",)),
    ("sões", ("sions",)),
    ("são", ("sion",)),
    ("idades", ("ities",)),
    ("idade", ("ity",)),
    ("icamente", ("ically",)),
    ("mente", ("ly",)),
    ("mentos", ("ments",)),
    ("mento", ("ment",)),
    ("âncias", ("ances",)),
    ("ância", ("ance",)),
    ("ências", ("ences",)),
    ("ência", ("ence",)),
    ("áveis", ("ables",)),
    ("ável", ("able",)),
    ("íveis", ("ibles",)),
    ("ível", ("ible",)),
    ("ários", ("aries",)),
    ("ário", ("ary",)),
    ("órios", ("ories",)),
    ("ório", ("ory",)),
    ("osos", ("ous",)),
    ("oso", ("ous",)),
    ("osas", ("ous",)),
    ("osa", ("ous",)),
    ("ivos", ("ives",)),
    ("ivo", ("ive",)),
    ("ivas", ("ives",)),
    ("iva", ("ive",)),
    ("ismos", ("isms",)),
    ("ismo", ("ism",)),
    ("istas", ("ists",)),
    ("ista", ("ist",)),
    ("logias", ("logies",)),
    ("logia", ("logy",)),
    ("fias", ("phies",)),
    ("fia", ("phy",)),
    ("icos", ("ics",)),
    ("ico", ("ic",)),
    ("icas", ("ics",)),
    ("ica", ("ic",)),
    ("uras", ("ures",)),
    ("ura", ("ure",)),
    ("órias", ("ories",)),  # história, memória
    ("ória", ("ory",)),
    ("árias", ("aries",)),
    ("ária", ("ary",)),
    ("gias", ("gies",)),  # energia, tecnologia
    ("gia", ("gy",)),
    ("mias", ("mies",)),  # economia, academia
    ("mia", ("my",)),
    ("trias", ("tries",)),
    ("tria", ("try",)),
)

_FOLDED_PORTUGUESE_ENDINGS = tuple(
    (fold_word(old), new) for old, new in _PORTUGUESE_TO_ENGLISH_ENDINGS
)

_DOUBLED = re.compile(r"([bcdfglmnpt])\1")  # Portuguese keeps only rr and ss doubled
# "study" -> "estudo", "special" -> "especial"; but "science" -> "ciência"
_S_CLUSTER = re.compile(r"^s(?=c[^ei]|[pqt])")
_SC_SOFT = re.compile(r"^sc(?=[ei])")
_ES_CLUSTER = re.compile(r"^es(?=[cpqt])")
_INNER_Y = re.compile(r"(?<=.)y")  # "system" -> "sistema"; a leading y ("year") stays
# Forms of "estar" and "este", too common to respell: "esteve" would become "steve".
_KEEP_ES = frozenset(
    "estar estou esta estas este estes estao esteve estive estava estavam estiveram "
    "esteja estejam estivesse estivessem estando estado estados".split()
)
_MIN_LETTERS = 4  # shorter words are mostly function words, or too ambiguous to respell


def _endings(word: str, endings: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    """`word` with the first of `endings` that fits replaced by each of its
    counterparts (Portuguese tells "o" from "a" where English has one ending)."""
    for old, new in endings:
        if word.endswith(old) and len(word) > len(old):
            return [word[: -len(old)] + ending for ending in new]
    return [word]


def portuguese_spellings(word: str, endings_only: bool = False) -> set[str]:
    """How an English word would likely be spelled in Portuguese ("instructions" ->
    "instruções"; "projects" -> "projets"; "philosophy" -> "filosofia"; "study" ->
    "estudi", which the Portuguese stemmer takes to "estud", as it does "estudo").

    The word itself is not included. "ct" and "pt" are kept and simplified both:
    Brazil writes "projeto" and "otimização", Portugal and Brazil alike "ficção".
    `endings_only`: nothing unless an ending changed; the letters alone often make
    another English word ("three" -> "tree", "fact" -> "fat").
    """
    word = word.lower()
    if len(word) < _MIN_LETTERS or not word.isalpha() or not word.isascii():
        return set()
    bases = _endings(word, _ENGLISH_TO_PORTUGUESE_ENDINGS)
    if endings_only and bases == [word]:
        return set()
    forms = set()
    for form in bases:
        form = _INNER_Y.sub("i", form.replace("ph", "f").replace("th", "t"))
        form = _DOUBLED.sub(r"\1", form)
        form = _SC_SOFT.sub("c", _S_CLUSTER.sub("es", form))
        forms |= {form, form.replace("ct", "t"), form.replace("pt", "t")}
    forms.discard(word)
    return forms


def english_spellings(word: str, endings_only: bool = False) -> set[str]:
    """How a Portuguese word would likely be spelled in English ("organização" ->
    "organization", "atividades" -> "ativities", "estudo" -> "studo").

    Only endings and a leading "es" change: what Portuguese simplified (ph, th,
    doubled consonants, a dropped c) cannot be told back from the word alone, and
    the keyword index's English stemmer meets the rest halfway. The word itself is
    not included; `endings_only`: nothing unless an ending changed.
    """
    word = fold_word(word)  # English has no accents: the endings are matched folded
    if len(word) < _MIN_LETTERS or not word.isalpha():
        return set()
    bases = _endings(word, _FOLDED_PORTUGUESE_ENDINGS)
    if endings_only and bases == [word]:
        return set()
    forms = set(bases)
    if word not in _KEEP_ES:
        forms = {_ES_CLUSTER.sub("s", form) for form in forms}
    forms.discard(word)
    return forms


OTHER_LANGUAGE = {"English": "Portuguese", "Portuguese": "English"}

_SPELLERS: dict[tuple[str, str], Callable[[str, bool], set[str]]] = {
    ("English", "Portuguese"): portuguese_spellings,
    ("Portuguese", "English"): english_spellings,
}


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)  # letters only: numbers and names cross as they are


def _question_words(question: str) -> list[str]:
    """The question's words that can be respelled: letters only, no stop words."""
    return [w for w in _WORD.findall(question.lower()) if fold_word(w) not in STOP_WORDS]


def spellings(word: str, asked_in: str, searched_in: str) -> set[str]:
    """`word` of a question in `asked_in` respelled for text in `searched_in`
    (nothing for the same language, or a pair without rules)."""
    speller = _SPELLERS.get((asked_in, searched_in))
    return set() if speller is None else speller(word, False)


def respelled(
    question: str, asked_in: str, searched_in: str, endings_only: bool = False
) -> list[str]:
    """The words of a question in `asked_in`, respelled for a keyword index in
    `searched_in`, in the question's order, each once; none for another pair of
    languages.

    The words keep their accents (the index stems before it folds them: it finds
    "organização" for "organização" but not for "organizacao"), and stop words
    are left out. `endings_only`: only the words whose ending changed.
    """
    speller = _SPELLERS.get((asked_in, searched_in))
    if speller is None:
        return []
    seen: dict[str, None] = {}
    for word in _question_words(question):
        for spelling in sorted(speller(word, endings_only)):
            seen.setdefault(spelling, None)
    return list(seen)


def keyword_respellings(question: str, asked_in: str, index_language: str) -> list[str]:
    """What a keyword index stemmed in `index_language` is asked beside a question in
    `asked_in`: its words spelled the other language's way, whatever the index's
    language, since a collection may hold passages of both (an English question about
    the Portuguese files of a collection detected as English).

    Over an index in the question's own language, only the words whose ending changed
    go: a respelling by letters alone is often another word of the question's own
    language ("three" -> "tree", "fact" -> "fat", "special" -> "especial", which meets
    "especially"). Respellings whose index stem is one of the question's own are left
    out: "family" respelled "famili" is its own English stem, and would count the word
    twice."""
    other = OTHER_LANGUAGE.get(asked_in)
    if other is None:
        return []
    own = index_stems(_question_words(question), index_language)
    endings_only = index_language == asked_in
    return [
        form
        for form in respelled(question, asked_in, other, endings_only)
        if own.isdisjoint(index_stems([form], index_language))
    ]
