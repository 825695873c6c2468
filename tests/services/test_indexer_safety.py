"""Indexing keeps what it cannot see, reads no more than it must, and refuses early.

Real files, the real embedding model, a real LanceDB folder.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import desktop.services.index_run as index_run
from desktop.core.models.embedding import FastEmbedEmbedder
from desktop.core.types import FileIndexed, FileSkipped, IndexEvent, IndexSummary, Progress
from desktop.errors import ArquivoError
from desktop.paths import AppPaths
from desktop.services.indexer import IndexOptions
from desktop.services.workspace import Workspace
from desktop.settings import Settings
from tests.services.test_indexer import run_index, stored_chunks


@pytest.fixture
def ws(arquivo_home: Path, embedder: FastEmbedEmbedder) -> Iterator[Workspace]:
    """A workspace without the chat model: indexing needs none."""
    workspace = Workspace(AppPaths.resolve(arquivo_home), Settings(), embedder=embedder)
    yield workspace
    workspace.close()


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _summary(events: list[IndexEvent]) -> IndexSummary:
    assert isinstance(events[-1], IndexSummary)
    return events[-1]


def _indexed_names(ws: Workspace) -> list[str]:
    files = ws.catalog.files_under(ws.catalog.get_collection("default"), "/")
    return sorted(Path(p).name for p in files)


def test_the_data_folder_is_not_indexed(ws: Workspace, tmp_path: Path) -> None:
    docs = tmp_path / "Documents"
    _write(docs / "notes.txt", "The orchid greenhouse needs watering every Tuesday.\n")
    _write(docs / "Arquivo" / "models" / "README.md", "# Models\n\nDownloaded model files.\n")
    ws.indexer.options = IndexOptions(exclude=(docs / "Arquivo",))
    summary = run_index(ws, docs)
    assert summary.files_indexed == 1 and not summary.files_skipped
    assert _indexed_names(ws) == ["notes.txt"]


def test_the_workspace_leaves_its_own_folders_out(ws: Workspace, tmp_path: Path) -> None:
    _write(tmp_path / "notes.txt", "The orchid greenhouse needs watering every Tuesday.\n")
    _write(ws.paths.cache / "answer.md", "# Cached\n\nA file Arquivo wrote itself.\n")
    assert ws.paths.home.is_relative_to(tmp_path)
    run_index(ws, tmp_path)
    assert _indexed_names(ws) == ["notes.txt"]


def test_an_unplugged_folder_keeps_its_index(ws: Workspace, tmp_path: Path) -> None:
    usb, docs = tmp_path / "usb", tmp_path / "docs"
    for i in range(3):
        _write(usb / "books" / f"book{i}.txt", f"Chapter {i} tells of walruses and ledgers.\n")
    _write(docs / "note.txt", "The copper kettle is kept in the shed.\n")
    run_index(ws, usb, docs)
    chunks = stored_chunks(ws)
    usb.rename(tmp_path / "usb-unplugged")

    events = list(ws.indexer.index(None, "default"))

    assert FileSkipped(str(usb), "file or folder not found") in events
    summary = _summary(events)
    assert summary.files_removed == 0 and summary.files_unchanged == 1
    assert stored_chunks(ws) == chunks
    (tmp_path / "usb-unplugged").rename(usb)
    back = _summary(list(ws.indexer.index(None, "default")))
    assert back.files_unchanged == 4 and back.files_indexed == 0 and back.chunks_added == 0
    # taking it out on purpose still does
    usb.rename(tmp_path / "usb-unplugged")
    assert ws.indexer.remove("default", usb) == 3
    assert _indexed_names(ws) == ["note.txt"]


def test_a_file_added_on_its_own_and_deleted_is_forgotten(ws: Workspace, tmp_path: Path) -> None:
    note = _write(tmp_path / "dropped" / "note.txt", "The copper kettle is kept in the shed.\n")
    run_index(ws, note)  # as dropping a file on the window adds it
    note.unlink()
    summary = _summary(list(ws.indexer.index(None, "default")))
    assert summary.files_removed == 1 and stored_chunks(ws) == 0  # not a drive unplugged


def test_a_folder_that_cannot_be_listed_keeps_its_files(ws: Workspace, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs / "locked" / "secret.txt", "The walrus ledger balances at noon.\n")
    _write(docs / "open.txt", "The copper kettle is kept in the shed.\n")
    run_index(ws, docs)
    (docs / "locked").chmod(0)
    try:
        if os.access(docs / "locked", os.R_OK):
            pytest.skip("running as root (or without permissions): the folder stays readable")
        summary = run_index(ws, docs)
    finally:
        (docs / "locked").chmod(0o700)
    assert [s.reason for s in summary.files_skipped] == [
        "cannot read the folder (permission denied)"
    ]
    assert summary.files_removed == 0
    assert _indexed_names(ws) == ["open.txt", "secret.txt"]


def test_an_unsupported_file_is_not_read(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    _write(docs / "notes.txt", "The orchid greenhouse needs watering every Tuesday.\n")
    (docs / "holiday.mp4").write_bytes(os.urandom(64 * 1024))
    hashed: list[str] = []
    real_hash = index_run.content_hash

    def spy(path: Path) -> str:
        hashed.append(path.name)
        return real_hash(path)

    monkeypatch.setattr(index_run, "content_hash", spy)
    for _ in range(2):
        summary = run_index(ws, docs)
        reasons = {Path(s.path).name: s.reason for s in summary.files_skipped}
        assert reasons == {"holiday.mp4": "unsupported type"}
    assert hashed == ["notes.txt"]


def test_identical_new_files_are_counted_and_reported_once(
    ws: Workspace, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    for name in ("a.txt", "b.txt"):
        _write(docs / name, "The walrus ledger balances at noon.\n")
    events = list(ws.indexer.index([docs], "default"))
    reported = [(Path(e.path).name, e.reused) for e in events if isinstance(e, FileIndexed)]
    assert reported == [("a.txt", False), ("b.txt", True)]
    assert _summary(events).files_indexed == 2


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs byte file names")
def test_a_root_whose_name_is_not_utf8_is_refused_first(ws: Workspace, tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path) + b"/Relat\xf3rios"
    os.mkdir(folder)
    _write(Path(os.fsdecode(folder)) / "a.txt", "The walrus ledger balances at noon.\n")
    with pytest.raises(ArquivoError, match=r"Relat\\xf3rios: its name is not valid UTF-8"):
        run_index(ws, Path(os.fsdecode(folder)))
    assert ws.catalog.find_collection("default") is None


def _two_files(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    _write(docs / "a.txt", "The walrus ledger balances at noon.\n")
    _write(docs / "sub" / "b.txt", "The orchid greenhouse needs watering every Tuesday.\n")
    return docs


def test_a_folder_inside_another_is_walked_once(ws: Workspace, tmp_path: Path) -> None:
    docs = _two_files(tmp_path)
    run_index(ws, docs)
    run_index(ws, docs / "sub")
    events = list(ws.indexer.index(None, "default"))
    first = events[0]
    assert isinstance(first, Progress) and first.files_total == 2
    summary = _summary(events)
    assert summary.files_unchanged == 2 and summary.files_indexed == 0


def test_removing_a_folder_inside_another_keeps_its_files(ws: Workspace, tmp_path: Path) -> None:
    docs = _two_files(tmp_path)
    run_index(ws, docs, docs / "sub")
    chunks = stored_chunks(ws)
    assert ws.indexer.remove("default", docs / "sub") == 0  # `docs` still holds b.txt
    assert ws.catalog.roots(ws.catalog.get_collection("default")) == [str(docs)]
    assert _indexed_names(ws) == ["a.txt", "b.txt"] and stored_chunks(ws) == chunks
    assert _summary(list(ws.indexer.index(None, "default"))).files_unchanged == 2


def test_a_path_removed_from_a_folder_stays_out(ws: Workspace, tmp_path: Path) -> None:
    docs = _two_files(tmp_path)
    run_index(ws, docs)
    assert ws.indexer.remove("default", docs / "sub") == 1
    assert ws.indexer.remove("default", docs / "a.txt") == 1
    for again in (None, [docs]):  # the watcher's run, and the folder indexed again
        summary = _summary(list(ws.indexer.index(again, "default")))
        assert summary.files_indexed == 0 and summary.chunks_added == 0
        assert _indexed_names(ws) == [] and stored_chunks(ws) == 0
    # indexing the path itself brings it back; removing it again takes it out again
    assert run_index(ws, docs / "sub").files_indexed == 1
    assert _indexed_names(ws) == ["b.txt"]
    assert ws.indexer.remove("default", docs / "sub") == 1
    assert _summary(list(ws.indexer.index(None, "default"))).files_indexed == 0
    assert _indexed_names(ws) == []
    # the folder taken out, and added again later, comes back whole
    assert ws.indexer.remove("default", docs) == 0
    assert run_index(ws, docs).files_indexed == 2
    assert _indexed_names(ws) == ["a.txt", "b.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.timeout(60)  # the hash of a pipe waited for a writer for ever
def test_a_named_pipe_is_skipped_not_read(ws: Workspace, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs / "notes.txt", "The orchid greenhouse needs watering every Tuesday.\n")
    os.mkfifo(docs / "pipe.txt")
    summary = run_index(ws, docs)
    assert summary.files_indexed == 1
    assert [(Path(s.path).name, s.reason) for s in summary.files_skipped] == [
        ("pipe.txt", "not a regular file")
    ]
