"""Scanned PDF pages: read with Tesseract when it is installed, skipped with a reason when not.

The scans are made here: a page with real text is rendered to an image, and
the image alone becomes a page of a new PDF, with no text layer at all. The
tests that read one need Tesseract with English and Portuguese data and are
skipped, saying so, where it is missing; the tests of the missing-Tesseract
path hide the real installation (PATH, TESSDATA_PREFIX) and run everywhere.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pymupdf
import pytest

from desktop.core.ingest import read_document
from desktop.core.ingest.ocr import NO_TESSERACT, OCR_OFF, OcrOptions, find_tessdata
from desktop.core.ingest.pdf import read_pdf
from desktop.core.types import CancelToken, FileSkipped
from desktop.errors import Cancelled, UnreadableFileError
from desktop.services.workspace import Workspace

_INSTALLED = find_tessdata()
requires_tesseract = pytest.mark.skipif(
    _INSTALLED is None or not {"eng", "por"} <= _INSTALLED.languages,
    reason="Tesseract with English and Portuguese data is not installed "
    "(Debian: apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-por)",
)


def scanned_page(out: pymupdf.Document, lines: list[str], dpi: int = 200) -> None:
    """Append to `out` a page that is only a picture of `lines`, as a scanner makes."""
    source = pymupdf.open()
    page = source.new_page()
    y = 100.0
    for line in lines:
        page.insert_text((72, y), line, fontsize=16, fontname="helv")
        y += 28
    picture = page.get_pixmap(dpi=dpi)
    scan = out.new_page(width=page.rect.width, height=page.rect.height)
    scan.insert_image(scan.rect, pixmap=picture)
    source.close()


def scanned_book(path: Path, pages: int) -> Path:
    """Write a PDF of `pages` scanned pages (English lines, no text layer) to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = pymupdf.open()
    for _ in range(pages):
        scanned_page(doc, ENGLISH)
    doc.save(path)
    doc.close()
    return path


def text_page(out: pymupdf.Document, line: str) -> None:
    out.new_page().insert_text((72, 100), line, fontsize=12, fontname="helv")


ENGLISH = ["The harbour master logged ship 4471", "arriving at dawn with copper ore."]
PORTUGUESE = ["A conciliação bancária é obrigatória", "até o fim do mês de março."]


@pytest.fixture
def mixed_pdf(tmp_path: Path) -> Path:
    """Page 1 has a text layer, page 2 is a scan, page 3 is blank."""
    path = tmp_path / "mixed.pdf"
    doc = pymupdf.open()
    text_page(doc, "Typed cover page about the harbour.")
    scanned_page(doc, ENGLISH)
    doc.new_page()
    doc.save(path)
    doc.close()
    return path


@pytest.fixture
def scan_only_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "scan.pdf"
    doc = pymupdf.open()
    scanned_page(doc, ENGLISH)
    doc.save(path)
    doc.close()
    return path


def test_a_made_scan_has_no_text_layer(scan_only_pdf: Path) -> None:
    with pymupdf.open(scan_only_pdf) as doc:
        assert doc[0].get_text().strip() == ""
        assert doc[0].get_images()


def words(text: str) -> str:
    return " ".join(text.split())


@requires_tesseract
def test_scanned_page_is_read_with_ocr_and_keeps_its_page_number(mixed_pdf: Path) -> None:
    document = read_document(mixed_pdf, ocr=OcrOptions("eng"))
    assert [s.page for s in document.sections] == [1, 2]
    assert "Typed cover page" in document.sections[0].text
    scanned = words(document.sections[1].text)
    assert "harbour master logged ship 4471" in scanned
    assert "copper ore" in scanned


@requires_tesseract
def test_portuguese_scan_keeps_its_accents(tmp_path: Path) -> None:
    path = tmp_path / "extrato.pdf"
    doc = pymupdf.open()
    scanned_page(doc, PORTUGUESE, dpi=300)
    doc.save(path)
    document = read_pdf(path, OcrOptions("por"))
    text = words(document.sections[0].text)
    assert "conciliação bancária é obrigatória" in text
    assert "mês de março" in text


def test_ocr_off_skips_a_scan_only_pdf_as_before(scan_only_pdf: Path) -> None:
    for ocr in (None, OcrOptions("")):
        with pytest.raises(UnreadableFileError) as caught:
            read_document(scan_only_pdf, ocr=ocr)
        assert caught.value.reason == OCR_OFF


def test_scanned_pages_left_out_are_said(mixed_pdf: Path) -> None:
    """A typed cover lets the file be indexed: its scans must not vanish unsaid."""
    document = read_document(mixed_pdf, ocr=OcrOptions(""))
    assert [s.page for s in document.sections] == [1]
    assert document.unread == f"1 of 3 pages not read: {OCR_OFF}"  # the blank page is not


def test_without_tesseract_on_the_path_the_scan_is_skipped_with_what_to_install(
    scan_only_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    monkeypatch.setenv("PATH", str(empty))
    assert find_tessdata() is None
    with pytest.raises(UnreadableFileError) as caught:
        read_document(scan_only_pdf, ocr=OcrOptions("por+eng"))
    assert caught.value.reason == NO_TESSERACT
    assert "install Tesseract" in caught.value.reason


def test_tessdata_without_languages_counts_as_no_tesseract(
    mixed_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text pages still index; the scanned page is left out, the file is not skipped."""
    empty = tmp_path / "tessdata"
    empty.mkdir()
    monkeypatch.setenv("TESSDATA_PREFIX", str(empty))
    document = read_document(mixed_pdf, ocr=OcrOptions("eng"))
    assert [s.page for s in document.sections] == [1]
    assert document.unread == f"1 of 3 pages not read: {NO_TESSERACT}"


@requires_tesseract
def test_a_missing_language_names_its_package(
    scan_only_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _INSTALLED is not None
    only_english = tmp_path / "tessdata"
    only_english.mkdir()
    (only_english / "eng.traineddata").symlink_to(_INSTALLED.folder / "eng.traineddata")
    monkeypatch.setenv("TESSDATA_PREFIX", str(only_english))
    with pytest.raises(UnreadableFileError) as caught:
        read_document(scan_only_pdf, ocr=OcrOptions("por"))
    assert "tesseract-ocr-por" in caught.value.reason
    # With English among the languages asked for, the page is read with it.
    document = read_document(scan_only_pdf, ocr=OcrOptions("por+eng"))
    assert "copper ore" in words(document.sections[0].text)


def test_text_pdfs_never_run_ocr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF with a text layer does not even look for Tesseract (a per-file cost)."""
    path = tmp_path / "typed.pdf"
    doc = pymupdf.open()
    text_page(doc, "Nothing scanned here.")
    doc.save(path)
    calls: list[object] = []
    monkeypatch.setattr("desktop.core.ingest.pdf_scans.ocr_engine", calls.append)
    document = read_document(path, ocr=OcrOptions("eng"))
    assert document.sections[0].text == "Nothing scanned here."
    assert calls == []


class CancelAtOcrPage(CancelToken):
    """A token 'cancelled' by the user just before the OCR of scanned page `page`:
    the moment a person presses Cancel cannot be timed from a test, so the token
    cancels itself at that page's check (the checks made by `read_scanned_pages`)."""

    def __init__(self, page: int) -> None:
        super().__init__()
        self.page = page
        self.ocr_checks = 0

    def raise_if_cancelled(self) -> None:
        if sys._getframe(1).f_code.co_name == "read_scanned_pages":
            self.ocr_checks += 1
            if self.ocr_checks >= self.page:
                self.cancel()
        super().raise_if_cancelled()


@requires_tesseract
def test_cancelling_stops_ocr_between_pages(tmp_path: Path) -> None:
    path = scanned_book(tmp_path / "book.pdf", 3)
    token = CancelAtOcrPage(2)  # the first page is read, then Cancel is pressed
    with pytest.raises(Cancelled):
        read_document(path, ocr=OcrOptions("eng"), cancel=token)
    assert token.ocr_checks == 2  # page 3 was never sent to Tesseract


@requires_tesseract
def test_a_run_cancelled_during_ocr_stops_without_skipping_the_file(
    tmp_path: Path, workspace: Workspace
) -> None:
    folder = scanned_book(tmp_path / "scans" / "book.pdf", 2).parent
    events: list[object] = []
    token = CancelAtOcrPage(1)
    with pytest.raises(Cancelled):
        for event in workspace.indexer.index([folder], "scans", token):
            events.append(event)
    assert token.ocr_checks == 1
    # the run stops: the file is not reported as unreadable ("unexpected error")
    assert not [e for e in events if isinstance(e, FileSkipped)]
