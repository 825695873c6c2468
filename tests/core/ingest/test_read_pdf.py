"""PDF cases the manifest does not reach: outline headings, empty pages, wrong content."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pymupdf
import pytest

from desktop.core.ingest import read_document
from desktop.errors import UnreadableFileError


def _pdf(path: Path, pages: list[str], toc: list[list[object]] | None = None) -> Path:
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        if text:
            page.insert_text((72, 72), text)
    if toc:
        doc.set_toc(toc)
    doc.save(path)
    doc.close()
    return path


def test_outline_gives_each_page_its_heading(tmp_path: Path) -> None:
    path = _pdf(
        tmp_path / "manual.pdf",
        ["Cover text", "Intro text", "More intro", "Setup text", "Setup details"],
        toc=[[1, "Introduction", 2], [1, "Installation", 4], [2, "Requirements", 4]],
    )

    document = read_document(path)

    assert [(s.page, s.heading) for s in document.sections] == [
        (1, ""),
        (2, "Introduction"),
        (3, "Introduction"),
        (4, "Requirements"),
        (5, "Requirements"),
    ]
    assert document.sections[3].text == "Setup text"


def test_outline_entries_out_of_order_or_out_of_range(tmp_path: Path) -> None:
    doc = pymupdf.open()
    for text in ("one", "two", "three"):
        doc.new_page().insert_text((72, 72), text)
    doc.set_toc([[1, "Second part", 3], [1, "First part", 1]])
    path = tmp_path / "odd.pdf"
    doc.save(path)

    headings = [s.heading for s in read_document(path).sections]

    assert headings == ["First part", "First part", "Second part"]


def test_pages_without_text_are_left_out(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "gaps.pdf", ["first page", "", "third page"])

    document = read_document(path)

    assert [(s.page, s.text) for s in document.sections] == [(1, "first page"), (3, "third page")]


def test_blank_pdf_has_no_text(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "blank.pdf", ["", ""])

    with pytest.raises(UnreadableFileError) as caught:
        read_document(path)

    assert caught.value.reason == "no text found"


def test_zip_named_pdf_is_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "download.pdf"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "hello")

    with pytest.raises(UnreadableFileError) as caught:
        read_document(path)

    assert caught.value.reason == "not a PDF (file content is ZIP archive)"


def test_random_bytes_named_pdf_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "noise.pdf"
    path.write_bytes(bytes(range(256)) * 8)

    with pytest.raises(UnreadableFileError) as caught:
        read_document(path)

    assert caught.value.reason == "damaged PDF"
