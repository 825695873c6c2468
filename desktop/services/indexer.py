"""Index folders into a collection, incrementally, and keep it true.

`Indexer` is what the window, the command line and the watcher call. Each of its
jobs holds the collection's lock (`collection_lock`) and is done by a module of its
own: a run over the folders (`index_run`, which commits in batches through
`index_batches`), a re-embedding with another model (`reembed`), and removals
(`removal`). A killed run loses at most the batch in flight: chunks reach LanceDB
before the catalog records them, and the next run removes chunks that nothing
records.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from desktop.core.index.collection_tables import table_of
from desktop.core.index.collections_db import Collection, CollectionsDatabase
from desktop.core.index.vector_store import ChunkStore
from desktop.core.ingest.walker import display_path, is_utf8
from desktop.core.models.embedding import Embedder
from desktop.core.types import CancelToken, IndexEvent
from desktop.errors import ArquivoError, CollectionModelError
from desktop.services.collection_lock import CollectionBusyError, collection_lock
from desktop.services.index_run import FolderRun, IndexOptions
from desktop.services.reembed import reembed
from desktop.services.removal import drop_collection, erase_every_file, remove_path

# What callers import from here, wherever it is defined.
__all__ = [
    "CollectionBusyError",
    "EmbedderFor",
    "EmbedderForLanguage",
    "IndexOptions",
    "Indexer",
    "table_of",
]

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

    def open_collection(self, name: str) -> Collection:
        """The named collection, created for the current embedding model if new."""
        collection = self._catalog.find_collection(name)
        if collection is None:
            return self._catalog.create_collection(name, self._embedder.name, self._embedder.dim)
        self.embedder_for(collection)  # a missing model is said before any work
        return collection

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
        with collection_lock(self._lock_dir, collection):
            run = FolderRun(
                catalog=self._catalog,
                store=self._store,
                options=self.options,
                embedder_for=self.embedder_for,
                embedder_for_language=self._embedder_for_language,
                collection=collection,
                cancel=cancel,
                new=new,
            )
            yield from run.run(roots)

    def remove(self, collection_name: str, path: Path) -> int:
        """Take a file, or every file under a folder, out of a collection; how many.

        A folder of the collection is dropped from it; its files that another of
        its folders holds stay. A path inside a folder is recorded as removed, or
        the folder's next run (every watcher run) would index it again; indexing
        that path itself brings it back.
        """
        collection = self._catalog.get_collection(collection_name)
        # a run under way would store the file again
        with collection_lock(self._lock_dir, collection):
            target = str(Path(os.path.abspath(path)))
            return remove_path(self._catalog, self._store, collection, target)

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
        with collection_lock(self._lock_dir, collection):
            self._catalog.set_masking(collection, on)
            erase_every_file(self._catalog, self._store, collection)
        yield from self.index(None, collection_name, cancel)

    def forget(self, collection_name: str) -> None:
        """Delete a whole collection: its chunks (of every model), files and folders."""
        collection = self._catalog.get_collection(collection_name)
        with collection_lock(self._lock_dir, collection):
            drop_collection(self._catalog, self._store, collection)

    def reindex(
        self,
        collection_name: str,
        embedder: Embedder | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[IndexEvent]:
        """Embed a collection's chunks again with `embedder` (default: the current model).

        No file is read again: see `reembed`.
        """
        cancel = cancel or CancelToken()
        embedder = embedder or self._embedder
        collection = self._catalog.get_collection(collection_name)
        if collection.embedding_model == embedder.name:
            raise ArquivoError(
                f"collection {collection_name!r} already uses embedding model {embedder.name!r}",
                "indexing its folders again brings it up to date",
            )
        with collection_lock(self._lock_dir, collection):
            yield from reembed(
                self._catalog, self._store, self.options, collection, embedder, cancel
            )


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
