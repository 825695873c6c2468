"""Words as retrieval compares them: folding, stop words, stems."""

from __future__ import annotations

import unicodedata

import pytest

from desktop.core.language.words import content_words, fold, shared_prefixes, stems, terms


def _fold_by_hand(text: str) -> str:
    """The definition `fold` must keep: NFKD, then every combining mark dropped."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@pytest.mark.parametrize(
    "text",
    [
        "Ação, É, coração, PÚBLICO",
        "naïve Ångström ﬁnal",  # a ligature that NFKD splits
        "Straße ŀ",
        "Ὀδυσσεύς",
        "नमस्ते",  # a virama (combining) among letters that are not
        "plain ASCII Text 123",
        "",
    ],
)
def test_fold_drops_accents_and_case_like_the_definition(text: str) -> None:
    assert fold(text) == _fold_by_hand(text)


def test_fold_makes_spellings_with_and_without_accents_equal() -> None:
    assert fold("Informação") == fold("informacao") == "informacao"


def test_content_words_leave_out_stop_words_and_short_words_in_both_languages() -> None:
    assert content_words("What is the boiler's pressure?") == {"boiler", "pressure"}
    assert content_words("Qual é a pressão da caldeira?") == {"pressao", "caldeira"}


def test_stems_join_inflections_in_the_collection_language() -> None:
    assert stems({"universidades"}, "Portuguese") == stems({"universidade"}, "Portuguese")
    assert stems({"cells"}, "English") == stems({"cell"}, "English")
    assert stems({"universidades"}, "Klingon") == {"unive"}  # no stemmer: a prefix


def test_shared_prefixes_meet_across_english_and_portuguese() -> None:
    english = shared_prefixes(content_words("University curriculum and monitoring"))
    portuguese = shared_prefixes(content_words("Universidade: estrutura curricular e monitoria"))
    assert english & portuguese == {"univer", "curric", "monito"}
    assert shared_prefixes({"short", "words"}) == set()  # five letters say too little


def test_terms_fold_accents_and_conflate_word_forms() -> None:
    assert terms("Organizações") == terms("organização") == terms("ORGANIZACAO")
    assert terms("inspected") == terms("inspection")
    assert terms("o que é a de") == set()  # stop words only
