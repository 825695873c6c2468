"""A damaged data file or a full disk, told in a person's words.

SQLite, LanceDB (Rust, through pyo3) and the OS report these as exceptions of their
own: `sqlite3.DatabaseError`, a `RuntimeError("lance error: ...")`, a pyo3
`PanicException` (a BaseException, so no `except Exception` sees it), an `OSError`
with ENOSPC. `diagnose` turns each into an `ArquivoError` that names the file and
the way out, which the command line prints (exit 2) and the window shows.
"""

from __future__ import annotations

import errno
import sqlite3

from desktop.errors import ArquivoError, DamagedFileError, DiskFullError
from desktop.paths import AppPaths

CATALOG_NAME = "catalog.sqlite3"
CHATS_NAME = "chats.sqlite3"
LANCE_FOLDER = "lance"


def diagnose(exc: BaseException, paths: AppPaths) -> ArquivoError | None:
    """The error to show for `exc`, or None where it is not a known kind of damage."""
    if isinstance(exc, ArquivoError):
        return exc
    if is_disk_full(exc):
        return DiskFullError(_first_line(exc))
    if is_damaged_database(exc):
        return DamagedFileError(paths.index / CATALOG_NAME, "the index catalog", exc)
    if _is_lance_failure(exc):
        return DamagedFileError(paths.index / LANCE_FOLDER, "the search index", _first_line(exc))
    return None


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    if isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc):
        return True
    return "No space left on device" in str(exc)  # LanceDB's IO errors carry only text


def is_damaged_database(exc: BaseException) -> bool:
    """SQLite's "database disk image is malformed" and "file is not a database"."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    name = getattr(exc, "sqlite_errorname", "")
    return name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in str(exc)


def _is_lance_failure(exc: BaseException) -> bool:
    """A pyo3 panic, or LanceDB's "lance error: LanceError(IO): ..." (not any message
    that happens to hold the letters "lance", as "balance" does)."""
    if type(exc).__name__ == "PanicException":
        return True
    text = str(exc)
    return isinstance(exc, (RuntimeError, OSError, ValueError)) and (
        "lance error" in text.lower() or "LanceError" in text
    )


def _first_line(exc: BaseException) -> str:
    """The message without Rust's source locations ("..., /root/.cargo/.../x.rs:825:27")."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    head, _, tail = text.rpartition(", /")
    return head if head and ".rs:" in tail else text
