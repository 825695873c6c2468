"""The main window: collections and chats on the left, the chat in the middle,
sources on the right, status at the bottom.

Every long job (indexing, loading a model, answering) runs in a `JobRunner`
lane off the GUI thread; the window only reacts to their events.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.core.types import Answer, FileIndexed, FileSkipped, IndexSummary, Progress
from desktop.errors import ArquivoError
from desktop.paths import choose_data_dir
from desktop.services.adapters import (
    WITH,
    AdapterChoice,
    Comparison,
    SideEvent,
    choose_adapters,
    set_collection_adapter,
    use_adapters,
)
from desktop.services.adapters import compare as compare_answers
from desktop.services.assistant import AnswerDelta, DocumentStep, ReadingSources, SourcesFound
from desktop.services.chats import (
    ChatMessage,
    ChatSource,
    ChatStore,
    sources_of,
    title_from_question,
)
from desktop.services.models import knows_language, model_languages
from desktop.services.watcher import FolderWatcher
from desktop.services.workspace import Collection, Workspace
from desktop.settings import AdapterSetting, Settings, save_settings
from desktop.ui.dialogs.settings import SettingsDialog
from desktop.ui.errors import describe
from desktop.ui.views.chat import ChatView
from desktop.ui.views.chats import ChatsView
from desktop.ui.views.collections import (
    MODEL_CURRENT,
    MODEL_MISSING,
    MODEL_OTHER,
    CollectionRow,
    CollectionsView,
)
from desktop.ui.views.compare import CompareView
from desktop.ui.views.sources import SourcesView
from desktop.ui.worker import Job, JobRunner

logger = logging.getLogger(__name__)

MODEL_LANE = "model"
ADAPTER_LANE = "adapter-check"  # reading adapter and model headers, off the GUI thread
DEFAULT_COLLECTION = "default"


@dataclass(frozen=True)
class AdaptersInUse:
    """The adapters now on the live model, and how long switching to them took."""

    choices: tuple[AdapterChoice, ...]
    seconds: float


def index_lane(collection: str) -> str:
    return f"index:{collection}"


def folder_size(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):  # a file removed while we count
                total += (Path(root) / name).stat().st_size
    return total


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
    _changes_seen = Signal(str)  # from the watcher's thread

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
        self.chats = chats
        self.runner = JobRunner(self)
        self._open_file = open_file or self._open_with_system
        self._chat_id: int | None = None
        self._question = ""
        self._answer: Answer | None = None
        self._answering: int | None = None  # the chat whose answer is being written
        self._partial: list[str] = []  # what the answer has written so far
        self._live_sources: list[ChatSource] = []  # the sources of the answer being written
        self._summaries: dict[str, IndexSummary] = {}
        self._reindex_queued: set[str] = set()
        self._model_loaded = False
        self._new_collections: list[str] = []
        self._dialogs: list[QWidget] = []  # keep non-modal dialogs alive
        self.last_error: QMessageBox | None = None
        self.last_notice: QMessageBox | None = None

        self.setWindowTitle("Arquivo")
        self.resize(1280, 800)
        self.setAcceptDrops(True)

        self.collections = CollectionsView()
        self.chat_list = ChatsView()
        self.chat = ChatView()
        self.compare = CompareView()
        self.compare.toggle.toggled.connect(self._on_compare_toggled)
        self.sources = SourcesView()
        self._comparison: Comparison | None = None
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(self.compare)
        middle_layout.addWidget(self.chat, 1)
        self._middle_layout = middle_layout
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

        self.model_label = QLabel(self.tr("Model: not loaded"))
        self.speed_label = QLabel()
        self.index_label = QLabel()
        self.statusBar().addWidget(self.model_label)
        self.statusBar().addWidget(self.speed_label)
        self.statusBar().addPermanentWidget(self.index_label)

        self._make_actions()
        self._connect_views()
        self.watcher = (
            FolderWatcher(self._changes_seen.emit, ignore=[workspace.paths.home, workspace.paths.models])
            if watch
            else None
        )  # the data folder may lie in a watched one: Arquivo's own writes are not changes
        self._changes_seen.connect(self.reindex)

        self.refresh_collections()
        self.new_chat()
        QTimer.singleShot(0, self._start_up)

    # Set-up

    def _make_actions(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&File"))
        self.new_chat_action = QAction(self.tr("New chat"), self)
        self.new_chat_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_chat_action.triggered.connect(self.new_chat)
        self.add_folder_action = QAction(self.tr("Add folder…"), self)
        self.add_folder_action.triggered.connect(
            lambda: self.choose_folder(self.collections.selected_collection() or DEFAULT_COLLECTION)
        )
        self.settings_action = QAction(self.tr("Settings…"), self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.open_settings)
        self.stop_action = QAction(self.tr("Stop answer"), self)
        self.stop_action.setShortcut(QKeySequence("Esc"))
        self.stop_action.triggered.connect(self.stop_answer)
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        for action in (
            self.new_chat_action, self.add_folder_action, self.settings_action,
            self.stop_action, quit_action,
        ):  # fmt: skip
            menu.addAction(action)
            self.addAction(action)

    def _connect_views(self) -> None:
        c = self.collections
        c.new_collection_requested.connect(self.new_collection)
        c.add_folder_requested.connect(self.choose_folder)
        c.remove_folder_requested.connect(self.remove_folder)
        c.reindex_requested.connect(self.reindex)
        c.reindex_model_requested.connect(self.reindex_model)
        c.adapter_requested.connect(self.choose_collection_adapter)
        c.clear_adapter_requested.connect(self.clear_collection_adapter)
        c.masking_requested.connect(self.set_masking)
        c.cancel_requested.connect(lambda name: self.runner.cancel(index_lane(name)))
        c.selection_changed.connect(lambda _name: self.refresh_chats())
        self.chat.question_submitted.connect(self.ask)
        self.chat.stop_requested.connect(self.stop_answer)
        self.chat.regenerate_requested.connect(self.regenerate)
        self.chat.citation_clicked.connect(self.show_citation)
        self.chat.collections_changed.connect(self._on_scope_changed)
        self.sources.open_requested.connect(self.open_source)
        self.chat_list.chat_selected.connect(self.show_chat)
        self.chat_list.new_chat_requested.connect(self.new_chat)
        self.chat_list.rename_requested.connect(self.rename_chat)
        self.chat_list.delete_requested.connect(self.delete_chat)
        self.chat_list.export_requested.connect(self.export_chat)
        self.chat_list.search_changed.connect(lambda _text: self.refresh_chats())

    def _start_up(self) -> None:
        """Load the models in the background and catch up with changes made while closed."""
        self.load_model()
        for collection in self.ws.catalog.collections():
            if self._model_state(collection) != MODEL_MISSING:
                self.reindex(collection.name)  # a missing model is said in the collections pane

    # Collections and indexing

    def collection_names(self) -> list[str]:
        names = [c.name for c in self.ws.catalog.collections()]
        return names + [n for n in self._new_collections if n not in names]

    def refresh_collections(self, select: str | None = None) -> None:
        rows = []
        for collection in self.ws.catalog.collections():
            stats = self.ws.catalog.stats(collection)
            adapter = self.ws.catalog.adapter(collection)
            rows.append(
                CollectionRow(
                    collection.name, stats.roots, stats.files, stats.chunks,
                    collection.embedding_model, self._model_state(collection),
                    adapter.path if adapter else "", adapter.scale if adapter else 1.0,
                    self._unknown_language(collection),
                    self.ws.catalog.masks_personal_data(collection),
                )
            )  # fmt: skip
            if self.watcher is not None:
                for root in stats.roots:
                    self.watcher.watch(collection.name, Path(root))
        known = {r.name for r in rows}
        rows += [CollectionRow(n, (), 0, 0) for n in self._new_collections if n not in known]
        self.collections.set_collections(rows, select)
        scope = self.chat.selected_collections() or [self.collections.selected_collection() or DEFAULT_COLLECTION]
        self.chat.set_collections(self.collection_names(), scope)
        total_chunks = sum(r.chunks for r in rows)
        size_mb = folder_size(self.ws.paths.index) / 1e6
        self.index_label.setText(self.tr("Index: {chunks} chunks, {size:.1f} MB").format(chunks=total_chunks, size=size_mb))
        self._update_hint()
        self.refresh_chats()

    def _update_hint(self) -> None:
        if not any(True for _ in self.ws.catalog.collections()):
            self.chat.hint.setText(self.tr("Welcome to Arquivo. Add a folder of documents with “Add folder…” on the left, or drag one onto this window; then ask a question about it."))
            self.chat.hint.setVisible(True)
        else:
            self.chat.hint.setVisible(False)

    def new_collection(self, name: str | None = None) -> None:
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("New collection"), self.tr("Name:"))
            if not ok:
                return
        name = name.strip()
        if name and name not in self.collection_names():
            self._new_collections.append(name)
        self.refresh_collections(select=name)

    def choose_folder(self, collection: str) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder to {name}").format(name=collection))
        if folder:
            self.add_folder(collection, Path(folder))

    def add_folder(self, collection: str, folder: Path) -> None:
        self._index(collection, [folder])

    def reindex(self, collection: str) -> None:
        """Bring a collection up to date (changed files only); coalesces repeated asks."""
        if collection in self._reindex_queued:
            return
        self._reindex_queued.add(collection)
        self._index(collection, None)

    def _unknown_language(self, collection: Collection) -> str:
        """The collection's language when its embedding model was not trained on it
        (read from the model's spec: nothing is loaded on the GUI thread)."""
        languages = model_languages(collection.embedding_model)
        return "" if knows_language(languages, collection.language) else collection.language

    def _model_state(self, collection: Collection) -> str:
        model = collection.embedding_model
        if model == self.ws.embedding_model_for(collection.language):
            return MODEL_CURRENT
        return MODEL_OTHER if self.ws.embedding_model_installed(model) else MODEL_MISSING

    def set_masking(self, collection: str, on: bool) -> None:
        """Mask (or stop masking) a collection's personal data: it is indexed again, off
        the GUI thread; then a notice lists what was masked in each file."""
        self.runner.stop_running(index_lane(collection))  # a run of the old setting
        masked: list[str] = []

        def run(cancel: Any) -> Any:
            return self.ws.indexer.set_masking(collection, on, cancel)

        def progress(event: object) -> None:
            if isinstance(event, FileIndexed) and event.masked:
                masked.append(f"{Path(event.path).name}: {event.masked}")
            self._on_index_event(collection, event)

        def finished() -> None:
            self._on_index_finished(collection)
            if on:
                found = "\n".join(masked) or self.tr("No personal data was found.")
                self.show_notice(self.tr("Personal data masked in {name}:\n{found}").format(
                    name=collection, found=found))  # fmt: skip

        self.collections.indexing_started(collection)
        self.runner.submit(
            index_lane(collection),
            Job(run, on_progress=progress, on_failed=self.show_error, on_finished=finished),
        )

    def reindex_model(self, collection: str) -> None:
        """Embed a collection again with the current model, off the GUI thread."""

        def run(cancel: Any) -> Any:
            return self.ws.indexer.reindex(collection, self.ws.embedder, cancel)

        self.collections.indexing_started(collection)
        self.runner.submit(
            index_lane(collection),
            Job(
                run,
                on_progress=lambda event: self._on_index_event(collection, event),
                on_failed=self.show_error,
                on_finished=lambda: self._on_index_finished(collection),
            ),
        )

    def remove_folder(self, collection: str, folder: str) -> None:
        """Forget a folder's files, in the collection's lane: an index run still going
        is stopped first, or it would record files of the folder after the removal."""
        self.runner.stop_running(index_lane(collection))  # not the queue: another removal

        def run(_cancel: Any) -> None:
            self.ws.indexer.remove(collection, Path(folder))

        def done() -> None:
            if self.watcher is not None:  # the collection's other folders are watched again
                self.watcher.unwatch_collection(collection)
            self.refresh_collections(select=collection)
            self.folder_removed.emit(collection)

        self.runner.submit(
            index_lane(collection), Job(run, on_failed=self.show_error, on_finished=done)
        )

    def _index(self, collection: str, paths: list[Path] | None) -> None:
        def run(cancel: Any) -> Any:
            self._reindex_queued.discard(collection) if paths is None else None
            return self.ws.indexer.index(paths, collection, cancel)

        self.collections.indexing_started(collection)
        self.runner.submit(
            index_lane(collection),
            Job(
                run,
                on_progress=lambda event: self._on_index_event(collection, event),
                on_failed=self.show_error,
                on_finished=lambda: self._on_index_finished(collection),
            ),
        )

    def _on_index_event(self, collection: str, event: object) -> None:
        if isinstance(event, Progress):
            self.collections.show_progress(event, collection)
        elif isinstance(event, FileSkipped):
            self.collections.add_skipped(event)
        elif isinstance(event, FileIndexed) and event.unread:  # pages it could not read
            self.collections.add_skipped(FileSkipped(event.path, event.unread))
        elif isinstance(event, IndexSummary):
            self._summaries[collection] = event

    def _on_index_finished(self, collection: str) -> None:
        self._reindex_queued.discard(collection)  # also when the run was dropped unstarted
        summary = self._summaries.pop(collection, None)
        self.collections.indexing_finished(collection, summary)
        if collection in self._new_collections and summary is not None:
            self._new_collections.remove(collection)
        self.refresh_collections(select=collection)
        self.indexing_done.emit(collection)

    # Models

    def load_model(self) -> None:
        """Load the embedding and chat models off the GUI thread."""
        self.model_label.setText(self.tr("Model: loading…"))
        self._model_loaded = False

        def load(_cancel: Any) -> Any:
            self.ws.embedder  # noqa: B018 - loads it
            return self.ws.assistant.llm

        self.runner.submit(MODEL_LANE, Job(load, on_result=self._on_model_loaded, on_failed=self._on_model_failed))

    def _on_model_loaded(self, llm: Any) -> None:
        device = "GPU" if llm.device == "gpu" else "CPU"
        self.model_label.setText(self.tr("Model: {name} ({device})").format(name=llm.name, device=device))
        self._model_loaded = True
        self.model_ready.emit()
        self.apply_adapters()

    # LoRA adapters

    def choose_collection_adapter(self, collection: str) -> None:
        """Pick a LoRA adapter file for `collection`, then check and keep it."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a LoRA adapter for {name}").format(name=collection),
            str(self.ws.paths.models), self.tr("GGUF adapters (*.gguf);;All files (*)"),
        )  # fmt: skip
        if path:
            self.set_collection_adapter(collection, Path(path))

    def set_collection_adapter(self, collection: str, adapter: Path, scale: float = 1.0) -> None:
        """Check `adapter` against the chat model off the GUI thread (it reads both
        files' headers), then make it the collection's own; a bad file gets a dialog."""
        model = self.ws.chat_model_path

        def check(_cancel: Any) -> Any:
            return set_collection_adapter(self.ws.catalog, collection, adapter, scale, model)

        def done(_info: Any) -> None:
            self.refresh_collections(select=collection)
            self.apply_adapters()
            self.statusBar().showMessage(
                self.tr("{name} now answers with the adapter {file}").format(
                    name=collection, file=adapter.name
                ), 5000,
            )  # fmt: skip
            self.collection_adapter_changed.emit(collection)

        self.runner.submit(ADAPTER_LANE, Job(check, on_result=done, on_failed=self.show_error))

    def clear_collection_adapter(self, collection: str) -> None:
        self.ws.catalog.clear_adapter(self.ws.catalog.get_collection(collection))
        self.refresh_collections(select=collection)
        self.apply_adapters()
        self.collection_adapter_changed.emit(collection)

    def adapter_choices(self, scope: Sequence[str] | None = None) -> tuple[AdapterChoice, ...]:
        """The adapters a question on `scope` uses: its collections' own, else the settings'."""
        names = self.chat.selected_collections() if scope is None else list(scope)
        return choose_adapters(self.ws.catalog, self.ws.settings, names)

    def apply_adapters(self, choices: Sequence[AdapterChoice] | None = None) -> None:
        """Put `choices` (default: the current scope's) on the live model, in the model lane.

        Switching never reloads the model; before the model is loaded, only the bar says
        which adapters the next answer will use.
        """
        wanted = self.adapter_choices() if choices is None else tuple(choices)
        if not self._model_loaded:
            self.compare.show_adapters(wanted)
            return

        def switch(_cancel: Any) -> AdaptersInUse:
            return AdaptersInUse(wanted, use_adapters(self.ws.assistant.llm, wanted))

        self.runner.submit(
            MODEL_LANE, Job(switch, on_result=self._on_adapters_in_use, on_failed=self.show_error)
        )

    def preview_adapters(self, adapters: Sequence[AdapterSetting]) -> None:
        """While the settings are open: the adapters as chosen there, live on the model."""
        self.apply_adapters(
            tuple(AdapterChoice(Path(a.path), a.scale, "settings") for a in adapters if a.enabled)
        )

    def _on_adapters_in_use(self, event: AdaptersInUse) -> None:
        self.compare.show_adapters(event.choices, event.seconds * 1000)
        self.adapters_applied.emit(event)

    def _on_compare_toggled(self, on: bool) -> None:
        self._middle_layout.setStretchFactor(self.compare, 1 if on else 0)

    def _on_model_failed(self, error: Exception) -> None:
        self.model_label.setText(self.tr("Model: not usable"))
        self.show_error(error)

    # Asking

    def new_chat(self) -> None:
        self._chat_id = None
        self.chat.show_messages([])
        self.sources.show_sources([], "")
        self.chat.set_busy(self._answering is not None)
        self.refresh_chats()
        self.chat.input.setFocus()

    def ask(self, question: str) -> None:
        scope = self.chat.selected_collections()
        if not scope:
            if self.collection_names():
                self.show_error(ArquivoError(self.tr("Choose at least one collection to search.")))
            else:
                self.show_error(ArquivoError(self.tr("There are no documents yet: add a folder first.")))
            return
        choices = self.adapter_choices(scope)
        comparing = self.compare.comparing()
        if comparing and not choices:
            self.show_error(ArquivoError(self.tr("There is no adapter to compare with: add one in the settings, or give the collection one.")))
            return
        if self._chat_id is None:
            self._chat_id = self.chats.create(title_from_question(question), scope).id
        self.chats.add_message(self._chat_id, ChatMessage("user", question))
        self._question = question
        self._answer = None
        self._comparison = None
        self._answering = self._chat_id
        self._partial = []
        self._live_sources = []
        if comparing:
            self.compare.start(choices)
        self.chat.start_answer(question)
        self.chat.set_busy(True)
        self.sources.show_sources([], question)
        self.refresh_chats()
        chat_id = self._chat_id

        def answer(cancel: Any) -> Iterator[object]:
            if comparing:  # twice on the one loaded model: without, then with the adapters
                yield from compare_answers(self.ws.assistant, scope, question, choices, cancel)
                return
            yield AdaptersInUse(choices, use_adapters(self.ws.assistant.llm, choices))
            yield from self.ws.assistant.ask(scope, question, cancel)

        self.runner.submit(
            MODEL_LANE,
            Job(
                answer,
                on_progress=self._on_job_event,
                on_result=self._on_job_result,
                on_failed=self.show_error,
                on_finished=lambda: self._on_answer_finished(chat_id, comparing),
            ),
        )

    def _on_job_event(self, event: object) -> None:
        if isinstance(event, AdaptersInUse):
            self._on_adapters_in_use(event)
        elif isinstance(event, SideEvent):
            inner = event.event
            if isinstance(inner, SourcesFound) and inner.sources:
                self.compare.show_step(event.side, self.reading_sources_text(len(inner.sources)))
            elif isinstance(inner, DocumentStep):
                self.compare.show_step(event.side, self.document_step_text(inner))
            elif isinstance(inner, ReadingSources):
                self.compare.show_step(event.side, self.reading_progress_text(inner))
            elif isinstance(inner, AnswerDelta):
                self.compare.append(event.side, inner.text)
            elif isinstance(inner, Answer):
                self.compare.finish(event.side, inner.text)
            if event.side == WITH:  # the chat keeps the answer with the adapters
                self._on_answer_event(inner)
        else:
            self._on_answer_event(event)

    def _on_job_result(self, value: object) -> None:
        if isinstance(value, Comparison):
            self._comparison = value
            self._on_answer(value.with_adapter)
        elif isinstance(value, Answer):
            self._on_answer(value)

    def _answer_on_screen(self) -> bool:
        """Whether the chat being answered is the one shown (the user may open another)."""
        return self._answering is not None and self._answering == self._chat_id

    def _on_answer_event(self, event: object) -> None:
        """Kept for the chat being answered; shown only while that chat is on screen."""
        on_screen = self._answer_on_screen()
        if isinstance(event, SourcesFound):
            self._live_sources = [
                ChatSource(s.n, s.hit.path, s.hit.page, s.hit.text, s.hit.paths) for s in event.sources
            ]
            if on_screen:
                self.sources.show_sources(self._live_sources, self._question)
                if event.sources:
                    self.chat.show_step(self.reading_sources_text(len(event.sources)))
        elif isinstance(event, AnswerDelta):
            self._partial.append(event.text)
            if on_screen:
                self.chat.append_delta(event.text)
        elif isinstance(event, DocumentStep) and on_screen:
            self.chat.show_step(self.document_step_text(event))
        elif isinstance(event, ReadingSources) and on_screen and not self._partial:
            self.chat.show_step(self.reading_progress_text(event))

    def reading_progress_text(self, event: ReadingSources) -> str:
        """How far the model has read its sources: on a CPU, the wait before the first word."""
        return self.tr("Reading the sources: {percent}%").format(
            percent=round(100 * event.fraction)
        )

    def reading_sources_text(self, count: int) -> str:
        """What the answer waits for once its sources are found: the model reads them,
        which takes seconds on a CPU before the first word (README, "The default model's
        answers")."""
        if count == 1:
            return self.tr("Reading the source found…")
        return self.tr("Reading the {n} sources found…").format(n=count)

    def document_step_text(self, step: DocumentStep) -> str:
        """How far a whole-document answer has read a file too long to give whole."""
        name = Path(step.path).name
        if step.done < step.total:
            return self.tr("Reading {file}: part {n} of {total}…").format(
                file=name, n=step.done + 1, total=step.total
            )
        return self.tr("Read {file} ({total} parts): writing the answer…").format(
            file=name, total=step.total
        )

    def _on_answer(self, answer: Answer) -> None:
        self._answer = answer
        if answer.timings.tokens_per_s:
            self.speed_label.setText(self.tr("{speed:.1f} tokens/s").format(speed=answer.timings.tokens_per_s))

    def _on_answer_finished(self, chat_id: int, comparing: bool = False) -> None:
        """Keep the answer (or what was written of it) in its chat, which may no longer
        be the one on screen, or may have been deleted meanwhile."""
        on_screen = self._answer_on_screen()
        self._answering = None
        answer = self._answer
        partial = "".join(self._partial)
        if answer is not None:
            message: ChatMessage | None = ChatMessage("assistant", answer.text, sources_of(answer))
        else:
            message = (  # what was written of it, with the sources it was given
                ChatMessage("assistant", partial + " …", tuple(self._live_sources))
                if partial.strip()
                else None
            )
        if message is not None and self.chats.exists(chat_id):
            self.chats.add_message(chat_id, message)
        if on_screen:
            self.chat.finish_answer(message)
            if message is not None and answer is not None:
                self.sources.show_sources(message.sources, self._question)
        self.chat.set_busy(False)
        self.refresh_chats()
        self.answer_done.emit(answer)
        if comparing:
            self.compare_done.emit(self._comparison)

    def stop_answer(self) -> None:
        self.runner.cancel(MODEL_LANE)

    def regenerate(self) -> None:
        question = self.chat.last_question()
        if not question or self._chat_id is None:
            return
        self.chats.remove_last_exchange(self._chat_id)
        self.chat.drop_last_answer()
        self.ask(question)

    def _on_scope_changed(self, names: list[str]) -> None:
        if self._chat_id is not None and names:
            self.chats.set_collections(self._chat_id, names)
        self.compare.show_adapters(self.adapter_choices(names))  # applied with the next answer

    # Chats

    def refresh_chats(self) -> None:
        collection = self.collections.selected_collection()
        chats = self.chats.chats(collection=collection, text=self.chat_list.search.text().strip())
        self.chat_list.set_chats(chats, self._chat_id)

    def show_chat(self, chat_id: int) -> None:
        chat = self.chats.get(chat_id)
        self._chat_id = chat_id
        messages = self.chats.messages(chat_id)
        self.chat.set_collections(self.collection_names(), chat.collections)
        self.chat.show_messages(messages)
        answers = [m for m in messages if m.role == "assistant"]
        questions = [m.text for m in messages if m.role == "user"]
        self.sources.show_sources(answers[-1].sources if answers else [], questions[-1] if questions else "")
        if self._answer_on_screen():  # back to the chat being answered: its answer so far
            self.chat.resume_answer("".join(self._partial))
            self.sources.show_sources(self._live_sources, self._question)
        self.chat.set_busy(self._answering is not None)

    def show_citation(self, message: int, n: int) -> None:
        """Source [n] of the answer at `message` in the chat: each answer cites its own."""
        cited = self.chat.message_at(message)
        if cited is not None and cited.role == "assistant":
            self.sources.show_sources(cited.sources, self.chat.question_before(message))
        self.sources.select(n)

    def rename_chat(self, chat_id: int, title: str | None = None) -> None:
        if title is None:
            current = self.chats.get(chat_id).title
            title, ok = QInputDialog.getText(self, self.tr("Rename chat"), self.tr("Title:"), text=current)
            if not ok:
                return
        if title.strip():
            self.chats.rename(chat_id, title.strip())
        self.refresh_chats()

    def delete_chat(self, chat_id: int, confirm: bool = True) -> None:
        if confirm:
            answer = QMessageBox.question(self, self.tr("Delete chat"), self.tr("Delete this chat and its answers?"))
            if answer != QMessageBox.StandardButton.Yes:
                return
        if chat_id == self._answering:
            self.stop_answer()  # its answer has nowhere to go
        self.chats.delete(chat_id)
        if self._chat_id == chat_id:
            self.new_chat()
        self.refresh_chats()

    def export_chat(self, chat_id: int, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export chat"), f"{self.chats.get(chat_id).title}.md", self.tr("Markdown (*.md)")
            )
            if not name:
                return
            path = Path(name)
        try:
            path.write_text(self.chats.export_markdown(chat_id), encoding="utf-8")
        except OSError as exc:
            self.show_error(exc)

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

    # Settings

    def settings_dialog(self) -> SettingsDialog:
        """The settings dialog, its adapter switches wired to the live model."""
        dialog = SettingsDialog(self.ws.settings, self.ws.paths.models, self.ws.paths.home, self)
        dialog.adapters_changed.connect(self.preview_adapters)
        dialog.rejected.connect(lambda: self.apply_adapters())  # back to the saved adapters
        return dialog

    def open_settings(self) -> None:
        dialog = self.settings_dialog()
        if dialog.exec():
            self.apply_settings(dialog)

    def apply_settings(self, dialog: SettingsDialog) -> None:
        new = dialog.result_settings()
        if new is None:
            return
        old = self.ws.settings
        self.use_settings(new)
        if dialog.chosen_data_dir() != self.ws.paths.home:
            choose_data_dir(dialog.chosen_data_dir())
            self.show_notice(self.tr("Arquivo will use the new data folder after a restart."))
        elif new.ui_language != old.ui_language:
            self.show_notice(self.tr("The new language applies after a restart."))

    def use_settings(self, new: Settings) -> None:
        """Save and apply `new`; a changed chat model loads in the model's lane, after an
        answer still being written with the old one (which stays open until then)."""
        old = self.ws.settings
        save_settings(new, self.ws.paths.config)
        self.ws.update_settings(new)
        if old.reloads_chat_model(new):
            self.load_model()  # the adapters follow once it is loaded
        else:
            self.apply_adapters()

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
        collection = self.collections.selected_collection() or DEFAULT_COLLECTION
        for url in event.mimeData().urls():
            self.add_folder(collection, Path(url.toLocalFile()))
        event.acceptProposedAction()

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
        if self.watcher is not None:
            self.watcher.stop()
        self.runner.cancel_all()
        if self.runner.any_busy():
            self.hide()
            self.runner.idle.connect(self.close, Qt.ConnectionType.SingleShotConnection)
            event.ignore()
            return
        super().closeEvent(event)
        self.closed.emit()
