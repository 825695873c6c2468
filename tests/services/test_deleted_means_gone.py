"""Deleted means gone: after `remove`, `forget` and a chat deletion, a unique string is
found in no file under the data folder, nor in any older LanceDB version; and a
`remove` cannot be undone by an index run under way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.models.embedding import FastEmbedEmbedder
from desktop.paths import AppPaths
from desktop.services.chats import ChatMessage, ChatStore
from desktop.services.indexer import CollectionBusyError, table_of
from desktop.services.workspace import Workspace
from desktop.settings import Settings

SECRET = "Zqxjvortex"


@pytest.fixture
def ws(arquivo_home: Path, embedder: FastEmbedEmbedder) -> Iterator[Workspace]:
    workspace = Workspace(AppPaths.resolve(arquivo_home), Settings(), embedder=embedder)
    yield workspace
    workspace.close()


def files_holding(folder: Path, secret: str = SECRET) -> list[Path]:
    needle = secret.lower().encode()
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes().lower()]


def folder_of_notes(root: Path, secret_name: str = "secret.txt") -> Path:
    root.mkdir(parents=True)
    for i in range(40):
        (root / f"note-{i}.txt").write_text(f"Note {i}. The heron counts {i} lanterns.\n")
    (root / secret_name).write_text(f"The password is {SECRET}; the vault is by the river.\n")
    return root


def test_a_removed_file_is_in_no_data_file_and_no_older_version(
    ws: Workspace, arquivo_home: Path, tmp_path: Path
) -> None:
    docs = folder_of_notes(tmp_path / "docs")
    list(ws.indexer.index([docs], "default"))
    (docs / "note-1.txt").write_text("A changed note: a second version of the table.\n")
    list(ws.indexer.index([docs], "default"))
    assert files_holding(arquivo_home)  # the check can see it
    assert ws.indexer.remove("default", docs / "secret.txt") == 1
    assert files_holding(arquivo_home) == []
    table = ws.store._table(table_of(ws.catalog.get_collection("default")))
    assert table is not None
    for version in table.list_versions():
        table.checkout(version["version"])
        assert table.count_rows(f"text LIKE '%{SECRET}%'") == 0
    table.checkout_latest()
    assert table.count_rows() == 40
    found = ws.retriever.search(ws.catalog.get_collection("default"), "heron lanterns", 3)
    assert found.hits and "heron" in found.hits[0].text  # still searchable, both ways


def test_a_forgotten_collection_is_in_no_data_file(
    ws: Workspace, arquivo_home: Path, tmp_path: Path
) -> None:
    docs = folder_of_notes(tmp_path / "docs", f"{SECRET}-notes.txt")  # the name too
    list(ws.indexer.index([docs], "private"))
    assert files_holding(arquivo_home)
    ws.indexer.forget("private")
    assert files_holding(arquivo_home) == []


def test_a_deleted_chat_is_in_no_data_file(arquivo_home: Path) -> None:
    chats = ChatStore(arquivo_home / "chats.sqlite3")
    kept = chats.create("Kept", ["default"])
    chats.add_message(kept.id, ChatMessage("user", "What is the weather?"))
    chat = chats.create(f"About {SECRET}", ["default"])
    chats.add_message(chat.id, ChatMessage("user", f"Where is {SECRET} kept?"))
    chats.add_message(chat.id, ChatMessage("assistant", f"{SECRET} is in the vault [1]."))
    assert files_holding(arquivo_home)
    chats.delete(chat.id)
    chats.close()
    assert files_holding(arquivo_home) == []


def test_remove_waits_for_no_run_it_would_be_undone_by(ws: Workspace, tmp_path: Path) -> None:
    """A remove during an index run was undone when the run stored the file: now the
    remove is refused while the run holds the collection, and done after it."""
    docs = folder_of_notes(tmp_path / "docs")
    list(ws.indexer.index([docs], "default"))
    (docs / "secret.txt").write_text(f"The password changed: {SECRET} two.\n")
    run = ws.indexer.index([docs], "default")
    next(run)  # the run holds the collection's lock from its first event
    with pytest.raises(CollectionBusyError):
        ws.indexer.remove("default", docs / "secret.txt")
    list(run)
    assert ws.indexer.remove("default", docs / "secret.txt") == 1
    found = ws.retriever.search(ws.catalog.get_collection("default"), "password vault", 5)
    assert all("secret.txt" not in h.path for h in found.hits)
