"""An internal PDF viewer that opens a source at its page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget


class PdfViewerDialog(QDialog):
    def __init__(self, path: Path, page: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{path.name} — {self.tr('page {page}').format(page=page or 1)}")
        self.resize(800, 1000)
        self.document = QPdfDocument(self)
        self.document.load(str(path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.go_to(page or 1)

    def go_to(self, page: int) -> None:
        index = min(max(page - 1, 0), max(self.document.pageCount() - 1, 0))
        self.view.pageNavigator().jump(index, QPointF(), 0)

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage() + 1
