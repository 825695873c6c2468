"""While an answer streams, the transcript renders only the answer again, and shows
exactly what rendering the whole conversation would show."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser
from pytestqt.qtbot import QtBot

from desktop.services.chats import ChatMessage, ChatSource
from desktop.ui.views.chat import _TRANSCRIPT_MARKDOWN, ChatView
from tests.ui.test_chat_view_safety import HOSTILE

HISTORY = [
    ChatMessage("user", "<img src=x> What is *it*?\n\n- one\n- two"),
    ChatMessage(
        "assistant",
        "It is this [1].\n\n1. first\n2. second\n\n> a quote\n\n    indented code",
        (ChatSource(1, "/docs/a_b*.pdf", 2, "It is this.", support=(0, 11)),),
    ),
    ChatMessage("user", "And `the rest`?"),
]
PIECES = [
    "The budget", " is **48,000", "** euros [1", "]. ", HOSTILE[:60], HOSTILE[60:], "\n\n- a",
    "\n- b [2]\n\n---\n\nafter a rule", "\n```\ncode without an end",
]  # fmt: skip


def whole(view: ChatView) -> str:
    """The transcript as one rendering of the whole conversation shows it."""
    browser = QTextBrowser()
    browser.document().setMarkdown(view.markdown(), _TRANSCRIPT_MARKDOWN)
    return browser.toHtml()


def stream(qtbot: QtBot, view: ChatView) -> list[bool]:
    """Stream an answer into `view`, checking it after each render; whether each
    render was of the answer alone."""
    alone = []
    view.start_answer("What was the budget?")
    view.show_step("Reading <b>notes_*1*</b>.pdf: part 1 of 2…")
    assert view.transcript.toHtml() == whole(view)
    for piece in PIECES:
        view.append_delta(piece)
        qtbot.waitUntil(lambda: not view._render_timer.isActive())
        assert view.transcript.toHtml() == whole(view), piece
        alone.append(view._live_start is not None)
    view.finish_answer(ChatMessage("assistant", "".join(PIECES)))
    assert view.transcript.toHtml() == whole(view)
    assert view._live_start is None
    return alone


def test_a_streamed_answer_looks_as_the_whole_transcript_would(qtbot: QtBot) -> None:
    view = ChatView()
    qtbot.addWidget(view)
    view.show_messages(HISTORY)
    assert all(stream(qtbot, view))  # the messages above were rendered once

    view.show_messages([])  # the first question of a chat
    assert all(stream(qtbot, view))


def test_a_message_that_leaves_a_code_block_open_renders_the_whole(qtbot: QtBot) -> None:
    """Its open block would take in the answer below it: no rendering apart."""
    view = ChatView()
    qtbot.addWidget(view)
    view.show_messages([*HISTORY, ChatMessage("assistant", "Code:\n```\nnever closed")])
    assert not any(stream(qtbot, view))


def test_an_answer_resumed_in_a_reopened_chat_renders_alone(qtbot: QtBot) -> None:
    view = ChatView()
    qtbot.addWidget(view)
    view.show_messages(HISTORY)
    view.resume_answer("So far [1]")
    assert view._live_start is not None and view.transcript.toHtml() == whole(view)
    view.append_delta(", and more.")
    qtbot.waitUntil(lambda: not view._render_timer.isActive())
    assert view.transcript.toHtml() == whole(view)
    assert "So far [1], and more." in view.transcript.toPlainText()


RICH = (
    "# A heading [1]\n\nText with *emphasis* and a hard  \nbreak.\n\n> quoted\n> more\n\n"
    "1) first\n2) second\n   - nested [2]\n\n***\n\n    indented\n\n```python\nx = 1\n```\n\n"
    "Setext heading\n---\n\n- last item\n"
)


def test_every_cut_of_a_rich_answer_looks_as_the_whole_transcript_would(qtbot: QtBot) -> None:
    view = ChatView()
    qtbot.addWidget(view)
    view.show_messages(HISTORY)
    view.start_answer("Show me everything.")
    for start in range(0, len(RICH), 5):
        view.append_delta(RICH[start : start + 5])
        view._render()  # as the timer would
        assert view._live_start is not None
        assert view.transcript.toHtml() == whole(view), RICH[: start + 5]
