"""The settings dialog. A chat model is checked when chosen, before it is saved.

LoRA adapters are checked against the chosen model when picked (a bad file gets a dialog
with the reason). Switching one on or off or changing its scale emits `adapters_changed`
at once, so the window can apply it to the live model (no reload) while the dialog is
open; Cancel puts the saved adapters back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import ArquivoError
from desktop.services.models import (
    CHAT_MODELS,
    EMBEDDING_MODELS,
    RERANKER_MODELS,
    check_adapter,
    default_chat_model,
    embedding_folder,
    find_chat_model,
    inspect_gguf,
    reranker_folder,
    resolve_model_path,
)
from desktop.settings import UI_LANGUAGES, AdapterSetting, Settings
from desktop.ui.errors import describe
from desktop.ui.worker import Job, JobRunner

SCALE_RANGE = (-4.0, 4.0)


class AdapterRow(QWidget):
    """One adapter: on/off (with its file name), its scale, and a remove button."""

    changed = Signal()
    remove_requested = Signal(object)  # self

    def __init__(self, adapter: AdapterSetting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = adapter.path
        self.enabled = QCheckBox(Path(adapter.path).name)
        self.enabled.setToolTip(adapter.path)
        self.enabled.setChecked(adapter.enabled)
        self.scale = QDoubleSpinBox()
        self.scale.setRange(*SCALE_RANGE)
        self.scale.setDecimals(2)
        self.scale.setSingleStep(0.1)
        self.scale.setValue(adapter.scale)
        self.scale.setPrefix(self.tr("scale "))
        self.remove = QToolButton()
        self.remove.setText(self.tr("Remove"))
        self.enabled.toggled.connect(lambda _on: self.changed.emit())
        self.scale.valueChanged.connect(lambda _value: self.changed.emit())
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.enabled, 1)
        row.addWidget(self.scale)
        row.addWidget(self.remove)

    def setting(self) -> AdapterSetting:
        return AdapterSetting(self.path, round(self.scale.value(), 2), self.enabled.isChecked())


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `result_settings()` holds the accepted ones."""

    adapters_changed = Signal(object)  # tuple[AdapterSetting, ...], as now chosen
    adapter_checked = Signal(bool)  # an added adapter file was checked: listed, or refused
    save_checked = Signal(bool)  # Save's checks ended: the settings taken, or the reason shown
    model_checked = Signal(bool)  # a chosen model file was checked: usable, or the reason shown

    def __init__(
        self, settings: Settings, models_dir: Path, data_dir: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self._settings = settings
        self._models_dir = models_dir
        self._result: Settings | None = None
        self.last_error: QMessageBox | None = None
        self._checks = JobRunner(self)  # model and adapter files are checked off the GUI thread
        self._saving = False
        self._cancelled = False
        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b")
        model_row = self._make_chat_model_fields(settings)
        self._make_number_fields(settings)
        data_row = self._make_place_fields(settings, data_dir)
        self._make_retrieval_fields(settings)
        adapters_box = self._make_adapter_list(settings)
        self._lay_out(model_row, adapters_box, data_row)

    # Building the form

    def _make_chat_model_fields(self, settings: Settings) -> QHBoxLayout:
        """The chat model: picked from the catalog, or any GGUF file."""
        self.model = QLineEdit(settings.chat_model)
        self.model.setPlaceholderText(self.tr("default (Qwen2.5-Coder 0.5B)"))
        self.model_choice = QComboBox()  # the models Arquivo knows, described in plain words
        self.model_about = QLabel()
        self.model_about.setWordWrap(True)
        self.model_about.setTextFormat(Qt.TextFormat.PlainText)
        self._fill_model_choice(settings.chat_model)
        self.model_choice.currentIndexChanged.connect(self._on_model_chosen)
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_model)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(browse)
        return model_row

    def _make_number_fields(self, settings: Settings) -> None:
        self.threads = QSpinBox()
        self.threads.setRange(0, 256)
        self.threads.setSpecialValueText(self.tr("automatic"))
        self.threads.setValue(settings.threads)
        self.gpu_layers = QSpinBox()
        self.gpu_layers.setRange(-1, 999)
        self.gpu_layers.setSpecialValueText(self.tr("automatic"))
        self.gpu_layers.setValue(settings.gpu_layers)
        self.context = QSpinBox()
        self.context.setRange(512, 1_048_576)
        self.context.setSingleStep(512)
        self.context.setValue(settings.context_size)
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(settings.temperature)
        self.sources = QSpinBox()
        self.sources.setRange(1, 50)
        self.sources.setValue(settings.sources)

    def _make_place_fields(self, settings: Settings, data_dir: Path) -> QHBoxLayout:
        """The app's language, and the data folder (with its Choose… button)."""
        self.language = QComboBox()
        for code, name in UI_LANGUAGES.items():
            self.language.addItem(self.tr("System") if code == "" else name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.ui_language)))
        self.data_dir = QLineEdit(str(data_dir))
        data_browse = QPushButton(self.tr("Choose…"))
        data_browse.clicked.connect(self._choose_data_dir)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_dir, 1)
        data_row.addWidget(data_browse)
        return data_row

    def _make_retrieval_fields(self, settings: Settings) -> None:
        """Embedding model, reranker, OCR languages. Only the models whose folders are
        there can be chosen (and the saved one)."""
        models_dir = self._models_dir
        self.embedding_model = QComboBox()
        for spec in EMBEDDING_MODELS:
            there = embedding_folder(models_dir, spec).is_dir()
            if there or spec.name == settings.embedding_model:
                self.embedding_model.addItem(f"{spec.name} ({spec.languages})", spec.name)
        self.embedding_model.setCurrentIndex(
            max(0, self.embedding_model.findData(settings.embedding_model))
        )
        self.embedding_model.setToolTip(
            self.tr("Used for new collections; a collection keeps the model it was indexed with.")
        )
        self.reranker = QComboBox()
        self.reranker.addItem(self.tr("Off"), "")
        for reranker in RERANKER_MODELS:
            there = reranker_folder(models_dir, reranker).is_dir()
            if there or reranker.name == settings.reranker:
                self.reranker.addItem(f"{reranker.name} ({reranker.languages})", reranker.name)
        self.reranker.setCurrentIndex(max(0, self.reranker.findData(settings.reranker)))
        self.reranker.setToolTip(
            self.tr("Re-reads the best passages and reorders them: better order, slower answers.")
        )
        self.ocr_languages = QLineEdit(settings.ocr_languages)
        self.ocr_languages.setPlaceholderText(self.tr("off"))
        self.ocr_languages.setToolTip(
            self.tr("Tesseract languages for scanned pages, joined by +, e.g. por+eng.")
        )

    def _make_adapter_list(self, settings: Settings) -> QVBoxLayout:
        self.adapter_rows: list[AdapterRow] = []
        self.adapter_list = QVBoxLayout()
        self.adapter_list.setContentsMargins(0, 0, 0, 0)
        self.add_adapter_button = QPushButton(self.tr("Add adapter…"))
        self.add_adapter_button.clicked.connect(lambda: self.add_adapter())
        adapters_box = QVBoxLayout()
        adapters_box.addLayout(self.adapter_list)
        adapters_box.addWidget(self.add_adapter_button)
        for adapter in settings.lora_adapters:
            self._add_row(adapter)
        return adapters_box

    def _lay_out(
        self, model_row: QHBoxLayout, adapters_box: QVBoxLayout, data_row: QHBoxLayout
    ) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Chat model"), self.model_choice)
        form.addRow("", self.model_about)
        form.addRow(self.tr("Chat model file (GGUF)"), model_row)
        form.addRow(self.tr("Threads"), self.threads)
        form.addRow(self.tr("LoRA adapters"), adapters_box)
        form.addRow(self.tr("GPU layers"), self.gpu_layers)
        form.addRow(self.tr("Context size (tokens)"), self.context)
        form.addRow(self.tr("Temperature"), self.temperature)
        form.addRow(self.tr("Number of sources"), self.sources)
        form.addRow(self.tr("Embedding model (new collections)"), self.embedding_model)
        form.addRow(self.tr("Reranker"), self.reranker)
        form.addRow(self.tr("OCR languages (scanned PDFs)"), self.ocr_languages)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Data folder (after a restart)"), data_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _fill_model_choice(self, current: str) -> None:
        """Each catalog model, with its size and whether it is installed, then "other"."""
        for spec in CHAT_MODELS:
            installed = (self._models_dir / spec.file).is_file()
            label = self.tr("{title}, {size} MB").format(title=spec.title, size=spec.size_mb)
            if not installed:
                label += " " + self.tr("(not installed: {command})").format(command=spec.fetch)
            self.model_choice.addItem(label, spec.file)
        self.model_choice.addItem(self.tr("Another GGUF file…"), None)
        chosen = current or default_chat_model(self._models_dir)
        index = self.model_choice.findData(chosen)
        self.model_choice.setCurrentIndex(index if index >= 0 else self.model_choice.count() - 1)
        self._describe_model(self.model_choice.currentData())

    def _describe_model(self, file: str | None) -> None:
        spec = find_chat_model(file) if file else None
        self.model_about.setText(spec.about if spec else "")

    def _on_model_chosen(self, _index: int) -> None:
        file = self.model_choice.currentData()
        self._describe_model(file)
        if file is not None:
            self.model.setText("" if file == default_chat_model(self._models_dir) else file)

    def _choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a GGUF model"), str(self._models_dir),
            self.tr("GGUF models (*.gguf);;All files (*)"),
        )  # fmt: skip
        if path:
            self.use_model(Path(path))

    def use_model(self, path: Path) -> None:
        """Take `path` as the chat model and check it off the GUI thread (its header
        takes a moment to read); `model_checked` says how it went, a bad file shows
        its reason under the form."""
        self.model.setText(str(path))
        models_dir, model = self._models_dir, str(path)
        self._checks.submit(
            "model-check",
            Job(
                lambda _cancel: _check_files(models_dir, model, []),
                on_result=lambda _none: self._model_fits(model),
                on_failed=self._model_refused,
            ),
        )

    def _model_fits(self, model: str) -> None:
        if self.model.text().strip() == model:
            self.error.setText("")
        self.model_checked.emit(True)

    def _model_refused(self, error: Exception) -> None:
        self._show_check_error(error)
        self.model_checked.emit(False)

    def _show_check_error(self, error: Exception) -> None:
        """Why a check failed, under the form: the model's reason, or an adapter's."""
        if isinstance(error, _ModelRefusedError):
            reason = error.message
            self.error.setText(self.tr("This model cannot be used: {reason}").format(reason=reason))
        else:
            self.error.setText(describe(error))

    def _choose_data_dir(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose the data folder"))
        if path:
            self.data_dir.setText(path)

    # LoRA adapters

    def model_path(self) -> Path:
        return resolve_model_path(self._models_dir, self.model.text().strip())

    def add_adapter(self, path: Path | None = None) -> None:
        """Pick an adapter file (or take `path`), check it against the model, then list it.

        The check reads both files' headers, which takes a moment, so it runs off the GUI
        thread; `adapter_checked` says how it ended. A file that does not fit gets an
        error dialog with the reason and is not listed.
        """
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self, self.tr("Choose a LoRA adapter"), str(self._models_dir),
                self.tr("GGUF adapters (*.gguf);;All files (*)"),
            )  # fmt: skip
            if not name:
                return
            path = Path(name)
        chosen, model = path, self.model_path()
        self.add_adapter_button.setEnabled(False)
        self._checks.submit(
            "adapter-check",
            Job(
                lambda _cancel: check_adapter(chosen, model),
                on_result=lambda _info: self._list_adapter(chosen),
                on_failed=self._refuse_adapter,
                on_finished=lambda: self.add_adapter_button.setEnabled(True),
            ),
        )

    def _list_adapter(self, path: Path) -> None:
        for row in self.adapter_rows:
            if Path(row.path) == path:
                row.enabled.setChecked(True)  # already listed: switch it on
                break
        else:
            self._add_row(AdapterSetting(str(path)))
            self._adapters_changed()
        self.adapter_checked.emit(True)

    def _refuse_adapter(self, error: Exception) -> None:
        self._show_error(error)
        self.adapter_checked.emit(False)

    def done(self, result: int) -> None:
        self._checks.wait_all()  # a check still running ends before its thread is freed
        super().done(result)

    def _add_row(self, adapter: AdapterSetting) -> None:
        row = AdapterRow(adapter, self)
        row.changed.connect(self._adapters_changed)
        row.remove_requested.connect(self._remove_row)
        self.adapter_rows.append(row)
        self.adapter_list.addWidget(row)

    def _remove_row(self, row: AdapterRow) -> None:
        self.adapter_rows.remove(row)
        self.adapter_list.removeWidget(row)
        row.deleteLater()
        self._adapters_changed()

    def chosen_adapters(self) -> tuple[AdapterSetting, ...]:
        return tuple(row.setting() for row in self.adapter_rows)

    def _adapters_changed(self) -> None:
        self.adapters_changed.emit(self.chosen_adapters())

    def _show_error(self, error: BaseException) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Critical, self.tr("Settings"), describe(error),
            QMessageBox.StandardButton.Ok, self,
        )  # fmt: skip
        box.open()  # window-modal, without blocking the event loop
        self.last_error = box

    def chosen_data_dir(self) -> Path:
        return Path(self.data_dir.text().strip()).expanduser()

    def accept(self) -> None:
        """Save: check the model and the adapters switched on, then take the settings.

        The checks read the files' headers, which takes a moment, so they run
        off the GUI thread with Save disabled; `save_checked` says how they ended. A
        file that does not fit keeps the dialog open with the reason.
        """
        if self._saving:
            return
        models_dir, model = self._models_dir, self.model.text().strip()
        adapters = [Path(a.path) for a in self.chosen_adapters() if a.enabled]
        self._saving = True
        self.save_button.setEnabled(False)
        self._checks.submit(
            "save-check",
            Job(
                lambda _cancel: _check_files(models_dir, model, adapters),
                on_result=lambda _none: self._take_settings(),
                on_failed=self._refuse_save,
                on_finished=lambda: self._saved(),
            ),
        )

    def _saved(self, accepted: bool | None = None) -> None:
        """Save's checks are over: Save works again; `accepted` (if said) is reported."""
        self._saving = False
        self.save_button.setEnabled(True)
        if accepted is not None:
            self.save_checked.emit(accepted)

    def _refuse_save(self, error: Exception) -> None:
        self._show_check_error(error)
        self._saved(accepted=False)

    def reject(self) -> None:
        self._cancelled = True  # a Save check still running must not accept afterwards
        super().reject()

    def _take_settings(self) -> None:
        if self._cancelled:
            return
        try:
            self._result = self._settings.replace(
                chat_model=self.model.text().strip(),
                threads=self.threads.value(),
                gpu_layers=self.gpu_layers.value(),
                context_size=self.context.value(),
                temperature=round(self.temperature.value(), 2),
                sources=self.sources.value(),
                ui_language=self.language.currentData(),
                embedding_model=self.embedding_model.currentData(),
                reranker=self.reranker.currentData(),
                ocr_languages=self.ocr_languages.text().strip(),
                lora_adapters=self.chosen_adapters(),
            )
        except ArquivoError as exc:
            self.error.setText(str(exc))
            self._saved(accepted=False)
            return
        self.error.setText("")
        super().accept()
        self._saved(accepted=True)

    def result_settings(self) -> Settings | None:
        return self._result


class _ModelRefusedError(ArquivoError):
    """The chat model failed Save's check (its message is the reason)."""


def _check_files(models_dir: Path, model: str, adapters: list[Path]) -> None:
    """Save's checks, off the GUI thread: the model's header, then each adapter against it."""
    try:
        path = resolve_model_path(models_dir, model)
        inspect_gguf(path)
    except ArquivoError as exc:
        raise _ModelRefusedError(str(exc)) from exc
    for adapter in adapters:
        check_adapter(adapter, path)
