"""The hand-written English–Portuguese aids, and which of them a multilingual model
switches off.

An English model cannot cross the two languages: shared prefixes, the bridge model and
the gate's word evidence help it there, and stand aside for a model that knows both
(multilingual-e5), which crosses them by meaning (`Search.model_reads_both`). The aids
of the keyword index stay whatever the model: accents restored for its Portuguese
stemmer, and respelled words, without which a multilingual model's questions asked
across languages found their passages less often.
"""

from __future__ import annotations

from desktop.core.index.collections_db import Collection
from desktop.core.retrieval.candidates import keyword_query
from desktop.core.retrieval.config import RetrievalConfig
from desktop.core.retrieval.question import Question
from desktop.core.retrieval.search import Search

ENGLISH_MODEL = "English"
MULTILINGUAL_MODEL = "multilingual (about 100 languages, Portuguese and English included)"


class _Named:
    """An embedder as far as a `Search` needs one here: its name."""

    name = "model"
    dim = 4


def search(question: str, collection_language: str, model_languages: str) -> Search:
    collection = Collection(1, "docs", "model", 4, collection_language)
    return Search(Question.of(question), collection, _Named(), model_languages)  # type: ignore[arg-type]


def test_an_english_model_gets_every_aid_across_languages() -> None:
    asked = search("Which organizations offer philosophy courses?", "Portuguese", ENGLISH_MODEL)
    assert asked.across_languages and not asked.model_reads_both
    query = keyword_query(asked, RetrievalConfig())
    assert "organizações" in query.split() and "filosofia" in query.split()


def test_a_multilingual_model_reads_both_languages_and_keeps_the_keyword_aids() -> None:
    question = "Which organizations offer philosophy courses?"
    asked = search(question, "Portuguese", MULTILINGUAL_MODEL)
    assert asked.model_reads_both  # shared prefixes, the bridge and word evidence stand aside
    query = keyword_query(asked, RetrievalConfig())
    assert "organizações" in query.split() and "filosofia" in query.split()
    # in the collection's own language the model reads the question as it is
    own_question = "Quais organizações oferecem cursos de filosofia?"
    own = search(own_question, "Portuguese", MULTILINGUAL_MODEL)
    assert not own.across_languages and not own.model_reads_both


def test_accents_are_restored_for_the_portuguese_index_whatever_the_model() -> None:
    for model in (ENGLISH_MODEL, MULTILINGUAL_MODEL):
        asked = search("Quais informacoes sao renovaveis?", "Portuguese", model)
        assert "informações" in keyword_query(asked, RetrievalConfig()).split()
    english_index = search("Quais informacoes sao renovaveis?", "English", MULTILINGUAL_MODEL)
    assert "informações" not in keyword_query(english_index, RetrievalConfig()).split()


def test_a_question_of_unclear_language_gets_no_respellings() -> None:
    asked = search("UFMS 1979", "Portuguese", ENGLISH_MODEL)
    assert asked.asked_in is None and not asked.across_languages
    assert keyword_query(asked, RetrievalConfig()) == "UFMS 1979"
