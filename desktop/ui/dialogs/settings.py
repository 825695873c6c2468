"""The settings dialog. A chat model is checked when chosen, before it is saved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.llm import inspect_gguf, resolve_model_path
from desktop.errors import ArquivoError
from desktop.settings import UI_LANGUAGES, Settings


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `result_settings()` holds the accepted ones."""

    def __init__(
        self, settings: Settings, models_dir: Path, data_dir: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self._settings = settings
        self._models_dir = models_dir
        self._result: Settings | None = None
        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b")

        self.model = QLineEdit(settings.chat_model)
        self.model.setPlaceholderText(self.tr("default (SmolLM2-135M-Instruct)"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_model)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(browse)

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

        form = QFormLayout()
        form.addRow(self.tr("Chat model (GGUF)"), model_row)
        form.addRow(self.tr("Threads"), self.threads)
        form.addRow(self.tr("GPU layers"), self.gpu_layers)
        form.addRow(self.tr("Context size (tokens)"), self.context)
        form.addRow(self.tr("Temperature"), self.temperature)
        form.addRow(self.tr("Number of sources"), self.sources)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Data folder (after a restart)"), data_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a GGUF model"), str(self._models_dir),
            self.tr("GGUF models (*.gguf);;All files (*)"),
        )  # fmt: skip
        if path:
            self.model.setText(path)
            self.check_model()

    def _choose_data_dir(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose the data folder"))
        if path:
            self.data_dir.setText(path)

    def check_model(self) -> bool:
        """Check the chosen GGUF file now, so a bad one is refused with its reason."""
        try:
            inspect_gguf(resolve_model_path(self._models_dir, self.model.text().strip()))
        except ArquivoError as exc:
            self.error.setText(self.tr("This model cannot be used: {reason}").format(reason=str(exc)))
            return False
        self.error.setText("")
        return True

    def chosen_data_dir(self) -> Path:
        return Path(self.data_dir.text().strip()).expanduser()

    def accept(self) -> None:
        if not self.check_model():
            return  # keep the dialog open, with the reason shown
        try:
            self._result = self._settings.replace(
                chat_model=self.model.text().strip(),
                threads=self.threads.value(),
                gpu_layers=self.gpu_layers.value(),
                context_size=self.context.value(),
                temperature=round(self.temperature.value(), 2),
                sources=self.sources.value(),
                ui_language=self.language.currentData(),
            )
        except ArquivoError as exc:
            self.error.setText(str(exc))
            return
        super().accept()

    def result_settings(self) -> Settings | None:
        return self._result
