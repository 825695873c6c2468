"""Indexing: collections' folders added, brought up to date, embedded again, masked, removed.

Each collection has its own lane in the `JobRunner` (`index_lane`): one job at a time per
collection, different collections side by side, all off the GUI thread. A folder watcher
brings a collection up to date unasked when its files change on disk.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import singledispatchmethod
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QWidget

from desktop.core.types import CancelToken, FileIndexed, FileSkipped, IndexSummary, Progress
from desktop.services.models import knows_language, model_languages
from desktop.services.watcher import FolderWatcher
from desktop.services.workspace import Collection, Workspace
from desktop.ui.controllers.panes import DEFAULT_COLLECTION, Messages
from desktop.ui.views.collections import (
    MODEL_CURRENT,
    MODEL_MISSING,
    MODEL_OTHER,
    CollectionRow,
    CollectionsView,
)
from desktop.ui.worker import Job, JobRunner


def index_lane(collection: str) -> str:
    return f"index:{collection}"


def folder_size(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):  # a file removed while we count
                total += (Path(root) / name).stat().st_size
    return total


@dataclass
class IndexRun:
    """One index job of a collection: what its events said, kept for when it ends."""

    collection: str
    summary: IndexSummary | None = None
    masked: list[str] = field(default_factory=list)  # "file: what was masked", per file


class IndexingController(QObject):
    """Runs a collection's index jobs in its lane and shows them in the collections pane."""

    indexing_done = Signal(str)  # collection
    folder_removed = Signal(str)  # collection
    collections_changed = Signal(str)  # the collection to select once the list is shown again
    _changes_seen = Signal(str)  # from the watcher's thread

    def __init__(
        self,
        ws: Workspace,
        runner: JobRunner,
        view: CollectionsView,
        index_label: QLabel,
        messages: Messages,
        *,
        watch: bool,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.runner = runner
        self.view = view
        self._window = parent  # dialogs open over it
        self._index_label = index_label
        self._messages = messages
        self._reindex_queued: set[str] = set()
        self._new_collections: list[str] = []  # named by the user, nothing indexed yet
        ignored = [ws.paths.home, ws.paths.models]  # Arquivo's own writes are not changes
        self.watcher = FolderWatcher(self._changes_seen.emit, ignore=ignored) if watch else None
        self._changes_seen.connect(self.reindex)
        view.new_collection_requested.connect(self.new_collection)
        view.add_folder_requested.connect(self.choose_folder)
        view.remove_folder_requested.connect(self.remove_folder)
        view.reindex_requested.connect(self.reindex)
        view.reindex_model_requested.connect(self.reindex_model)
        view.masking_requested.connect(self.set_masking)
        view.cancel_requested.connect(lambda name: runner.cancel(index_lane(name)))

    # The list of collections

    def collection_names(self) -> list[str]:
        names = [c.name for c in self.ws.catalog.collections()]
        return names + [n for n in self._new_collections if n not in names]

    def show_collections(self, select: str | None = None) -> None:
        """List the collections in the pane (watching their folders) and the index's size."""
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
        self.view.set_collections(rows, select)
        total_chunks = sum(r.chunks for r in rows)
        size_mb = folder_size(self.ws.paths.index) / 1e6
        self._index_label.setText(self.tr("Index: {chunks} chunks, {size:.1f} MB").format(chunks=total_chunks, size=size_mb))

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

    def new_collection(self, name: str | None = None) -> None:
        if name is None:
            name, ok = QInputDialog.getText(self._window, self.tr("New collection"), self.tr("Name:"))
            if not ok:
                return
        name = name.strip()
        if name and name not in self.collection_names():
            self._new_collections.append(name)
        self.collections_changed.emit(name)

    # Index runs

    def catch_up(self) -> None:
        """Bring every collection up to date with changes made while the app was closed."""
        for collection in self.ws.catalog.collections():
            if self._model_state(collection) != MODEL_MISSING:
                self.reindex(collection.name)  # a missing model is said in the collections pane

    def choose_folder(self, collection: str | None = None) -> None:
        collection = collection or self.view.selected_collection() or DEFAULT_COLLECTION
        folder = QFileDialog.getExistingDirectory(self._window, self.tr("Add a folder to {name}").format(name=collection))
        if folder:
            self.add_folder(collection, Path(folder))

    def add_folder(self, collection: str, folder: Path) -> None:
        self._index(collection, [folder])

    def add_dropped(self, folders: Iterable[Path]) -> None:
        """Folders dropped onto the window go to the selected collection."""
        collection = self.view.selected_collection() or DEFAULT_COLLECTION
        for folder in folders:
            self.add_folder(collection, folder)

    def reindex(self, collection: str) -> None:
        """Bring a collection up to date (changed files only); coalesces repeated asks."""
        if collection in self._reindex_queued:
            return
        self._reindex_queued.add(collection)
        self._index(collection, None)

    def _index(self, collection: str, paths: list[Path] | None) -> None:
        def run(cancel: CancelToken) -> Any:
            self._reindex_queued.discard(collection) if paths is None else None
            return self.ws.indexer.index(paths, collection, cancel)

        self._submit(IndexRun(collection), run)

    def reindex_model(self, collection: str) -> None:
        """Embed a collection again with the current model, off the GUI thread."""
        self._submit(
            IndexRun(collection),
            lambda cancel: self.ws.indexer.reindex(collection, self.ws.embedder, cancel),
        )

    def set_masking(self, collection: str, on: bool) -> None:
        """Mask (or stop masking) a collection's personal data: it is indexed again, off
        the GUI thread; then a notice lists what was masked in each file."""
        self.runner.stop_running(index_lane(collection))  # a run of the old setting
        run = IndexRun(collection)

        def masked_notice() -> None:
            if on:
                found = "\n".join(run.masked) or self.tr("No personal data was found.")
                self._messages.show_notice(self.tr("Personal data masked in {name}:\n{found}").format(
                    name=collection, found=found))  # fmt: skip

        self._submit(
            run,
            lambda cancel: self.ws.indexer.set_masking(collection, on, cancel),
            then=masked_notice,
        )

    def _submit(
        self,
        run: IndexRun,
        function: Callable[[CancelToken], Any],
        then: Callable[[], None] | None = None,
    ) -> None:
        """Queue an index job in the collection's lane; `then` runs once it has ended."""
        self.view.indexing_started(run.collection)

        def finished() -> None:
            self._on_finished(run)
            if then is not None:
                then()

        self.runner.submit(
            index_lane(run.collection),
            Job(
                function,
                on_progress=lambda event: self._on_event(event, run),
                on_failed=self._messages.show_error,
                on_finished=finished,
            ),
        )

    @singledispatchmethod
    def _on_event(self, event: object, run: IndexRun) -> None:
        """An event of an index run that the pane does not show."""

    @_on_event.register
    def _on_progress(self, event: Progress, run: IndexRun) -> None:
        self.view.show_progress(event, run.collection)

    @_on_event.register
    def _on_skipped(self, event: FileSkipped, run: IndexRun) -> None:
        self.view.add_skipped(event)

    @_on_event.register
    def _on_indexed(self, event: FileIndexed, run: IndexRun) -> None:
        if event.masked:
            run.masked.append(f"{Path(event.path).name}: {event.masked}")
        if event.unread:  # pages it could not read
            self.view.add_skipped(FileSkipped(event.path, event.unread))

    @_on_event.register
    def _on_summary(self, event: IndexSummary, run: IndexRun) -> None:
        run.summary = event

    def _on_finished(self, run: IndexRun) -> None:
        collection = run.collection
        self._reindex_queued.discard(collection)  # also when the run was dropped unstarted
        self.view.indexing_finished(collection, run.summary)
        if collection in self._new_collections and run.summary is not None:
            self._new_collections.remove(collection)
        self.collections_changed.emit(collection)
        self.indexing_done.emit(collection)

    def remove_folder(self, collection: str, folder: str) -> None:
        """Forget a folder's files, in the collection's lane: an index run still going
        is stopped first, or it would record files of the folder after the removal."""
        self.runner.stop_running(index_lane(collection))  # not the queue: another removal

        def run(_cancel: CancelToken) -> None:
            self.ws.indexer.remove(collection, Path(folder))

        def done() -> None:
            if self.watcher is not None:  # the collection's other folders are watched again
                self.watcher.unwatch_collection(collection)
            self.collections_changed.emit(collection)
            self.folder_removed.emit(collection)

        self.runner.submit(
            index_lane(collection), Job(run, on_failed=self._messages.show_error, on_finished=done)
        )

    def stop_watching(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
