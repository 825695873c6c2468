"""The gate's word coverage: stemmed in the collection's language, respellings counted."""

from __future__ import annotations

from desktop.core.retrieval.coverage import Coverage, coverage


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
