"""Every row of tests/data/nasty/MANIFEST.tsv: index what must be indexed, skip the rest
with the reason a person should read."""

from __future__ import annotations

import contextlib
import csv
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.core.ingest import read_document
from desktop.core.types import Document
from desktop.errors import UnreadableFileError

NASTY = Path(__file__).resolve().parents[2] / "data" / "nasty"

CANARIES = (
    "SCRIPT_CANARY_7731",
    "CSS_CANARY_2207",
    "JSONLD_CANARY_3003",
    "TEMPLATE_CANARY_6006",
    "NOSCRIPT_CANARY_5150",
    "JS_CANARY_4410",
    "ORCHID-5521",
    "HIDDEN_CANARY_8086",
)

# The reason each "skip" row must give (the manifest's notes, as a person reads them).
SKIP_REASONS = {
    "pdf/encrypted-user-password.pdf": "password-protected PDF",
    "pdf/zero-bytes.pdf": "empty file",
    "pdf/actually-html.pdf": "not a PDF (file content is HTML)",
    "pdf/truncated-mid-file.pdf": "damaged PDF",
    "pdf/scanned-image-only.pdf": "no text layer, needs OCR",
    "text/binary-garbage.txt": "binary file, not text",
    "text/empty.md": "empty file",
    "text/actually-gzip.md": "binary/compressed file, not text",
    "epub/broken-zip.epub": "damaged EPUB (not a readable ZIP)",
    "epub/missing-opf.epub": "EPUB package (OPF) missing",
    "docx/corrupt-zip.docx": "damaged DOCX (not a readable ZIP)",
    "pdf/suites/pdfjs-poppler-85140-0.pdf": "damaged PDF",
    "pdf/suites/pdfjs-GHOSTSCRIPT-698804-1-fuzzed.pdf": "PDF has no pages",
    "pdf/suites/pdfjs-saslprep-r6.pdf": "password-protected PDF",
    "pdf/suites/pypdf-libreoffice-writer-password.pdf": "password-protected PDF",
    "docx/suites/textract-raw_text-really-doc.docx": "old Word .doc format, not DOCX",
}
# Hidden files are the walker's job (tests/core/ingest/test_walker.py).
WALKER_ROWS = {"fs/.secret.txt"}

# Where the note says the phrase must be cited.
EXPECTED_PAGES = {
    "pdf/1500-pages.pdf": 1234,
    "pdf/rotated-pages.pdf": 2,
    "pdf/two-columns.pdf": 1,
    "epub/valid-three-chapters.epub": 2,
}


@dataclass(frozen=True)
class Row:
    file: str
    kind: str
    expected: str
    expect_text: str
    note: str


def _rows() -> list[Row]:
    with open(NASTY / "MANIFEST.tsv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Row(**row) for row in reader]


ROWS = _rows()
INDEX_ROWS = [r for r in ROWS if r.expected == "index"]
SKIP_ROWS = [r for r in ROWS if r.expected == "skip" and r.file not in WALKER_ROWS]


def flat(text: str) -> str:
    """Whitespace-normalised NFKC, as a search would compare it."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def all_text(document: Document) -> str:
    return "\n".join(section.text for section in document.sections)


def test_manifest_is_complete() -> None:
    assert len(ROWS) == 52
    assert {r.expected for r in ROWS} == {"index", "skip"}
    skip_files = {r.file for r in ROWS if r.expected == "skip"}
    assert skip_files == set(SKIP_REASONS) | WALKER_ROWS
    for row in ROWS:
        assert (NASTY / row.file).is_file(), row.file


@pytest.mark.parametrize("row", INDEX_ROWS, ids=lambda r: r.file)
def test_indexed_file_gives_its_text(row: Row) -> None:
    document = read_document(NASTY / row.file)

    assert document.path == NASTY / row.file
    assert document.sections
    phrase = flat(row.expect_text)
    hits = [s for s in document.sections if phrase in flat(s.text)]
    assert hits, f"{phrase!r} not found in {row.file}"
    if row.file in EXPECTED_PAGES:
        assert [s.page for s in hits] == [EXPECTED_PAGES[row.file]]
    text = all_text(document)
    for canary in CANARIES:
        assert canary not in text
    # Every reader hands out normalised text.
    assert "\ufeff" not in text
    assert "\r" not in text
    assert "\x00" not in text
    assert unicodedata.normalize("NFKC", text) == text


@pytest.mark.parametrize("row", SKIP_ROWS, ids=lambda r: r.file)
def test_skipped_file_says_why(row: Row) -> None:
    with pytest.raises(UnreadableFileError) as caught:
        read_document(NASTY / row.file)

    assert caught.value.reason == SKIP_REASONS[row.file]
    assert caught.value.path == NASTY / row.file
    assert "ORCHID-5521" not in str(caught.value)


def test_bom_is_not_at_the_start() -> None:
    document = read_document(NASTY / "text/utf8-bom.txt")
    assert document.sections[0].text.startswith("UTF-8 with BOM.")


def test_utf16_file_is_text() -> None:
    document = read_document(NASTY / "text/utf16le-bom.txt")
    assert document.sections[0].text.startswith("UTF-16 LE with BOM.")
    assert "colheita de café" in all_text(document)


def test_cp1252_quotes_and_euro_decode() -> None:
    text = all_text(read_document(NASTY / "text/cp1252-smart-quotes.txt"))
    assert "“smart quotes”" in text
    assert "‘single’" in text
    assert "en dash –" in text
    assert "€ 50" in text
    assert "ellipsis..." in text  # "…" in NFKC
    assert "O “preço justo” foi acordado." in text


def test_latin1_has_no_replacement_characters() -> None:
    text = all_text(read_document(NASTY / "text/latin1-portugues.txt"))
    assert "\ufffd" not in text
    assert "A exceção confirma a regra: não há solução fácil." in text


def test_bare_cr_is_a_line_break() -> None:
    text = all_text(read_document(NASTY / "text/mixed-line-endings.txt"))
    lines = text.split("\n")
    assert "Line three ends with a lone CR (old Mac)." in lines
    assert "Line four: the turquoise accordion plays." in lines
    assert lines[-1] == "Last line has no newline at all"


def test_front_matter_gives_the_title_and_leaves_the_text() -> None:
    document = read_document(NASTY / "text/front-matter.md")
    text = all_text(document)
    assert document.title == "Notas de reunião"
    assert "title:" not in text
    assert "**" not in text
    assert "#" not in text
    assert "Decidimos que o jardim suspenso será inaugurado em junho." in text
    assert document.sections[0].heading == "Reunião de planejamento"


def test_html_title_and_visible_text_only() -> None:
    document = read_document(NASTY / "html/scripts-and-styles.html")
    assert document.title == "Estufa de orquídeas"
    assert all_text(document) == (
        "Welcome to the orchid greenhouse\nVisitors may water the ferns on Tuesdays."
    )


def test_html_windows_1252_meta_charset() -> None:
    document = read_document(NASTY / "html/windows-1252-meta.html")
    text = all_text(document)
    assert document.title == "Relatório"
    assert "Relatório de manutenção – “bomba d’água” revisada." in text
    assert "Custo: € 120" in text


def test_malformed_html_keeps_text_and_title() -> None:
    document = read_document(NASTY / "html/malformed-unclosed.html")
    assert document.title == "Broken page"
    text = all_text(document)
    assert "First paragraph bold bold italic" in text
    assert "cell one | cell two" in text


def test_pdf_ligatures_are_expanded() -> None:
    text = all_text(read_document(NASTY / "pdf/ligatures.pdf"))
    assert "The final flight of the firefly was officially logged." in text
    assert not any("\ufb00" <= ch <= "\ufb06" for ch in text)


def test_pdf_table_rows_stay_on_one_line() -> None:
    text = all_text(read_document(NASTY / "pdf/table.pdf"))
    assert "Parafuso sextavado M8 1.200 0,35" in text.split("\n")


def test_pdf_columns_are_not_interleaved() -> None:
    document = read_document(NASTY / "pdf/suites/pypdf-multicolumn.pdf")
    first = document.sections[0].text
    # Left column, in order, with its hyphenated words joined again.
    assert "Lorem ipsum dolor sit amet, consectetuer adipiscing elit. Ut purus elit" in first
    left = first.index("Cras viverra metus rhoncus sem.")
    assert first.index("Nulla et lectus vestibulum urna fringilla") > left


def test_pdf_page_tree_cycle_keeps_page_one() -> None:
    document = read_document(NASTY / "pdf/suites/pdfjs-Pages-tree-refs.pdf")
    assert [s.page for s in document.sections] == [1]


def test_pdf_huge_page_keeps_page_one() -> None:
    document = read_document(NASTY / "pdf/page-200k-chars.pdf")
    assert [s.page for s in document.sections] == [1]
    assert document.char_count > 190_000


def test_duplicate_pdfs_read_the_same() -> None:
    a = read_document(NASTY / "pdf/portuguese-accents.pdf")
    b = read_document(NASTY / "pdf/copy of portuguese-accents (1).pdf")
    assert a.sections == b.sections


def test_epub_chapters_are_pages_with_headings() -> None:
    document = read_document(NASTY / "epub/valid-three-chapters.epub")
    assert document.title == "Três capítulos"
    assert [s.page for s in document.sections] == [1, 2, 3]
    assert document.sections[1].heading == "Capítulo 2 — A tempestade"
    assert "cartógrafo de Lisboa" in document.sections[0].text
    assert "canela e cravo" in document.sections[2].text


def test_docx_table_cells_are_indexed_as_rows() -> None:
    document = read_document(NASTY / "docx/valid-headings-table.docx")
    assert document.title == "Plano de obras 2024"
    lines = all_text(document).split("\n")
    assert "Calhas de alumínio | 40 m | R$ 35,00" in lines
    assert "Item | Quantidade | Custo unitário estimado" in lines
    table = next(s for s in document.sections if "Calhas" in s.text)
    assert table.heading == "1. Escopo > 1.1 Orçamento"


def test_big_files_read_fast() -> None:
    start = time.perf_counter()
    document = read_document(NASTY / "pdf/1500-pages.pdf")
    pdf_seconds = time.perf_counter() - start
    start = time.perf_counter()
    text = read_document(NASTY / "text/single-line-5mb.txt")
    text_seconds = time.perf_counter() - start

    assert len(document.sections) == 1500
    assert len(text.sections) == 1
    assert text.char_count > 5_000_000
    # About 0.2 s and 0.4 s on the development machine; generous for slow CI.
    assert pdf_seconds < 3.0
    assert text_seconds < 2.0


def test_reading_every_file_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    """MuPDF's warnings (repairs, broken xref, bad pages) stay out of the console."""
    for row in ROWS:
        if row.file in WALKER_ROWS:
            continue
        with contextlib.suppress(UnreadableFileError):
            read_document(NASTY / row.file)
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""
