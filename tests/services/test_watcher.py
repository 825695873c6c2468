"""The folder watcher on a real folder, with watchdog's real events."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.watcher import FolderWatcher

QUIET = 0.2


class _Notices:
    """Collects the watcher's change notices."""

    def __init__(self) -> None:
        self.collections: list[str] = []
        self.arrived = threading.Event()

    def __call__(self, collection: str) -> None:
        self.collections.append(collection)
        self.arrived.set()


@pytest.fixture
def notices() -> _Notices:
    return _Notices()


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    folder = tmp_path / "Documents"
    folder.mkdir()
    return folder


@pytest.fixture
def watcher(notices: _Notices, documents: Path) -> Iterator[FolderWatcher]:
    """Watches `documents` for collection "default", ignoring its Arquivo folder."""
    watcher = FolderWatcher(notices, QUIET, ignore=[documents / "Arquivo"])
    watcher.watch("default", documents)
    yield watcher
    watcher.stop()


def test_writes_in_the_data_folder_start_no_run(
    watcher: FolderWatcher, notices: _Notices, documents: Path
) -> None:
    data = documents / "Arquivo"
    (data / "logs").mkdir(parents=True)
    log = data / "logs" / "arquivo.log"
    for n in range(5):  # what a run writes: log lines, the catalog
        with log.open("a", encoding="utf-8") as f:
            f.write(f"indexed run {n}\n")
        (data / "catalog.sqlite3").write_bytes(b"x" * n)
        time.sleep(QUIET / 4)
    (data / "logs").rename(data / "old-logs")
    time.sleep(QUIET * 5)
    assert notices.collections == []

    (documents / "note.txt").write_text("a real change", encoding="utf-8")
    assert notices.arrived.wait(10)
    assert notices.collections == ["default"]


def test_a_file_moved_out_of_the_data_folder_is_a_change(
    watcher: FolderWatcher, notices: _Notices, documents: Path
) -> None:
    data = documents / "Arquivo"
    data.mkdir()
    (data / "report.txt").write_text("moved out later", encoding="utf-8")
    time.sleep(QUIET * 5)
    assert notices.collections == []

    (data / "report.txt").rename(documents / "report.txt")
    assert notices.arrived.wait(10)



def test_an_event_spelled_through_a_link_to_the_data_folder_is_ignored(
    notices: _Notices, documents: Path, tmp_path: Path
) -> None:
    """Events carry the watched folder's spelling: a folder added through a link."""
    from watchdog.events import FileModifiedEvent

    link = tmp_path / "docs-link"
    link.symlink_to(documents)
    (documents / "Arquivo" / "logs").mkdir(parents=True)
    watcher = FolderWatcher(notices, QUIET, ignore=[documents / "Arquivo"])
    assert watcher.ignores(FileModifiedEvent(str(link / "Arquivo" / "logs" / "arquivo.log")))
    assert not watcher.ignores(FileModifiedEvent(str(link / "note.txt")))
