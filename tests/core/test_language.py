"""Which language a text is in: collections, and questions that must be clear about it."""

from __future__ import annotations

from desktop.core.language.detect import collection_language, detect_language, question_language


def test_a_question_counts_only_when_its_language_is_clear() -> None:
    assert question_language("When was the university founded?") == "English"
    assert question_language("Quando a universidade foi fundada?") == "Portuguese"
    assert question_language("Inscrição de calouros") == "Portuguese"  # an accent says so
    # nothing to go on: detect_language falls back to English, question_language says nothing
    assert detect_language("Campus Norte?") == "en"
    assert question_language("Campus Norte?") is None
    assert question_language("UFMS 1979") is None


def test_short_questions_are_clear_from_their_function_words() -> None:
    """A short question needs its few common words counted: one marker says enough,
    and a word both languages use ("do", "as") says nothing."""
    assert question_language("Quantos alunos?") == "Portuguese"
    assert question_language("Quantos livros a biblioteca empresta por estudante?") == "Portuguese"
    assert question_language("How many students do the courses have?") == "English"
    assert question_language("How many instructions do computer programs have?") == "English"
    assert question_language("O genoma do vírus tem 7489 pares de bases.") == "Portuguese"
    assert question_language("À que Turing contribuiu?") == "Portuguese"


def test_a_collection_is_judged_on_a_sample_of_its_text() -> None:
    pt = ["A matrícula dos calouros acontece na secretaria.", "O estágio é obrigatório."]
    assert collection_language(pt) == "Portuguese"
    assert collection_language(["The kettle is in the shed.", "Water it on Tuesday."]) == "English"
