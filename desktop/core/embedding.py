"""Text embeddings behind a small interface.

The rest of the code talks to `Embedder`; `FastEmbedEmbedder` runs an ONNX
model with fastembed, loaded from a local folder only (`specific_model_path`),
so nothing is ever fetched from a hub at run time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from desktop.errors import ModelError

logger = logging.getLogger(__name__)

Vector = npt.NDArray[np.float32]

REQUIRED_FILES = (
    "model.onnx",
    "tokenizer.json",
    "config.json",
    "special_tokens_map.json",
    "tokenizer_config.json",
)


@dataclass(frozen=True)
class EmbeddingModelSpec:
    """An embedding model Arquivo knows how to load from a folder."""

    name: str  # Arquivo's name, also the folder under models/embedding/
    fastembed_name: str  # the catalog entry whose pooling and normalisation apply
    dim: int
    license: str
    languages: str
    query_prefix: str = ""
    passage_prefix: str = ""


EMBEDDING_MODELS: tuple[EmbeddingModelSpec, ...] = (
    EmbeddingModelSpec(
        name="all-MiniLM-L6-v2-int8",
        fastembed_name="sentence-transformers/all-MiniLM-L6-v2",
        dim=384,
        license="Apache-2.0",
        languages="English",
    ),
)


def find_embedding_spec(name: str) -> EmbeddingModelSpec:
    for spec in EMBEDDING_MODELS:
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in EMBEDDING_MODELS)
    raise ModelError(name, "unknown embedding model", f"known models: {known}")


class Embedder(Protocol):
    """What indexing and retrieval need from an embedding model."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_documents(self, texts: Sequence[str]) -> Vector:
        """One normalised row per text, shape (len(texts), dim)."""
        ...

    def embed_query(self, text: str) -> Vector:
        """One normalised vector, shape (dim,)."""
        ...


class FastEmbedEmbedder:
    """An ONNX model run by fastembed on the CPU, from a local folder."""

    def __init__(
        self,
        spec: EmbeddingModelSpec,
        folder: Path,
        *,
        threads: int | None = None,
        batch_size: int = 32,
    ) -> None:
        missing = [f for f in REQUIRED_FILES if not (folder / f).is_file()]
        if missing:
            raise ModelError(
                folder,
                f"embedding model files missing: {', '.join(missing)}",
                "run `make models` to fetch the default models",
            )
        from fastembed import TextEmbedding  # heavy import, only when a model is loaded

        self._spec = spec
        self._batch_size = batch_size
        try:
            self._model = TextEmbedding(
                model_name=spec.fastembed_name,
                specific_model_path=str(folder),
                threads=threads,
            )
        except Exception as exc:  # fastembed/onnxruntime raise many kinds
            raise ModelError(folder, f"cannot load embedding model: {exc}") from exc
        logger.info("loaded embedding model %s from %s", spec.name, folder)

    @classmethod
    def from_models_dir(
        cls, models_dir: Path, name: str, *, threads: int | None = None
    ) -> FastEmbedEmbedder:
        spec = find_embedding_spec(name)
        return cls(spec, models_dir / "embedding" / spec.name, threads=threads)

    @property
    def name(self) -> str:
        return self._spec.name

    @property
    def dim(self) -> int:
        return self._spec.dim

    def embed_documents(self, texts: Sequence[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefixed = [self._spec.passage_prefix + t for t in texts]
        rows = list(self._model.embed(prefixed, batch_size=self._batch_size))
        return np.asarray(rows, dtype=np.float32)

    def embed_query(self, text: str) -> Vector:
        vector = next(iter(self._model.query_embed(self._spec.query_prefix + text)))
        return np.asarray(vector, dtype=np.float32)
