"""`arquivo-desktop`: start the app, or run the smoke check.

`arquivo-desktop --smoke FOLDER QUESTION OUT.png` indexes FOLDER into a fresh
temporary data folder, asks QUESTION, waits for the whole answer, saves a
screenshot of the window, prints the answer and exits 0 (1 on any failure). It
runs offscreen when there is no screen, so CI can use it.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from desktop import __version__
from desktop.log import setup_logging
from desktop.offline import enforce_offline
from desktop.paths import AppPaths, use_private_umask
from desktop.terminal import printable

logger = logging.getLogger(__name__)

SMOKE_TIMEOUT_MS = 10 * 60 * 1000
I18N_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arquivo-desktop", description="Arquivo's window.")
    parser.add_argument("--version", action="version", version=f"arquivo {__version__}")
    parser.add_argument("--data-dir", type=Path, help="keep all state in DIR (or $ARQUIVO_HOME)")
    parser.add_argument("--debug", action="store_true", help="log everything to the terminal")
    parser.add_argument(
        "--smoke", nargs=3, metavar=("FOLDER", "QUESTION", "OUT_PNG"),
        help="index FOLDER in a temporary data folder, ask QUESTION, save a screenshot, exit",
    )  # fmt: skip
    return parser


def install_translator(app: object, language: str) -> object | None:
    """Load the app's translation for `language` ('' = the system's locale)."""
    from PySide6.QtCore import QLocale, QTranslator

    locale = QLocale(language) if language else QLocale.system()
    translator = QTranslator(app)  # type: ignore[arg-type]
    if translator.load(locale, "arquivo", "_", str(I18N_DIR)):
        app.installTranslator(translator)  # type: ignore[attr-defined]
        return translator
    return None


def install_crash_handler(log_file: Path) -> None:
    """Unexpected errors: logged with their traceback, shown with the log's path."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        logger.critical("unexpected error", exc_info=(kind, error, tb))
        traceback.print_exception(kind, error, tb)
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
            QMessageBox.critical(
                None, "Arquivo",
                f"Something unexpected went wrong: {kind.__name__}: {error}\n\nDetails: {log_file}",
            )  # fmt: skip

    sys.excepthook = hook


def main(argv: Sequence[str] | None = None) -> int:
    enforce_offline()
    args = build_parser().parse_args(argv)
    headless = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    if headless and sys.platform.startswith("linux") and (args.smoke or not os.environ.get("QT_QPA_PLATFORM")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication

    from desktop.services.recovery import open_chats, open_workspace
    from desktop.settings import Settings, load_settings
    from desktop.ui.main_window import MainWindow

    paths = AppPaths.resolve(args.data_dir)
    if args.smoke:
        home = Path(tempfile.mkdtemp(prefix="arquivo-smoke-"))
        paths = AppPaths(home=home, models=paths.models)
    use_private_umask()
    log_file = setup_logging(paths.logs, debug=args.debug)
    paths = paths.ensure()
    install_crash_handler(log_file)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Arquivo")  # also the window's WM_CLASS, as the menu entry expects
    app.setOrganizationName("Arquivo")
    # The menu entry's name: docks match the window to it (Wayland's app_id) and its icon.
    QApplication.setDesktopFileName("io.github.arquivo.Arquivo")
    try:
        settings = Settings() if args.smoke else load_settings(paths.config)
    except Exception as exc:
        print(f"arquivo-desktop: {exc}", file=sys.stderr)
        settings = Settings()
    install_translator(app, settings.ui_language)
    workspace, index_notice = open_workspace(paths, settings)
    chats, chats_notice = open_chats(paths.home / "chats.sqlite3")
    window = MainWindow(workspace, chats, watch=not args.smoke)
    window.closed.connect(app.quit)  # after its jobs have ended, even if it was hidden first
    window.show()
    notices = [n for n in (index_notice, chats_notice) if n]
    if notices:
        print(f"arquivo-desktop: {' '.join(notices)}", file=sys.stderr)
        window.show_notice("\n\n".join(notices))
    if args.smoke:
        folder, question, out = args.smoke
        try:
            return run_smoke(app, window, Path(folder), question, Path(out))
        finally:
            # the temporary data folder holds the documents' text: it goes with the run
            chats.close()
            workspace.close()
            shutil.rmtree(paths.home, ignore_errors=True)
    code = app.exec()
    window.finish_jobs()
    chats.close()
    workspace.close()
    return int(code)


def run_smoke(app: object, window: object, folder: Path, question: str, out: Path) -> int:
    """Drive the real window: index, ask, wait for the answer, screenshot."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.core.types import Answer
    from desktop.ui.main_window import MainWindow

    assert isinstance(window, MainWindow) and isinstance(app, QApplication)
    outcome = {"code": 1}

    def fail(message: str) -> None:
        print(f"arquivo-desktop: smoke failed: {message}", file=sys.stderr)
        app.exit(1)

    def on_indexed(_collection: str) -> None:
        window.chat.input.setPlainText(question)
        window.chat.send_button.click()

    def on_answer(answer: Answer | None) -> None:
        if answer is None:
            fail("no answer")
            return
        QApplication.processEvents()
        if not window.grab().save(str(out)):
            fail(f"cannot write {out}")
            return
        print(printable(answer.text))
        for source in answer.sources:
            page = f", page {source.hit.page}" if source.hit.page else ""
            print(f"[{source.n}] {printable(source.hit.path, one_line=True)}{page}")
        outcome["code"] = 0
        app.exit(0)

    if not folder.exists():
        fail(f"no such folder: {folder}")
        return 1
    window.indexing_done.connect(on_indexed)
    window.answer_done.connect(on_answer)
    window.error_shown.connect(fail)
    QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: fail("timed out"))
    QTimer.singleShot(0, lambda: window.indexing.add_folder("default", folder))
    code = app.exec()
    window.finish_jobs()  # a failure may come while a job runs
    window.close()
    return code if code else outcome["code"]


if __name__ == "__main__":
    sys.exit(main())
