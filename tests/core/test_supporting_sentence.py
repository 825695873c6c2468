"""The best supporting sentence: picking by shared words, across accents and languages."""

from __future__ import annotations

from desktop.core.retrieval.supporting_sentence import best_sentence, best_support
from desktop.core.types import Hit, Source


def _source(n: int, text: str) -> Source:
    return Source(n, Hit(f"c{n}", "h", text, None, "", 1.0, (f"/docs/{n}.txt",)))


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


def test_the_heading_that_starts_a_passage_is_left_out_of_its_sentence() -> None:
    """The chunk's first line is its heading, with no full stop: the sentence shown (and
    its span, which the sources pane highlights) starts after it."""
    text = (
        "Budget\nThe maintenance budget for 2025 was 1.8 million euros.\n"
        "Spending ended the year under budget."
    )
    hit = Hit("c", "d", text, 2, "Budget", 1.0)
    found = best_support("What was the maintenance budget?", "", [Source(1, hit)])
    assert found is not None
    assert found.sentence == "The maintenance budget for 2025 was 1.8 million euros."
    assert text[found.start : found.end] == found.sentence
    # a first line that is not the heading stays: it may be the sentence's own start
    other = Hit("c", "d", text, 2, "Costs", 1.0)
    kept = best_support("What was the maintenance budget?", "", [Source(1, other)])
    assert kept is not None and kept.sentence.startswith("Budget\nThe maintenance")
