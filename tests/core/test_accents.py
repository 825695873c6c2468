"""Portuguese words typed without accents, given back their accented endings."""

from __future__ import annotations

import pytest

from desktop.core.language.accents import accented, accented_words


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("informacao", "informação"),
        ("avaliacoes", "avaliações"),
        ("comissao", "comissão"),
        ("pao", "pão"),
        ("disponivel", "disponível"),
        ("frequencia", "frequência"),
        ("horaria", "horária"),
        ("relatorio", "relatório"),
        ("construido", "construído"),
        ("portugues", "português"),
        ("mantem", "mantém"),
    ],
)
def test_an_unaccented_ending_gets_its_usual_accent(typed: str, meant: str) -> None:
    assert accented(typed) == meant


def test_words_with_accents_or_without_such_an_ending_are_left_alone() -> None:
    assert accented("informação") is None
    assert accented("matricula") is None  # the index finds "matrícula" from it already
    assert accented("tem") is None  # too short to tell "tem" from "têm"
    assert accented("2019") is None


def test_a_question_gives_the_accented_forms_the_index_needs_once_in_order() -> None:
    question = "As informacoes sao renovaveis? E as informacoes disponiveis?"
    # "disponíveis" is stemmed as "disponiveis" is: asking it too would count it twice
    assert accented_words(question) == ["informações", "são", "renováveis"]
    assert accented_words("Qual a funcao da comissao de avaliacao?") == ["avaliação"]
