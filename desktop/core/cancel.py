"""Cooperative cancellation for long work (indexing, generation)."""

from __future__ import annotations

import threading

from desktop.errors import Cancelled


class CancelToken:
    """A flag that long-running loops check between files and batches.

    It wraps `threading.Event` so that a UI thread or a signal handler can set it
    while a worker thread runs.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()
