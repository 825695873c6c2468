"""Settings: the dialog, wired to the live model, and what changes once it is saved."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from desktop.paths import choose_data_dir
from desktop.services.workspace import Workspace
from desktop.settings import Settings, save_settings
from desktop.ui.controllers.adapters import AdaptersController
from desktop.ui.controllers.panes import Messages
from desktop.ui.dialogs.settings import SettingsDialog


class SettingsController(QObject):
    """Opens the settings dialog and applies what it saved."""

    def __init__(
        self, ws: Workspace, adapters: AdaptersController, messages: Messages, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.adapters = adapters
        self._messages = messages
        self._window = parent  # the dialog opens over it

    def settings_dialog(self) -> SettingsDialog:
        """The settings dialog, its adapter switches wired to the live model."""
        dialog = SettingsDialog(self.ws.settings, self.ws.paths.models, self.ws.paths.home, self._window)
        dialog.adapters_changed.connect(self.adapters.preview_adapters)
        dialog.rejected.connect(lambda: self.adapters.apply_adapters())  # back to the saved adapters
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
            self._messages.show_notice(self.tr("Arquivo will use the new data folder after a restart."))
        elif new.ui_language != old.ui_language:
            self._messages.show_notice(self.tr("The new language applies after a restart."))

    def use_settings(self, new: Settings) -> None:
        """Save and apply `new`; a changed chat model loads in the model's lane, after an
        answer still being written with the old one (which stays open until then)."""
        old = self.ws.settings
        save_settings(new, self.ws.paths.config)
        self.ws.update_settings(new)
        if old.reloads_chat_model(new):
            self.adapters.load_model()  # the adapters follow once it is loaded
        else:
            self.adapters.apply_adapters()
