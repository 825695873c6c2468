"""Starting the app over a damaged index catalog or chat history.

The command line stops with a message (exit 2); the window cannot ask first, and
a person who opens the app expects it to open. So a damaged catalog or chat
history is set aside, renamed rather than deleted, a fresh one is started, and the
window says what happened and where the old one is.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from desktop.errors import DamagedFileError
from desktop.paths import AppPaths
from desktop.services.chats import ChatStore
from desktop.services.workspace import Workspace
from desktop.settings import Settings

logger = logging.getLogger(__name__)


def set_aside(path: Path) -> Path:
    """Rename `path` to `<name>.damaged-<date>` beside it; returns the new path."""
    kept = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    path.rename(kept)
    logger.warning("set aside %s as %s", path, kept)
    return kept


def open_workspace(paths: AppPaths, settings: Settings) -> tuple[Workspace, str]:
    """The workspace, and a notice ("" when none): a damaged catalog takes the whole
    index folder aside with it, as the tables mean nothing without it."""
    workspace = Workspace(paths, settings)
    try:
        workspace.catalog.check()
        return workspace, ""
    except DamagedFileError as exc:
        workspace.close()
        kept = set_aside(paths.index)
        paths.ensure()
        notice = (
            f"{_sentence(exc.message)}. The index was set aside as {kept} and a new one started: "
            "add your folders again to search them. Your documents are untouched."
        )
        return Workspace(paths, settings), notice


def open_chats(path: Path) -> tuple[ChatStore, str]:
    """The chat history, and a notice ("" when none)."""
    chats: ChatStore | None = None
    try:
        chats = ChatStore(path)
        chats.check()
        return chats, ""
    except DamagedFileError as exc:
        if chats is not None:
            chats.close()
        kept = set_aside(path)
        notice = f"{_sentence(exc.message)}. It was set aside as {kept} and a new history started."
        return ChatStore(path), notice


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
