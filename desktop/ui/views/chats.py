"""The chat list: past chats of the selected collection, with search and actions."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.chats import Chat


class ChatsView(QWidget):
    chat_selected = Signal(int)
    new_chat_requested = Signal()
    rename_requested = Signal(int)
    delete_requested = Signal(int)
    export_requested = Signal(int)
    search_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search chats"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.search_changed)
        self.list = QListWidget()
        self.list.setObjectName("chatList")
        self.list.itemActivated.connect(self._on_activated)
        self.list.itemClicked.connect(self._on_activated)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._on_menu)
        self.new_button = QPushButton(self.tr("New chat"))
        self.new_button.clicked.connect(self.new_chat_requested)
        header = QHBoxLayout()
        header.addWidget(QLabel(self.tr("<b>Chats</b>")))
        header.addStretch(1)
        header.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)

    def set_chats(self, chats: Sequence[Chat], current: int | None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for chat in chats:
            item = QListWidgetItem(chat.title)
            item.setData(Qt.ItemDataRole.UserRole, chat.id)
            item.setToolTip(", ".join(chat.collections))
            self.list.addItem(item)
            if chat.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _on_activated(self, item: QListWidgetItem) -> None:
        self.chat_selected.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _on_menu(self, position: QPoint) -> None:
        item = self.list.itemAt(position)
        if item is None:
            return
        chat_id = int(item.data(Qt.ItemDataRole.UserRole))
        menu = QMenu(self)
        menu.addAction(self.tr("Rename…"), lambda: self.rename_requested.emit(chat_id))
        menu.addAction(self.tr("Export as Markdown…"), lambda: self.export_requested.emit(chat_id))
        menu.addAction(self.tr("Delete"), lambda: self.delete_requested.emit(chat_id))
        menu.popup(self.list.viewport().mapToGlobal(position))
