"""What every controller is given: the window's panes, and a way to tell the user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from desktop.ui.views.chat import ChatView
from desktop.ui.views.chats import ChatsView
from desktop.ui.views.collections import CollectionsView
from desktop.ui.views.compare import CompareView
from desktop.ui.views.sources import SourcesView

DEFAULT_COLLECTION = "default"


@dataclass(frozen=True)
class Panes:
    """The window's views, made once by the window and shared by its controllers."""

    collections: CollectionsView
    chat_list: ChatsView
    chat: ChatView
    compare: CompareView
    sources: SourcesView


class Messages(Protocol):
    """Dialogs that tell the user something without blocking the event loop."""

    def show_error(self, error: BaseException) -> None: ...

    def show_notice(self, text: str) -> None: ...
