"""Watch a collection's folders and report, debounced, when something changed.

watchdog delivers file events on its own thread. Bursts (a copy of 500 files,
an editor's save dance) are folded into one notice per collection, sent
`quiet_seconds` after the last event; the caller re-indexes that collection,
which only touches what changed. Qt-free: the UI turns the callback into a
signal.

Arquivo's own data folder (log, catalog, models) may lie inside a watched
folder: its writes are dropped (`ignore`), or each run's log lines would start
the next run, for ever.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from desktop.core.ingest.walker import is_within, spellings

logger = logging.getLogger(__name__)


class _Handler(FileSystemEventHandler):
    def __init__(self, owner: FolderWatcher, collection: str) -> None:
        self._owner = owner
        self._collection = collection

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # reads change nothing
        if self._owner.ignores(event):
            return
        path = str(event.src_path)
        if any(part.startswith(".") for part in Path(path).parts[-3:]):
            return  # hidden files and folders are never indexed
        self._owner.touched(self._collection)


class FolderWatcher:
    """Calls `on_change(collection)` once a burst of changes has settled.

    Events in the `ignore` folders are dropped (Arquivo's data folder).
    """

    def __init__(
        self,
        on_change: Callable[[str], None],
        quiet_seconds: float = 1.5,
        *,
        ignore: Sequence[Path] = (),
    ) -> None:
        self._on_change = on_change
        self._quiet = quiet_seconds
        # Both spellings: events carry the watched folder's, which may or may not go
        # through a symbolic link (/home -> /var/home).
        self._ignored = spellings(ignore)
        self._observer = Observer()
        self._observer.daemon = True
        self._timers: dict[str, threading.Timer] = {}
        self._watches: dict[tuple[str, str], object] = {}
        self._lock = threading.Lock()
        self._started = False

    def watch(self, collection: str, folder: Path) -> None:
        key = (collection, str(folder))
        if key in self._watches or not folder.is_dir():
            return
        try:
            watch = self._observer.schedule(_Handler(self, collection), str(folder), recursive=True)
        except OSError as exc:  # too many inotify watches, a vanished folder...
            logger.warning("cannot watch %s: %s", folder, exc)
            return
        self._watches[key] = watch
        if not self._started:
            self._observer.start()
            self._started = True

    def ignores(self, event: FileSystemEvent) -> bool:
        """Whether an event is only about the ignored folders.

        A move counts when both its ends are inside them (a file moved out of the
        data folder is news). watchdog adds "folder modified" for the parent of
        every change; for the parents of an ignored folder that says nothing its
        own event does not, and it would let the folder's creation through.
        """
        paths = [os.fsdecode(event.src_path)]
        if event.dest_path:
            paths.append(os.fsdecode(event.dest_path))
        if not self._ignored:
            return False
        if all(self._in_ignored(p) for p in paths):
            return True
        return (
            event.is_directory
            and event.event_type == "modified"
            and any(is_within(folder, paths[0]) for folder in self._ignored)
        )

    def _in_ignored(self, path: str) -> bool:
        """Spelled as the event has it, or as it really is: a folder watched through a
        symbolic link reports its paths through the link (resolved only then)."""
        if any(is_within(path, f) for f in self._ignored):
            return True
        real = os.path.realpath(path)
        return real != path and any(is_within(real, f) for f in self._ignored)

    def unwatch_collection(self, collection: str) -> None:
        for key in [k for k in self._watches if k[0] == collection]:
            self._observer.unschedule(self._watches.pop(key))  # type: ignore[arg-type]

    def touched(self, collection: str) -> None:
        with self._lock:
            timer = self._timers.get(collection)
            if timer is not None:
                timer.cancel()
            timer = threading.Timer(self._quiet, self._fire, args=(collection,))
            timer.daemon = True
            self._timers[collection] = timer
            timer.start()

    def _fire(self, collection: str) -> None:
        with self._lock:
            self._timers.pop(collection, None)
        logger.info("changes in collection %s", collection)
        self._on_change(collection)

    def stop(self) -> None:
        with self._lock:
            for timer in self._timers.values():
                timer.cancel()
            self._timers.clear()
        if self._started:
            self._observer.stop()
            self._observer.join(timeout=5)
