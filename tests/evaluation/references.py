"""The two references Arquivo's retrieval is compared with, run on the same data.

BM25 (`bm25s`, Lucene variant, k1 1.5, b 0.75, lower-case word tokens, no
stemming) and bare dense search with the workspace's embedding model (each
document's whole text embedded once, exact cosine). Both run in the same
process as Arquivo, on the same documents and queries, so that ratios to them
do not depend on the machine or its load.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from desktop.core.models.embedding import Embedder
from desktop.core.types import CancelToken
from desktop.errors import ArquivoError
from tests.evaluation.beir import CorpusDocument
from tests.evaluation.corpus import EvalProgress, ProgressCallback

_WORD = re.compile(r"\w+", re.UNICODE)
_EMBED_BATCH = 32  # documents embedded per step of the dense reference


class Bm25Reference:
    """BM25 as the comparison point: bm25s, Lucene's formula, plain lower-case words."""

    def __init__(self, documents: Sequence[CorpusDocument]) -> None:
        try:
            import bm25s
        except ImportError as exc:
            raise ArquivoError(
                "the evaluation needs the `bm25s` package", "`make setup` installs it"
            ) from exc
        self._ids = [doc.id for doc in documents]
        self._index = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
        self._index.index([tokenize(doc.content) for doc in documents], show_progress=False)
        self._vocab: Mapping[str, int] = self._index.vocab_dict

    def search(self, query: str, k: int) -> list[str]:
        tokens = [t for t in tokenize(query) if t in self._vocab]
        if not tokens:
            return []
        found, scores = self._index.retrieve(
            [tokens], k=min(k, len(self._ids)), show_progress=False, n_threads=1
        )
        return [self._ids[int(i)] for i, s in zip(found[0], scores[0], strict=True) if s > 0]


def tokenize(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _load_vectors(path: Path | None, shape: tuple[int, int]) -> np.ndarray | None:
    """Vectors saved by an earlier run, or None when absent or of another shape."""
    if path is None or not path.is_file():
        return None
    try:
        matrix = np.load(path)
    except (OSError, ValueError):
        return None
    return matrix if matrix.shape == shape else None


class DenseReference:
    """Exhaustive cosine search over one vector per whole document."""

    def __init__(
        self,
        embedder: Embedder,
        documents: Sequence[CorpusDocument],
        cancel: CancelToken,
        progress: ProgressCallback | None = None,
        cache: Path | None = None,
    ) -> None:
        """`cache`: an .npy file of the vectors, read when it fits, else written."""
        self._embedder = embedder
        self._ids = [doc.id for doc in documents]
        started = time.perf_counter()
        cached = _load_vectors(cache, (len(documents), embedder.dim))
        if cached is not None:
            self._matrix = cached
            self.seconds = 0.0
            return
        parts = []
        for start in range(0, len(documents), _EMBED_BATCH):
            cancel.raise_if_cancelled()
            batch = documents[start : start + _EMBED_BATCH]
            parts.append(embedder.embed_documents([doc.content for doc in batch]))
            if progress:
                progress(EvalProgress("embed", start + len(batch), len(documents)))
        self._matrix = np.concatenate(parts) if parts else np.zeros((0, embedder.dim), np.float32)
        self.seconds = time.perf_counter() - started
        if cache is not None:
            np.save(cache, self._matrix)

    def search(self, query: str, k: int) -> list[str]:
        # einsum, not `@`: a matrix product starts OpenBLAS's threads, which then spin
        # for a while after it, and on a machine with few cores that time was charged to
        # the next method measured (see docs/measurements.md). One thread is fast enough
        # for one query against every document.
        scores = np.einsum("ij,j->i", self._matrix, self._embedder.embed_query(query))
        top = min(k, len(scores))
        best = np.argpartition(-scores, top - 1)[:top] if top else np.zeros(0, np.int64)
        ordered = best[np.argsort(-scores[best], kind="stable")]
        return [self._ids[int(i)] for i in ordered]
