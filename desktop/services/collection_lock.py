"""One job at a time per collection, across processes.

The window and the command line may work on the same collection at once. An
indexing run, a re-index, a removal, a change of masking and forgetting all write
its table and its catalog rows, so each holds the collection's lock file, and a
second job is refused at once (`CollectionBusyError`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from desktop.core.index.collections_db import Collection
from desktop.errors import ArquivoError


class CollectionBusyError(ArquivoError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"collection {name!r} is being indexed",
            "wait for the run to finish (or stop it), then try again",
        )


@contextmanager
def collection_lock(lock_dir: Path, collection: Collection) -> Iterator[None]:
    """Hold the collection's lock, whatever model its table is for, or refuse at once."""
    lock = FileLock(str(lock_dir / f"chunks_{collection.id}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise CollectionBusyError(collection.name) from exc
    try:
        yield
    finally:
        lock.release()
