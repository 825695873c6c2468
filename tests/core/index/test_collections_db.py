import _thread
import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.core.index.collections_db import CollectionsDatabase, FileRecord


def _catalog(tmp_path: Path) -> CollectionsDatabase:
    return CollectionsDatabase(tmp_path / "catalog.sqlite3")


def test_migrations_run_once(tmp_path: Path) -> None:
    _catalog(tmp_path).close()
    catalog = _catalog(tmp_path)  # a second open finds the schema and adds nothing
    assert catalog.collections() == []


def test_identical_contents_are_one_document_with_two_paths(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    c = catalog.create_collection("docs", "m", 4)
    gone = catalog.record_files(
        c, [FileRecord("/a/x.pdf", "aa", 1, 1), FileRecord("/a/copy.pdf", "aa", 1, 1)],
        [("aa", 3, "")],
    )  # fmt: skip
    assert gone == set()
    assert catalog.paths_for(c, ["aa"]) == {"aa": ["/a/copy.pdf", "/a/x.pdf"]}
    assert catalog.stats(c).documents == 1 and catalog.stats(c).chunks == 3
    # forgetting one copy keeps the content; forgetting both drops it
    assert catalog.forget_files(c, ["/a/x.pdf"]) == set()
    assert catalog.forget_files(c, ["/a/copy.pdf"]) == {"aa"}
    assert catalog.document_hashes(c) == set()


def test_a_changed_file_releases_its_old_content(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    c = catalog.create_collection("docs", "m", 4)
    catalog.record_files(c, [FileRecord("/a/x.txt", "aa", 1, 1)], [("aa", 1, "")])
    gone = catalog.record_files(c, [FileRecord("/a/x.txt", "bb", 2, 2)], [("bb", 1, "")])
    assert gone == {"aa"}
    assert catalog.document_hashes(c) == {"bb"}


def test_files_under_a_folder_do_not_include_its_neighbours(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    c = catalog.create_collection("docs", "m", 4)
    catalog.record_files(
        c, [FileRecord("/a/b/x.txt", "aa", 1, 1), FileRecord("/a/bc/y.txt", "bb", 1, 1)],
        [("aa", 1, ""), ("bb", 1, "")],
    )  # fmt: skip
    assert list(catalog.files_under(c, "/a/b")) == ["/a/b/x.txt"]


def test_deleting_a_collection_deletes_its_rows(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    c = catalog.create_collection("docs", "m", 4)
    catalog.add_roots(c, ["/a"])
    catalog.record_files(c, [FileRecord("/a/x.txt", "aa", 1, 1)], [("aa", 1, "")])
    catalog.delete_collection(c)
    again = catalog.create_collection("docs", "m", 4)
    assert catalog.stats(again).files == 0 and catalog.roots(again) == []


def _open_handles(path: Path) -> int:
    """How many of this process's open files are `path` (Linux)."""
    target = os.path.realpath(path)
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):  # the one listing the folder, closed since
            count += os.readlink(fd) == target
    return count


def _use_in_foreign_thread(catalog: CollectionsDatabase) -> None:
    """Like a QThread: a thread `threading` did not start, so thinks alive for ever."""
    done = threading.Event()

    def job() -> None:
        catalog.collections()
        done.set()

    _thread.start_new_thread(job, ())
    done.wait(10)


def _use_in_new_threads(catalog: CollectionsDatabase) -> None:
    """One job in a Python thread, one in a foreign thread, each ended."""
    thread = threading.Thread(target=catalog.collections)
    thread.start()
    thread.join()
    _use_in_foreign_thread(catalog)


def _eventually(check: Callable[[], bool], seconds: float = 10) -> bool:
    """Whether `check` holds within `seconds`: a foreign thread ends after its job."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files in /proc")
def test_threads_that_ended_leave_no_connection_open(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    path = tmp_path / "catalog.sqlite3"
    for _ in range(20):  # one thread per job, as the UI runs them
        _use_in_new_threads(catalog)
    # SQLite keeps a closed connection's file open for reuse while others hold
    # locks on it (closing it would drop theirs): a few, not one per thread.
    assert _eventually(lambda: _open_handles(path) <= 4)
    assert catalog.collections() == []
    catalog.close()
    assert _eventually(lambda: _open_handles(path) == 0)


def test_removed_paths_go_with_the_last_folder_that_holds_them(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    c = catalog.create_collection("docs", "m", 4)
    catalog.add_roots(c, ["/a", "/a/b", "/c"])
    catalog.add_removed_path(c, "/a/b/old.pdf")
    catalog.add_removed_path(c, "/c/x")
    catalog.remove_root(c, "/a")
    assert catalog.removed_paths(c) == ["/a/b/old.pdf", "/c/x"]  # /a/b still holds it
    catalog.remove_root(c, "/a/b")
    assert catalog.removed_paths(c) == ["/c/x"]
