"""Masking personal data from the collections pane: the collection is indexed again off
the GUI thread, and a notice lists what was masked in each file."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.paths import AppPaths
from desktop.services.workspace import Workspace
from desktop.settings import Settings
from tests.ui.conftest import WindowFactory


def test_the_mask_box_masks_a_collection_and_says_what_was_masked(
    qtbot: QtBot, make_window: WindowFactory, arquivo_home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / "ana.txt").write_text(
        "Ana Lima: write to ana.lima@example.com; her CPF is 529.982.247-25.\n"
    )
    ws = Workspace(AppPaths.resolve(arquivo_home), Settings())
    list(ws.indexer.index([folder], "clients"))
    ws.close()

    window = make_window()
    pane = window.collections
    assert pane.selected_collection() == "clients"
    assert pane.mask_box.isEnabled() and not pane.mask_box.isChecked()
    pane.mask_box.click()
    # Not the first indexing_done: the window's start-up check of the folder may still be
    # running, and the click stops it, so its end can come before the masking run's.
    qtbot.waitUntil(lambda: window.last_notice is not None, timeout=120_000)
    assert pane.mask_box.isChecked()
    notice = window.last_notice.text()
    assert "ana.txt: 1 e-mail address, 1 CPF" in notice
    hits = window.ws.assistant.search("clients", "Ana Lima e-mail CPF", 3).hits
    assert "[e-mail]" in hits[0].text and "ana.lima@example.com" not in hits[0].text
