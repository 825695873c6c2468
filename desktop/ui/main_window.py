"""The main window: collections and chats on the left, the chat in the middle,
sources on the right, status at the bottom.

The window assembles its views and one controller per use case (`ui/controllers/`):
indexing, answering, adapters (with the chat model they sit on), chats and settings.
Each owns the state of its work and runs it in a `JobRunner` lane off the GUI thread;
the window passes their signals on, so tests and the smoke mode can follow the work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from desktop.services.chats import ChatStore
from desktop.services.workspace import Workspace
from desktop.ui.controllers.adapters import AdaptersController
from desktop.ui.controllers.answering import AnsweringController
from desktop.ui.controllers.chats import ChatsController
from desktop.ui.controllers.indexing import IndexingController
from desktop.ui.controllers.panes import DEFAULT_COLLECTION, Panes
from desktop.ui.controllers.settings import SettingsController
from desktop.ui.errors import describe
from desktop.ui.views.chat import ChatView
from desktop.ui.views.chats import ChatsView
from desktop.ui.views.collections import CollectionsView
from desktop.ui.views.compare import CompareView
from desktop.ui.views.sources import SourcesView
from desktop.ui.worker import JobRunner

logger = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Arquivo's window. Signals let tests and the smoke mode follow the work."""

    indexing_done = Signal(str)  # collection
    folder_removed = Signal(str)  # collection
    answer_done = Signal(object)  # Answer, or None when stopped or failed
    model_ready = Signal()
    adapters_applied = Signal(object)  # AdaptersInUse
    collection_adapter_changed = Signal(str)  # collection: its own adapter set or cleared
    compare_done = Signal(object)  # Comparison, or None when stopped or failed
    source_opened = Signal(str, object)  # path, page
    error_shown = Signal(str)
    closed = Signal()  # the window has closed, its jobs all ended: the app may quit

    def __init__(
        self,
        workspace: Workspace,
        chats: ChatStore,
        *,
        watch: bool = True,
        open_file: Callable[[str, int | None], None] | None = None,
    ) -> None:
        super().__init__()
        self.ws = workspace
        self.chat_store = chats
        self.runner = JobRunner(self)
        self._open_file = open_file or self._open_with_system
        self._dialogs: list[QWidget] = []  # keep non-modal dialogs alive
        self.last_error: QMessageBox | None = None
        self.last_notice: QMessageBox | None = None
        self.setWindowTitle("Arquivo")
        self.resize(1280, 800)
        self.setAcceptDrops(True)
        self.panes = self._make_panes()
        self._make_status_bar()
        self._make_controllers(watch)
        self._make_actions()
        self._connect_signals()
        self.refresh_collections()
        self.chats.new_chat()
        QTimer.singleShot(0, self._start_up)

    # Set-up

    def _make_panes(self) -> Panes:
        """The views, laid out: collections over chats, the chat, the sources."""
        self.collections = CollectionsView()
        self.chat_list = ChatsView()
        self.chat = ChatView()
        self.compare = CompareView()
        self.sources = SourcesView()
        middle = QWidget()
        self._middle_layout = QVBoxLayout(middle)
        self._middle_layout.setContentsMargins(0, 0, 0, 0)
        self._middle_layout.addWidget(self.compare)
        self._middle_layout.addWidget(self.chat, 1)
        left = QSplitter()
        left.setOrientation(left.orientation().Vertical)
        left.addWidget(self.collections)
        left.addWidget(self.chat_list)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(middle)
        splitter.addWidget(self.sources)
        splitter.setSizes([300, 640, 340])
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self.setCentralWidget(holder)
        return Panes(self.collections, self.chat_list, self.chat, self.compare, self.sources)

    def _make_status_bar(self) -> None:
        self.model_label = QLabel(self.tr("Model: not loaded"))
        self.speed_label = QLabel()
        self.index_label = QLabel()
        self.statusBar().addWidget(self.model_label)
        self.statusBar().addWidget(self.speed_label)
        self.statusBar().addPermanentWidget(self.index_label)

    def _make_controllers(self, watch: bool) -> None:
        ws, runner, panes = self.ws, self.runner, self.panes
        self.indexing = IndexingController(
            ws, runner, self.collections, self.index_label, self, watch=watch, parent=self
        )
        names = self.indexing.collection_names
        self.chats = ChatsController(self.chat_store, panes, names, self, self)
        self.adapters = AdaptersController(
            ws, runner, panes, self.model_label, self.statusBar(), self, self
        )
        self.answering = AnsweringController(
            ws, self.chat_store, runner, panes, self.chats, self.adapters, names,
            self.speed_label, self, self,
        )  # fmt: skip
        self.settings = SettingsController(ws, self.adapters, self, self)

    def _make_actions(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&File"))
        self.new_chat_action = QAction(self.tr("New chat"), self)
        self.new_chat_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_chat_action.triggered.connect(self.chats.new_chat)
        self.add_folder_action = QAction(self.tr("Add folder…"), self)
        self.add_folder_action.triggered.connect(lambda: self.indexing.choose_folder())
        self.settings_action = QAction(self.tr("Settings…"), self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.settings.open_settings)
        self.stop_action = QAction(self.tr("Stop answer"), self)
        self.stop_action.setShortcut(QKeySequence("Esc"))
        self.stop_action.triggered.connect(self.answering.stop)
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        for action in (
            self.new_chat_action, self.add_folder_action, self.settings_action,
            self.stop_action, quit_action,
        ):  # fmt: skip
            menu.addAction(action)
            self.addAction(action)

    def _connect_signals(self) -> None:
        """The controllers' signals, passed on as the window's; the list redrawn on change."""
        self.indexing.indexing_done.connect(self.indexing_done)
        self.indexing.folder_removed.connect(self.folder_removed)
        self.answering.answer_done.connect(self.answer_done)
        self.answering.compare_done.connect(self.compare_done)
        self.adapters.model_ready.connect(self.model_ready)
        self.adapters.adapters_applied.connect(self.adapters_applied)
        self.adapters.collection_adapter_changed.connect(self.collection_adapter_changed)
        self.indexing.collections_changed.connect(self.refresh_collections)
        self.adapters.collections_changed.connect(self.refresh_collections)
        self.sources.open_requested.connect(self.open_source)
        self.compare.toggle.toggled.connect(self._on_compare_toggled)

    def _start_up(self) -> None:
        """Load the models in the background and catch up with changes made while closed."""
        self.adapters.load_model()
        self.indexing.catch_up()

    def refresh_collections(self, select: str | None = None) -> None:
        """The collections pane, the chat's scope, the first-start hint and the chat list."""
        self.indexing.show_collections(select)
        selected = self.collections.selected_collection() or DEFAULT_COLLECTION
        scope = self.chat.selected_collections() or [selected]
        self.chat.set_collections(self.indexing.collection_names(), scope)
        self._update_hint()
        self.chats.refresh()

    def _update_hint(self) -> None:
        if not any(True for _ in self.ws.catalog.collections()):
            self.chat.hint.setText(self.tr("Welcome to Arquivo. Add a folder of documents with “Add folder…” on the left, or drag one onto this window; then ask a question about it."))
            self.chat.hint.setVisible(True)
        else:
            self.chat.hint.setVisible(False)

    def _on_compare_toggled(self, on: bool) -> None:
        self._middle_layout.setStretchFactor(self.compare, 1 if on else 0)

    # Sources

    def open_source(self, path: str, page: object) -> None:
        page_number = page if isinstance(page, int) else None
        self.source_opened.emit(path, page_number)
        self._open_file(path, page_number)

    def _open_with_system(self, path: str, page: int | None) -> None:
        if path.lower().endswith(".pdf"):
            from desktop.ui.dialogs.pdf_viewer import PdfViewerDialog

            viewer = PdfViewerDialog(Path(path), page, self)
            self._dialogs.append(viewer)
            viewer.finished.connect(lambda _code: self._dialogs.remove(viewer))
            viewer.show()
        else:
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    # Messages

    def show_notice(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Arquivo", text, QMessageBox.StandardButton.Ok, self)
        box.open()  # window-modal, without blocking the event loop
        self.last_notice = box

    def show_error(self, error: BaseException) -> None:
        text = describe(error)
        logger.warning("shown to the user: %s", text)
        box = QMessageBox(QMessageBox.Icon.Critical, "Arquivo", text, QMessageBox.StandardButton.Ok, self)
        box.open()  # not modal to the event loop: the app keeps working
        self.last_error = box
        self.error_shown.emit(text)

    # Drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        self.indexing.add_dropped(Path(url.toLocalFile()) for url in event.mimeData().urls())
        event.acceptProposedAction()

    # Closing

    def finish_jobs(self, timeout_ms: int = 300_000) -> None:
        """Once the event loop has ended: stop every job and wait for its thread, as a
        process that ends under a running thread is aborted by Qt."""
        self.runner.cancel_all()
        self.runner.wait_all(timeout_ms)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Stop every job, and close once they have ended.

        Some work cannot stop at once (a model loading, or reading a long prompt
        on a CPU: seconds, minutes for a large model). The window hides and the
        event loop keeps running until it ends; blocking here would freeze the
        window, and quitting under a running thread would abort the process.
        """
        self.indexing.stop_watching()
        self.runner.cancel_all()
        if self.runner.any_busy():
            self.hide()
            self.runner.idle.connect(self.close, Qt.ConnectionType.SingleShotConnection)
            event.ignore()
            return
        super().closeEvent(event)
        self.closed.emit()
