"""The sources pane and the transcript show which sources an answer cites and its support."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from desktop.services.chats import ChatMessage, ChatSource
from desktop.ui.views.chat import ChatView
from desktop.ui.views.sources import SourcesView, highlight

TEXT = "The team has seven technicians. The budget was 48,000 euros. It rained."
SPAN = (32, 60)  # "The budget was 48,000 euros."


def test_highlight_marks_the_supporting_sentence_and_the_question_words() -> None:
    assert TEXT[SPAN[0] : SPAN[1]] == "The budget was 48,000 euros."
    html = highlight(TEXT, "What was the budget?", SPAN)
    inside = html.split("<span style='background:#c6efce;color:#000'>")[1].split("</span>")[0]
    assert "48,000 euros." in inside and "technicians" not in inside
    assert "<b style='background:#ffe98a;color:#000'>budget</b>" in inside
    assert highlight(TEXT, "budget", (50, 10)) == highlight(TEXT, "budget")  # a bad span: ignored


def test_sources_are_marked_cited_and_the_supported_one_is_shown_first(qtbot: QtBot) -> None:
    view = SourcesView()
    qtbot.addWidget(view)
    sources = [
        ChatSource(1, "/docs/a.pdf", 2, "Roofing repairs.", cited=False),
        ChatSource(2, "/docs/b.pdf", None, TEXT, cited=True, support=SPAN),
    ]
    view.show_sources(sources, "What was the budget?")
    assert view.list.item(0).text() == "[1] a.pdf, page 2 (not cited)"
    assert view.list.item(1).text() == "[2] b.pdf (cited)"
    assert view.list.currentRow() == 1  # the source holding the supporting sentence
    html = view.detail.toHtml()
    assert "best supports the answer" in html and "#c6efce" in html


def test_an_answer_that_cites_nothing_marks_every_source_not_cited(qtbot: QtBot) -> None:
    view = SourcesView()
    qtbot.addWidget(view)
    view.show_sources(
        [ChatSource(n, f"/docs/{n}.txt", None, "x", cited=False) for n in (1, 2)], "q"
    )
    assert [view.list.item(r).text() for r in range(2)] == [
        "[1] 1.txt (not cited)",
        "[2] 2.txt (not cited)",
    ]
    # while an answer is written nothing is known yet, and nothing is marked
    view.show_sources([ChatSource(1, "/docs/1.txt", None, "x")], "q")
    assert view.list.item(0).text() == "[1] 1.txt"


def test_the_transcript_quotes_the_supporting_sentence_with_a_link(qtbot: QtBot) -> None:
    view = ChatView()
    qtbot.addWidget(view)
    source = ChatSource(2, "/docs/b.pdf", None, TEXT, cited=True, support=SPAN)
    view.show_messages(
        [
            ChatMessage("user", "What was the budget?"),
            ChatMessage("assistant", "48,000 euros [2].", (source,)),
        ]
    )
    markdown = view.markdown()
    assert "> *Supporting sentence* [\\[2\\]](cite:1:2): “The budget was 48,000 euros.”" in markdown
    assert (
        "Supporting sentence [2]: “The budget was 48,000 euros.”" in view.transcript.toPlainText()
    )
    with qtbot.waitSignal(view.citation_clicked) as clicked:
        view._on_anchor(QUrl("cite:1:2"))  # the answer at index 1 of the chat, its [2]
    assert clicked.args == [1, 2]
