"""What an embedding model knows: the languages it was trained on, and the cosines its
spec gives for telling near from far.

A collection's language is detected at indexing (it also picks the keyword index's
stemmer), and an embedding model's spec says which languages it was trained on.
When the model does not know the collection's language its ranking is close to
noise and its cosine finds two unrelated texts "similar": fusion then weighs its
ranking less and the gate stops trusting its cosine.
"""

from __future__ import annotations

from desktop.core.models.embedding import Embedder, EmbeddingModelSpec, find_embedding_spec
from desktop.errors import ModelError


def knows_language(languages: str | None, language: str) -> bool:
    """Whether a model trained on `languages` can rank text in `language`.

    `languages` is free text such as "English" or "multilingual (100+
    languages, Portuguese included)"; `language` is a collection's full-text
    language ("Portuguese"). Unknown on either side counts as known: the
    vector ranking is only down-weighted on positive evidence.
    """
    if not languages or not language:
        return True
    said = languages.lower()
    return "multilingual" in said or language.lower() in said


def embedder_languages(embedder: Embedder) -> str | None:
    """The languages an embedder was trained on, as its model spec words them.

    An embedder may say so itself (a `languages` attribute); otherwise its
    name is looked up among the known models. None when nobody knows.
    """
    languages = getattr(embedder, "languages", None)
    if isinstance(languages, str):
        return languages
    return model_languages(embedder.name)


def model_languages(name: str) -> str | None:
    """The languages the named embedding model was trained on, as its spec words them;
    None for a model Arquivo does not list (a folder the user imported). Reads no
    model: the app asks it of every collection it lists."""
    try:
        return find_embedding_spec(name).languages
    except ModelError:
        return None


def _spec_of(embedder: Embedder) -> EmbeddingModelSpec | None:
    """The known model spec of `embedder`, by its name (None: a model we do not list)."""
    try:
        return find_embedding_spec(embedder.name)
    except ModelError:
        return None


def embedder_min_similarity(embedder: Embedder, default: float) -> float:
    """The cosine from which `embedder` vouches for a passage (its spec's, else `default`)."""
    spec = _spec_of(embedder)
    return default if spec is None or spec.min_similarity is None else spec.min_similarity


def embedder_far_across_languages(embedder: Embedder) -> float | None:
    """The cosine under which passages are far from a question in another language
    (its spec's `far_across_languages`; None: the model cannot tell)."""
    spec = _spec_of(embedder)
    return spec.far_across_languages if spec else None


def embedder_near_across_languages(embedder: Embedder) -> float | None:
    """The cosine from which passages are about a question in another language."""
    spec = _spec_of(embedder)
    return spec.near_across_languages if spec else None


def embedder_across_languages_similarity(embedder: Embedder) -> float | None:
    """The cosine a question asked across languages must reach with `embedder`
    (its spec's `across_languages_similarity`; None: not used)."""
    spec = _spec_of(embedder)
    return spec.across_languages_similarity if spec else None
