"""The collections pane offers a re-index when a collection's embedding model is missing."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.core.models.llm import FAST_CHAT_MODEL
from desktop.paths import AppPaths
from desktop.services.workspace import Workspace
from desktop.settings import Settings, save_settings
from tests.conftest import DEFAULT_EMBEDDING
from tests.services.test_reindex import ALIAS, docs, models  # noqa: F401 - fixtures
from tests.ui.conftest import WindowFactory


def test_a_collection_of_a_missing_model_is_reindexed_from_the_pane(
    qtbot: QtBot, make_window: WindowFactory, arquivo_home: Path, models: Path, docs: Path  # noqa: F811
) -> None:
    ws = Workspace(AppPaths.resolve(arquivo_home), Settings(embedding_model=ALIAS))
    list(ws.indexer.index([docs], "notes"))
    ws.close()
    (models / "embedding" / ALIAS).unlink()  # that model is gone

    window = make_window()
    pane = window.collections
    assert pane.selected_collection() == "notes"
    assert "needs re-indexing" in pane.tree.topLevelItem(0).text(0)
    assert pane.model_button.isVisible() and pane.model_button.isEnabled()
    assert ALIAS in pane.model_note.text() and "not installed" in pane.model_note.text()

    with qtbot.waitSignal(window.indexing_done, timeout=120_000):
        pane.model_button.click()

    collection = window.ws.catalog.get_collection("notes")
    assert collection.embedding_model == DEFAULT_EMBEDDING
    assert not pane.model_button.isVisible()
    assert "needs re-indexing" not in pane.tree.topLevelItem(0).text(0)
    hits = window.ws.assistant.search("notes", "where are storm logs written", 3).hits
    assert "blue ledger" in hits[0].text


def test_a_collection_in_a_language_its_model_does_not_know_says_so(
    make_window: WindowFactory, arquivo_home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "notas"
    folder.mkdir()
    (folder / "estagio.txt").write_text(
        "O estágio obrigatório é realizado no último ano do curso, com a orientação de um "
        "professor. O aluno entrega um relatório ao final do semestre.\n",
        encoding="utf-8",
    )
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "kettle.txt").write_text("The copper kettle is kept in the pantry.\n")
    # the choice by language turned off: the collection keeps the English model
    settings = Settings(chat_model=FAST_CHAT_MODEL, multilingual_embedding_model="")
    save_settings(settings, arquivo_home / "settings.toml")
    ws = Workspace(AppPaths.resolve(arquivo_home), settings)
    list(ws.indexer.index([folder], "notas"))
    list(ws.indexer.index([tmp_path / "notes"], "notes"))
    ws.close()

    window = make_window()
    pane = window.collections
    pane.set_collections(list(pane._rows.values()), select="notas")
    assert pane.selected_collection() == "notas"
    note = pane.model_note.text()
    assert pane.model_note.isVisibleTo(pane) and not pane.model_button.isVisibleTo(pane)
    assert "notas is in Portuguese" in note and DEFAULT_EMBEDDING in note
    assert "multilingual-e5-small-q4" in note
    pane.set_collections(list(pane._rows.values()), select="notes")  # English: nothing to say
    assert not pane.model_note.isVisibleTo(pane)
