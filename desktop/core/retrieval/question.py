"""A question as retrieval reads it: its text, the language it is clearly written in,
its content words. Made once per search and handed to every stage, so that no stage
detects the language or splits the words again."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.language.detect import question_language
from desktop.core.language.words import content_words, shared_prefixes


@dataclass(frozen=True)
class Question:
    text: str
    # The full-text language name ("English", "Portuguese") the question is clearly
    # written in; None when it says too little to tell ("UFMS 1979").
    language: str | None
    words: frozenset[str]  # `words.content_words` of the text
    # `words.shared_prefixes` of those words: what a question shares with passages
    # in the other language
    prefixes: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Question:
        words = content_words(text)
        prefixes = shared_prefixes(words)
        return cls(text, question_language(text), frozenset(words), frozenset(prefixes))
