"""One search: a question over one collection, with what the collection's embedding
model knows. Every stage reads it instead of asking the retriever back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from desktop.core.index.collections_db import Collection
from desktop.core.language.detect import passage_language
from desktop.core.models.embedding import Embedder
from desktop.core.retrieval.model_languages import knows_language
from desktop.core.retrieval.question import Question


@dataclass(frozen=True)
class Search:
    question: Question
    collection: Collection
    embedder: Embedder  # the model the collection was indexed with
    model_languages: str | None  # what that model was trained on (`embedder_languages`)
    # each passage's language, by its text: several stages ask it of the same passages
    _passage_languages: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def asked_in(self) -> str | None:
        """The language the question is clearly written in (None: unclear)."""
        return self.question.language

    def knows(self, language: str | None = None) -> bool:
        """Whether the embedding model was trained on `language` (by default the
        collection's)."""
        return knows_language(self.model_languages, language or self.collection.language)

    @property
    def heard(self) -> bool:
        """Whether the model can read the question: its language is unclear or known."""
        return self.asked_in is None or self.knows(self.asked_in)

    @property
    def across_languages(self) -> bool:
        """Whether the question is clearly in another language than the collection's."""
        return self.asked_in is not None and self.asked_in != self.collection.language

    @property
    def model_reads_both(self) -> bool:
        """Whether, asked across languages, the model knows both (multilingual-e5): its
        cosine then measures meaning across them, and the helpers for a model that
        cannot cross (shared prefixes, the bridge model, the gate's word evidence)
        stand aside."""
        return self.across_languages and self.knows() and self.knows(self.asked_in)

    def language_of(self, text: str) -> str:
        """The passage's language (`detect.passage_language`), remembered for this search."""
        found = self._passage_languages.get(text)
        if found is None:
            found = passage_language(text, self.collection.language)
            self._passage_languages[text] = found
        return found

    def holds_language(self, texts: Iterable[str], language: str) -> bool:
        """Whether any of the passages `texts` is written in `language` (one without marks
        either way is in the collection's).

        Across languages the head of a ranking is re-ordered only when none of it is in
        the question's language: in a bilingual collection the passages in the
        question's own language are what it is about as often as not, and re-ordering
        them cost that set's questions quality.
        """
        return any(self.language_of(text) == language for text in texts)
