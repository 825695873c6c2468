"""Taking files, folders and whole collections out of the index, for good.

Removed means gone: the chunks leave LanceDB's data files and older versions
(`ChunkStore.erase_deleted`), and the catalog's rows leave its write-ahead log
(`CollectionsDatabase.erase_deleted`), not only the tables a search reads.
The caller holds the collection's lock: a run under way would store a file again.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.index.collection_tables import table_of, tables_of
from desktop.core.index.collections_db import Collection, CollectionsDatabase
from desktop.core.index.vector_store import ChunkStore, TableSpec
from desktop.core.ingest.walker import is_below, is_within


def remove_path(
    catalog: CollectionsDatabase, store: ChunkStore, collection: Collection, target: str
) -> int:
    """Take the file or folder `target` (absolute) out of a collection; how many files.

    A folder of the collection is dropped from it; its files that another of its
    folders holds stay. A path inside a folder is recorded as removed, or the
    folder's next run (every watcher run) would index it again; indexing that path
    itself brings it back.
    """
    roots = catalog.roots(collection)
    removed = catalog.removed_paths(collection)
    remaining = [r for r in roots if r != target]
    if target not in roots and any(is_below(target, r) for r in roots):
        # recorded first: killed before the files are forgotten, the next run forgets them
        catalog.add_removed_path(collection, target)
        removed.append(target)
    records = [
        p for p in catalog.files_under(collection, target) if not _held(p, remaining, removed)
    ]
    gone = catalog.forget_files(collection, records)
    store.delete_documents(table_of(collection), sorted(gone))
    if target in roots:
        catalog.remove_root(collection, target)
    if records:
        # removed means gone: from the data files, older versions and the catalog
        store.erase_deleted(table_of(collection))
        catalog.erase_deleted()
    return len(records)


def erase_every_file(
    catalog: CollectionsDatabase, store: ChunkStore, collection: Collection
) -> None:
    """Forget and erase every file of the collection, keeping its folders (to index
    them again: a change of masking leaves no text stored the old way)."""
    table = table_of(collection)
    every_file = [p for r in catalog.roots(collection)
                  for p in catalog.files_under(collection, r)]  # fmt: skip
    gone = catalog.forget_files(collection, every_file)
    store.delete_documents(table, sorted(gone))
    store.erase_deleted(table)
    catalog.erase_deleted()


def drop_collection(
    catalog: CollectionsDatabase, store: ChunkStore, collection: Collection
) -> None:
    """Delete a whole collection: its chunks (of every model), files and folders."""
    for name in tables_of(store, collection):
        store.drop(TableSpec(name, collection.dim))
    catalog.delete_collection(collection)
    catalog.erase_deleted()


def _held(path: str, roots: Sequence[str], removed: Sequence[str]) -> bool:
    """Whether a run of `roots` walks `path`: it lies in one, and not in a path
    removed from inside that one (a root inside a removed path is still walked)."""
    return any(
        is_within(path, root) and not any(is_below(r, root) and is_within(path, r) for r in removed)
        for root in roots
    )
