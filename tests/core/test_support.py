"""The best supporting sentence: splitting English and Portuguese, picking by shared words."""

from __future__ import annotations

from desktop.core.retrieval.support import (
    Coverage,
    best_sentence,
    best_support,
    coverage,
    split_sentences,
    terms,
)
from desktop.core.types import Hit, Source


def _source(n: int, text: str) -> Source:
    return Source(n, Hit(f"c{n}", "h", text, None, "", 1.0, (f"/docs/{n}.txt",)))


def test_sentences_keep_their_place_in_the_text() -> None:
    text = "  The boiler was inspected.\nIt failed!  Was it replaced?  Yes… by March.\n\nNext part"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "The boiler was inspected.",
        "It failed!",
        "Was it replaced?",
        "Yes… by March.",
        "Next part",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_portuguese_abbreviations_initials_and_numbers_do_not_end_a_sentence() -> None:
    text = (
        "O Dr. Silva e a Sra. Costa assinaram o art. 5 em 3.5 dias, conforme J. Souza. "
        'A reunião terminou às 18h. — Depois, "Quem pagou?" Ninguém sabe.'
    )
    assert [s.text for s in split_sentences(text)] == [
        "O Dr. Silva e a Sra. Costa assinaram o art. 5 em 3.5 dias, conforme J. Souza.",
        'A reunião terminou às 18h. — Depois, "Quem pagou?"',
        "Ninguém sabe.",
    ]


def test_list_items_and_blank_lines_end_sentences_but_wrapped_lines_do_not() -> None:
    text = "Items needed for the\nrepair\n- a valve\n- two pipes\n\nThe end"
    assert [s.text for s in split_sentences(text)] == [
        "Items needed for the\nrepair",
        "- a valve",
        "- two pipes",
        "The end",
    ]


def test_terms_fold_accents_and_conflate_word_forms() -> None:
    assert terms("Organizações") == terms("organização") == terms("ORGANIZACAO")
    assert terms("inspected") == terms("inspection")
    assert terms("o que é a de") == set()  # stop words only


def test_the_english_sentence_with_the_most_question_words_wins() -> None:
    text = (
        "The facilities team has seven technicians. The maintenance budget for the year "
        "was 48,000 euros. It rained in March."
    )
    found = best_sentence(text, "What was the yearly maintenance budget?")
    assert (
        found is not None and found.text == "The maintenance budget for the year was 48,000 euros."
    )
    assert text[found.start : found.end] == found.text


def test_the_portuguese_sentence_is_found_across_accents_and_word_forms() -> None:
    text = (
        "A Informática é um componente indispensável nas organizações. Assim, cresce a "
        "preocupação com a coleta e o armazenamento da informação. O analista de sistemas "
        "é o responsável pelo levantamento de informações sobre a empresa."
    )
    found = best_sentence(text, "Quem é responsável por levantar informacoes da empresa?")
    assert found is not None and found.text.startswith("O analista de sistemas")
    found = best_sentence(text, "Qual componente é indispensavel na organização?")
    assert found is not None and found.text.startswith("A Informática")


def test_an_english_questions_sentence_is_found_in_portuguese_by_its_respelled_words() -> None:
    text = (
        "O restaurante abre às onze horas. A universidade oferece cursos de filosofia "
        "e pedagogia desde 1970."
    )
    found = best_sentence(text, "Since when are there philosophy courses?")
    assert found is not None and found.text.startswith("A universidade")  # "filosofia"


def test_respellings_count_only_in_a_source_of_the_other_language() -> None:
    """Respelled, "special" is "especial": in an English source that would make
    "Especially" a question word."""
    text = "The study began in 1980. Especially in 1990 the estate grew."
    found = best_sentence(text, "When did the study of the special estate begin?")
    assert found is not None and found.text == "The study began in 1980."


def test_support_comes_from_the_cited_sources_and_all_when_none_is_cited() -> None:
    sources = [
        _source(1, "The budget was 48,000 euros. The roof was repaired."),
        _source(2, "The heating budget was 12,500 euros of the yearly budget."),
    ]
    question = "What was the heating budget?"
    uncited = best_support(question, "It was 12,500 euros.", sources)
    assert uncited is not None and uncited.n == 2
    cited = best_support(question, "It was 48,000 euros [1].", sources, cited=[1])
    assert cited is not None and cited.n == 1
    assert cited.sentence == "The budget was 48,000 euros."
    assert sources[0].hit.text[cited.start : cited.end] == cited.sentence


def test_a_cited_source_that_shares_nothing_with_the_question_is_passed_over() -> None:
    sources = [_source(1, "The heron counts seventeen lanterns."), _source(2, "Roofing.")]
    found = best_support("How many lanterns does the heron count?", "Seventeen [2].", sources, [2])
    assert found is not None and found.n == 1


def test_the_answer_words_break_ties_between_equally_matching_sentences() -> None:
    sources = [_source(1, "The budget was 48,000 euros. The budget was cut in May.")]
    found = best_support("What about the budget?", "It was cut in May [1].", sources, [1])
    assert found is not None and found.sentence == "The budget was cut in May."


def test_no_support_when_nothing_is_shared() -> None:
    assert best_support("Who won the cup?", "No idea.", [_source(1, "Roofing repairs.")]) is None
    assert best_support("Anything?", "", []) is None


def test_coverage_counts_stemmed_words_per_passage_and_per_sentence() -> None:
    question = "Quando as universidades federais foram criadas?"
    spread = "As universidades são muitas. Algumas são federais. Foram criadas cedo."
    together = "As universidades federais foram criadas em 1950."
    # four words: universidades, federais, foram, criadas
    assert coverage(question, [spread], "Portuguese") == Coverage(1.0, 0.5)
    assert coverage(question, [together], "Portuguese") == Coverage(1.0, 1.0)
    assert coverage(question, [spread, together], "Portuguese").score == 1.0
    assert coverage(question, ["Uma universidade."], "Portuguese").passage == 0.25  # stemmed
    # asked in English, a word respelled the Portuguese way counts as the word
    english = "Which organizations offer philosophy courses?"
    text = ["As organizações oferecem cursos de filosofia."]
    assert coverage(english, text, "Portuguese").passage == 0.0
    # "organizações" and "filosofia" (not "offer" nor "courses": other words in Portuguese)
    assert coverage(english, text, "Portuguese", "English").passage == 0.5
    # a language Snowball does not know falls back to word prefixes
    assert coverage("zebras run", ["a zebra ran"], "Klingon") == Coverage(0.5, 0.5)
    assert coverage("is it?", ["anything"], "English") == Coverage(0.0, 0.0)
