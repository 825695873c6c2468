"""The chat pane: the conversation rendered as Markdown, the question box, and controls."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QKeyEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.chats import ChatMessage

_CITATION = re.compile(r"\[(\d+)\]")
_TRANSCRIPT_MARKDOWN = (
    QTextDocument.MarkdownFeature.MarkdownDialectCommonMark
    | QTextDocument.MarkdownFeature.MarkdownNoHTML
)
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]<>#|]")
_SEPARATOR = "\n\n---\n\n"  # a rule between messages
_SLOT = "x"  # where the answer being written goes, while the messages above are rendered


def escape_markdown(text: str) -> str:
    """`text` shown as written, not read as Markdown (file names hold `_` and `*`)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\g<0>", text)


# What would let a stranger's text (a question pasted from a document, a model's answer)
# become something other than text in the transcript: raw HTML and entities (<img>,
# <!-- -->, &...;), links and images ([...](file://...), ![...](...)), and the backslash
# that would undo these escapes. Emphasis, lists and code stay Markdown.
_UNSAFE = re.compile(r"[\\<>\[\]&!]")


def escape_unsafe(text: str) -> str:
    """`text` as Markdown that can show emphasis and lists but not HTML, links or images."""
    return _UNSAFE.sub(r"\\\g<0>", text)


def link_citations(text: str, message: int) -> str:
    """`text` made safe (`escape_unsafe`), with each [n] turned into a link the transcript
    can catch (cite:<message>:<n>): the message's index in the chat says whose sources
    [n] is, as each answer has its own."""
    parts, last = [], 0
    for match in _CITATION.finditer(text):
        parts.append(escape_unsafe(text[last : match.start()]))
        n = match.group(1)
        parts.append(f"[\\[{n}\\]](cite:{message}:{n})")
        last = match.end()
    parts.append(escape_unsafe(text[last:]))
    return "".join(parts)


class MessageEdit(QPlainTextEdit):
    """Enter sends, Shift+Enter makes a new line."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class ChatView(QWidget):
    """Shows one chat and takes the next question."""

    question_submitted = Signal(str)
    stop_requested = Signal()
    regenerate_requested = Signal()
    citation_clicked = Signal(int, int)  # the answer's index in the chat, n
    collections_changed = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.transcript = QTextBrowser()
        self.transcript.setObjectName("transcript")
        self.transcript.setOpenLinks(False)
        self.transcript.anchorClicked.connect(self._on_anchor)
        self.transcript.document().setUndoRedoEnabled(False)  # edited in place while streaming
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("hint")

        self.scope_button = QToolButton()
        self.scope_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.scope_menu = QMenu(self)
        self.scope_button.setMenu(self.scope_menu)

        self.input = MessageEdit()
        self.input.setObjectName("questionInput")
        self.input.setPlaceholderText(self.tr("Ask a question about your documents (Enter sends, Shift+Enter for a new line)"))
        self.input.setFixedHeight(72)
        self.input.submitted.connect(self._on_send)
        self.send_button = QPushButton(self.tr("Send"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.copy_button = QPushButton(self.tr("Copy"))
        self.regenerate_button = QPushButton(self.tr("Regenerate"))
        self.send_button.clicked.connect(self._on_send)
        self.stop_button.clicked.connect(self.stop_requested)
        self.copy_button.clicked.connect(self.copy_last_answer)
        self.regenerate_button.clicked.connect(self.regenerate_requested)

        controls = QHBoxLayout()
        controls.addWidget(self.scope_button)
        controls.addStretch(1)
        controls.addWidget(self.copy_button)
        controls.addWidget(self.regenerate_button)
        controls.addWidget(self.stop_button)
        controls.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.transcript, 1)
        layout.addWidget(self.input)
        layout.addLayout(controls)

        self._messages: list[ChatMessage] = []
        self._streaming: str | None = None
        self._step = ""  # what the answer is waiting for (a long file read part by part)
        self._live_start: int | None = None  # where the answer being written begins, rendered
        self._slot_format = (QTextBlockFormat(), QTextCharFormat())  # that place's, empty
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(60)  # repaint at most ~16 times a second
        self._render_timer.timeout.connect(self._render)
        self.set_busy(False)

    # Scope: which collections the chat searches

    def set_collections(self, names: Sequence[str], selected: Sequence[str]) -> None:
        self.scope_menu.clear()
        for name in names:
            action = QAction(name, self.scope_menu)
            action.setCheckable(True)
            action.setChecked(name in selected)
            action.toggled.connect(self._on_scope_toggled)
            self.scope_menu.addAction(action)
        self._update_scope_label()

    def selected_collections(self) -> list[str]:
        return [a.text() for a in self.scope_menu.actions() if a.isChecked()]

    def _on_scope_toggled(self, _checked: bool) -> None:
        self._update_scope_label()
        self.collections_changed.emit(self.selected_collections())

    def _update_scope_label(self) -> None:
        names = self.selected_collections()
        shown = ", ".join(names) if names else self.tr("no collection")
        self.scope_button.setText(self.tr("Searching: {names}").format(names=shown))

    # The conversation

    def show_messages(self, messages: Sequence[ChatMessage]) -> None:
        self._messages = list(messages)
        self._live_start = None
        self._streaming = None
        self._render()

    def start_answer(self, question: str) -> None:
        self._messages.append(ChatMessage("user", question))
        self._live_start = None
        self._streaming = ""
        self._step = ""
        self._render()

    def show_step(self, text: str) -> None:
        """Say what the answer waits for, in its place, until its first words come
        (a file too long for the model is condensed part by part: minutes on a CPU)."""
        if self._streaming is None:
            return
        self._step = text
        self._render()

    def append_delta(self, text: str) -> None:
        if self._streaming is None:
            return
        self._streaming += text
        if not self._render_timer.isActive():
            self._render_timer.start()

    def finish_answer(self, message: ChatMessage | None) -> None:
        if message is not None:
            self._messages.append(message)
        elif self._streaming:
            self._messages.append(ChatMessage("assistant", self._streaming + " …"))
        self._streaming = None
        self._step = ""
        self._render_timer.stop()
        self._render()

    def resume_answer(self, text: str) -> None:
        """Show the answer being written again, as far as it has come (the chat was
        left and opened again while it ran)."""
        self._streaming = text
        self._live_start = None
        self._render()

    def message_at(self, index: int) -> ChatMessage | None:
        return self._messages[index] if 0 <= index < len(self._messages) else None

    def question_before(self, index: int) -> str:
        questions = [m.text for m in self._messages[:index] if m.role == "user"]
        return questions[-1] if questions else ""

    def last_answer(self) -> str:
        answers = [m.text for m in self._messages if m.role == "assistant"]
        return answers[-1] if answers else ""

    def last_question(self) -> str:
        questions = [m.text for m in self._messages if m.role == "user"]
        return questions[-1] if questions else ""

    def drop_last_answer(self) -> None:
        if self._messages and self._messages[-1].role == "assistant":
            self._messages.pop()
        if self._messages and self._messages[-1].role == "user":
            self._messages.pop()
        self._live_start = None
        self._render()

    def copy_last_answer(self) -> None:
        QGuiApplication.clipboard().setText(self.last_answer())

    def set_busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self.regenerate_button.setEnabled(not busy and bool(self.last_answer()))
        self.copy_button.setEnabled(bool(self.last_answer()))

    def markdown(self) -> str:
        """The conversation as Markdown, with citations as links."""
        parts = self._messages_markdown()
        if self._streaming is not None:
            parts.append(self._live_markdown())
        return _SEPARATOR.join(parts)

    def _messages_markdown(self) -> list[str]:
        you, arquivo = self.tr("You"), self.tr("Arquivo")
        parts = []
        for index, message in enumerate(self._messages):
            if message.role == "user":
                parts.append(f"**{you}:** {escape_unsafe(message.text)}")
            else:
                text = link_citations(message.text, index)
                parts.append(f"**{arquivo}:** " + text + self._support(message, index))
        return parts

    def _live_markdown(self) -> str:
        """The answer being written, or what it waits for."""
        arquivo = self.tr("Arquivo")
        waiting = f"*{escape_markdown(self._step)}*" if self._step else "…"
        streaming = link_citations(self._streaming or "", len(self._messages))
        return f"**{arquivo}:** " + (streaming or waiting)

    def _support(self, message: ChatMessage, index: int) -> str:
        """The answer's supporting sentence as a Markdown quote that links to its source."""
        for source in message.sources:
            sentence = " ".join(source.support_sentence.split())
            if sentence:
                label = self.tr("Supporting sentence")
                quoted = escape_markdown(sentence)
                link = f"[\\[{source.n}\\]](cite:{index}:{source.n})"
                return f"\n\n> *{label}* {link}: “{quoted}”"
        return ""

    def _render(self) -> None:
        """Show the conversation. While an answer is written, only its own part of the
        transcript is rendered again: the messages above it were rendered once."""
        bar = self.transcript.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        if self._streaming is None or not self._render_live():
            # CommonMark without HTML: no raw HTML, and no bare URL turned into a link
            self.transcript.document().setMarkdown(self.markdown(), _TRANSCRIPT_MARKDOWN)
            self._live_start = None
        if at_end:
            bar.setValue(bar.maximum())

    def _render_live(self) -> bool:
        """Render the answer being written in its place; False where it cannot be
        rendered apart from the messages above it."""
        document = self.transcript.document()
        if self._live_start is None:
            self._live_start = self._render_messages_with_slot()
            if self._live_start is None:
                return False
        cursor = QTextCursor(document)
        cursor.setPosition(self._live_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        # the emptied block may keep the format of the answer's last block (a list item)
        cursor.setBlockFormat(self._slot_format[0])
        cursor.setBlockCharFormat(self._slot_format[1])
        cursor.insertMarkdown(self._live_markdown(), _TRANSCRIPT_MARKDOWN)
        return True

    def _render_messages_with_slot(self) -> int | None:
        """Render the finished messages, then a rule and a slot for the answer; the
        slot's position, or None when the answer would not start a block of its own.

        After a rule at the top level, Markdown starts afresh: the answer renders the
        same alone as at the end of the whole transcript. A message that leaves a code
        block open swallows the rule, and the whole transcript is rendered instead.
        """
        document = self.transcript.document()
        messages = self._messages_markdown()
        document.setMarkdown(_SEPARATOR.join([*messages, _SLOT]), _TRANSCRIPT_MARKDOWN)
        slot = document.lastBlock()
        if slot.text() != _SLOT:
            return None
        if messages:
            rule = slot.previous()
            ruled = QTextFormat.Property.BlockTrailingHorizontalRulerWidth
            if not rule.isValid() or not rule.blockFormat().hasProperty(ruled):
                return None
        self._slot_format = (slot.blockFormat(), slot.charFormat())
        return slot.position()

    def _on_send(self) -> None:
        text = self.input.toPlainText().strip()
        if text and self.send_button.isEnabled():
            self.input.clear()
            self.question_submitted.emit(text)

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == "cite":
            message, _, n = url.path().rpartition(":")
            self.citation_clicked.emit(int(message or len(self._messages)), int(n))
