"""One SQLite connection per thread to one database file, closed when its thread ends.

The app reads while an indexing thread writes; SQLite in WAL mode lets readers and
one writer work side by side, each through its own connection.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop.errors import ArquivoError, DamagedFileError, StoreError


def opening_error(path: Path, what: str, exc: sqlite3.DatabaseError) -> ArquivoError:
    """Why SQLite could not open `what` ("the index catalog"): damaged, or another reason.

    A damaged file has a way out (move it away) that another failure does not.
    """
    if "not a database" in str(exc) or "malformed" in str(exc):
        return DamagedFileError(path, what, exc)
    return StoreError(f"cannot open {what} {path}: {exc}")


def check_sound(db: sqlite3.Connection, path: Path, what: str) -> None:
    """Raise DamagedFileError unless SQLite finds the file sound (a quick check of
    every page: a garbled page in the middle otherwise shows only when it is read)."""
    try:
        verdict = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise DamagedFileError(path, what, exc) from exc
    if verdict != "ok":
        raise DamagedFileError(path, what, verdict)


class _ThreadConnection:
    """A thread's connection, kept in its thread-local slot.

    Python drops the slot when the thread ends, and a finalizer then closes the
    connection. Whether a thread is alive cannot tell it: a QThread is a
    "dummy" thread to Python, alive for ever, and the UI starts one per job.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db


class ThreadConnections:
    """The connections of every thread to the SQLite file at `path` (`what` names it)."""

    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        self.what = what
        self._local = threading.local()
        self._open: set[sqlite3.Connection] = set()  # open ones, for close()
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            # deleted rows are overwritten with zeros, not left in free pages (Debian's
            # SQLite happens to default to it; others do not)
            db.execute("PRAGMA secure_delete=ON")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            raise opening_error(self.path, self.what, exc) from exc
        return db

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection, opened on its first use."""
        held: _ThreadConnection | None = getattr(self._local, "held", None)
        if held is None:
            held = _ThreadConnection(self._connect())
            with self._lock:
                self._open.add(held.db)
            weakref.finalize(held, self._release, held.db)
            self._local.held = held
        return held.db

    def _release(self, db: sqlite3.Connection) -> None:
        """Close the connection of a thread that ended (or of a closed database)."""
        with self._lock:
            self._open.discard(db)
        db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Statements that take effect together, or not at all."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def check(self) -> None:
        """Raise DamagedFileError unless SQLite finds the file sound (`check_sound`)."""
        check_sound(self.db, self.path, self.what)

    def checkpoint(self) -> None:
        """Write deleted rows out of the write-ahead log too: a checkpoint copies its
        pages into the database (where `secure_delete` has zeroed them) and empties it."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            connections = list(self._open)
            self._open.clear()
        for db in connections:
            db.close()
        # Outside the lock: dropping the slots runs `_release`, which takes it.
        self._local = threading.local()
