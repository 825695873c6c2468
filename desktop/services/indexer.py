"""Index folders into a collection, incrementally, and keep it true.

A run walks the folders, skips what has not changed (same size and
modification time), reuses the embedding of any content already stored (a
duplicate or a moved file), reads and embeds the rest in batches, and forgets
files that are gone. It yields events for a progress display. A killed run
loses at most the batch in flight: chunks reach LanceDB before the catalog
records them, and the next run removes chunks that nothing records.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any

from filelock import FileLock, Timeout

from desktop.core.index.collections_db import Collection, CollectionsDatabase, FileRecord
from desktop.core.index.vector_store import ChunkStore, TableSpec
from desktop.core.ingest import SUPPORTED_SUFFIXES, read_document
from desktop.core.ingest.chunking import chunk_document, context_title, embedding_text
from desktop.core.ingest.ocr import OcrOptions
from desktop.core.ingest.personal_data import describe_counts, mask_document
from desktop.core.ingest.registry import format_size
from desktop.core.ingest.walker import display_path, hides_files, is_below, is_utf8, is_within, walk
from desktop.core.language.detect import collection_language
from desktop.core.models.embedding import Embedder
from desktop.core.retrieval.retriever import embedder_languages, knows_language
from desktop.core.types import (
    CancelToken,
    Chunk,
    Document,
    FileIndexed,
    FileSkipped,
    IndexEvent,
    IndexSummary,
    Progress,
    Section,
)
from desktop.errors import (
    ArquivoError,
    Cancelled,
    CollectionModelError,
    UnreadableFileError,
    UnsupportedFileError,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexOptions:
    max_file_bytes: int = 200 * 1024 * 1024
    include_hidden: bool = False
    batch_chunks: int = 64  # chunks embedded per call: one progress step
    commit_chunks: int = 256  # chunks committed together: the most a kill can lose
    ocr: OcrOptions | None = None  # scanned PDF pages: None reads none
    exclude: tuple[Path, ...] = ()  # folders never indexed: Arquivo's own data folder


@dataclass
class _PendingDocument:
    doc_hash: str
    chunks: list[Chunk]
    title: str
    files: list[FileRecord] = field(default_factory=list)
    context: str = ""  # the title put before each chunk's text for the embedder
    unread: str = ""  # what the reader could not read (`Document.unread`), told with the file
    masked: str = ""  # the personal data masked in it (`describe_counts`)


@dataclass
class _Counters:
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


def content_hash(path: Path) -> str:
    """sha256 of a file's bytes: the identity of its content."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def table_of(collection: Collection) -> TableSpec:
    return TableSpec(collection.table_name, collection.dim, collection.language)


class CollectionBusyError(ArquivoError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"collection {name!r} is being indexed",
            "wait for the run to finish (or stop it), then try again",
        )


# Gives the embedder a collection was indexed with, or raises CollectionModelError.
EmbedderFor = Callable[[Collection], Embedder]
# Gives the embedder a new collection in a language ("Portuguese") is made with.
EmbedderForLanguage = Callable[[str], Embedder]


class Indexer:
    """Runs indexing jobs against one catalog and store.

    `embedder` is the current model: new collections are made with it, and a
    re-index moves a collection to it. A collection keeps its own model, which
    `embedder_for` loads (without it, only collections of `embedder` can grow).
    """

    def __init__(
        self,
        catalog: CollectionsDatabase,
        store: ChunkStore,
        embedder: Embedder,
        lock_dir: Path,
        options: IndexOptions | None = None,
        embedder_for: EmbedderFor | None = None,
        embedder_for_language: EmbedderForLanguage | None = None,
    ) -> None:
        """`embedder_for_language`, when given, picks a new collection's model from the
        language of its first documents (a multilingual one for Portuguese, say)."""
        self._embedder_for_language = embedder_for_language
        self._catalog = catalog
        self._store = store
        self._embedder = embedder
        self._lock_dir = lock_dir
        self.options = options or IndexOptions()
        self._embedder_for = embedder_for or self._only_current

    def _only_current(self, collection: Collection) -> Embedder:
        if collection.embedding_model != self._embedder.name:
            raise CollectionModelError(
                collection.name, collection.embedding_model, self._embedder.name,
                f"but {self._embedder.name!r} is loaded",
            )  # fmt: skip
        return self._embedder

    def embedder_for(self, collection: Collection) -> Embedder:
        """The collection's own model; its name and size must be what the collection says."""
        embedder = self._embedder_for(collection)
        if embedder.name != collection.embedding_model or embedder.dim != collection.dim:
            raise CollectionModelError(
                collection.name, collection.embedding_model, self._embedder.name,
                f"but {embedder.name!r} ({embedder.dim} dimensions) was loaded for it",
            )  # fmt: skip
        return embedder

    def _model_fit(self, collection: Collection, embedder: Embedder) -> dict[str, Any]:
        """The summary's fields on the collection's language and its model's."""
        languages = embedder_languages(embedder)
        return {
            "language": collection.language,
            "embedding_model": collection.embedding_model,
            "model_knows_language": knows_language(languages, collection.language),
        }

    def open_collection(self, name: str) -> Collection:
        """The named collection, created for the current embedding model if new."""
        collection = self._catalog.find_collection(name)
        if collection is None:
            return self._catalog.create_collection(name, self._embedder.name, self._embedder.dim)
        self.embedder_for(collection)  # a missing model is said before any work
        return collection

    def _lock(self, collection: Collection) -> FileLock:
        """One run at a time per collection, whatever model its table is for."""
        lock = FileLock(str(self._lock_dir / f"chunks_{collection.id}.lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout as exc:
            raise CollectionBusyError(collection.name) from exc
        return lock

    def index(
        self,
        paths: Sequence[Path] | None,
        collection_name: str,
        cancel: CancelToken | None = None,
    ) -> Iterator[IndexEvent]:
        """Index `paths` (or every folder the collection already has) and yield events."""
        cancel = cancel or CancelToken()
        roots = None if paths is None else _checked_roots(paths)
        collection = self.open_collection(collection_name)
        # no language yet and nothing stored: its model is still to be chosen (a first
        # run that was stopped before reading a document leaves it so)
        new = not collection.language and self._catalog.stats(collection).chunks == 0
        if roots is None:
            roots = [Path(r) for r in self._catalog.roots(collection)]
        lock = self._lock(collection)
        try:
            yield from self._run(collection, roots, cancel, new)
        finally:
            lock.release()

    def _run(
        self, collection: Collection, roots: list[Path], cancel: CancelToken, new: bool = False
    ) -> Iterator[IndexEvent]:
        table = table_of(collection)
        interrupted = self._catalog.set_indexing(collection, True)  # the last run was killed
        self._catalog.add_roots(collection, [str(r) for r in roots])
        counters = _Counters()
        entries = list(
            walk(
                sorted(roots),  # a folder before those inside it: they are walked as part of it
                include_hidden=self.options.include_hidden,
                exclude=self.options.exclude,
                removed=[Path(p) for p in self._catalog.removed_paths(collection)],
            )
        )
        counters.files_total = sum(isinstance(e, Path) for e in entries)
        yield counters.progress()
        known: dict[str, FileRecord] = {}
        for root in roots:
            known.update(self._catalog.files_under(collection, str(root)))
        seen: set[str] = set()
        pending: dict[str, _PendingDocument] = {}
        for entry in entries:
            cancel.raise_if_cancelled()
            if isinstance(entry, FileSkipped):
                counters.skipped.append(entry)
                yield entry
                continue
            path = str(entry)
            counters.files_done += 1
            try:
                outcome = yield from self._prepare(
                    collection, entry, known.get(path), pending, cancel, counters
                )
            except Cancelled:
                raise
            except UnreadableFileError as exc:
                skipped = FileSkipped(path, exc.reason)
            except Exception as exc:  # the one broad catch: a bad file never stops a run
                logger.warning("unexpected error reading %s", path, exc_info=True)
                skipped = FileSkipped(path, f"unexpected error ({type(exc).__name__}: {exc})")
            else:
                seen.add(path)
                if outcome == "unchanged":
                    counters.unchanged += 1
                elif outcome == "reused":
                    counters.indexed += 1
                    yield FileIndexed(path, 0, reused=True)
                # "new" files are counted and reported when their batch is committed
                if sum(len(d.chunks) for d in pending.values()) >= self.options.commit_chunks:
                    if new:
                        collection, table, new = self._settle_model(collection, pending)
                    yield from self._flush(
                        collection, table, pending, counters, cancel, interrupted
                    )
                continue
            logger.warning("skipped %s: %s", path, skipped.reason)
            counters.skipped.append(skipped)
            yield skipped
        if new:
            collection, table, new = self._settle_model(collection, pending)
        yield from self._flush(collection, table, pending, counters, cancel, interrupted)
        if not collection.language and counters.language_sample:
            collection = self._catalog.set_language(
                collection, collection_language(counters.language_sample)
            )
            table = table_of(collection)
            logger.info("collection %s is in %s", collection.name, collection.language)
        gone_files = _gone(known, seen, [e for e in entries if isinstance(e, FileSkipped)])
        if gone_files:
            gone = self._catalog.forget_files(collection, gone_files)
            self._store.delete_documents(table, sorted(gone))
            counters.removed = len(gone_files)
        if interrupted:
            # after the flushes, which took what they could of the stopped run's chunks
            self._remove_orphans(collection, table)
        if interrupted or counters.indexed or counters.removed:
            # nothing changed, nothing to fold in: the table is not even opened
            self._store.refresh_indexes(table)
        self._catalog.set_indexing(collection, False)
        summary = IndexSummary(
            collection=collection.name,
            files_indexed=counters.indexed,
            files_unchanged=counters.unchanged,
            files_removed=counters.removed,
            files_skipped=tuple(counters.skipped),
            chunks_added=counters.chunks,
            seconds=time.perf_counter() - counters.started,
            **self._model_fit(collection, self.embedder_for(collection)),
        )
        logger.info(
            "indexed %s: %d files, %d unchanged, %d removed, %d skipped, %d chunks in %.1fs",
            collection.name, summary.files_indexed, summary.files_unchanged,
            summary.files_removed, len(summary.files_skipped), summary.chunks_added,
            summary.seconds,
        )  # fmt: skip
        yield summary

    def _prepare(
        self,
        collection: Collection,
        path: Path,
        known: FileRecord | None,
        pending: dict[str, _PendingDocument],
        cancel: CancelToken,
        counters: _Counters,
    ) -> Generator[IndexEvent, None, str]:
        """Decide what a file needs; read and chunk it when its content is new.

        A generator that returns the outcome ("unchanged", "reused", "new"): while
        OCR reads a scanned PDF it yields a progress event per page. A copy of a
        content already pending is "new": it is committed (and reported) with it.
        """
        stat = path.stat()
        if not S_ISREG(stat.st_mode):  # a named pipe called notes.txt would block the hash
            raise UnreadableFileError(path, "not a regular file")
        if known and known.size == stat.st_size and known.mtime_ns == stat.st_mtime_ns:
            return "unchanged"
        if stat.st_size > self.options.max_file_bytes:  # checked before hashing a huge file
            limit = format_size(self.options.max_file_bytes)
            raise UnreadableFileError(path, f"larger than the {limit} limit")
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:  # a film is not read every run
            raise UnsupportedFileError(path)
        try:
            doc_hash = content_hash(path)
        except OSError as exc:
            raise UnreadableFileError(path, f"cannot read the file ({exc.strerror})") from exc
        record = FileRecord(str(path), doc_hash, stat.st_size, stat.st_mtime_ns)
        if known and known.doc_hash == doc_hash:
            self._catalog.record_files(collection, [record])  # touched, not changed
            return "unchanged"
        if doc_hash in pending:
            pending[doc_hash].files.append(record)
            return "new"
        if self._catalog.has_document(collection, doc_hash):
            gone = self._catalog.record_files(collection, [record])
            self._store.delete_documents(table_of(collection), sorted(gone))
            return "reused"
        document = yield from self._read(path, cancel, counters)
        masked = ""
        if self._catalog.masks_personal_data(collection):
            document, counts = mask_document(document)
            masked = describe_counts(counts)
        chunks = chunk_document(document)
        if not chunks:
            raise UnreadableFileError(path, "no text found")
        if document.unread:
            logger.warning("read %s in part: %s", path, document.unread)
        pending[doc_hash] = _PendingDocument(
            doc_hash, chunks, document.title, [record], context_title(document), document.unread,
            masked,
        )  # fmt: skip
        return "new"

    def _read(
        self, path: Path, cancel: CancelToken, counters: _Counters
    ) -> Generator[Progress, None, Document]:
        """Read one file; for a PDF that OCR may read, report each scanned page.

        OCR takes seconds a page, and a scanned book minutes: the PDF is read in a
        helper thread while this generator passes its pages on as progress events
        (`Progress.ocr_page`), which a generator could not do from inside the
        reader. Other files are read here, at once.
        """
        options = self.options
        if path.suffix.lower() != ".pdf" or options.ocr is None or not options.ocr.enabled:
            return read_document(path, options.max_file_bytes, options.ocr, cancel)
        pages: queue.SimpleQueue[tuple[int, int] | None] = queue.SimpleQueue()
        outcome: list[Document | BaseException] = []

        def read() -> None:
            def on_page(n: int, total: int) -> None:
                pages.put((n, total))

            try:
                outcome.append(
                    read_document(path, options.max_file_bytes, options.ocr, cancel, on_page)
                )
            except BaseException as exc:  # handed to the indexing thread, raised there
                outcome.append(exc)
            finally:
                pages.put(None)

        reader = threading.Thread(target=read, name=f"read {path.name}", daemon=True)
        reader.start()
        read_all = False
        try:
            while (page := pages.get()) is not None:
                yield counters.progress(str(path), ocr_page=page)
            read_all = True
        finally:
            if not read_all:  # the run stopped listening mid-file: stop the reader too
                cancel.cancel()
            reader.join()
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    def _settle_model(
        self, collection: Collection, pending: dict[str, _PendingDocument]
    ) -> tuple[Collection, TableSpec, bool]:
        """For a new collection, before anything is embedded: its language, from its
        first documents, and the model made for that language.

        Returns the collection, its table and whether it is still to be settled (no
        document read yet).
        """
        if self._embedder_for_language is None:
            return collection, table_of(collection), False
        sample = [c.text for d in pending.values() for c in d.chunks[:20]][:200]
        if not sample:
            return collection, table_of(collection), True
        language = collection_language(sample)
        embedder = self._embedder_for_language(language)
        if embedder.name != collection.embedding_model:
            collection = self._catalog.set_embedding_model(collection, embedder.name, embedder.dim)
            logger.info("collection %s is in %s: made with %s", collection.name, language,
                        embedder.name)  # fmt: skip
        collection = self._catalog.set_language(collection, language)
        return collection, table_of(collection), False

    def _flush(
        self,
        collection: Collection,
        table: TableSpec,
        pending: dict[str, _PendingDocument],
        counters: _Counters,
        cancel: CancelToken,
        resume: bool = False,
    ) -> Iterator[IndexEvent]:
        """Embed, store and commit the pending documents.

        Chunks are stored every `commit_chunks` as they are embedded, and recorded in
        the catalog once their documents are whole. A run killed in the middle of a
        large file leaves its stored chunks behind: the next run (`resume`) embeds only
        the chunks missing (`_stored_ordinals`), and clears what is left unused at its
        end. Other runs do not look: nothing unrecorded is there.
        """
        if not pending:
            return
        documents = list(pending.values())
        if not collection.language and len(counters.language_sample) < 200:
            counters.language_sample.extend(c.text for d in documents for c in d.chunks[:20])
        stored = self._stored_ordinals(table, [d.doc_hash for d in documents]) if resume else {}
        todo = [
            (doc, chunk)
            for doc in documents
            for chunk in doc.chunks
            if chunk.ordinal not in stored.get(doc.doc_hash, ())
        ]
        counters.chunks += sum(len(d.chunks) for d in documents) - len(todo)
        embedder = self.embedder_for(collection)
        step, commit = self.options.batch_chunks, max(1, self.options.commit_chunks)
        import numpy as np

        for first in range(0, len(todo), commit):
            part = todo[first : first + commit]
            vectors = []
            for start in range(0, len(part), step):
                cancel.raise_if_cancelled()
                began = time.perf_counter()
                texts = [embedding_text(c, d.context) for d, c in part[start : start + step]]
                vectors.append(embedder.embed_documents(texts))
                counters.embed_seconds += time.perf_counter() - began
                counters.chunks += len(vectors[-1])
                yield counters.progress(part[start][0].files[0].path)
            self._store.add_many(table, _by_document(part), np.concatenate(vectors))
        gone = self._catalog.record_files(
            collection,
            [f for d in documents for f in d.files],
            [(d.doc_hash, len(d.chunks), d.title) for d in documents],
        )
        self._store.delete_documents(table, sorted(gone))
        for doc in documents:
            for record in doc.files:
                counters.indexed += 1
                reused = record is not doc.files[0]
                yield FileIndexed(record.path, len(doc.chunks), reused, doc.unread, doc.masked)
        pending.clear()

    def _stored_ordinals(self, table: TableSpec, doc_hashes: list[str]) -> dict[str, set[int]]:
        """The chunks of these contents already in the table: a stopped run's."""
        found = self._store.chunks_of(table, doc_hashes)
        return {h: {c.ordinal for c in chunks} for h, chunks in found.items() if chunks}

    def _remove_orphans(self, collection: Collection, table: TableSpec) -> None:
        """Delete chunks that a killed run stored but never recorded."""
        orphans = self._store.doc_hashes(table) - self._catalog.document_hashes(collection)
        if orphans:
            logger.info("removing %d unfinished documents of a stopped run", len(orphans))
            self._store.delete_documents(table, sorted(orphans))

    def remove(self, collection_name: str, path: Path) -> int:
        """Take a file, or every file under a folder, out of a collection; how many.

        A folder of the collection is dropped from it; its files that another of
        its folders holds stay. A path inside a folder is recorded as removed, or
        the folder's next run (every watcher run) would index it again; indexing
        that path itself brings it back.
        """
        collection = self._catalog.get_collection(collection_name)
        lock = self._lock(collection)  # a run under way would store the file again
        try:
            return self._remove(collection, str(Path(os.path.abspath(path))))
        finally:
            lock.release()

    def _remove(self, collection: Collection, target: str) -> int:
        roots = self._catalog.roots(collection)
        removed = self._catalog.removed_paths(collection)
        remaining = [r for r in roots if r != target]
        if target not in roots and any(is_below(target, r) for r in roots):
            # recorded first: killed before the files are forgotten, the next run forgets them
            self._catalog.add_removed_path(collection, target)
            removed.append(target)
        records = [
            p
            for p in self._catalog.files_under(collection, target)
            if not _held(p, remaining, removed)
        ]
        gone = self._catalog.forget_files(collection, records)
        self._store.delete_documents(table_of(collection), sorted(gone))
        if target in roots:
            self._catalog.remove_root(collection, target)
        if records:
            # removed means gone: from the data files, older versions and the catalog
            self._store.erase_deleted(table_of(collection))
            self._catalog.erase_deleted()
        return len(records)

    def set_masking(
        self, collection_name: str, on: bool, cancel: CancelToken | None = None
    ) -> Iterator[IndexEvent]:
        """Mask (or stop masking) a collection's personal data, and index it again.

        The stored text is what was masked, or not: every file is read again. Its
        chunks are erased first (`erase_deleted`), so that turning masking on leaves
        no unmasked text behind. Nothing is yielded when the setting does not change.
        """
        collection = self._catalog.get_collection(collection_name)
        if self._catalog.masks_personal_data(collection) == on:
            return
        lock = self._lock(collection)
        try:
            self._catalog.set_masking(collection, on)
            table = table_of(collection)
            every_file = [p for r in self._catalog.roots(collection)
                          for p in self._catalog.files_under(collection, r)]  # fmt: skip
            gone = self._catalog.forget_files(collection, every_file)
            self._store.delete_documents(table, sorted(gone))
            self._store.erase_deleted(table)
            self._catalog.erase_deleted()
        finally:
            lock.release()
        yield from self.index(None, collection_name, cancel)

    def forget(self, collection_name: str) -> None:
        """Delete a whole collection: its chunks (of every model), files and folders."""
        collection = self._catalog.get_collection(collection_name)
        lock = self._lock(collection)
        try:
            for name in _tables_of(self._store, collection):
                self._store.drop(TableSpec(name, collection.dim))
            self._catalog.delete_collection(collection)
            self._catalog.erase_deleted()
        finally:
            lock.release()

    def reindex(
        self,
        collection_name: str,
        embedder: Embedder | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[IndexEvent]:
        """Embed a collection's chunks again with `embedder` (default: the current model).

        The chunks come from the collection's own table, so no file is read
        again (nor OCR run again) and the catalog is untouched until the end:
        the new model's table is built beside the old one, which keeps
        answering, and one catalog update switches to it. A killed re-index
        resumes where it stopped (contents already in the new table are kept);
        `arquivo index` afterwards picks up files changed meanwhile.
        """
        cancel = cancel or CancelToken()
        embedder = embedder or self._embedder
        collection = self._catalog.get_collection(collection_name)
        if collection.embedding_model == embedder.name:
            raise ArquivoError(
                f"collection {collection_name!r} already uses embedding model {embedder.name!r}",
                "indexing its folders again brings it up to date",
            )
        lock = self._lock(collection)
        try:
            yield from self._reembed(collection, embedder, cancel)
        finally:
            lock.release()

    def _reembed(
        self, collection: Collection, embedder: Embedder, cancel: CancelToken
    ) -> Iterator[IndexEvent]:
        old = table_of(collection)
        target = Collection(
            collection.id, collection.name, embedder.name, embedder.dim, collection.language
        )
        new = table_of(target)
        wanted = self._catalog.document_hashes(collection)
        done = self._store.doc_hashes(new) & wanted  # a stopped re-index's work
        self._store.delete_documents(new, sorted(self._store.doc_hashes(new) - wanted))
        todo = sorted(wanted - done)
        titles = self._catalog.document_titles(collection)
        counters = _Counters(files_total=len(wanted), files_done=len(done))
        logger.info(
            "re-embedding %s with %s: %d contents (%d already done)",
            collection.name, embedder.name, len(wanted), len(done),
        )  # fmt: skip
        yield counters.progress()
        group = max(1, self.options.commit_chunks // 16)  # contents read and committed together
        for start in range(0, len(todo), group):
            cancel.raise_if_cancelled()
            part = todo[start : start + group]
            stored = self._store.chunks_of(old, part)
            batch = [(h, stored[h]) for h in part if stored[h]]
            texts = [
                embedding_text(chunk, _stored_context(titles.get(h, ""), chunks))
                for h, chunks in batch
                for chunk in chunks
            ]
            vectors = []
            for first in range(0, len(texts), self.options.batch_chunks):
                cancel.raise_if_cancelled()
                began = time.perf_counter()
                vectors.append(
                    embedder.embed_documents(texts[first : first + self.options.batch_chunks])
                )
                counters.embed_seconds += time.perf_counter() - began
                counters.chunks += len(vectors[-1])
                yield counters.progress()
            if batch:
                import numpy as np

                self._store.add_many(new, batch, np.concatenate(vectors))
            counters.files_done += len(part)
            yield counters.progress()
        self._store.refresh_indexes(new)
        switched = self._catalog.set_embedding_model(collection, embedder.name, embedder.dim)
        self._store.drop(old)
        for name in _tables_of(self._store, switched):
            if name != switched.table_name:  # left by a re-index killed after its switch
                self._store.drop(TableSpec(name, collection.dim))
        summary = IndexSummary(
            collection=collection.name,
            files_indexed=len(wanted),
            files_unchanged=0,
            files_removed=0,
            files_skipped=(),
            chunks_added=counters.chunks,
            seconds=time.perf_counter() - counters.started,
            **self._model_fit(switched, embedder),
        )
        logger.info(
            "re-embedded %s with %s: %d chunks in %.1fs",
            collection.name, embedder.name, counters.chunks, summary.seconds,
        )  # fmt: skip
        yield summary


def _checked_roots(paths: Sequence[Path]) -> list[Path]:
    """The files and folders to index, made absolute, or why they cannot be.

    Checked before the catalog is touched: SQLite cannot store a name that is not
    UTF-8, and would fail mid-run, leaving the collection marked as being indexed.
    """
    roots = [Path(os.path.abspath(p)) for p in paths]
    for root in roots:
        if not is_utf8(str(root)):
            raise ArquivoError(
                f"cannot index {display_path(str(root))}: its name is not valid UTF-8",
                "rename it, or index the folders inside it",
            )
    missing = [str(p) for p in roots if not p.exists() and not p.is_symlink()]
    if missing:
        raise ArquivoError(f"no such file or folder: {', '.join(missing)}")
    return roots


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


def _by_document(part: Sequence[tuple[_PendingDocument, Chunk]]) -> list[tuple[str, list[Chunk]]]:
    """(content hash, chunks) in order, for `ChunkStore.add_many`."""
    grouped: dict[str, list[Chunk]] = {}
    for doc, chunk in part:
        grouped.setdefault(doc.doc_hash, []).append(chunk)
    return list(grouped.items())


def _held(path: str, roots: Sequence[str], removed: Sequence[str]) -> bool:
    """Whether a run of `roots` walks `path`: it lies in one, and not in a path
    removed from inside that one (a root inside a removed path is still walked)."""
    return any(
        is_within(path, root) and not any(is_below(r, root) and is_within(path, r) for r in removed)
        for root in roots
    )


def _stored_context(title: str, chunks: list[Chunk]) -> str:
    """The embedding context of a stored content, rebuilt as indexing made it.

    The reader's title is in the catalog; a plain-text file's title is its
    first line, which begins the first chunk.
    """
    first = chunks[0].text if chunks and chunks[0].ordinal == 0 else ""
    return context_title(Document(Path(), (Section(first),) if first else (), title))


def _tables_of(store: ChunkStore, collection: Collection) -> list[str]:
    """Every table of a collection, of any model: its own and a stopped re-index's."""
    prefix = f"chunks_{collection.id}"
    return [n for n in store.table_names() if n == prefix or n.startswith(prefix + "_")]
