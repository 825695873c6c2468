"""The window while its jobs run: settings, chats, folders and quitting under a running job."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pymupdf
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from desktop.core.ingest.ocr import OCR_OFF
from desktop.core.models.llm import LlamaCppLLM
from desktop.services.chats import ChatMessage, ChatSource
from desktop.ui.controllers.adapters import MODEL_LANE
from desktop.ui.controllers.answer_session import AnswerSession
from desktop.ui.controllers.indexing import index_lane
from desktop.ui.main_window import MainWindow
from desktop.ui.views.collections import CollectionsView
from desktop.ui.worker import Job, JobRunner
from tests.core.ingest.test_ocr import scanned_page
from tests.helpers import ENGLISH_PAGES, filler_folder, make_pdf
from tests.ui.conftest import WindowFactory

INDEX_TIMEOUT = 120_000
ANSWER_TIMEOUT = 180_000
LONG_QUESTION = "Describe the report, the budget and the staff in detail."


def indexed_window(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, **kw: bool
) -> MainWindow:
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    window = make_window(**kw)
    with qtbot.waitSignal(window.indexing_done, timeout=INDEX_TIMEOUT):
        window.indexing.add_folder("default", tmp_path / "docs")
    return window


def start_answer(
    qtbot: QtBot, window: MainWindow, question: str = LONG_QUESTION
) -> AnswerSession:
    """Ask, and return once the first words are written; the answer in flight."""
    window.answering.ask(question)
    session = window.answering.session
    assert session is not None
    qtbot.waitUntil(lambda: bool(session.partial), timeout=ANSWER_TIMEOUT)
    assert window.chats.current == session.chat_id
    return session


def test_changing_the_model_settings_during_an_answer_waits_for_it(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = indexed_window(qtbot, make_window, tmp_path, shared_llm=False)
    qtbot.waitUntil(lambda: window.adapters.model_loaded, timeout=60_000)
    old = window.ws.load_llm()
    with qtbot.waitSignal(window.answer_done, timeout=ANSWER_TIMEOUT) as answered:
        start_answer(qtbot, window)
        # closing the model under the answer crashed llama.cpp (a segfault)
        window.settings.use_settings(window.ws.settings.replace(threads=1))
    assert answered.args[0] is not None and answered.args[0].text
    qtbot.waitSignal(window.model_ready, timeout=60_000).wait()
    new = window.ws.load_llm()
    assert isinstance(new, LlamaCppLLM) and new is not old and new.llama.n_threads == 1
    assert "SmolLM2" in window.model_label.text()


def test_an_answer_stays_in_its_chat_when_another_is_opened(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = indexed_window(qtbot, make_window, tmp_path)
    with qtbot.waitSignal(window.answer_done, timeout=ANSWER_TIMEOUT) as answered:
        asked_in = start_answer(qtbot, window).chat_id
        window.chats.new_chat()
        assert window.chat.transcript.toPlainText() == ""
        assert not window.chat.send_button.isEnabled()  # one answer at a time
        assert window.sources.list.count() == 0
    answer = answered.args[0]
    assert window.chat.transcript.toPlainText() == ""  # not written into the new chat
    assert window.chat.send_button.isEnabled()
    stored = window.chat_store.messages(asked_in)
    assert [m.role for m in stored] == ["user", "assistant"] and stored[1].text == answer.text

    # back to a chat while its answer runs: the answer so far, then the whole one
    with qtbot.waitSignal(window.answer_done, timeout=ANSWER_TIMEOUT) as answered:
        session = start_answer(qtbot, window, "Who leads the facilities team?")
        window.chats.new_chat()
        window.chats.show_chat(session.chat_id)
        assert session.partial[0] in window.chat.transcript.toPlainText()
    assert answered.args[0].text.split()[-1] in window.chat.transcript.toPlainText()


def test_deleting_the_chat_being_answered_stops_it(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = indexed_window(qtbot, make_window, tmp_path)
    shown: list[str] = []
    window.error_shown.connect(shown.append)
    with qtbot.waitSignal(window.answer_done, timeout=ANSWER_TIMEOUT) as answered:
        chat_id = start_answer(qtbot, window).chat_id
        window.chats.delete_chat(chat_id, confirm=False)
    assert answered.args == [None] and shown == []  # no "FOREIGN KEY constraint failed"
    assert not window.chat_store.exists(chat_id)
    assert window.chat.send_button.isEnabled() and not window.runner.is_busy(MODEL_LANE)


def test_each_answer_s_citations_open_its_own_sources(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    chat = window.chat_store.create("two answers", ["default"])
    for question, path in (("First?", "/docs/first.pdf"), ("Second?", "/docs/second.pdf")):
        window.chat_store.add_message(chat.id, ChatMessage("user", question))
        source = ChatSource(1, path, 9, "Some text.", (path,))
        answer = ChatMessage("assistant", "It says so [1].", (source,))
        window.chat_store.add_message(chat.id, answer)
    window.chats.show_chat(chat.id)
    assert "cite:1:1" in window.chat.markdown() and "cite:3:1" in window.chat.markdown()
    with qtbot.waitSignal(window.source_opened) as opened:
        window.chat.transcript.anchorClicked.emit(QUrl("cite:1:1"))  # the first answer's [1]
        window.sources.open_button.click()
    assert opened.args == ["/docs/first.pdf", 9]
    with qtbot.waitSignal(window.source_opened) as opened:
        window.chat.transcript.anchorClicked.emit(QUrl("cite:3:1"))
        window.sources.open_button.click()
    assert opened.args == ["/docs/second.pdf", 9]


def test_a_folder_removed_while_it_indexes_leaves_nothing_behind(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    filler_folder(tmp_path / "big")
    window = make_window()
    window.indexing.add_folder("archive", tmp_path / "big")
    qtbot.waitUntil(lambda: window.collections.progress.maximum() == 20, timeout=INDEX_TIMEOUT)
    with qtbot.waitSignal(window.folder_removed, timeout=INDEX_TIMEOUT):
        window.indexing.remove_folder("archive", str(tmp_path / "big"))
    stats = window.ws.catalog.stats(window.ws.catalog.get_collection("archive"))
    assert stats.files == 0 and stats.roots == ()
    assert window.ws.assistant.search("archive", "filler document", 3).hits == ()
    assert not window.runner.is_busy(index_lane("archive"))


def test_two_collections_indexing_keep_the_bar_until_both_end(qtbot: QtBot) -> None:
    view = CollectionsView()
    qtbot.addWidget(view)
    view.show()
    view.indexing_started("notes")
    view.indexing_started("books")
    view.indexing_finished("notes", None)
    assert view.progress.isVisible() and view.cancel_button.isVisible()
    cancelled: list[str] = []
    view.cancel_requested.connect(cancelled.append)
    view.cancel_button.click()
    assert cancelled == ["books"]
    view.indexing_finished("books", None)
    assert not view.progress.isVisible() and view.status.text() == "Indexing books stopped."


def test_a_cancelled_lane_tells_its_queued_jobs_and_goes_on(qtbot: QtBot) -> None:
    runner = JobRunner()
    release = threading.Event()
    finished: list[str] = []
    blocked = Job(lambda _c: release.wait(10), on_finished=lambda: finished.append("a"))
    runner.submit("lane", blocked)
    runner.submit("lane", Job(lambda _c: None, on_finished=lambda: finished.append("b")))
    runner.cancel("lane")
    assert finished == ["b"]  # dropped, but told: the window re-enables what it disabled
    release.set()
    qtbot.waitUntil(lambda: not runner.any_busy(), timeout=10_000)
    assert finished == ["b", "a"]

    def fails() -> None:
        raise RuntimeError("a callback's bug")

    with qtbot.capture_exceptions() as raised:
        runner.submit("lane", Job(lambda _c: None, on_finished=fails))
        runner.submit("lane", Job(lambda _c: None, on_finished=lambda: finished.append("c")))
        qtbot.waitUntil(lambda: finished[-1] == "c", timeout=10_000)  # the queue went on
    assert len(raised) == 1


def test_closing_during_work_that_cannot_stop_hides_then_closes(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    window.runner.submit("index:slow", Job(lambda _cancel: time.sleep(2)))  # never checks
    started = time.perf_counter()
    with qtbot.waitSignal(window.closed, timeout=10_000):
        window.close()
        assert time.perf_counter() - started < 0.5  # the GUI thread is not blocked
        assert not window.isVisible() and window.runner.any_busy()
    assert not window.runner.any_busy()


def test_a_re_index_dropped_by_cancel_does_not_block_the_next(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    filler_folder(tmp_path / "big")
    window = make_window()
    window.indexing.add_folder("archive", tmp_path / "big")
    window.indexing.reindex("archive")  # queued behind the run, as the folder watcher does
    window.collections.cancel_button.click()
    qtbot.waitUntil(lambda: not window.runner.is_busy(index_lane("archive")), timeout=60_000)
    with qtbot.waitSignal(window.indexing_done, timeout=INDEX_TIMEOUT):
        window.indexing.reindex("archive")  # was ignored for the rest of the session


def test_a_watched_folder_holding_the_data_folder_does_not_re_index_for_ever(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    make_pdf(tmp_path / "report.pdf", ENGLISH_PAGES)
    window = make_window(watch=True)
    assert window.ws.paths.home.is_relative_to(tmp_path)  # its catalog is written on each run
    with qtbot.waitSignal(window.indexing_done, timeout=INDEX_TIMEOUT):
        window.indexing.add_folder("default", tmp_path)
    runs: list[str] = []
    window.indexing_done.connect(runs.append)
    window.ws.paths.logs.mkdir(parents=True, exist_ok=True)
    (window.ws.paths.logs / "arquivo.log").write_text("INFO a log line\n")  # as the app logs
    qtbot.wait(5_000)  # the watcher's quiet time is 1.5 s; each run writes the catalog
    assert runs == []
    files = window.ws.catalog.files_under(window.ws.catalog.get_collection("default"), "/")
    assert list(files) == [str(tmp_path / "report.pdf")]


def test_a_stopped_answer_keeps_its_sources_in_the_chat(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = indexed_window(qtbot, make_window, tmp_path)
    with qtbot.waitSignal(window.answer_done, timeout=ANSWER_TIMEOUT) as answered:
        chat_id = start_answer(qtbot, window).chat_id
        window.answering.stop()
    assert answered.args == [None]
    kept = window.chat_store.messages(chat_id)[-1]
    assert kept.role == "assistant" and kept.text.endswith(" …")
    assert kept.sources and kept.sources[0].path.endswith("report.pdf")  # its [n] still open


def test_pages_left_unread_are_listed_with_the_skipped_files(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), "Typed cover page about the harbour.", fontname="helv")
    scanned_page(doc, ["The harbour master logged ship 4471"])
    (tmp_path / "scans").mkdir()
    doc.save(tmp_path / "scans" / "mixed.pdf")
    doc.close()
    window = make_window()
    window.ws.update_settings(window.ws.settings.replace(ocr_languages=""))
    with qtbot.waitSignal(window.indexing_done, timeout=INDEX_TIMEOUT):
        window.indexing.add_folder("default", tmp_path / "scans")
    skipped = window.collections.skipped
    listed = [skipped.item(i).text() for i in range(skipped.count())]
    assert listed == [f"mixed.pdf — 1 of 2 pages not read: {OCR_OFF}"]


def test_after_the_event_loop_jobs_are_waited_for(make_window: WindowFactory) -> None:
    window = make_window()
    window.runner.submit("index:slow", Job(lambda _cancel: time.sleep(1)))  # never checks
    threads = [thread for _job, thread, _w, _r in window.runner._running.values()]
    window.finish_jobs()  # what the app does once `exec` returns, before the process ends
    assert threads and not any(thread.isRunning() for thread in threads)


def test_two_folders_removed_in_a_row_are_both_removed(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    for name in ("one", "two"):
        make_pdf(tmp_path / name / "report.pdf", ENGLISH_PAGES)
    window = make_window()
    with qtbot.waitSignal(window.indexing_done, timeout=INDEX_TIMEOUT):
        window.indexing.add_folder("default", tmp_path / "one")
    with qtbot.waitSignal(window.indexing_done, timeout=INDEX_TIMEOUT):
        window.indexing.add_folder("default", tmp_path / "two")
    window.runner.submit(index_lane("default"), Job(lambda _cancel: time.sleep(1)))  # busy
    removed: list[str] = []
    window.folder_removed.connect(removed.append)
    window.indexing.remove_folder("default", str(tmp_path / "one"))
    # dropped the first one's removal
    window.indexing.remove_folder("default", str(tmp_path / "two"))
    qtbot.waitUntil(lambda: len(removed) == 2, timeout=INDEX_TIMEOUT)
    assert window.ws.catalog.roots(window.ws.catalog.get_collection("default")) == []
