"""Settings survive a restart; a bad model is refused with a message; the smoke mode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.core.models.reranker import DEFAULT_RERANKER
from desktop.settings import Settings, load_settings
from desktop.ui.dialogs.settings import SettingsDialog
from desktop.ui.main_window import MainWindow
from tests.helpers import ENGLISH_PAGES, make_pdf
from tests.ui.conftest import WindowFactory


def settings_dialog(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    """The dialog on the window's settings, as *Settings…* opens it (not modal here)."""
    dialog = SettingsDialog(window.ws.settings, window.ws.paths.models, window.ws.paths.home)
    qtbot.addWidget(dialog)
    return dialog


def test_settings_survive_a_restart(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    dialog = settings_dialog(qtbot, window)
    dialog.temperature.setValue(0.7)
    dialog.sources.setValue(3)
    dialog.threads.setValue(2)
    dialog.language.setCurrentIndex(dialog.language.findData("pt_BR"))
    # the reranker `make models` fetched is offered, next to "Off"
    assert dialog.reranker.currentData() == "" and dialog.reranker.findData(DEFAULT_RERANKER) > 0
    dialog.reranker.setCurrentIndex(dialog.reranker.findData(DEFAULT_RERANKER))
    assert dialog.embedding_model.currentData() == Settings().embedding_model
    dialog.ocr_languages.setText("por")
    with qtbot.waitSignal(dialog.save_checked, timeout=10_000) as saved:
        dialog.accept()
        # the files are checked off the GUI thread: Save waits, nothing is taken yet
        assert not dialog.save_button.isEnabled() and dialog.result_settings() is None
    assert saved.args == [True] and dialog.save_button.isEnabled()
    window.settings.apply_settings(dialog)
    assert window.last_notice is not None and "restart" in window.last_notice.text()
    window.close()

    again = make_window()
    saved = again.ws.settings
    assert (saved.temperature, saved.sources, saved.threads, saved.ui_language) == (
        0.7, 3, 2, "pt_BR",
    )  # fmt: skip
    assert (saved.reranker, saved.ocr_languages) == (DEFAULT_RERANKER, "por")
    assert load_settings(again.ws.paths.config) == saved


def test_a_bad_ocr_language_value_keeps_the_dialog_open(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    dialog = settings_dialog(qtbot, window)
    dialog.ocr_languages.setText("portuguese; rm -rf")
    with qtbot.waitSignal(dialog.save_checked, timeout=10_000) as saved:
        dialog.accept()
    assert saved.args == [False]
    assert dialog.result_settings() is None
    assert "ocr_languages" in dialog.error.text()


def test_cancel_while_save_checks_the_files_keeps_the_old_settings(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    dialog = settings_dialog(qtbot, window)
    dialog.temperature.setValue(0.9)
    dialog.accept()
    dialog.reject()  # before the check has reported back
    with qtbot.assertNotEmitted(dialog.save_checked, wait=500):
        pass
    assert dialog.result() == SettingsDialog.DialogCode.Rejected
    assert dialog.result_settings() is None


def test_a_bad_gguf_is_refused_and_the_app_keeps_working(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window()
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)  # the magic, then nothing usable
    dialog = settings_dialog(qtbot, window)
    dialog.model.setText(str(bad))
    with qtbot.waitSignal(dialog.save_checked, timeout=10_000) as saved:
        dialog.accept()
    assert saved.args == [False]
    assert dialog.result_settings() is None  # refused: the dialog stays open
    assert "cannot be used" in dialog.error.text() and "GGUF" in dialog.error.text()

    not_a_model = tmp_path / "notes.gguf"
    not_a_model.write_text("hello")
    with qtbot.waitSignal(dialog.model_checked, timeout=10_000) as checked:
        dialog.use_model(not_a_model)  # what choosing a file does; checked off the GUI thread
    assert checked.args == [False]
    assert "not a GGUF model file" in dialog.error.text()
    with qtbot.waitSignal(dialog.model_checked, timeout=10_000) as checked:
        dialog.use_model(window.ws.chat_model_path)
    assert checked.args == [True] and dialog.error.text() == ""

    # a model that passes the check but fails in llama.cpp: an error dialog, no crash
    window.ws.update_settings(window.ws.settings.replace(chat_model=str(not_a_model)))
    window.ws._shared_llm = None  # load from the settings, as the app does
    with qtbot.waitSignal(window.error_shown, timeout=30_000) as shown:
        window.adapters.load_model()
    assert "not a GGUF model file" in shown.args[0]
    assert window.last_error is not None and window.last_error.isVisible()
    assert window.model_label.text() == "Model: not usable"
    assert window.chat.send_button.isEnabled()


def test_smoke_mode_indexes_asks_and_saves_a_screenshot(tmp_path: Path) -> None:
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    out = tmp_path / "window.png"
    result = subprocess.run(
        [
            sys.executable, "-m", "desktop", "--smoke", str(tmp_path / "docs"),
            "Who leads the facilities team?", str(out),
        ],
        capture_output=True, text=True, timeout=600, cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000
    assert "[1] " in result.stdout and "report.pdf, page 3" in result.stdout


def test_smoke_mode_fails_on_a_missing_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--smoke", str(tmp_path / "none"), "q",
         str(tmp_path / "x.png")],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert result.returncode != 0
    assert "no such folder" in result.stderr
