"""DOCX: body order with tables, nested tables, heading paths, title, and wrong files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from desktop.core.ingest import read_document
from desktop.core.ingest.chunking import chunk_document
from desktop.errors import UnreadableFileError

NASTY = Path(__file__).resolve().parents[2] / "data" / "nasty"


def test_nested_table_and_document_order(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Relatório trimestral", style="Title")
    d.add_heading("Custos", level=1)
    d.add_paragraph("Antes da tabela.")
    outer = d.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "Obra"
    outer.cell(0, 1).text = "Detalhes"
    outer.cell(1, 0).text = "Telhado"
    inner_cell = outer.cell(1, 1)
    inner_cell.text = "Itens:"
    inner = inner_cell.add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "Telhas"
    inner.cell(0, 1).text = "3000"
    inner.cell(1, 0).text = "Calhas"
    inner.cell(1, 1).text = "40 m"
    d.add_heading("Prazos", level=2)
    d.add_paragraph("Depois da tabela.")
    path = tmp_path / "relatorio.docx"
    d.save(str(path))

    document = read_document(path)

    assert document.title == "Relatório trimestral"
    assert [(s.heading, s.text) for s in document.sections] == [
        ("", "Relatório trimestral"),
        (
            "Custos",
            "Custos\nAntes da tabela.\nObra | Detalhes\nTelhado | Itens:\n"
            "Telhas | 3000\nCalhas | 40 m",
        ),
        ("Custos > Prazos", "Prazos\nDepois da tabela."),
    ]


def test_core_title_wins_over_title_style(tmp_path: Path) -> None:
    d = docx.Document()
    d.core_properties.title = "Metadata title"
    d.add_paragraph("Styled title", style="Title")
    d.add_paragraph("Body.")
    path = tmp_path / "titled.docx"
    d.save(str(path))

    assert read_document(path).title == "Metadata title"


def test_merged_cells_appear_once(tmp_path: Path) -> None:
    d = docx.Document()
    table = d.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 2))
    merged.text = "Header across"
    for i, text in enumerate(("a", "b", "c")):
        table.cell(1, i).text = text
    path = tmp_path / "merged.docx"
    d.save(str(path))

    assert read_document(path).sections[0].text == "Header across\na | b | c"


def _reason(path: Path) -> str:
    with pytest.raises(UnreadableFileError) as caught:
        read_document(path)
    return caught.value.reason


def test_zip_that_is_not_a_word_file(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not word")
    assert _reason(path) == "not a Word document (a ZIP archive without Word content)"


def test_excel_file_named_docx(tmp_path: Path) -> None:
    path = tmp_path / "sheet.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert _reason(path) == "not a Word document (a ZIP archive without Word content)"


def test_pdf_named_docx(tmp_path: Path) -> None:
    path = tmp_path / "scan.docx"
    path.write_bytes((NASTY / "pdf/table.pdf").read_bytes())
    assert _reason(path) == "not a DOCX (file content is PDF)"


def test_empty_word_document_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    assert _reason(path) == "no text found"


def test_a_long_word_table_is_chunked_between_rows_under_its_header(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("Inventory", level=1)
    table = d.add_table(rows=61, cols=3)
    for col, name in enumerate(("Part", "Stock", "Shelf")):
        table.cell(0, col).text = name
    for row in range(1, 61):
        for col, value in enumerate((f"Bearing B{row:02d}", str(row * 3), f"Aisle {row % 9}")):
            table.cell(row, col).text = value
    path = tmp_path / "inventory.docx"
    d.save(str(path))
    chunks = chunk_document(read_document(path))
    with_rows = [c for c in chunks if "Bearing" in c.text]
    assert len(with_rows) > 1  # too long for one chunk
    assert all(c.text.startswith("Part | Stock | Shelf\n") for c in with_rows[1:])
    rows = [line for c in with_rows for line in c.text.split("\n") if line.startswith("Bearing")]
    assert rows == [f"Bearing B{r:02d} | {r * 3} | Aisle {r % 9}" for r in range(1, 61)]
