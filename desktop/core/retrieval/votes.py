"""How much the vector ranking's vote weighs for each passage, and whether its cosine
can vouch for it.

Per passage, by the language it is written in: a collection holds what its owner
wrote, often English and Portuguese side by side, while its keyword index has one
language. An English model's ranking counts for the English passages and not for
the Portuguese ones, whichever language the collection was detected as, and a
Portuguese question gets no vote for the Portuguese ones: to the model both are
close to noise. Across languages it does count (`across_languages_vector_weight`):
a question's words can hardly be in passages of another language, while the model
still places it near them by names, numbers and shared prefixes. That held both ways
(English questions over FaQuAD, Portuguese claims over SciFact) and in a bilingual
collection, where voting for the other language's passages cost the question's own
language little and found the other's far more often. A model that knows both
languages (multilingual-e5) is trusted further: it votes across them with a weight
of its own (`across_known_languages_vector_weight`), back to the common one once the
keywords found the question's language (`VectorVotes.keywords_found`), where that
weight would crowd out what they found.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.index.vector_store import StoredHit
from desktop.core.retrieval.config import RetrievalConfig
from desktop.core.retrieval.search import Search


def language_weight(config: RetrievalConfig, knows: bool, language: str) -> float:
    """The vector ranking's weight for passages in `language`, for a question in the
    passages' language: `foreign_vector_weight` where the model does not know it."""
    if not knows:
        return config.foreign_vector_weight
    return dict(config.language_vector_weights).get(language, config.vector_weight)


class VectorVotes:
    """The vector ranking's weight and trust per passage, on one search."""

    def __init__(self, search: Search, config: RetrievalConfig) -> None:
        self._search = search
        self._config = config
        self._boost_across = True
        self._by_language: dict[str, tuple[float, bool]] = {}

    @property
    def start_weight(self) -> float:
        """The weight for a passage in the collection's language: above 0, the vector
        search runs from the start beside the keyword search."""
        return self.weigh(self._search.collection.language)[0]

    def keywords_found(self, text_hits: Sequence[StoredHit]) -> None:
        """Passages in the question's own language among the keyword matches end the
        extra weight across languages of a model that knows both."""
        asked_in = self._search.asked_in
        texts = (h.text for h in text_hits)
        if asked_in is not None and self._search.holds_language(texts, asked_in):
            self._boost_across = False
            self._by_language.clear()

    def weigh(self, language: str) -> tuple[float, bool]:
        """(weight, vouches) for a passage written in `language`."""
        if language not in self._by_language:
            search, cfg = self._search, self._config
            known = search.knows(language)
            weight = language_weight(cfg, known, language) if search.heard else 0.0
            asked_in = search.asked_in
            across = asked_in is not None and asked_in != language
            if across and (known or search.heard):  # the model knows one of the two at least
                both = known and search.heard
                if both and self._boost_across:
                    weight = cfg.across_known_languages_vector_weight
                else:
                    weight = cfg.across_languages_vector_weight
            self._by_language[language] = (weight, known and search.heard)
        return self._by_language[language]

    def vote(self, hit: StoredHit) -> tuple[float, bool]:
        return self.weigh(self._search.language_of(hit.text))
