"""The catalog: which collections exist, and which files and contents they hold.

The vectors live in LanceDB (`vector_store.py`); this SQLite file records what they
belong to. Each file maps to the sha256 of its content (`doc_hash`), and chunks
are stored once per content, so identical files are embedded once and a moved
file is not embedded again. A document's chunks are written to LanceDB first
and recorded here after, in one transaction: a process killed in between leaves
chunks that nothing references, which `orphan` clean-up removes, and the index
keeps answering from what was committed.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from desktop.core.index.collections_schema import migrate
from desktop.core.index.sqlite_connections import ThreadConnections
from desktop.core.ingest.walker import is_below
from desktop.errors import UnknownCollectionError


@dataclass(frozen=True)
class Collection:
    id: int
    name: str
    embedding_model: str
    dim: int
    language: str

    @property
    def table_name(self) -> str:
        """One LanceDB table per (collection, embedding model).

        A re-index with another model builds that model's table beside the one
        in use and switches by changing `embedding_model` in one transaction
        (`CollectionsDatabase.set_embedding_model`): a killed re-index leaves the old table
        answering. Tables of the first model keep their original name.
        """
        if self.embedding_model == _FIRST_EMBEDDING_MODEL:
            return f"chunks_{self.id}"
        digest = hashlib.sha1(self.embedding_model.encode("utf-8")).hexdigest()[:10]
        return f"chunks_{self.id}_{digest}"


# The embedding model of every collection made before models could change.
_FIRST_EMBEDDING_MODEL = "all-MiniLM-L6-v2-int8"


@dataclass(frozen=True)
class CollectionAdapter:
    """A collection's default LoRA adapter: used when a question searches it."""

    path: str
    scale: float


@dataclass(frozen=True)
class FileRecord:
    path: str
    doc_hash: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class CollectionStats:
    collection: Collection
    roots: tuple[str, ...]
    files: int
    documents: int
    chunks: int


class CollectionsDatabase:
    """Bookkeeping of collections, folders, files and contents in one SQLite file.

    Its tables are made by `collections_schema`; each thread that uses it gets its
    own connection (`ThreadConnections`).
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connections = ThreadConnections(path, "the index catalog")
        migrate(self._connections)

    @property
    def _db(self) -> sqlite3.Connection:
        return self._connections.db

    def check(self) -> None:
        """Raise DamagedFileError unless SQLite finds the file sound."""
        self._connections.check()

    def erase_deleted(self) -> None:
        """Write deleted rows out of the write-ahead log too (a checkpoint)."""
        self._connections.checkpoint()

    def close(self) -> None:
        self._connections.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """Statements that take effect together, or not at all."""
        return self._connections.transaction()

    # Collections

    def collections(self) -> list[Collection]:
        rows = self._db.execute(
            "SELECT id, name, embedding_model, dim, language FROM collections ORDER BY name"
        )
        return [Collection(*row) for row in rows]

    def find_collection(self, name: str) -> Collection | None:
        row = self._db.execute(
            "SELECT id, name, embedding_model, dim, language FROM collections WHERE name = ?",
            (name,),
        ).fetchone()
        return Collection(*row) if row else None

    def get_collection(self, name: str) -> Collection:
        found = self.find_collection(name)
        if found is None:
            raise UnknownCollectionError(name, [c.name for c in self.collections()])
        return found

    def create_collection(
        self, name: str, embedding_model: str, dim: int, language: str = ""
    ) -> Collection:
        """A new collection; language "" means: decided from its first documents."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO collections (name, embedding_model, dim, language, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (name, embedding_model, dim, language, time.time()),
            )
        return self.get_collection(name)

    def set_embedding_model(self, collection: Collection, model: str, dim: int) -> Collection:
        """Point the collection at another model's table (already built by the caller)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE collections SET embedding_model = ?, dim = ? WHERE id = ?",
                (model, dim, collection.id),
            )
        return self.get_collection(collection.name)

    def document_titles(self, collection: Collection) -> dict[str, str]:
        """Each content's title, as its reader found it."""
        rows = self._db.execute(
            "SELECT doc_hash, title FROM documents WHERE collection_id = ?", (collection.id,)
        )
        return {doc_hash: title for doc_hash, title in rows}

    def set_language(self, collection: Collection, language: str) -> Collection:
        with self.transaction() as db:
            db.execute(
                "UPDATE collections SET language = ? WHERE id = ?", (language, collection.id)
            )
        return self.get_collection(collection.name)

    def masks_personal_data(self, collection: Collection) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM masked_collections WHERE collection_id = ?", (collection.id,)
        ).fetchone()
        return row is not None

    def set_masking(self, collection: Collection, on: bool) -> None:
        statement = (
            "INSERT OR IGNORE INTO masked_collections VALUES (?)"
            if on
            else "DELETE FROM masked_collections WHERE collection_id = ?"
        )
        with self.transaction() as db:
            db.execute(statement, (collection.id,))

    def set_adapter(self, collection: Collection, path: str, scale: float) -> None:
        """Make `path` (already checked by the caller) the collection's default adapter."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO collection_adapters VALUES (?, ?, ?)",
                (collection.id, path, scale),
            )

    def clear_adapter(self, collection: Collection) -> bool:
        """Drop the collection's default adapter; whether it had one."""
        with self.transaction() as db:
            cursor = db.execute(
                "DELETE FROM collection_adapters WHERE collection_id = ?", (collection.id,)
            )
            return cursor.rowcount > 0

    def adapter(self, collection: Collection) -> CollectionAdapter | None:
        row = self._db.execute(
            "SELECT path, scale FROM collection_adapters WHERE collection_id = ?",
            (collection.id,),
        ).fetchone()
        return CollectionAdapter(row[0], float(row[1])) if row else None

    def delete_collection(self, collection: Collection) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM collections WHERE id = ?", (collection.id,))

    def set_indexing(self, collection: Collection, indexing: bool) -> bool:
        """Mark a run as started or finished; returns whether the last run was unfinished."""
        with self.transaction() as db:
            (was,) = db.execute(
                "SELECT indexing FROM collections WHERE id = ?", (collection.id,)
            ).fetchone()
            db.execute(
                "UPDATE collections SET indexing = ? WHERE id = ?", (int(indexing), collection.id)
            )
        return bool(was)

    def add_roots(self, collection: Collection, roots: Iterable[str]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO roots VALUES (?, ?)", [(collection.id, r) for r in roots]
            )

    def roots(self, collection: Collection) -> list[str]:
        rows = self._db.execute(
            "SELECT path FROM roots WHERE collection_id = ? ORDER BY path", (collection.id,)
        )
        return [r[0] for r in rows]

    def remove_root(self, collection: Collection, root: str) -> None:
        """Drop a folder, and the removed paths that no remaining folder holds.

        Those exclude nothing any more: a folder added again later comes back whole.
        """
        with self.transaction() as db:
            db.execute(
                "DELETE FROM roots WHERE collection_id = ? AND path = ?", (collection.id, root)
            )
            folders = [r for (r,) in db.execute(
                "SELECT path FROM roots WHERE collection_id = ?", (collection.id,)
            )]  # fmt: skip
            removed = db.execute(
                "SELECT path FROM removed_paths WHERE collection_id = ?", (collection.id,)
            ).fetchall()
            stale = [r for r in removed if not any(is_below(r[0], f) for f in folders)]
            db.executemany(
                "DELETE FROM removed_paths WHERE collection_id = ? AND path = ?",
                [(collection.id, p) for (p,) in stale],
            )

    def add_removed_path(self, collection: Collection, path: str) -> None:
        """Record a path taken out from inside a folder: later runs leave it out."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO removed_paths VALUES (?, ?)", (collection.id, path))

    def removed_paths(self, collection: Collection) -> list[str]:
        rows = self._db.execute(
            "SELECT path FROM removed_paths WHERE collection_id = ? ORDER BY path",
            (collection.id,),
        )
        return [r[0] for r in rows]

    # Files and documents

    def files_under(self, collection: Collection, root: str) -> dict[str, FileRecord]:
        """Every recorded file at `root` or below it."""
        prefix = root.rstrip("/") + "/"
        rows = self._db.execute(
            "SELECT path, doc_hash, size, mtime_ns FROM files WHERE collection_id = ? "
            "AND (path = ? OR substr(path, 1, ?) = ?)",
            (collection.id, root, len(prefix), prefix),
        )
        return {r[0]: FileRecord(*r) for r in rows}

    def has_document(self, collection: Collection, doc_hash: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM documents WHERE collection_id = ? AND doc_hash = ?",
            (collection.id, doc_hash),
        ).fetchone()
        return row is not None

    def document_hashes(self, collection: Collection) -> set[str]:
        rows = self._db.execute(
            "SELECT doc_hash FROM documents WHERE collection_id = ?", (collection.id,)
        )
        return {r[0] for r in rows}

    def paths_for(self, collection: Collection, doc_hashes: Iterable[str]) -> dict[str, list[str]]:
        """Every path holding each content, for citing all copies of a duplicate."""
        hashes = list(set(doc_hashes))
        result: dict[str, list[str]] = {h: [] for h in hashes}
        for start in range(0, len(hashes), 500):
            part = hashes[start : start + 500]
            marks = ",".join("?" * len(part))
            # No ORDER BY: it would make SQLite walk the primary key over every file
            # instead of using files_by_hash, which grows with the collection
            # (see docs/measurements.md).
            rows = self._db.execute(
                f"SELECT doc_hash, path FROM files WHERE collection_id = ? "
                f"AND doc_hash IN ({marks})",
                (collection.id, *part),
            )
            for doc_hash, path in rows:
                result[doc_hash].append(path)
        for paths in result.values():
            paths.sort()
        return result

    def record_files(
        self,
        collection: Collection,
        files: Iterable[FileRecord],
        new_documents: Iterable[tuple[str, int, str]] = (),
    ) -> set[str]:
        """Commit new contents and the files that point at them, in one transaction.

        `new_documents` holds (doc_hash, chunk count, title). Returns the hashes
        that no file references any more, whose chunks the caller deletes.
        """
        files = list(files)
        now = time.time()
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?)",
                [(collection.id, h, n, title) for h, n, title in new_documents],
            )
            old = {
                row[0]
                for f in files
                for row in db.execute(
                    "SELECT doc_hash FROM files WHERE collection_id = ? AND path = ?",
                    (collection.id, f.path),
                )
            }
            db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                [(collection.id, f.path, f.doc_hash, f.size, f.mtime_ns, now) for f in files],
            )
            return self._drop_unreferenced(db, collection, old)

    def forget_files(self, collection: Collection, paths: Iterable[str]) -> set[str]:
        """Remove files; returns the contents no file references any more."""
        paths = list(paths)
        with self.transaction() as db:
            old: set[str] = set()
            for path in paths:
                row = db.execute(
                    "SELECT doc_hash FROM files WHERE collection_id = ? AND path = ?",
                    (collection.id, path),
                ).fetchone()
                if row:
                    old.add(row[0])
            db.executemany(
                "DELETE FROM files WHERE collection_id = ? AND path = ?",
                [(collection.id, p) for p in paths],
            )
            return self._drop_unreferenced(db, collection, old)

    @staticmethod
    def _drop_unreferenced(
        db: sqlite3.Connection, collection: Collection, candidates: set[str]
    ) -> set[str]:
        gone = set()
        for doc_hash in candidates:
            used = db.execute(
                "SELECT 1 FROM files WHERE collection_id = ? AND doc_hash = ? LIMIT 1",
                (collection.id, doc_hash),
            ).fetchone()
            if not used:
                db.execute(
                    "DELETE FROM documents WHERE collection_id = ? AND doc_hash = ?",
                    (collection.id, doc_hash),
                )
                gone.add(doc_hash)
        return gone

    def stats(self, collection: Collection) -> CollectionStats:
        (files,) = self._db.execute(
            "SELECT count(*) FROM files WHERE collection_id = ?", (collection.id,)
        ).fetchone()
        documents, chunks = self._db.execute(
            "SELECT count(*), coalesce(sum(chunks), 0) FROM documents WHERE collection_id = ?",
            (collection.id,),
        ).fetchone()
        return CollectionStats(
            collection, tuple(self.roots(collection)), files, documents, chunks
        )
