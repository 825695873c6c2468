"""Text as the front ends show it: a source's label, and which words match a question.

The views highlight a passage's words with the same folding and stop list retrieval
uses, so that what looks matched is what was matched.
"""

from desktop.core.answering.prompts import source_label
from desktop.core.language.words import content_words, fold_word

__all__ = ["content_words", "fold_word", "source_label"]
