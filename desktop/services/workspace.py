"""Builds the objects one data folder needs, lazily, for the CLI and the UI.

Entry points make one `Workspace` and pass it down; nothing here is global.
Heavy parts (the embedding model, the chat model) load on first use, so
`arquivo collections` starts fast and a question that retrieval cannot answer
never loads the chat model.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from desktop.core.index.collections_db import Collection, CollectionsDatabase
from desktop.core.index.vector_store import LanceStore
from desktop.core.ingest.ocr import OcrOptions
from desktop.core.models.catalog import find_embedding_spec
from desktop.core.models.default_chat import resolve_model_path
from desktop.core.models.embedding import Embedder, LazyEmbedder, embedding_folder
from desktop.core.models.llm import LLM, LlamaCppLLM
from desktop.core.models.reranker import FastEmbedReranker, Reranker
from desktop.core.retrieval.cross_language import UniversalSentenceEncoder
from desktop.core.retrieval.retriever import Retriever
from desktop.errors import CollectionModelError, ModelError
from desktop.paths import AppPaths
from desktop.services.assistant import AskOptions, Assistant
from desktop.services.indexer import Indexer, IndexOptions
from desktop.settings import Settings


class Workspace:
    def __init__(
        self,
        paths: AppPaths,
        settings: Settings,
        chat_model: Path | None = None,
        *,
        embedder: Embedder | None = None,
        llm: LLM | None = None,
    ) -> None:
        """`embedder` and `llm` let a caller share already loaded models."""
        self.paths = paths.ensure()
        self.settings = settings
        self._chat_model = chat_model
        self._shared_embedder = embedder
        self._shared_llm = llm
        self._loaded_llm: LLM | None = None
        self._loaded_llm_key: tuple[object, ...] = ()  # the settings it was loaded with
        self._embedders: dict[str, Embedder] = {}  # collections' own models, by name

    @cached_property
    def catalog(self) -> CollectionsDatabase:
        return CollectionsDatabase(self.paths.index / "catalog.sqlite3")

    @cached_property
    def store(self) -> LanceStore:
        return LanceStore(self.paths.index / "lance")

    @cached_property
    def embedder(self) -> Embedder:
        if self._shared_embedder is not None:
            return self._shared_embedder
        return LazyEmbedder(self.paths.models, self.settings.embedding_model)

    def embedder_for(self, collection: Collection) -> Embedder:
        """The model a collection was indexed with, loaded once.

        The `embedding_model` setting applies to new collections; an older one
        keeps answering with its own model while that is installed, and says
        how to re-index when it is not.
        """
        name = collection.embedding_model
        if name == self.settings.embedding_model or (
            self._shared_embedder is not None and name == self._shared_embedder.name
        ):
            return self.embedder
        try:
            return self._embedder_named(name)
        except ModelError as exc:
            raise CollectionModelError(
                collection.name, name, self.settings.embedding_model,
                "which is not installed here",
            ) from exc  # fmt: skip

    def _embedder_named(self, name: str) -> Embedder:
        """Model `name`, loaded once (lazily) and kept for every collection made with it."""
        if name not in self._embedders:
            self._embedders[name] = LazyEmbedder(self.paths.models, name)
        return self._embedders[name]

    def embedding_model_for(self, language: str) -> str:
        """The model a new collection in `language` ("Portuguese") is made with.

        The `multilingual_embedding_model` for any language but English, where it is
        installed (its engine runs on Linux x86-64 only); else `embedding_model`.
        """
        multilingual = self.settings.multilingual_embedding_model
        other = bool(language) and language != "English"
        if other and multilingual and self.embedding_model_installed(multilingual):
            return multilingual
        return self.settings.embedding_model

    def embedder_for_language(self, language: str) -> Embedder:
        name = self.embedding_model_for(language)
        if name == self.settings.embedding_model:
            return self.embedder
        return self._embedder_named(name)

    def embedding_model_installed(self, name: str) -> bool:
        """Whether model `name`'s files are in the models folder (nothing is loaded)."""
        if name in self._embedders or name == self.settings.embedding_model:
            return True
        try:
            spec = find_embedding_spec(name)
        except ModelError:
            return False
        folder = embedding_folder(self.paths.models, spec)
        return all((folder / f).is_file() for f in spec.required_files)

    @cached_property
    def reranker(self) -> Reranker | None:
        """The cross-encoder the settings name, or None when reranking is off."""
        if not self.settings.reranker:
            return None
        return FastEmbedReranker.from_models_dir(self.paths.models, self.settings.reranker)

    @property
    def chat_model_path(self) -> Path:
        return self._chat_model or resolve_model_path(self.paths.models, self.settings.chat_model)

    def load_llm(self) -> LLM:
        """The chat model, loaded once, and again once its settings have changed.

        The old model is closed here, by whoever asks for the model next (in the
        app: a job of the model's lane), never by `update_settings`: an answer
        may still be reading it, and closing a model under a running generation
        crashes llama.cpp.
        """
        if self._shared_llm is not None:
            return self._shared_llm
        settings, path = self.settings, self.chat_model_path
        key = (path, settings.context_size, settings.threads, settings.gpu_layers)
        if self._loaded_llm is not None and key != self._loaded_llm_key:
            stale, self._loaded_llm = self._loaded_llm, None
            close = getattr(stale, "close", None)
            if close is not None:
                close()  # frees the old model's memory before the new one loads
        if self._loaded_llm is None:
            self._loaded_llm = LlamaCppLLM(
                path,
                context_size=settings.context_size,
                threads=settings.threads,
                gpu_layers=settings.gpu_layers,
                repeat_penalty=settings.repeat_penalty,
            )
            self._loaded_llm_key = key
        return self._loaded_llm

    @cached_property
    def indexer(self) -> Indexer:
        options = IndexOptions(
            max_file_bytes=self.settings.max_file_mb * 1024 * 1024,
            ocr=OcrOptions(self.settings.ocr_languages),
            exclude=self.paths.own_folders,  # never index the log that indexing writes
        )
        return Indexer(
            self.catalog, self.store, self.embedder, self.paths.index, options,
            embedder_for=self.embedder_for,
            # a model shared by the caller is the one to use; else chosen by language
            embedder_for_language=(
                self.embedder_for_language if self._shared_embedder is None else None
            ),
        )  # fmt: skip

    @cached_property
    def bridge(self) -> UniversalSentenceEncoder:
        """The model that re-reads passages across languages (loaded on first use)."""
        return UniversalSentenceEncoder()

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(
            self.embedder, self.store, self.catalog, reranker=self.reranker,
            embedder_for=self.embedder_for,
            bridge=self.bridge if self.settings.bridge_languages else None,
        )  # fmt: skip

    @cached_property
    def assistant(self) -> Assistant:
        s = self.settings
        options = AskOptions(
            sources=s.sources, max_answer_tokens=s.max_answer_tokens, temperature=s.temperature
        )
        return Assistant(self.catalog, self.retriever, self.load_llm, options, store=self.store)

    def update_settings(self, settings: Settings) -> None:
        """Use new settings; the chat model reloads only if its own settings changed,
        when it is next asked for (`load_llm`)."""
        old, self.settings = self.settings, settings
        if old.reloads_chat_model(settings):
            self._chat_model = None  # the settings' model now, not the one given at start
        if isinstance(self._loaded_llm, LlamaCppLLM):  # a sampling setting: no reload
            self._loaded_llm.repeat_penalty = settings.repeat_penalty
        stale = ["assistant", "indexer"]
        if old.reranker != settings.reranker:
            stale += ["reranker", "retriever"]
        if old.bridge_languages != settings.bridge_languages:
            stale += ["retriever"]
            if not settings.bridge_languages:
                stale += ["bridge"]  # its memory goes with it
        if old.embedding_model != settings.embedding_model and self._shared_embedder is None:
            if "embedder" in self.__dict__:  # still the model of the collections made with it
                self._embedders[old.embedding_model] = self.__dict__["embedder"]
            stale += ["embedder", "retriever"]
        for cached in stale:
            self.__dict__.pop(cached, None)

    def close(self) -> None:
        if "catalog" in self.__dict__:
            self.catalog.close()
