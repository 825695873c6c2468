"""How far an indexing job is: the counts behind its progress events and its summary.

An indexing run and a re-index both embed chunks in batches, each batch one
progress step; both end with an `IndexSummary` that says how well the collection's
model knows its language.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field

from desktop.core.index.collections_db import Collection
from desktop.core.models.embedding import Embedder, Vector
from desktop.core.retrieval.model_languages import embedder_languages, knows_language
from desktop.core.types import CancelToken, FileSkipped, IndexSummary, Progress


@dataclass
class RunCounters:
    started: float = field(default_factory=time.perf_counter)
    files_total: int = 0
    files_done: int = 0
    indexed: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks: int = 0
    embed_seconds: float = 0.0
    skipped: list[FileSkipped] = field(default_factory=list)
    language_sample: list[str] = field(default_factory=list)  # to pick the FTS stemmer

    def progress(self, current: str = "", ocr_page: tuple[int, int] | None = None) -> Progress:
        elapsed = time.perf_counter() - self.started
        rate = self.chunks / self.embed_seconds if self.embed_seconds > 0 else 0.0
        eta = None
        if self.files_done and self.files_total > self.files_done:
            eta = elapsed / self.files_done * (self.files_total - self.files_done)
        return Progress(
            self.files_done, self.files_total, self.chunks, rate, eta, current, ocr_page
        )

    def summary(self, collection: Collection, embedder: Embedder) -> IndexSummary:
        """The job's summary; `embedder` is the collection's model."""
        return IndexSummary(
            collection=collection.name,
            files_indexed=self.indexed,
            files_unchanged=self.unchanged,
            files_removed=self.removed,
            files_skipped=tuple(self.skipped),
            chunks_added=self.chunks,
            seconds=time.perf_counter() - self.started,
            language=collection.language,
            embedding_model=collection.embedding_model,
            model_knows_language=knows_language(
                embedder_languages(embedder), collection.language
            ),
        )


def embed_in_batches(
    embedder: Embedder,
    texts: Sequence[str],
    batch_size: int,
    counters: RunCounters,
    cancel: CancelToken,
    labels: Sequence[str] = (),
) -> Generator[Progress, None, list[Vector]]:
    """Embed `texts` a batch at a time, yielding a progress event after each batch.

    Cancelling is checked before each batch. `labels` names, for each text, what the
    progress display shows as being read (its file); none for a re-index. Returns
    the batches' vectors, in order.
    """
    vectors: list[Vector] = []
    for start in range(0, len(texts), batch_size):
        cancel.raise_if_cancelled()
        began = time.perf_counter()
        vectors.append(embedder.embed_documents(list(texts[start : start + batch_size])))
        counters.embed_seconds += time.perf_counter() - began
        counters.chunks += len(vectors[-1])
        yield counters.progress(labels[start] if labels else "")
    return vectors
