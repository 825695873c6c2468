"""The sources pane: each numbered source with its file, page and highlighted snippet.

Each source is marked cited or not cited by the answer (an answer that cites
nothing marks them all, rather than hiding what the model was given), and the
answer's supporting sentence is highlighted in its source, which is shown first.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.services.chats import ChatSource
from desktop.services.text import content_words, fold_word

_WORD = re.compile(r"\w+", re.UNICODE)


_SUPPORT_STYLE = "background:#c6efce;color:#000"


def _words_html(text: str, wanted: set[str]) -> str:
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        word = match.group(0)
        escaped = html.escape(word)
        out.append(f"<b style='background:#ffe98a;color:#000'>{escaped}</b>" if fold_word(word) in wanted else escaped)
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def highlight(text: str, query: str, support: tuple[int, int] | None = None) -> str:
    """HTML of `text` with the question's words in bold (accents ignored) and the
    supporting sentence (`text[start:end]`) on a green background."""
    wanted = content_words(query)
    if support is None or not 0 <= support[0] < support[1] <= len(text):
        body = _words_html(text, wanted)
    else:
        start, end = support
        body = (
            _words_html(text[:start], wanted)
            + f"<span style='{_SUPPORT_STYLE}'>{_words_html(text[start:end], wanted)}</span>"
            + _words_html(text[end:], wanted)
        )
    return body.replace("\n", "<br>")


class SourcesView(QWidget):
    """Lists the sources of the shown answer; opens one at its page."""

    open_requested = Signal(str, object)  # path, page (int or None)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setObjectName("sourcesList")
        self.list.currentRowChanged.connect(self._on_row)
        self.list.itemDoubleClicked.connect(lambda _item: self.open_current())
        self.detail = QTextBrowser()
        self.detail.setObjectName("sourceDetail")
        self.open_button = QPushButton(self.tr("Open at page"))
        self.open_button.clicked.connect(self.open_current)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>Sources</b>")))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.detail, 2)
        layout.addWidget(self.open_button)
        self._sources: list[ChatSource] = []
        self._query = ""
        self._on_row(-1)

    def show_sources(self, sources: Sequence[ChatSource], query: str) -> None:
        self._sources = list(sources)
        self._query = query
        self.list.clear()
        for source in self._sources:
            page = self.tr(", page {page}").format(page=source.page) if source.page else ""
            mark = ""
            if source.closest:
                mark = self.tr(" (closest: not an answer)")
            elif source.cited is not None:
                mark = self.tr(" (cited)") if source.cited else self.tr(" (not cited)")
            item = QListWidgetItem(f"[{source.n}] {Path(source.path).name}{page}{mark}")
            item.setToolTip("\n".join(source.paths or (source.path,)))
            if source.cited is False:
                item.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
            self.list.addItem(item)
        if self._sources:
            supported = [row for row, s in enumerate(self._sources) if s.support]
            self.list.setCurrentRow(supported[0] if supported else 0)
        else:
            self._on_row(-1)

    def select(self, n: int) -> None:
        """Select source number `n` (a click on [n] in the answer)."""
        for row, source in enumerate(self._sources):
            if source.n == n:
                self.list.setCurrentRow(row)
                return

    def current(self) -> ChatSource | None:
        row = self.list.currentRow()
        return self._sources[row] if 0 <= row < len(self._sources) else None

    def open_current(self) -> None:
        source = self.current()
        if source is not None:
            self.open_requested.emit(source.path, source.page)

    def _on_row(self, row: int) -> None:
        source = self.current()
        self.open_button.setEnabled(source is not None)
        if source is None:
            self.detail.setHtml("")
            return
        page = self.tr("page {page}").format(page=source.page) if source.page else ""
        files = "<br>".join(html.escape(p) for p in (source.paths or (source.path,)))
        note = ""
        if source.support:
            note = "<p><i>{}</i></p>".format(
                html.escape(self.tr("The sentence that best supports the answer is highlighted."))
            )
        self.detail.setHtml(
            f"<p><b>[{source.n}]</b> {files}<br><i>{html.escape(page)}</i></p>{note}"
            f"<p>{highlight(source.text, self._query, source.support)}</p>"
        )
