"""A real main window, offscreen, over a temporary data folder with the real models."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.core.models.embedding import FastEmbedEmbedder
from desktop.core.models.llm import LlamaCppLLM
from desktop.paths import AppPaths
from desktop.services.chats import ChatStore
from desktop.services.workspace import Workspace
from desktop.settings import load_settings
from desktop.ui.main_window import MainWindow

Opened = list[tuple[str, int | None]]
WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def opened() -> Opened:
    """Files the window asked to open (instead of starting a viewer)."""
    return []


@pytest.fixture
def make_window(
    qtbot: QtBot,
    arquivo_home: Path,
    embedder: FastEmbedEmbedder,
    llm: LlamaCppLLM,
    opened: Opened,
) -> Iterator[WindowFactory]:
    made: list[tuple[MainWindow, Workspace, ChatStore]] = []

    def make(*, shared_llm: bool = True, watch: bool = False) -> MainWindow:
        paths = AppPaths.resolve(arquivo_home)
        ws = Workspace(
            paths, load_settings(paths.config), embedder=embedder, llm=llm if shared_llm else None
        )
        chats = ChatStore(paths.home / "chats.sqlite3")
        window = MainWindow(
            ws, chats, watch=watch, open_file=lambda path, page: opened.append((path, page))
        )
        window.show()  # not qtbot.addWidget: it would delete the window under running jobs
        qtbot.waitSignal(window.model_ready, timeout=60_000).wait() if shared_llm else None
        made.append((window, ws, chats))
        return window

    yield make
    for window, ws, chats in made:
        window.close()  # hides it until its jobs have ended
        qtbot.waitUntil(lambda w=window: not w.runner.any_busy(), timeout=120_000)
        window.deleteLater()
        chats.close()
        ws.close()
