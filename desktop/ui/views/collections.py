"""The collections pane: folders per collection, indexing progress, skipped files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.types import FileSkipped, IndexSummary, Progress
from desktop.services.models import MULTILINGUAL_EMBEDDING_MODEL

# How a collection's embedding model stands against the `embedding_model` setting.
MODEL_CURRENT = ""  # the current model
MODEL_OTHER = "other"  # another model, installed: it keeps answering with it
MODEL_MISSING = "missing"  # another model, not installed: it cannot be searched


@dataclass(frozen=True)
class CollectionRow:
    name: str
    folders: tuple[str, ...]
    files: int
    chunks: int
    embedding_model: str = ""
    model_state: str = MODEL_CURRENT
    adapter: str = ""  # the collection's own LoRA adapter file ("" for none)
    adapter_scale: float = 1.0
    unknown_language: str = ""  # the collection's language, when its model does not know it
    masked: bool = False  # whether its personal data is masked at indexing


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"


class CollectionsView(QWidget):
    """Lists collections and their folders; asks the window to add, remove, re-index."""

    new_collection_requested = Signal()
    add_folder_requested = Signal(str)  # collection
    remove_folder_requested = Signal(str, str)  # collection, folder
    reindex_requested = Signal(str)  # collection
    reindex_model_requested = Signal(str)  # collection: embed again with the current model
    cancel_requested = Signal(str)  # collection
    adapter_requested = Signal(str)  # collection: choose its own LoRA adapter
    clear_adapter_requested = Signal(str)  # collection
    masking_requested = Signal(str, bool)  # collection, mask its personal data or not
    selection_changed = Signal(str)  # collection

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setObjectName("collectionsTree")
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self._rows: dict[str, CollectionRow] = {}
        self._indexing: list[str] = []  # collections being indexed, side by side
        self._make_buttons()
        self._make_notes()
        self._make_progress()
        self._lay_out()

    def _make_buttons(self) -> None:
        """What can be done to the selected collection."""
        self.new_button = QPushButton(self.tr("New collection"))
        self.add_button = QPushButton(self.tr("Add folder…"))
        self.remove_button = QPushButton(self.tr("Remove folder"))
        self.reindex_button = QPushButton(self.tr("Re-index"))
        self.new_button.clicked.connect(self.new_collection_requested)
        self.add_button.clicked.connect(self._on_add)
        self.remove_button.clicked.connect(self._on_remove)
        self.reindex_button.clicked.connect(self._on_reindex)
        self.model_button = QPushButton(self.tr("Re-index with the current model"))
        self.model_button.setObjectName("reindexModel")
        self.model_button.setVisible(False)
        self.model_button.clicked.connect(self._on_reindex_model)
        self.adapter_button = QPushButton(self.tr("LoRA adapter…"))
        self.adapter_button.setObjectName("collectionAdapter")
        self.adapter_button.setToolTip(
            self.tr("An adapter used whenever a question searches this collection")
        )
        self.adapter_button.clicked.connect(self._on_adapter)
        self.clear_adapter_button = QPushButton(self.tr("No adapter"))
        self.clear_adapter_button.setObjectName("clearCollectionAdapter")
        self.clear_adapter_button.clicked.connect(self._on_clear_adapter)
        self.mask_box = QCheckBox(self.tr("Mask personal data"))
        self.mask_box.setObjectName("maskPersonalData")
        self.mask_box.setToolTip(
            self.tr("E-mail addresses, phone numbers, CPF, CNPJ, card numbers, IBANs and IP "
                    "addresses are masked before anything is stored; your files are not "
                    "changed. Changing it indexes the collection again.")
        )  # fmt: skip
        self.mask_box.clicked.connect(self._on_mask)

    def _make_notes(self) -> None:
        """What the selected collection answers with: its adapter, its embedding model."""
        self.adapter_note = QLabel()
        self.adapter_note.setObjectName("adapterNote")
        self.adapter_note.setWordWrap(True)
        self.model_note = QLabel()
        self.model_note.setObjectName("modelNote")
        self.model_note.setWordWrap(True)
        self.model_note.setVisible(False)

    def _make_progress(self) -> None:
        """Indexing: its status, progress bar, Cancel, and the files it skipped."""
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self._on_cancel)
        self.skipped_label = QLabel(self.tr("Skipped files"))
        self.skipped = QListWidget()
        self.skipped.setObjectName("skippedFiles")
        self.skipped_label.setVisible(False)
        self.skipped.setVisible(False)

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        more = QHBoxLayout()
        more.addWidget(self.new_button)
        more.addWidget(self.reindex_button)
        adapter_row = QHBoxLayout()
        adapter_row.addWidget(self.adapter_button)
        adapter_row.addWidget(self.clear_adapter_button)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        title = QLabel(self.tr("<b>Collections</b>"))
        layout.addWidget(title)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addLayout(more)
        layout.addLayout(adapter_row)
        layout.addWidget(self.mask_box)
        layout.addWidget(self.adapter_note)
        layout.addWidget(self.model_note)
        layout.addWidget(self.model_button)
        layout.addWidget(self.status)
        layout.addLayout(progress_row)
        layout.addWidget(self.skipped_label)
        layout.addWidget(self.skipped)

    # What the window tells the view

    def set_collections(self, rows: list[CollectionRow], select: str | None = None) -> None:
        current = select or self.selected_collection()
        self._rows = {row.name: row for row in rows}
        self.tree.clear()
        for row in rows:
            item = QTreeWidgetItem(
                [self.tr("{name} — {files} files, {chunks} chunks").format(
                    name=row.name, files=row.files, chunks=row.chunks)]
            )  # fmt: skip
            if row.model_state == MODEL_MISSING:
                item.setText(0, self.tr("{text} — needs re-indexing").format(text=item.text(0)))
            item.setData(0, Qt.ItemDataRole.UserRole, row.name)
            for folder in row.folders:
                child = QTreeWidgetItem([folder])
                child.setData(0, Qt.ItemDataRole.UserRole, row.name)
                child.setData(0, Qt.ItemDataRole.UserRole + 1, folder)
                child.setToolTip(0, folder)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
            if row.name == current:
                self.tree.setCurrentItem(item)
        first = self.tree.topLevelItem(0)
        if self.tree.currentItem() is None and first is not None:
            self.tree.setCurrentItem(first)
        self._show_model(self.selected_collection())
        self._show_adapter(self.selected_collection())

    def _show_model(self, name: str | None) -> None:
        """Say when the selected collection's embedding model is not the current one."""
        row = self._rows.get(name or "")
        state = row.model_state if row else MODEL_CURRENT
        if row is not None and state == MODEL_CURRENT and row.unknown_language:
            self.model_note.setText(self._unknown_language_note(row))
            self.model_note.setVisible(True)
            self.model_button.setVisible(False)
            return
        if row is None or state == MODEL_CURRENT:
            self.model_note.setVisible(False)
            self.model_button.setVisible(False)
            return
        if state == MODEL_MISSING:
            note = self.tr("{name} was indexed with the embedding model {model}, which is not installed: it cannot be searched until it is re-indexed with the current model.")
        else:
            note = self.tr("{name} answers with its own embedding model, {model}; new collections use the current one. Re-indexing moves it to the current model.")
        self.model_note.setText(note.format(name=row.name, model=row.embedding_model))
        self.model_note.setVisible(True)
        self.model_button.setVisible(True)
        self.model_button.setEnabled(not self._indexing)

    def _unknown_language_note(self, row: CollectionRow) -> str:
        """Why a collection in a language its model does not know searches worse."""
        names = {"Portuguese": self.tr("Portuguese"), "English": self.tr("English")}
        language = names.get(row.unknown_language, row.unknown_language)
        note = self.tr("{name} is in {language}, which its embedding model {model} was not trained on: questions in {language} are found by their words, questions in another language much less well (by names and shared roots). A multilingual model ({multilingual}) finds passages by meaning in both: choose it in Settings, then re-index the collection.")
        return note.format(
            name=row.name, language=language, model=row.embedding_model,
            multilingual=MULTILINGUAL_EMBEDDING_MODEL,
        )  # fmt: skip

    def selected_collection(self) -> str | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, Qt.ItemDataRole.UserRole)

    def selected_folder(self) -> str | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, Qt.ItemDataRole.UserRole + 1)

    def indexing_started(self, collection: str) -> None:
        if collection not in self._indexing:
            self._indexing.append(collection)
        self.status.setText(self.tr("Indexing {name}…").format(name=collection))
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.model_button.setEnabled(False)
        self.skipped.clear()
        self.skipped.setVisible(False)
        self.skipped_label.setVisible(False)

    def show_progress(self, event: Progress, collection: str = "") -> None:
        """One bar for all: it follows the collection whose progress came last."""
        if event.files_total:
            self.progress.setRange(0, event.files_total)
            self.progress.setValue(event.files_done)
        eta = (
            self.tr(", {time} left").format(time=_duration(event.eta_s))
            if event.eta_s is not None
            else ""
        )
        text = self.tr("Indexing {name}: {done}/{total} files, {chunks} chunks, {rate:.1f} chunks/s{eta}").format(
            name=collection, done=event.files_done, total=event.files_total,
            chunks=event.chunks_done, rate=event.chunks_per_s, eta=eta)  # fmt: skip
        if event.ocr_page is not None:  # a scanned book takes minutes: say where it is
            n, total = event.ocr_page
            text += "\n" + self.tr("{file}: reading scanned page {n} of {total}").format(
                file=Path(event.current).name, n=n, total=total
            )
        self.status.setText(text)

    def add_skipped(self, event: FileSkipped) -> None:
        self.skipped.addItem(f"{Path(event.path).name} — {event.reason}")
        item = self.skipped.item(self.skipped.count() - 1)
        item.setToolTip(event.path)
        self.skipped.setVisible(True)
        self.skipped_label.setVisible(True)

    def indexing_finished(self, collection: str, summary: IndexSummary | None) -> None:
        if collection in self._indexing:
            self._indexing.remove(collection)
        if not self._indexing:  # another collection still indexing keeps its bar and Cancel
            self.progress.setVisible(False)
            self.cancel_button.setVisible(False)
            self.model_button.setEnabled(True)
        if summary is None:
            self.status.setText(self.tr("Indexing {name} stopped.").format(name=collection))
        else:
            self.status.setText(
                self.tr("{name}: {indexed} indexed, {unchanged} unchanged, {removed} removed, {skipped} skipped ({seconds:.1f} s).").format(
                    name=summary.collection, indexed=summary.files_indexed,
                    unchanged=summary.files_unchanged, removed=summary.files_removed,
                    skipped=len(summary.files_skipped), seconds=summary.seconds)
            )  # fmt: skip

    # What the user asks

    def _on_current_changed(self, *_: object) -> None:
        name = self.selected_collection()
        self.remove_button.setEnabled(self.selected_folder() is not None)
        self._show_model(name)
        self._show_adapter(name)
        row = self._rows.get(name or "")
        self.mask_box.setEnabled(row is not None and row.files > 0)
        self.mask_box.setChecked(row is not None and row.masked)
        if name:
            self.selection_changed.emit(name)

    def _on_add(self) -> None:
        self.add_folder_requested.emit(self.selected_collection() or "default")

    def _on_remove(self) -> None:
        name, folder = self.selected_collection(), self.selected_folder()
        if name and folder:
            self.remove_folder_requested.emit(name, folder)

    def _on_mask(self, checked: bool) -> None:
        name = self.selected_collection()
        if name:
            self.masking_requested.emit(name, checked)

    def _on_reindex(self) -> None:
        name = self.selected_collection()
        if name:
            self.reindex_requested.emit(name)

    def _on_reindex_model(self) -> None:
        name = self.selected_collection()
        if name:
            self.reindex_model_requested.emit(name)

    def _show_adapter(self, name: str | None) -> None:
        row = self._rows.get(name or "")
        self.adapter_button.setEnabled(row is not None)
        has_one = row is not None and bool(row.adapter)
        self.clear_adapter_button.setVisible(has_one)
        self.adapter_note.setVisible(has_one)
        if row is not None and has_one:
            self.adapter_note.setText(
                self.tr("Adapter: {file} (scale {scale:g})").format(
                    file=Path(row.adapter).name, scale=row.adapter_scale
                )
            )
            self.adapter_note.setToolTip(row.adapter)

    def _on_adapter(self) -> None:
        name = self.selected_collection()
        if name:
            self.adapter_requested.emit(name)

    def _on_clear_adapter(self) -> None:
        name = self.selected_collection()
        if name:
            self.clear_adapter_requested.emit(name)

    def _on_cancel(self) -> None:
        for collection in list(self._indexing):  # one Cancel stops every run in progress
            self.cancel_requested.emit(collection)
