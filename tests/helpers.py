"""Small builders of real files for tests."""

from __future__ import annotations

from pathlib import Path

import pymupdf


def make_pdf(path: Path, pages: list[str]) -> Path:
    """A real PDF with one text page per string (wrapped to fit the page)."""
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        page.insert_textbox(pymupdf.Rect(50, 50, 550, 800), text, fontsize=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    doc.close()
    return path


def filler_folder(folder: Path, files: int = 20) -> Path:
    """A folder of `files` four-page PDFs: indexing it takes seconds, long enough to
    act on the window while it runs."""
    for i in range(files):
        make_pdf(folder / f"doc{i}.pdf", [f"Filler document {i}. " * 80] * 4)
    return folder


ENGLISH_PAGES = [
    "Annual maintenance report. The boiler in building C was inspected in March. "
    "The inspection found a cracked valve, which was replaced by the contractor.",
    "Budget. The maintenance budget for the year was 48,000 euros, of which 12,500 "
    "euros were spent on the heating system and the rest on roofing repairs.",
    "Staff. The facilities team has seven technicians. Maria Costa leads the team "
    "and schedules the quarterly safety drills.",
]

PORTUGUESE_PAGES = [
    "Relatório de conciliação bancária. A conciliação bancária do mês de março "
    "identificou uma diferença de 350 reais entre o extrato e o razão contábil.",
    "A diferença foi causada por uma tarifa de manutenção de conta que não havia "
    "sido lançada. O lançamento foi corrigido pela equipe de contabilidade em abril.",
]
