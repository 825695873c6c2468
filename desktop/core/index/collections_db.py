"""The catalog: which collections exist, and which files and contents they hold.

The vectors live in LanceDB (`store.py`); this SQLite file records what they
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
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from desktop.core.ingest.walker import is_below
from desktop.errors import DamagedFileError, StoreError, UnknownCollectionError


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


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: `executescript` would commit the open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _v1_initial(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE collections (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            embedding_model TEXT NOT NULL,
            dim INTEGER NOT NULL,
            language TEXT NOT NULL DEFAULT 'English',
            created REAL NOT NULL,
            indexing INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE roots (
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            PRIMARY KEY (collection_id, path)
        );
        CREATE TABLE documents (
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            doc_hash TEXT NOT NULL,
            chunks INTEGER NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (collection_id, doc_hash)
        );
        CREATE TABLE files (
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            doc_hash TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            indexed_at REAL NOT NULL,
            PRIMARY KEY (collection_id, path)
        );
        CREATE INDEX files_by_hash ON files (collection_id, doc_hash);
        """
    )


def _v2_collection_adapters(db: sqlite3.Connection) -> None:
    """A collection's default LoRA adapter (one at most), gone with the collection."""
    db.execute(
        """
        CREATE TABLE collection_adapters (
            collection_id INTEGER PRIMARY KEY REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            scale REAL NOT NULL DEFAULT 1.0
        )
        """
    )


def _v3_removed_paths(db: sqlite3.Connection) -> None:
    """Files and folders taken out of a collection from inside one of its folders.

    Without a record, the next run of that folder (every watcher run) found them
    again and embedded them again.
    """
    db.execute(
        """
        CREATE TABLE removed_paths (
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            PRIMARY KEY (collection_id, path)
        )
        """
    )


def _v4_masking(db: sqlite3.Connection) -> None:
    """Collections whose personal data is masked at indexing (a row: masked)."""
    db.execute(
        """
        CREATE TABLE masked_collections (
            collection_id INTEGER PRIMARY KEY REFERENCES collections(id) ON DELETE CASCADE
        )
        """
    )


# Named migrations, run once each, in order, and recorded (as llm's migrations.py does).
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1_initial,
    _v2_collection_adapters,
    _v3_removed_paths,
    _v4_masking,
)


class _ThreadConnection:
    """A thread's connection, kept in its thread-local slot.

    Python drops the slot when the thread ends, and a finalizer then closes the
    connection. Whether a thread is alive cannot tell it: a QThread is a
    "dummy" thread to Python, alive for ever, and the UI starts one per job.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db


class CollectionsDatabase:
    """Bookkeeping of collections, folders, files and contents in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        # One connection per thread: the app reads while an indexing thread writes,
        # and SQLite in WAL mode lets readers and one writer work side by side.
        self._local = threading.local()
        self._connections: set[sqlite3.Connection] = set()  # open ones, for close()
        self._lock = threading.Lock()
        self._migrate()

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(
                self._path, timeout=30, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            # deleted rows are overwritten with zeros, not left in free pages (Debian's
            # SQLite happens to default to it; others do not)
            db.execute("PRAGMA secure_delete=ON")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc) or "malformed" in str(exc):
                raise DamagedFileError(self._path, "the index catalog", exc) from exc
            raise StoreError(f"cannot open the index catalog {self._path}: {exc}") from exc
        return db

    @property
    def _db(self) -> sqlite3.Connection:
        held: _ThreadConnection | None = getattr(self._local, "held", None)
        if held is None:
            held = _ThreadConnection(self._connect())
            with self._lock:
                self._connections.add(held.db)
            weakref.finalize(held, self._release, held.db)
            self._local.held = held
        return held.db

    def _release(self, db: sqlite3.Connection) -> None:
        """Close the connection of a thread that ended (or of a closed catalog)."""
        with self._lock:
            self._connections.discard(db)
        db.close()

    def check(self) -> None:
        """Raise DamagedFileError unless SQLite finds the file sound (a quick check of
        every page: a garbled page in the middle otherwise shows only when it is read)."""
        try:
            verdict = self._db.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise DamagedFileError(self._path, "the index catalog", exc) from exc
        if verdict != "ok":
            raise DamagedFileError(self._path, "the index catalog", verdict)

    def erase_deleted(self) -> None:
        """Write deleted rows out of the write-ahead log too: a checkpoint copies its
        pages into the database (where `secure_delete` has zeroed them) and empties it."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            connections = list(self._connections)
            self._connections.clear()
        for db in connections:
            db.close()
        # Outside the lock: dropping the slots runs `_release`, which takes it.
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        try:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, at REAL)"
            )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the index catalog {self._path}: {exc}") from exc
        done = {row[0] for row in self._db.execute("SELECT name FROM migrations")}
        for migration in MIGRATIONS:
            if migration.__name__ in done:
                continue
            with self.transaction() as db:
                migration(db)
                db.execute(
                    "INSERT INTO migrations VALUES (?, ?)", (migration.__name__, time.time())
                )

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
            # instead of using files_by_hash (6 ms at 12k files, 45 ms at 35k).
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
