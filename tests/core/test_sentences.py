"""Splitting English and Portuguese text into sentences that keep their place in it."""

from __future__ import annotations

from desktop.core.language.sentences import split_sentences


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
