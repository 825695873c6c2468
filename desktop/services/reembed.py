"""Embed a collection's stored chunks again with another model, and switch to it.

The chunks come from the collection's own table, so no file is read again (nor OCR
run again) and the catalog is untouched until the end: the new model's table is
built beside the old one, which keeps answering, and one catalog update switches
to it. A killed re-index resumes where it stopped (contents already in the new
table are kept); `arquivo index` afterwards picks up files changed meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from desktop.core.index.collection_tables import table_of, tables_of
from desktop.core.index.collections_db import Collection, CollectionsDatabase
from desktop.core.index.vector_store import ChunkStore, TableSpec
from desktop.core.ingest.chunking import context_title, embedding_text
from desktop.core.models.embedding import Embedder
from desktop.core.types import CancelToken, Chunk, Document, IndexEvent, IndexSummary, Section
from desktop.services.index_progress import RunCounters, embed_in_batches
from desktop.services.index_run import IndexOptions

logger = logging.getLogger(__name__)


def reembed(
    catalog: CollectionsDatabase,
    store: ChunkStore,
    options: IndexOptions,
    collection: Collection,
    embedder: Embedder,
    cancel: CancelToken,
) -> Iterator[IndexEvent]:
    """Build `embedder`'s table of the collection, switch to it, drop the old ones."""
    old = table_of(collection)
    target = Collection(
        collection.id, collection.name, embedder.name, embedder.dim, collection.language
    )
    new = table_of(target)
    wanted = catalog.document_hashes(collection)
    done = store.doc_hashes(new) & wanted  # a stopped re-index's work
    store.delete_documents(new, sorted(store.doc_hashes(new) - wanted))
    todo = sorted(wanted - done)
    titles = catalog.document_titles(collection)
    counters = RunCounters(files_total=len(wanted), files_done=len(done))
    logger.info(
        "re-embedding %s with %s: %d contents (%d already done)",
        collection.name, embedder.name, len(wanted), len(done),
    )  # fmt: skip
    yield counters.progress()
    group = max(1, options.commit_chunks // 16)  # contents read and committed together
    for start in range(0, len(todo), group):
        cancel.raise_if_cancelled()
        part = todo[start : start + group]
        stored = store.chunks_of(old, part)
        batch = [(h, stored[h]) for h in part if stored[h]]
        texts = [
            embedding_text(chunk, _stored_context(titles.get(h, ""), chunks))
            for h, chunks in batch
            for chunk in chunks
        ]
        vectors = yield from embed_in_batches(
            embedder, texts, options.batch_chunks, counters, cancel
        )
        if batch:
            store.add_many(new, batch, np.concatenate(vectors))
        counters.files_done += len(part)
        yield counters.progress()
    counters.indexed = len(wanted)  # every content, embedded now or by a stopped re-index
    yield _switch(catalog, store, collection, new, embedder, counters)


def _switch(
    catalog: CollectionsDatabase,
    store: ChunkStore,
    collection: Collection,
    new: TableSpec,
    embedder: Embedder,
    counters: RunCounters,
) -> IndexSummary:
    """Fold the `new` table's rows into its indexes, point the collection at it
    (`embedder`'s) and drop every other table of the collection; returns the summary."""
    store.refresh_indexes(new)
    switched = catalog.set_embedding_model(collection, embedder.name, embedder.dim)
    store.drop(table_of(collection))
    for name in tables_of(store, switched):
        if name != switched.table_name:  # left by a re-index killed after its switch
            store.drop(TableSpec(name, collection.dim))
    summary = counters.summary(switched, embedder)
    logger.info(
        "re-embedded %s with %s: %d chunks in %.1fs",
        collection.name, embedder.name, counters.chunks, summary.seconds,
    )  # fmt: skip
    return summary


def _stored_context(title: str, chunks: list[Chunk]) -> str:
    """The embedding context of a stored content, rebuilt as indexing made it.

    The reader's title is in the catalog; a plain-text file's title is its
    first line, which begins the first chunk.
    """
    first = chunks[0].text if chunks and chunks[0].ordinal == 0 else ""
    return context_title(Document(Path(), (Section(first),) if first else (), title))
