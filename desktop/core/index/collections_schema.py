"""The collections database's tables, made by named migrations that run once each.

Each migration is a function whose name is recorded in the catalog's `migrations`
table once it has run (as llm's migrations.py does). A released migration is
therefore never renamed nor changed: a catalog that ran it would not run it again.
A change to the schema is a new function at the end of `MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from desktop.core.index.sqlite_connections import ThreadConnections
from desktop.errors import StoreError


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


# Run in this order, each once; their names are what the catalog records.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1_initial,
    _v2_collection_adapters,
    _v3_removed_paths,
    _v4_masking,
)


def migrate(connections: ThreadConnections) -> None:
    """Run the migrations this catalog has not run yet, each in its own transaction."""
    try:
        connections.db.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, at REAL)"
        )
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open {connections.what} {connections.path}: {exc}") from exc
    done = {row[0] for row in connections.db.execute("SELECT name FROM migrations")}
    for migration in MIGRATIONS:
        if migration.__name__ in done:
            continue
        with connections.transaction() as db:
            migration(db)
            db.execute("INSERT INTO migrations VALUES (?, ?)", (migration.__name__, time.time()))
