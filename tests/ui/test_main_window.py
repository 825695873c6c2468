"""The desktop window, driven as a person would, offscreen, with the real models."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from desktop.core.answering.whole_document import DocumentStep
from desktop.core.types import Answer, Progress
from desktop.ui.main_window import MainWindow
from tests.core.ingest.test_ocr import requires_tesseract, scanned_book
from tests.helpers import ENGLISH_PAGES, PORTUGUESE_PAGES, filler_folder, make_pdf
from tests.ui.conftest import Opened, WindowFactory

INDEX_TIMEOUT = 120_000
ANSWER_TIMEOUT = 180_000


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    make_pdf(tmp_path / "docs" / "relatório.pdf", PORTUGUESE_PAGES)
    return tmp_path / "docs"


def add_and_wait(
    qtbot: QtBot, window: MainWindow, folder: Path, collection: str = "default"
) -> None:
    with qtbot.waitSignal(window.indexing_done, timeout=INDEX_TIMEOUT):
        window.indexing.add_folder(collection, folder)


def ask_and_wait(qtbot: QtBot, window: MainWindow, question: str) -> Answer:
    window.chat.input.setPlainText(question)
    with qtbot.waitSignal(window.answer_done, timeout=ANSWER_TIMEOUT) as blocker:
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    answer = blocker.args[0]
    assert isinstance(answer, Answer)
    return answer


def test_first_start_shows_a_hint(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    assert window.chat.hint.isVisible()
    assert "Add folder" in window.chat.hint.text()
    assert "SmolLM2" in window.model_label.text() and "CPU" in window.model_label.text()
    with qtbot.waitSignal(window.error_shown) as shown:
        window.answering.ask("Anything?")  # nothing indexed yet: a clear message, no crash
    assert shown.args == ["There are no documents yet: add a folder first."]


def test_add_a_folder_ask_and_open_a_cited_page(
    qtbot: QtBot, make_window: WindowFactory, docs: Path, opened: Opened
) -> None:
    window = make_window()
    window.indexing.add_folder("default", docs)
    assert window.collections.progress.isVisible()  # progress shows while indexing
    qtbot.waitSignal(window.indexing_done, timeout=INDEX_TIMEOUT).wait()
    assert not window.collections.progress.isVisible()
    assert "2 indexed" in window.collections.status.text()
    top = window.collections.tree.topLevelItem(0)
    assert top is not None and top.child(0).text(0) == str(docs)
    assert not window.chat.hint.isVisible()

    streamed: list[str] = []
    waits: list[str] = []  # what the answer's place says before its first words
    show_step = window.chat.show_step
    window.chat.show_step = lambda text: (waits.append(text), show_step(text))  # type: ignore[method-assign]
    window.chat.input.setPlainText("What was the maintenance budget for the year?")
    with qtbot.waitSignal(window.answer_done, timeout=ANSWER_TIMEOUT) as blocker:
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(window.chat._streaming), timeout=ANSWER_TIMEOUT)
        streamed.append(window.chat._streaming or "")
    answer = blocker.args[0]
    assert streamed[0] and answer.text.startswith(streamed[0].strip()[:1])
    assert waits[0] == f"Reading the {len(answer.sources)} sources found…"
    # then how far the model has read them: on a CPU, the wait before the first word
    reading = [int(w.rsplit(" ", 1)[1].rstrip("%")) for w in waits[1:]]
    assert all(w.startswith("Reading the sources: ") for w in waits[1:])
    assert len(reading) >= 2 and reading == sorted(reading) and reading[-1] == 100
    assert window.answering.reading_sources_text(1) == "Reading the source found…"
    assert "Reading the" not in window.chat.transcript.toPlainText()  # the answer took its place
    assert window.sources.list.count() == len(answer.sources) >= 1
    marks = {n: "cited" if answer.is_cited(n) else "not cited" for n in (1, 2)}
    assert window.sources.list.item(0).text() == f"[1] report.pdf, page 2 ({marks[1]})"
    assert "<b" in window.sources.detail.toHtml()  # matched words highlighted
    assert answer.support is not None  # shown highlighted in its source, quoted in the chat
    assert window.sources.current().n == answer.support.n  # type: ignore[union-attr]
    assert "#c6efce" in window.sources.detail.toHtml()
    assert answer.support.sentence.split()[-1] in window.chat.transcript.toPlainText()
    assert "tokens/s" in window.speed_label.text()

    # a click on [2] in the answer selects source 2; opening it asks for its file and page
    window.chat.transcript.anchorClicked.emit(QUrl("cite:2"))
    assert window.sources.list.currentRow() == 1
    with qtbot.waitSignal(window.source_opened) as opened_signal:
        window.sources.open_button.click()
    second = answer.sources[1].hit
    assert opened_signal.args == [second.path, second.page]
    assert opened == [(second.path, second.page)]


def test_the_internal_pdf_viewer_opens_at_the_page(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    from desktop.ui.dialogs.pdf_viewer import PdfViewerDialog

    pdf = make_pdf(tmp_path / "three.pdf", ["one", "two", "three"])
    viewer = PdfViewerDialog(pdf, 3)
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitUntil(lambda: viewer.current_page() == 3)


def test_a_portuguese_question_finds_the_portuguese_source(
    qtbot: QtBot, make_window: WindowFactory, docs: Path
) -> None:
    window = make_window()
    add_and_wait(qtbot, window, docs)
    answer = ask_and_wait(qtbot, window, "Qual foi a diferença na conciliação bancária?")
    assert answer.sources[0].hit.path.endswith("relatório.pdf")


def test_chats_are_kept_searchable_renamable_and_exportable(
    qtbot: QtBot, make_window: WindowFactory, docs: Path, tmp_path: Path
) -> None:
    window = make_window()
    add_and_wait(qtbot, window, docs)
    ask_and_wait(qtbot, window, "Who leads the facilities team?")
    assert window.chat_list.list.count() == 1
    chat_id = window.chat_list.list.item(0).data(Qt.ItemDataRole.UserRole)
    window.chats.rename_chat(chat_id, "Team questions")
    assert window.chat_list.list.item(0).text() == "Team questions"
    out = tmp_path / "chat.md"
    window.chats.export_chat(chat_id, out)
    exported = out.read_text(encoding="utf-8")
    assert exported.startswith("# Team questions")
    assert "## Who leads the facilities team?" in exported and "report.pdf" in exported

    window.chat_list.search.setText("facilities")
    assert window.chat_list.list.count() == 1
    window.chat_list.search.setText("no such words")
    assert window.chat_list.list.count() == 0
    window.chat_list.search.setText("")

    window.close()
    again = make_window()  # a restart finds the chat and its sources
    assert again.chat_list.list.count() == 1
    again.chats.show_chat(chat_id)
    assert "Who leads the facilities team?" in again.chat.transcript.toPlainText()
    assert again.sources.list.count() >= 1
    again.chats.delete_chat(chat_id, confirm=False)
    assert again.chat_list.list.count() == 0


def test_a_refusal_shows_the_closest_passages_marked(
    qtbot: QtBot, make_window: WindowFactory, docs: Path, tmp_path: Path
) -> None:
    """A wrong refusal should cost a look, not the answer: the sources pane lists the
    nearest passages, marked as no answer, and the chat keeps them."""
    window = make_window()
    add_and_wait(qtbot, window, docs)
    answer = ask_and_wait(qtbot, window, "Who won the football world cup in 1970?")
    assert not answer.grounded and len(answer.closest) == 3
    rows = [window.sources.list.item(i).text() for i in range(window.sources.list.count())]
    first = Path(answer.closest[0].hit.path).name
    assert rows[0].startswith(f"[1] {first}") and len(rows) == 3
    assert all(row.endswith(" (closest: not an answer)") for row in rows)
    assert window.sources.current() is not None  # its text is shown, words highlighted

    chat_id = window.chat_list.list.item(0).data(Qt.ItemDataRole.UserRole)
    window.chats.export_chat(chat_id, tmp_path / "chat.md")
    exported = (tmp_path / "chat.md").read_text(encoding="utf-8")
    assert "Closest passages (not an answer):" in exported and "Sources:" not in exported
    window.close()
    again = make_window()  # a restart shows them marked again
    again.chats.show_chat(chat_id)
    assert again.sources.list.item(0).text().endswith(" (closest: not an answer)")


def test_keyboard_shortcuts(qtbot: QtBot, make_window: WindowFactory, docs: Path) -> None:
    window = make_window()
    add_and_wait(qtbot, window, docs)
    window.chat.input.setPlainText("first line")
    window.chat.input.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.chat.input.toPlainText() == "first line\n"
    with qtbot.waitSignal(window.chat.question_submitted) as submitted:
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    assert submitted.args == ["first line"]
    qtbot.waitSignal(window.answer_done, timeout=ANSWER_TIMEOUT).wait()
    shortcuts = {a.text(): a.shortcut().toString() for a in window.actions()}
    assert shortcuts["New chat"] == "Ctrl+N"
    assert shortcuts["Settings…"] == "Ctrl+,"
    assert shortcuts["Stop answer"] == "Esc"
    window.new_chat_action.trigger()
    assert window.chat.transcript.toPlainText() == ""


def test_stop_ends_an_answer_early(qtbot: QtBot, make_window: WindowFactory, docs: Path) -> None:
    window = make_window()
    add_and_wait(qtbot, window, docs)
    window.chat.input.setPlainText("Describe the report, the budget and the staff in detail.")
    with qtbot.waitSignal(window.answer_done, timeout=ANSWER_TIMEOUT) as blocker:
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(window.chat._streaming), timeout=ANSWER_TIMEOUT)
        window.stop_action.trigger()
    assert blocker.args == [None]
    assert window.chat.send_button.isEnabled() and not window.chat.stop_button.isEnabled()


def test_a_long_file_read_part_by_part_shows_how_far_it_is(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    """A summary of a file too long for the model's context (4,096 tokens) is written
    from notes on each part: minutes on a CPU, so the answer says which part it reads."""
    pages = [
        f"Section {i}. The committee met on day {i} and approved item {i} of the plan: "
        + "the budget lines, the schedule and the staffing of the project were reviewed. " * 6
        for i in range(1, 41)
    ]  # about 5,000 tokens
    make_pdf(tmp_path / "long" / "minutes_2026.pdf", pages)
    window = make_window()
    add_and_wait(qtbot, window, tmp_path / "long")
    window.chat.input.setPlainText("Summarize minutes_2026.pdf")
    with qtbot.waitSignal(window.answer_done, timeout=ANSWER_TIMEOUT) as blocker:
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda: "Reading minutes_2026.pdf: part 1 of " in window.chat.transcript.toPlainText(),
            timeout=ANSWER_TIMEOUT,
        )
        window.stop_action.trigger()  # it stops within the part's note, not after it
    assert blocker.args == [None]
    assert "Reading minutes_2026.pdf" not in window.chat.transcript.toPlainText()
    assert window.answering.document_step_text(DocumentStep("/x/minutes.pdf", 2, 2)) == (
        "Read minutes.pdf (2 parts): writing the answer…"
    )


def test_the_event_loop_keeps_running_while_indexing_and_answering(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    """Indexing and answering run off the GUI thread: a 5 ms timer keeps firing through
    both. (How long the loop may stall is a timing, not a behaviour: it is not
    asserted here, as it varies with the machine's load.)"""
    for i in range(12):
        make_pdf(tmp_path / "many" / f"doc{i}.pdf", [f"Document {i} about topic {i}. " * 60] * 3)
    window = make_window()
    ticks = [0]
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start()
    add_and_wait(qtbot, window, tmp_path / "many")
    while_indexing, ticks[0] = ticks[0], 0
    ask_and_wait(qtbot, window, "What is document 3 about?")
    timer.stop()
    assert while_indexing >= 5, "the GUI thread was blocked while indexing"
    assert ticks[0] >= 5, "the GUI thread was blocked while answering"


def test_collections_follow_changes_on_disk(
    qtbot: QtBot, make_window: WindowFactory, docs: Path
) -> None:
    window = make_window(watch=True)
    add_and_wait(qtbot, window, docs)
    (docs / "new-note.md").write_text("# Note\n\nThe turquoise accordion plays at dusk.\n")
    with qtbot.waitSignal(window.indexing_done, timeout=30_000):  # re-indexed unasked
        pass
    hits = window.ws.assistant.search("default", "turquoise accordion", 3).hits
    assert hits and hits[0].path.endswith("new-note.md")


def test_dropping_a_folder_indexes_it_and_a_folder_can_be_removed(
    qtbot: QtBot, make_window: WindowFactory, docs: Path
) -> None:
    from PySide6.QtCore import QMimeData, QPointF
    from PySide6.QtGui import QDropEvent

    window = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(docs))])
    drop = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    with qtbot.waitSignal(window.indexing_done, timeout=INDEX_TIMEOUT):
        window.dropEvent(drop)
    stats = window.ws.catalog.stats(window.ws.catalog.get_collection("default"))
    assert stats.files == 2 and stats.roots == (str(docs),)
    with qtbot.waitSignal(window.folder_removed, timeout=INDEX_TIMEOUT):
        window.indexing.remove_folder("default", str(docs))  # in the collection's lane
    stats = window.ws.catalog.stats(window.ws.catalog.get_collection("default"))
    assert stats.files == 0 and stats.roots == ()
    assert window.ws.assistant.search("default", "maintenance budget", 3).hits == ()


def test_questions_are_answered_while_a_collection_indexes(
    qtbot: QtBot, make_window: WindowFactory, docs: Path, tmp_path: Path
) -> None:
    filler_folder(tmp_path / "big")
    window = make_window()
    add_and_wait(qtbot, window, docs)
    window.indexing.add_folder("archive", tmp_path / "big")
    answer = ask_and_wait(qtbot, window, "Who leads the facilities team?")
    assert window.runner.is_busy("index:archive"), "indexing should still be running"
    assert answer.sources and answer.sources[0].hit.path.endswith("report.pdf")
    qtbot.waitSignal(window.indexing_done, timeout=INDEX_TIMEOUT).wait()


@requires_tesseract
def test_a_scanned_book_shows_which_page_ocr_reads(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    folder = scanned_book(tmp_path / "scans" / "book.pdf", 2).parent
    window = make_window()
    shown: list[str] = []
    show = window.collections.show_progress

    def record(event: Progress, collection: str = "") -> None:
        show(event, collection)
        shown.append(window.collections.status.text())

    window.collections.show_progress = record  # type: ignore[method-assign]
    add_and_wait(qtbot, window, folder)
    assert any("book.pdf: reading scanned page 1 of 2" in text for text in shown)
    assert any("book.pdf: reading scanned page 2 of 2" in text for text in shown)
