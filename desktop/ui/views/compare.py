"""The adapter bar over the chat: which LoRA adapters answer, and the compare toggle.

With "Compare with/without adapter" on, a question is answered twice on the one loaded
model (`services.adapters.compare`), and the two answers stream side by side here; the
chat keeps the answer with the adapter.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.services.adapters import WITH, WITHOUT, AdapterChoice


class CompareView(QWidget):
    """A one-line bar; with the toggle on, two answer panes side by side below it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.adapters_label = QLabel()
        self.adapters_label.setObjectName("adaptersLabel")
        self.toggle = QCheckBox(self.tr("Compare with/without adapter"))
        self.toggle.setObjectName("compareToggle")
        self.toggle.toggled.connect(self._on_toggled)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.adapters_label, 1)
        bar.addWidget(self.toggle)

        self.headings = {WITHOUT: QLabel(), WITH: QLabel()}
        self.panes = {WITHOUT: QTextBrowser(), WITH: QTextBrowser()}
        self._texts = {WITHOUT: "", WITH: ""}
        self.sides = QWidget()
        columns = QHBoxLayout(self.sides)
        columns.setContentsMargins(0, 0, 0, 0)
        for side in (WITHOUT, WITH):
            column = QVBoxLayout()
            column.addWidget(self.headings[side])
            column.addWidget(self.panes[side], 1)
            columns.addLayout(column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.sides, 1)
        self.show_adapters(())
        self._on_toggled(False)

    def comparing(self) -> bool:
        return self.toggle.isChecked()

    def show_adapters(self, choices: Sequence[AdapterChoice], switch_ms: float = 0.0) -> None:
        """Name the adapters in use (and how long the last switch took)."""
        if not choices:
            self.adapters_label.setText(self.tr("Adapter: none"))
            names = self.tr("none")
        else:
            names = ", ".join(c.label for c in choices)
            text = self.tr("Adapter: {names}").format(names=names)
            if switch_ms:
                text += " " + self.tr("(switched in {ms:.2f} ms)").format(ms=switch_ms)
            self.adapters_label.setText(text)
        self.headings[WITHOUT].setText(self.tr("<b>Without adapter</b>"))
        self.headings[WITH].setText(self.tr("<b>With adapter</b> ({names})").format(names=names))

    def start(self, choices: Sequence[AdapterChoice]) -> None:
        self.show_adapters(choices)
        for side in (WITHOUT, WITH):
            self._texts[side] = ""
            self.panes[side].setMarkdown("…")

    def show_step(self, side: str, text: str) -> None:
        """What one side waits for before its first words ("Reading the 6 sources
        found…"); its answer replaces it. The side without the adapter answers first,
        so the other waits a whole answer, then reads its sources again."""
        if not self._texts[side]:
            self.panes[side].setHtml(f"<i>{html.escape(text)}</i>")

    def append(self, side: str, text: str) -> None:
        self._texts[side] += text
        self.panes[side].setMarkdown(self._texts[side])

    def finish(self, side: str, text: str) -> None:
        self._texts[side] = text
        self.panes[side].setMarkdown(text)

    def text(self, side: str) -> str:
        return self._texts[side]

    def _on_toggled(self, on: bool) -> None:
        self.sides.setVisible(on)
