"""Builds the objects one data folder needs, lazily, for the CLI and the UI.

Entry points make one `Workspace` and pass it down; nothing here is global.
Heavy parts (the embedding model, the chat model) load on first use, so
`arquivo collections` starts fast and a question that retrieval cannot answer
never loads the chat model.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from desktop.core.catalog import Catalog, Collection
from desktop.core.embedding import (
    Embedder,
    embedding_folder,
    find_embedding_spec,
    load_embedder,
)
from desktop.core.ingest.ocr import OcrOptions
from desktop.core.llm import LLM, LlamaCppLLM, resolve_model_path
from desktop.core.rerank import FastEmbedReranker, Reranker
from desktop.core.retrieval import Retriever
from desktop.core.store import LanceStore
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

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(self.paths.index / "catalog.sqlite3")

    @cached_property
    def store(self) -> LanceStore:
        return LanceStore(self.paths.index / "lance")

    @cached_property
    def embedder(self) -> Embedder:
        if self._shared_embedder is not None:
            return self._shared_embedder
        return load_embedder(self.paths.models, self.settings.embedding_model)

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
        """The chat model, loaded once (and again after its settings change)."""
        if self._shared_llm is not None:
            return self._shared_llm
        if self._loaded_llm is None:
            self._loaded_llm = self._make_llm()
        return self._loaded_llm

    def _make_llm(self) -> LLM:
        s = self.settings
        return LlamaCppLLM(
            self.chat_model_path,
            context_size=s.context_size,
            threads=s.threads,
            gpu_layers=s.gpu_layers,
        )

    @cached_property
    def indexer(self) -> Indexer:
        options = IndexOptions(
            max_file_bytes=self.settings.max_file_mb * 1024 * 1024,
            ocr=OcrOptions(self.settings.ocr_languages),
        )
        return Indexer(
            self.catalog, self.store, self.embedder, self.paths.index, options,
            embedder_for=self.embedder_for,
        )  # fmt: skip

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(self.embedder, self.store, self.catalog, reranker=self.reranker)

    @cached_property
    def assistant(self) -> Assistant:
        s = self.settings
        options = AskOptions(
            sources=s.sources, max_answer_tokens=s.max_answer_tokens, temperature=s.temperature
        )
        return Assistant(self.catalog, self.retriever, self.load_llm, options)

    def update_settings(self, settings: Settings) -> None:
        """Use new settings; the chat model reloads only if its own settings changed."""
        old, self.settings = self.settings, settings
        model_keys = ("chat_model", "threads", "gpu_layers", "context_size")
        if any(getattr(old, k) != getattr(settings, k) for k in model_keys):
            close = getattr(self._loaded_llm, "close", None)
            if close is not None:
                close()  # frees the old model's memory before the new one loads
            self._loaded_llm = None
            self._chat_model = None
        stale = ["assistant", "indexer"]
        if old.reranker != settings.reranker:
            stale += ["reranker", "retriever"]
        for cached in stale:
            self.__dict__.pop(cached, None)

    def close(self) -> None:
        if "catalog" in self.__dict__:
            self.catalog.close()
