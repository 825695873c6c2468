"""The chat model and its LoRA adapters: loaded, then switched live, never reloaded for them.

The model is used by one job at a time: loading it, switching its adapters and answering
all run in `MODEL_LANE`, in order. Adapter files are checked against the model in their
own lane (`ADAPTER_LANE`), as reading their headers takes a moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QStatusBar, QWidget

from desktop.core.types import CancelToken
from desktop.services.adapters import (
    AdapterChoice,
    choose_adapters,
    set_collection_adapter,
    use_adapters,
)
from desktop.services.ask_with_adapters import AdaptersInUse
from desktop.services.workspace import Workspace
from desktop.settings import AdapterSetting
from desktop.ui.controllers.panes import Messages, Panes
from desktop.ui.worker import Job, JobRunner

MODEL_LANE = "model"
ADAPTER_LANE = "adapter-check"  # reading adapter and model headers, off the GUI thread


class AdaptersController(QObject):
    """Loads the chat model, and keeps on it the adapters the chat's scope asks for."""

    model_ready = Signal()
    adapters_applied = Signal(object)  # AdaptersInUse
    collection_adapter_changed = Signal(str)  # collection: its own adapter set or cleared
    collections_changed = Signal(str)  # the collection to select once the list is shown again

    def __init__(
        self,
        ws: Workspace,
        runner: JobRunner,
        panes: Panes,
        model_label: QLabel,
        status_bar: QStatusBar,
        messages: Messages,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.runner = runner
        self.panes = panes
        self.model_loaded = False
        self._window = parent  # dialogs open over it
        self._model_label = model_label
        self._status_bar = status_bar
        self._messages = messages
        panes.collections.adapter_requested.connect(self.choose_collection_adapter)
        panes.collections.clear_adapter_requested.connect(self.clear_collection_adapter)
        panes.chat.collections_changed.connect(self.show_scope_adapters)

    # The model

    def load_model(self) -> None:
        """Load the embedding and chat models off the GUI thread."""
        self._model_label.setText(self.tr("Model: loading…"))
        self.model_loaded = False

        def load(_cancel: CancelToken) -> Any:
            self.ws.embedder  # noqa: B018 - loads it
            return self.ws.assistant.llm

        self.runner.submit(MODEL_LANE, Job(load, on_result=self._on_model_loaded, on_failed=self._on_model_failed))

    def _on_model_loaded(self, llm: Any) -> None:
        device = "GPU" if llm.device == "gpu" else "CPU"
        self._model_label.setText(self.tr("Model: {name} ({device})").format(name=llm.name, device=device))
        self.model_loaded = True
        self.model_ready.emit()
        self.apply_adapters()

    def _on_model_failed(self, error: Exception) -> None:
        self._model_label.setText(self.tr("Model: not usable"))
        self._messages.show_error(error)

    # Which adapters, on the live model

    def adapter_choices(self, scope: Sequence[str] | None = None) -> tuple[AdapterChoice, ...]:
        """The adapters a question on `scope` uses: its collections' own, else the settings'."""
        names = self.panes.chat.selected_collections() if scope is None else list(scope)
        return choose_adapters(self.ws.catalog, self.ws.settings, names)

    def apply_adapters(self, choices: Sequence[AdapterChoice] | None = None) -> None:
        """Put `choices` (default: the current scope's) on the live model, in the model lane.

        Switching never reloads the model; before the model is loaded, only the bar says
        which adapters the next answer will use.
        """
        wanted = self.adapter_choices() if choices is None else tuple(choices)
        if not self.model_loaded:
            self.panes.compare.show_adapters(wanted)
            return

        def switch(_cancel: CancelToken) -> AdaptersInUse:
            return AdaptersInUse(wanted, use_adapters(self.ws.assistant.llm, wanted))

        self.runner.submit(
            MODEL_LANE,
            Job(switch, on_result=self.show_in_use, on_failed=self._messages.show_error),
        )

    def preview_adapters(self, adapters: Sequence[AdapterSetting]) -> None:
        """While the settings are open: the adapters as chosen there, live on the model."""
        self.apply_adapters(
            tuple(AdapterChoice(Path(a.path), a.scale, "settings") for a in adapters if a.enabled)
        )

    def show_in_use(self, event: AdaptersInUse) -> None:
        self.panes.compare.show_adapters(event.choices, event.seconds * 1000)
        self.adapters_applied.emit(event)

    def show_scope_adapters(self, scope: Sequence[str]) -> None:
        """The chat's scope changed: the bar names its adapters, put on with the next answer."""
        self.panes.compare.show_adapters(self.adapter_choices(scope))

    # A collection's own adapter

    def choose_collection_adapter(self, collection: str) -> None:
        """Pick a LoRA adapter file for `collection`, then check and keep it."""
        path, _ = QFileDialog.getOpenFileName(
            self._window, self.tr("Choose a LoRA adapter for {name}").format(name=collection),
            str(self.ws.paths.models), self.tr("GGUF adapters (*.gguf);;All files (*)"),
        )  # fmt: skip
        if path:
            self.set_collection_adapter(collection, Path(path))

    def set_collection_adapter(self, collection: str, adapter: Path, scale: float = 1.0) -> None:
        """Check `adapter` against the chat model off the GUI thread (it reads both
        files' headers), then make it the collection's own; a bad file gets a dialog."""
        model = self.ws.chat_model_path

        def check(_cancel: CancelToken) -> Any:
            return set_collection_adapter(self.ws.catalog, collection, adapter, scale, model)

        def done(_info: Any) -> None:
            self._collection_adapter_changed(
                collection,
                self.tr("{name} now answers with the adapter {file}").format(
                    name=collection, file=adapter.name
                ),
            )

        self.runner.submit(
            ADAPTER_LANE, Job(check, on_result=done, on_failed=self._messages.show_error)
        )

    def clear_collection_adapter(self, collection: str) -> None:
        self.ws.catalog.clear_adapter(self.ws.catalog.get_collection(collection))
        self._collection_adapter_changed(collection)

    def _collection_adapter_changed(self, collection: str, note: str = "") -> None:
        self.collections_changed.emit(collection)
        self.apply_adapters()
        if note:
            self._status_bar.showMessage(note, 5000)
        self.collection_adapter_changed.emit(collection)
