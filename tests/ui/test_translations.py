"""Every UI text has a Brazilian Portuguese translation, and the app can use it."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.ui.app import I18N_DIR, install_translator
from desktop.ui.views.chat import ChatView

ROOT = Path(__file__).parents[2]


def sources(ts: Path) -> set[tuple[str, str]]:
    tree = ET.parse(ts)
    return {
        (context.findtext("name") or "", message.findtext("source") or "")
        for context in tree.iter("context")
        for message in context.iter("message")
    }


def test_the_translation_file_covers_every_text_in_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    files = sorted(str(p) for p in (ROOT / "desktop" / "ui").rglob("*.py"))
    subprocess.run([str(lupdate), *files, "-ts", str(fresh)], check=True, capture_output=True)
    committed = I18N_DIR / "arquivo_pt_BR.ts"
    assert sources(fresh) == sources(committed), "run `make translations`"
    unfinished = [
        m.findtext("source")
        for m in ET.parse(committed).iter("message")
        if (m.find("translation") is not None and m.find("translation").get("type"))  # type: ignore[union-attr]
    ]
    assert not unfinished


def test_the_window_speaks_portuguese(qtbot: QtBot) -> None:
    app = QApplication.instance()
    translator = install_translator(app, "pt_BR")
    assert translator is not None
    try:
        view = ChatView()
        qtbot.addWidget(view)
        assert view.send_button.text() == "Enviar"
        assert QCoreApplication.translate("errors", "Bad setting {key}: {reason}").startswith(
            "Configuração inválida"
        )
    finally:
        app.removeTranslator(translator)  # type: ignore[union-attr, arg-type]
