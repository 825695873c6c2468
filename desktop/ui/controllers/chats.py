"""Chats: which one is on screen, the list of past ones, rename, delete, export.

An answer may still be written into a chat that is no longer on screen, or that is
deleted: `chat_shown` and `deleting` let the answering controller follow (see
`controllers/answering.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from desktop.services.chats import ChatStore, title_from_question
from desktop.ui.controllers.panes import Messages, Panes


class ChatsController(QObject):
    """Owns which chat is on screen (`current`) and the chat list beside it."""

    chat_shown = Signal(object)  # the chat now on screen: its id, or None for a new one
    deleting = Signal(int)  # a chat about to be deleted

    def __init__(
        self,
        store: ChatStore,
        panes: Panes,
        collection_names: Callable[[], list[str]],
        messages: Messages,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.panes = panes
        self.current: int | None = None  # the chat on screen; None until its first question
        self._collection_names = collection_names
        self._messages = messages
        self._window = parent  # dialogs open over it
        chat_list = panes.chat_list
        chat_list.chat_selected.connect(self.show_chat)
        chat_list.new_chat_requested.connect(self.new_chat)
        chat_list.rename_requested.connect(self.rename_chat)
        chat_list.delete_requested.connect(self.delete_chat)
        chat_list.export_requested.connect(self.export_chat)
        chat_list.search_changed.connect(lambda _text: self.refresh())
        panes.collections.selection_changed.connect(lambda _name: self.refresh())
        panes.chat.citation_clicked.connect(self.show_citation)
        panes.chat.collections_changed.connect(self.set_scope)

    def refresh(self) -> None:
        """The chats of the selected collection that match the search, anew."""
        collection = self.panes.collections.selected_collection()
        chats = self.store.chats(collection=collection, text=self.panes.chat_list.search.text().strip())
        self.panes.chat_list.set_chats(chats, self.current)

    def new_chat(self) -> None:
        self.current = None
        self.panes.chat.show_messages([])
        self.panes.sources.show_sources([], "")
        self.chat_shown.emit(None)
        self.refresh()
        self.panes.chat.input.setFocus()

    def ensure_chat(self, question: str, scope: Sequence[str]) -> int:
        """The chat on screen; a new one, named after its first question, if none is."""
        if self.current is None:
            self.current = self.store.create(title_from_question(question), scope).id
        return self.current

    def show_chat(self, chat_id: int) -> None:
        chat = self.store.get(chat_id)
        self.current = chat_id
        messages = self.store.messages(chat_id)
        self.panes.chat.set_collections(self._collection_names(), chat.collections)
        self.panes.chat.show_messages(messages)
        answers = [m for m in messages if m.role == "assistant"]
        questions = [m.text for m in messages if m.role == "user"]
        self.panes.sources.show_sources(answers[-1].sources if answers else [], questions[-1] if questions else "")
        self.chat_shown.emit(chat_id)

    def show_citation(self, message: int, n: int) -> None:
        """Source [n] of the answer at `message` in the chat: each answer cites its own."""
        chat = self.panes.chat
        cited = chat.message_at(message)
        if cited is not None and cited.role == "assistant":
            self.panes.sources.show_sources(cited.sources, chat.question_before(message))
        self.panes.sources.select(n)

    def set_scope(self, names: list[str]) -> None:
        """The collections the chat on screen searches, kept with it."""
        if self.current is not None and names:
            self.store.set_collections(self.current, names)

    def rename_chat(self, chat_id: int, title: str | None = None) -> None:
        if title is None:
            current = self.store.get(chat_id).title
            title, ok = QInputDialog.getText(self._window, self.tr("Rename chat"), self.tr("Title:"), text=current)
            if not ok:
                return
        if title.strip():
            self.store.rename(chat_id, title.strip())
        self.refresh()

    def delete_chat(self, chat_id: int, confirm: bool = True) -> None:
        if confirm:
            answer = QMessageBox.question(self._window, self.tr("Delete chat"), self.tr("Delete this chat and its answers?"))
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.deleting.emit(chat_id)  # an answer being written into it is stopped
        self.store.delete(chat_id)
        if self.current == chat_id:
            self.new_chat()
        self.refresh()

    def export_chat(self, chat_id: int, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self._window, self.tr("Export chat"), f"{self.store.get(chat_id).title}.md", self.tr("Markdown (*.md)")
            )
            if not name:
                return
            path = Path(name)
        try:
            path.write_text(self.store.export_markdown(chat_id), encoding="utf-8")
        except OSError as exc:
            self._messages.show_error(exc)
