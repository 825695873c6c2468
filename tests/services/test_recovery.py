"""The app opens over a damaged catalog or chat history: set aside, started anew, said."""

from __future__ import annotations

from pathlib import Path

from desktop.paths import AppPaths
from desktop.services.chats import ChatMessage, ChatStore
from desktop.services.recovery import open_chats, open_workspace
from desktop.settings import Settings


def garble(path: Path, at: int = 3 * 4096) -> None:
    with path.open("r+b") as f:
        f.seek(at)
        f.write(b"\xff" * 3000)


def test_a_damaged_catalog_is_set_aside_and_a_new_index_started(
    arquivo_home: Path, tmp_path: Path
) -> None:
    paths = AppPaths.resolve(arquivo_home)
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(30):
        (docs / f"note-{i}.txt").write_text(f"Note {i}. The heron counts {i} lanterns.\n")
    workspace, notice = open_workspace(paths, Settings())
    assert notice == ""
    list(workspace.indexer.index([docs], "default"))
    workspace.close()
    garble(paths.index / "catalog.sqlite3")

    workspace, notice = open_workspace(paths, Settings())
    assert str(paths.index / "catalog.sqlite3") in notice and "is damaged" in notice
    kept = [p for p in arquivo_home.iterdir() if p.name.startswith("index.damaged-")]
    assert len(kept) == 1 and str(kept[0]) in notice
    assert (kept[0] / "catalog.sqlite3").is_file()  # kept, not deleted
    assert workspace.catalog.collections() == []
    list(workspace.indexer.index([docs], "default"))  # and the new index works
    assert workspace.catalog.stats(workspace.catalog.get_collection("default")).files == 30
    workspace.close()


def test_a_damaged_chat_history_is_set_aside_and_a_new_one_started(arquivo_home: Path) -> None:
    path = arquivo_home / "chats.sqlite3"
    chats = ChatStore(path)
    for n in range(40):
        chat = chats.create(f"Chat {n}", ["default"])
        chats.add_message(chat.id, ChatMessage("user", "A question? " * 100))
    chats.close()
    garble(path)
    chats, notice = open_chats(path)
    assert f"The chat history {path} is damaged" in notice
    assert chats.chats() == []
    assert any(p.name.startswith("chats.sqlite3.damaged-") for p in arquivo_home.iterdir())
    chats.close()
