"""A run's new documents: embedded, stored and committed in batches, resumably.

Chunks reach LanceDB before the catalog records their documents, so a killed run
loses at most what was not yet stored, and the catalog never points at chunks that
are not there. Chunks are stored every `commit_chunks` as they are embedded, so
one huge file does not lose everything to a kill: the next run embeds only the
chunks a stopped run had not stored, and clears what stays unused at its end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from desktop.core.index.collections_db import Collection, CollectionsDatabase, FileRecord
from desktop.core.index.vector_store import ChunkStore, TableSpec
from desktop.core.ingest.chunking import embedding_text
from desktop.core.models.embedding import Embedder
from desktop.core.types import CancelToken, Chunk, FileIndexed, IndexEvent
from desktop.services.index_progress import RunCounters, embed_in_batches

logger = logging.getLogger(__name__)

# Chunks of the first documents kept to tell a collection's language, at most.
LANGUAGE_SAMPLE = 200
CHUNKS_SAMPLED = 20  # of each document


@dataclass
class PendingDocument:
    """A new content read and chunked, waiting for its batch to be embedded."""

    doc_hash: str
    chunks: list[Chunk]
    title: str
    files: list[FileRecord] = field(default_factory=list)
    context: str = ""  # the title put before each chunk's text for the embedder
    unread: str = ""  # what the reader could not read (`Document.unread`), told with the file
    masked: str = ""  # the personal data masked in it (`describe_counts`)


@dataclass
class BatchWriter:
    """Writes a run's pending documents into a collection's table and catalog rows."""

    catalog: CollectionsDatabase
    store: ChunkStore
    embedder_for: Callable[[Collection], Embedder]  # the collection's own model
    batch_chunks: int  # chunks embedded per call: one progress step
    commit_chunks: int  # chunks stored together: the most a kill can lose

    def flush(
        self,
        collection: Collection,
        table: TableSpec,
        pending: dict[str, PendingDocument],
        counters: RunCounters,
        cancel: CancelToken,
        resume: bool = False,
    ) -> Iterator[IndexEvent]:
        """Embed, store and commit the pending documents, and report their files.

        Their chunks are recorded in the catalog once their documents are whole.
        After a stopped run (`resume`), only the chunks it had not stored are
        embedded (`_stored_ordinals`); other runs do not look: nothing unrecorded
        is there.
        """
        if not pending:
            return
        documents = list(pending.values())
        if not collection.language and len(counters.language_sample) < LANGUAGE_SAMPLE:
            counters.language_sample.extend(
                c.text for d in documents for c in d.chunks[:CHUNKS_SAMPLED]
            )
        stored = self._stored_ordinals(table, [d.doc_hash for d in documents]) if resume else {}
        todo = [
            (doc, chunk)
            for doc in documents
            for chunk in doc.chunks
            if chunk.ordinal not in stored.get(doc.doc_hash, ())
        ]
        counters.chunks += sum(len(d.chunks) for d in documents) - len(todo)
        embedder = self.embedder_for(collection)
        commit = max(1, self.commit_chunks)
        for first in range(0, len(todo), commit):
            part = todo[first : first + commit]
            vectors = yield from embed_in_batches(
                embedder,
                [embedding_text(c, d.context) for d, c in part],
                self.batch_chunks,
                counters,
                cancel,
                labels=[d.files[0].path for d, _c in part],
            )
            self.store.add_many(table, _by_document(part), np.concatenate(vectors))
        gone = self.catalog.record_files(
            collection,
            [f for d in documents for f in d.files],
            [(d.doc_hash, len(d.chunks), d.title) for d in documents],
        )
        self.store.delete_documents(table, sorted(gone))
        for doc in documents:
            for record in doc.files:
                counters.indexed += 1
                reused = record is not doc.files[0]
                yield FileIndexed(record.path, len(doc.chunks), reused, doc.unread, doc.masked)
        pending.clear()

    def _stored_ordinals(self, table: TableSpec, doc_hashes: list[str]) -> dict[str, set[int]]:
        """The chunks of these contents already in the table: a stopped run's."""
        found = self.store.chunks_of(table, doc_hashes)
        return {h: {c.ordinal for c in chunks} for h, chunks in found.items() if chunks}

    def remove_orphans(self, collection: Collection, table: TableSpec) -> None:
        """Delete chunks that a killed run stored but never recorded."""
        orphans = self.store.doc_hashes(table) - self.catalog.document_hashes(collection)
        if orphans:
            logger.info("removing %d unfinished documents of a stopped run", len(orphans))
            self.store.delete_documents(table, sorted(orphans))


def _by_document(part: Sequence[tuple[PendingDocument, Chunk]]) -> list[tuple[str, list[Chunk]]]:
    """(content hash, chunks) in order, for `ChunkStore.add_many`."""
    grouped: dict[str, list[Chunk]] = {}
    for doc, chunk in part:
        grouped.setdefault(doc.doc_hash, []).append(chunk)
    return list(grouped.items())
