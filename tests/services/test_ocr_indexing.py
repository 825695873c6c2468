"""Scanned PDFs through the real indexer and search, with and without Tesseract."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from desktop.core.ingest.ocr import NO_TESSERACT, OCR_OFF
from desktop.core.types import CancelToken, FileIndexed, IndexSummary, Progress
from desktop.errors import Cancelled
from desktop.services.workspace import Workspace
from desktop.settings import Settings
from tests.core.ingest.test_ocr import (
    ENGLISH,
    PORTUGUESE,
    requires_tesseract,
    scanned_book,
    scanned_page,
)


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), "Harbour report, typed cover.", fontname="helv")
    scanned_page(doc, ENGLISH)
    doc.save(folder / "harbour.pdf")
    doc = pymupdf.open()
    scanned_page(doc, PORTUGUESE, dpi=300)
    doc.save(folder / "extrato.pdf")
    return folder


def index(ws: Workspace, folder: Path) -> IndexSummary:
    summary = list(ws.indexer.index([folder], "scans"))[-1]
    assert isinstance(summary, IndexSummary)
    return summary


@requires_tesseract
def test_scanned_pages_are_indexed_and_cited_on_their_page(
    workspace: Workspace, scans: Path
) -> None:
    assert workspace.settings.ocr_languages == "por+eng"  # the default reads both
    summary = index(workspace, scans)
    assert summary.files_indexed == 2 and not summary.files_skipped
    hit = workspace.assistant.search("scans", "which ship did the harbour master log", 3).hits[0]
    assert "4471" in hit.text and hit.page == 2
    hit = workspace.assistant.search("scans", "conciliação bancária obrigatória", 3).hits[0]
    assert hit.path.endswith("extrato.pdf") and "março" in hit.text


@requires_tesseract
def test_a_scanned_book_reports_each_page_and_cancel_stops_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    """OCR takes seconds a page: the run says which page it reads, and Cancel pressed
    while page 2 is read stops it before page 3."""
    folder = scanned_book(tmp_path / "book" / "book.pdf", 3).parent
    token = CancelToken()
    pages: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):
        for event in workspace.indexer.index([folder], "book", token):
            if isinstance(event, Progress) and event.ocr_page is not None:
                assert event.current.endswith("book.pdf")
                pages.append(event.ocr_page)
                if event.ocr_page == (2, 3):
                    token.cancel()  # as the Cancel button does, from another thread
    assert pages == [(1, 3), (2, 3)]


def test_without_tesseract_scans_are_skipped_with_what_to_install(
    workspace: Workspace, scans: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_programs = tmp_path / "bin"
    no_programs.mkdir()
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    monkeypatch.setenv("PATH", str(no_programs))
    summary = index(workspace, scans)
    skipped = {Path(s.path).name: s.reason for s in summary.files_skipped}
    assert skipped == {"extrato.pdf": NO_TESSERACT}
    hits = workspace.assistant.search("scans", "harbour report typed cover", 3).hits
    assert hits and hits[0].page == 1  # the typed page of the mixed file is indexed


def test_ocr_turned_off_in_the_settings(workspace: Workspace, scans: Path) -> None:
    workspace.update_settings(workspace.settings.replace(ocr_languages=""))
    events = list(workspace.indexer.index([scans], "scans"))
    summary = events[-1]
    assert isinstance(summary, IndexSummary)
    assert {Path(s.path).name: s.reason for s in summary.files_skipped} == {
        "extrato.pdf": OCR_OFF
    }
    # the typed cover is indexed, and its scanned page is said to be missing
    (indexed,) = [e for e in events if isinstance(e, FileIndexed)]
    assert Path(indexed.path).name == "harbour.pdf"
    assert indexed.unread == f"1 of 2 pages not read: {OCR_OFF}"


def test_ocr_languages_setting_is_checked() -> None:
    assert Settings(ocr_languages="por+eng+chi_sim").validate()
    with pytest.raises(Exception, match="ocr_languages"):
        Settings(ocr_languages="por, eng").validate()
