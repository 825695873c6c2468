"""PDF cases the manifest does not reach: outline and typographic headings, empty pages,
wrong content."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pymupdf
import pytest

from desktop.core.ingest import read_document
from desktop.core.ingest.chunking import chunk_document
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
    assert document.unread == ""  # a blank page is not a page left out


def test_a_page_that_does_not_load_is_said(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "torn.pdf", ["first page", "second page"])
    doc = pymupdf.open(path)
    pages = int(doc.xref_get_key(doc.pdf_catalog(), "Pages")[1].split()[0])
    doc.xref_set_key(pages, "Kids", f"[{doc[0].xref} 0 R null]")  # page 2 is gone
    doc.save(tmp_path / "torn2.pdf")

    document = read_document(tmp_path / "torn2.pdf")

    assert [s.page for s in document.sections] == [1]
    assert document.unread == "1 of 2 pages not read: damaged page"


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


def _table_pdf(path: Path, rows: int) -> Path:
    """A ruled table between two paragraphs, its header row in bold."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 60), "Parts bought this year, with their suppliers.", fontsize=10)
    x = [72, 200, 300, 450]
    top, height = 80, 14
    data = [["Part", "Quantity", "Supplier"]] + [
        [f"Valve V-{i:02d}", str(i * 3), "Acme Ltda" if i % 2 else "Brasil Peças"]
        for i in range(1, rows + 1)
    ]
    for r, row in enumerate(data):
        for c, cell in enumerate(row):
            font = "hebo" if r == 0 else "helv"
            page.insert_text((x[c] + 4, top + r * height + 11), cell, fontsize=10, fontname=font)
    for r in range(len(data) + 1):
        page.draw_line((x[0], top + r * height), (x[-1], top + r * height))
    for c in x:
        page.draw_line((c, top), (c, top + len(data) * height))
    bottom = top + len(data) * height + 30
    page.insert_text((72, bottom), "All parts were delivered in April.", fontsize=10)
    doc.save(path)
    doc.close()
    return path


def test_a_pdf_tables_rows_keep_their_cells_apart_and_stay_together(tmp_path: Path) -> None:
    document = read_document(_table_pdf(tmp_path / "parts.pdf", rows=45))
    text = "\n\n".join(s.text for s in document.sections)
    supplier = {1: "Acme Ltda", 0: "Brasil Peças"}
    rows = [f"Valve V-{i:02d} | {i * 3} | {supplier[i % 2]}" for i in range(1, 46)]
    table = "\n".join(["Part | Quantity | Supplier", *rows])
    assert table in text  # cells apart, one row a line, no blank line inside the table
    assert [s.heading for s in document.sections] == [""]  # the bold header is no heading
    # and the chunker cuts it between rows, the header opening every piece
    pieces = [c.text for c in chunk_document(document) if "Valve" in c.text]
    assert len(pieces) > 1
    assert all(p.split("\n")[0] == "Part | Quantity | Supplier" for p in pieces[1:])
    found = [line for p in pieces for line in p.split("\n") if line.startswith("Valve")]
    assert found == rows


def test_justified_text_and_word_gaps_are_not_cells(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    # two pieces of one row a few points apart: a wide word space, not a column
    page.insert_text((72, 72), "The boiler in building C", fontsize=10)
    page.insert_text((72 + pymupdf.get_text_length("The boiler in building C ", fontsize=10) + 4,
                      72), "was inspected in March.", fontsize=10)  # fmt: skip
    path = tmp_path / "justified.pdf"
    doc.save(path)
    doc.close()
    text = read_document(path).sections[0].text
    assert "|" not in text and "building C" in text and "was inspected" in text


def test_reading_pdfs_loads_neither_pymupdfs_layout_model_nor_onnx_runtime(tmp_path: Path) -> None:
    """A fresh process that reads a PDF through Arquivo does not load PyMuPDF's layout
    model nor pymupdf4llm's ONNX Runtime (pymupdf 2.0 imports both), as in the package."""
    import subprocess
    import sys

    pdf = tmp_path / "report.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "The budget was 1.8 million euros.")
    doc.save(pdf)
    probe = (
        "import sys; from pathlib import Path\n"
        "from desktop.core.ingest import read_document\n"
        f"text = ' '.join(s.text for s in read_document(Path({str(pdf)!r})).sections)\n"
        "import pymupdf\n"
        "print(pymupdf._get_layout is None, 'onnxruntime' in sys.modules, text)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:2] == ["True", "False"]
    assert "1.8 million" in done.stdout
