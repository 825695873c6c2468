"""PDF cases the manifest does not reach: outline and typographic headings, empty pages,
wrong content."""

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


BODY = (
    "The boiler in building C was inspected in March and a cracked valve was replaced. "
    "The contractor will return in the autumn to check the pressure again."
)


def _typeset(path: Path, pages: list[list[tuple[str, str, float]]]) -> Path:
    """Pages of (font, text, size) blocks, top to bottom: body in Helvetica 10."""
    doc = pymupdf.open()
    for blocks in pages:
        page = doc.new_page()
        y = 72.0
        for font, text, size in blocks:
            box = pymupdf.Rect(72, y, 520, y + 200)
            page.insert_textbox(box, text, fontname=font, fontsize=size)
            y += 24 + size * 1.4 * (1 + len(text) // 80)
    doc.save(path)
    doc.close()
    return path


def test_headings_are_read_from_the_typography_of_a_pdf_without_outline(tmp_path: Path) -> None:
    path = _typeset(
        tmp_path / "report.pdf",
        [
            [
                ("helv", "Annual maintenance report", 20),  # a title, then a subtitle
                ("helv", "Facilities team, 2024", 14),
                ("hebo", "Boilers", 10),  # a bold line the size of the body
                ("helv", BODY, 10),
                ("helv", "Budget and costs", 14),
                ("helv", BODY.replace("boiler", "roof"), 10),
                ("hebo", "Staff", 10),  # at the foot of the page: its text is overleaf
            ],
            [("helv", "Maria Costa leads the seven technicians of the team.", 10)],
        ],
    )

    sections = read_document(path).sections

    assert [(s.page, s.heading) for s in sections] == [
        (1, "Boilers"),
        (1, "Budget and costs"),
        (2, "Staff"),  # the page its text is on
    ]
    # headings with no text of their own open the next section instead of a chunk
    assert sections[0].text.startswith("Annual maintenance report\n\nFacilities team, 2024")
    assert sections[1].text.startswith("Budget and costs\n\nThe roof in building C")
    assert sections[2].text == "Staff\n\nMaria Costa leads the seven technicians of the team."


def test_typographic_headings_go_under_the_outline_entry(tmp_path: Path) -> None:
    path = _typeset(
        tmp_path / "manual.pdf",
        [[("helv", BODY, 10)], [("helv", "Valves", 14), ("helv", BODY, 10)]],
    )
    with pymupdf.open(path) as doc:
        doc.set_toc([[1, "Maintenance", 1]])
        doc.saveIncr()
    assert [s.heading for s in read_document(path).sections] == [
        "Maintenance",
        "Maintenance > Valves",
    ]


def test_a_page_set_all_large_or_bold_has_no_headings(tmp_path: Path) -> None:
    slide = [("hebo", "Quarterly results", 24), ("hebo", "Revenue up", 24)]
    path = _typeset(tmp_path / "slides.pdf", [slide])
    assert [s.heading for s in read_document(path).sections] == [""]


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
