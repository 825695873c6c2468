"""One indexing run: walk a collection's folders, index what changed, forget what is gone.

A run skips what has not changed (same size and modification time), reuses the
embedding of any content already stored (a duplicate or a moved file), reads and
chunks the rest, has it embedded and committed in batches (`index_batches`), and
forgets files that are gone. It yields events for a progress display.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from desktop.core.index.collection_tables import table_of
from desktop.core.index.collections_db import Collection, CollectionsDatabase, FileRecord
from desktop.core.index.vector_store import ChunkStore
from desktop.core.ingest import SUPPORTED_SUFFIXES
from desktop.core.ingest.chunking import chunk_document, context_title
from desktop.core.ingest.ocr import OcrOptions
from desktop.core.ingest.personal_data import describe_counts, mask_document
from desktop.core.ingest.registry import format_size
from desktop.core.ingest.walker import hides_files, is_below, walk
from desktop.core.language.detect import collection_language
from desktop.core.models.embedding import Embedder
from desktop.core.types import (
    CancelToken,
    FileIndexed,
    FileSkipped,
    IndexEvent,
    IndexSummary,
)
from desktop.errors import Cancelled, UnreadableFileError, UnsupportedFileError
from desktop.services.file_reading import read_reporting_pages
from desktop.services.index_batches import (
    CHUNKS_SAMPLED,
    LANGUAGE_SAMPLE,
    BatchWriter,
    PendingDocument,
)
from desktop.services.index_progress import RunCounters

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexOptions:
    max_file_bytes: int = 200 * 1024 * 1024
    include_hidden: bool = False
    batch_chunks: int = 64  # chunks embedded per call: one progress step
    commit_chunks: int = 256  # chunks committed together: the most a kill can lose
    ocr: OcrOptions | None = None  # scanned PDF pages: None reads none
    exclude: tuple[Path, ...] = ()  # folders never indexed: Arquivo's own data folder


# What a file needs: nothing, a record pointing at a content already stored, or
# reading and embedding (a copy of a content pending in this run is "new" too: it is
# committed, and reported, with it).
UNCHANGED, REUSED, NEW = "unchanged", "reused", "new"


def content_hash(path: Path) -> str:
    """sha256 of a file's bytes: the identity of its content."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class FolderRun:
    """One run of `Indexer.index` over some folders of one collection.

    `embedder_for` gives the collection's own model. A new collection (`new`: no
    language yet and nothing stored) has its model chosen by
    `embedder_for_language` from its first documents, before any is embedded.
    """

    def __init__(
        self,
        *,
        catalog: CollectionsDatabase,
        store: ChunkStore,
        options: IndexOptions,
        embedder_for: Callable[[Collection], Embedder],
        embedder_for_language: Callable[[str], Embedder] | None,
        collection: Collection,
        cancel: CancelToken,
        new: bool,
    ) -> None:
        self._catalog = catalog
        self._store = store
        self._options = options
        self._embedder_for = embedder_for
        self._embedder_for_language = embedder_for_language
        self._use(collection)
        self._cancel = cancel
        self._unsettled = new  # its model is still to be chosen
        self._interrupted = False  # the last run was killed: its stored chunks are taken up
        self.counters = RunCounters()
        self._pending: dict[str, PendingDocument] = {}
        self._writer = BatchWriter(
            catalog, store, embedder_for, options.batch_chunks, options.commit_chunks
        )

    def _use(self, collection: Collection) -> None:
        """Go on with `collection` as the catalog now has it (its model or language set)."""
        self.collection = collection
        self.table = table_of(collection)

    def run(self, roots: list[Path]) -> Iterator[IndexEvent]:
        """Index `roots` into the collection; yield events, the summary last."""
        self._interrupted = self._catalog.set_indexing(self.collection, True)
        self._catalog.add_roots(self.collection, [str(r) for r in roots])
        entries = self._walk(roots)
        self.counters.files_total = sum(isinstance(e, Path) for e in entries)
        yield self.counters.progress()
        known: dict[str, FileRecord] = {}
        for root in roots:
            known.update(self._catalog.files_under(self.collection, str(root)))
        seen: set[str] = set()
        for entry in entries:
            self._cancel.raise_if_cancelled()
            if isinstance(entry, FileSkipped):
                self.counters.skipped.append(entry)
                yield entry
            elif (yield from self._index_file(entry, known.get(str(entry)))):
                seen.add(str(entry))
        yield from self._flush()
        self._settle_language()
        self._forget_gone(known, seen, [e for e in entries if isinstance(e, FileSkipped)])
        yield self._finish()

    def _walk(self, roots: list[Path]) -> list[Path | FileSkipped]:
        return list(
            walk(
                sorted(roots),  # a folder before those inside it: they are walked as part of it
                include_hidden=self._options.include_hidden,
                exclude=self._options.exclude,
                removed=[Path(p) for p in self._catalog.removed_paths(self.collection)],
            )
        )

    def _index_file(
        self, path: Path, known: FileRecord | None
    ) -> Generator[IndexEvent, None, bool]:
        """Index one file, or report why it is skipped; returns whether it was read."""
        self.counters.files_done += 1
        try:
            outcome = yield from self._prepare(path, known)
        except Cancelled:
            raise
        except UnreadableFileError as exc:
            skipped = FileSkipped(str(path), exc.reason)
        except Exception as exc:  # the one broad catch: a bad file never stops a run
            logger.warning("unexpected error reading %s", path, exc_info=True)
            skipped = FileSkipped(str(path), f"unexpected error ({type(exc).__name__}: {exc})")
        else:
            if outcome == UNCHANGED:
                self.counters.unchanged += 1
            elif outcome == REUSED:
                self.counters.indexed += 1
                yield FileIndexed(str(path), 0, reused=True)
            # NEW files are counted and reported when their batch is committed
            if sum(len(d.chunks) for d in self._pending.values()) >= self._options.commit_chunks:
                yield from self._flush()
            return True
        logger.warning("skipped %s: %s", path, skipped.reason)
        self.counters.skipped.append(skipped)
        yield skipped
        return False

    def _prepare(
        self, path: Path, known: FileRecord | None
    ) -> Generator[IndexEvent, None, str]:
        """Decide what a file needs (UNCHANGED, REUSED, NEW); read and chunk it when
        its content is new. While OCR reads a scanned PDF, yields a progress event
        per page."""
        stat = path.stat()
        if not S_ISREG(stat.st_mode):  # a named pipe called notes.txt would block the hash
            raise UnreadableFileError(path, "not a regular file")
        if known and known.size == stat.st_size and known.mtime_ns == stat.st_mtime_ns:
            return UNCHANGED
        if stat.st_size > self._options.max_file_bytes:  # checked before hashing a huge file
            limit = format_size(self._options.max_file_bytes)
            raise UnreadableFileError(path, f"larger than the {limit} limit")
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:  # a film is not read every run
            raise UnsupportedFileError(path)
        try:
            doc_hash = content_hash(path)
        except OSError as exc:
            raise UnreadableFileError(path, f"cannot read the file ({exc.strerror})") from exc
        record = FileRecord(str(path), doc_hash, stat.st_size, stat.st_mtime_ns)
        if known and known.doc_hash == doc_hash:
            self._catalog.record_files(self.collection, [record])  # touched, not changed
            return UNCHANGED
        if doc_hash in self._pending:
            self._pending[doc_hash].files.append(record)
            return NEW
        if self._catalog.has_document(self.collection, doc_hash):
            gone = self._catalog.record_files(self.collection, [record])
            self._store.delete_documents(self.table, sorted(gone))
            return REUSED
        self._pending[doc_hash] = yield from self._read(path, doc_hash, record)
        return NEW

    def _read(
        self, path: Path, doc_hash: str, record: FileRecord
    ) -> Generator[IndexEvent, None, PendingDocument]:
        """Read, mask (where the collection asks) and chunk a file of new content."""
        options = self._options
        document = yield from read_reporting_pages(
            path, options.max_file_bytes, options.ocr, self._cancel, self.counters
        )
        masked = ""
        if self._catalog.masks_personal_data(self.collection):
            document, counts = mask_document(document)
            masked = describe_counts(counts)
        chunks = chunk_document(document)
        if not chunks:
            raise UnreadableFileError(path, "no text found")
        if document.unread:
            logger.warning("read %s in part: %s", path, document.unread)
        return PendingDocument(
            doc_hash, chunks, document.title, [record], context_title(document), document.unread,
            masked,
        )  # fmt: skip

    def _flush(self) -> Iterator[IndexEvent]:
        """Embed, store and commit the pending documents (`BatchWriter.flush`), once
        a new collection's model is settled."""
        if self._unsettled:
            self._settle_model()
        yield from self._writer.flush(
            self.collection, self.table, self._pending, self.counters, self._cancel,
            self._interrupted,
        )  # fmt: skip

    def _settle_model(self) -> None:
        """For a new collection, before anything is embedded: its language, from its
        first documents, and the model made for that language. It stays unsettled
        while no document has been read."""
        if self._embedder_for_language is None:
            self._unsettled = False
            return
        sample = [
            c.text for d in self._pending.values() for c in d.chunks[:CHUNKS_SAMPLED]
        ][:LANGUAGE_SAMPLE]
        if not sample:
            return
        language = collection_language(sample)
        embedder = self._embedder_for_language(language)
        collection = self.collection
        if embedder.name != collection.embedding_model:
            collection = self._catalog.set_embedding_model(collection, embedder.name, embedder.dim)
            logger.info("collection %s is in %s: made with %s", collection.name, language,
                        embedder.name)  # fmt: skip
        self._use(self._catalog.set_language(collection, language))
        self._unsettled = False

    def _settle_language(self) -> None:
        """A collection without a language gets the one its documents are in."""
        if not self.collection.language and self.counters.language_sample:
            language = collection_language(self.counters.language_sample)
            self._use(self._catalog.set_language(self.collection, language))
            logger.info("collection %s is in %s", self.collection.name, self.collection.language)

    def _forget_gone(
        self, known: dict[str, FileRecord], seen: set[str], skipped: list[FileSkipped]
    ) -> None:
        gone_files = _gone(known, seen, skipped)
        if gone_files:
            gone = self._catalog.forget_files(self.collection, gone_files)
            self._store.delete_documents(self.table, sorted(gone))
            self.counters.removed = len(gone_files)

    def _finish(self) -> IndexSummary:
        """Clear what a stopped run left, fold the new rows into the indexes, and sum up."""
        if self._interrupted:
            # after the flushes, which took what they could of the stopped run's chunks
            self._writer.remove_orphans(self.collection, self.table)
        if self._interrupted or self.counters.indexed or self.counters.removed:
            # nothing changed, nothing to fold in: the table is not even opened
            self._store.refresh_indexes(self.table)
        self._catalog.set_indexing(self.collection, False)
        summary = self.counters.summary(self.collection, self._embedder_for(self.collection))
        logger.info(
            "indexed %s: %d files, %d unchanged, %d removed, %d skipped, %d chunks in %.1fs",
            summary.collection, summary.files_indexed, summary.files_unchanged,
            summary.files_removed, len(summary.files_skipped), summary.chunks_added,
            summary.seconds,
        )  # fmt: skip
        return summary


def _gone(known: dict[str, FileRecord], seen: set[str], skipped: list[FileSkipped]) -> list[str]:
    """Known files that this run did not find, less those it could not look for.

    Files under a missing root (a drive unplugged) or a folder that cannot be
    listed may still be there: they keep their chunks until they are seen
    gone, or removed.
    """
    unseen = [s.path for s in skipped if hides_files(s)]
    # Only files below such a path: a file root (or a link to a file) that is missing
    # was deleted; a folder that is missing may be a drive unplugged.
    return [p for p in known if p not in seen and not any(is_below(p, u) for u in unseen)]
