"""Respelling a question's words across English and Portuguese (`respellings`)."""

from __future__ import annotations

import pytest

from desktop.core.language.respellings import (
    english_spellings,
    keyword_respellings,
    portuguese_spellings,
    respelled,
    spellings,
)


@pytest.mark.parametrize(
    ("english", "portuguese"),
    [
        ("organizations", "organizações"),
        ("instructions", "instruções"),
        ("inclusion", "inclusão"),
        ("flexibility", "flexibilidade"),
        ("activities", "atividades"),  # Brazil drops the c of "ct"...
        ("activities", "actividades"),  # ...Portugal keeps it in some words
        ("optimization", "otimização"),
        ("mathematical", "matematico"),  # th -> t; the index folds the accent after stemming
        ("philosophy", "filosofia"),
        ("pedagogy", "pedagogia"),
        ("history", "história"),
        ("laboratory", "laboratório"),
        ("community", "comunidade"),
        ("innovations", "inovações"),
        ("special", "especial"),
        ("indispensable", "indispensável"),
        ("curriculum", "curriculo"),
        ("systems", "sistems"),  # a stem the Portuguese stemmer shares with "sistemas"
        ("action", "ação"),
        ("fiction", "ficção"),
        ("science", "ciência"),
        ("generally", "generalmente"),
    ],
)
def test_english_words_are_respelled_the_portuguese_way(english: str, portuguese: str) -> None:
    assert portuguese in portuguese_spellings(english)


@pytest.mark.parametrize(
    ("portuguese", "english"),
    [
        ("organização", "organization"),
        ("organizacao", "organization"),  # typed without accents
        ("seleção", "selection"),
        ("instruções", "instructions"),
        ("possível", "possible"),
        ("universidades", "universities"),
        ("biologia", "biology"),
        ("científico", "cientific"),  # only the ending changes (and no accent)
        ("estudo", "studo"),
        ("história", "history"),
        ("energia", "energy"),
    ],
)
def test_portuguese_words_are_respelled_the_english_way(portuguese: str, english: str) -> None:
    assert english in english_spellings(portuguese)


def test_rules_that_would_misfire_on_common_words_do_not_apply() -> None:
    assert portuguese_spellings("family") == {"famili"}  # not "famimente"
    assert "jumente" not in portuguese_spellings("july")  # the stem of "jumento"
    assert portuguese_spellings("year") == set()  # a leading y stays
    assert english_spellings("esteve") == set()  # not "steve"
    assert english_spellings("estar") == set()


def test_short_words_and_words_that_stay_the_same_give_nothing() -> None:
    assert portuguese_spellings("cat") == set()
    assert portuguese_spellings("model") == set()  # "modelo" stems to "model" anyway
    assert portuguese_spellings("2019") == set()
    assert english_spellings("Corumbá") == set()


def test_a_question_is_respelled_word_by_word_in_order_without_stop_words() -> None:
    question = "Which organizations teach philosophy? Which organizations?"
    assert respelled(question, "English", "Portuguese") == ["organizações", "filosofia"]


def test_only_english_and_portuguese_across_each_other_are_respelled() -> None:
    assert respelled("organizations", "English", "English") == []
    assert respelled("organização", "Portuguese", "Portuguese") == []
    assert respelled("organizations", "English", "German") == []
    assert spellings("organizations", "English", "Portuguese") == {"organizações"}


def test_over_an_index_in_the_questions_own_language_only_changed_endings_are_asked() -> None:
    """Letters alone often make another word of the question's language ("three" as
    "tree", "fact" as "fat"); a changed ending seldom does."""
    asked = keyword_respellings("statins in three trials and mortality", "English", "English")
    assert asked == ["mortalidade"]
    assert "fat" not in keyword_respellings("what fact about dietary fat", "English", "English")
    across = keyword_respellings("statins in three trials", "English", "Portuguese")
    assert "tree" in across  # across languages, changed letters count too ("three": "tres")


def test_respellings_the_index_stems_like_the_questions_own_words_are_left_out() -> None:
    # "documento" respelled "document" is stemmed "document" by the Portuguese index too
    assert "document" in respelled("O documento", "Portuguese", "English", endings_only=True)
    assert keyword_respellings("O documento", "Portuguese", "Portuguese") == []
    assert keyword_respellings("O documento", "Portuguese", "English") == ["document"]
