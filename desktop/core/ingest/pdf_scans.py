"""Scanned pages of a PDF: found, read with OCR where it is on, and what was left told.

A scanned page is an image of text with little or no text layer. Only such pages
are read with OCR (it costs seconds a page, text extraction milliseconds), and a
page left unread is counted with its reason, so that a file indexed without some
of its pages does not look complete.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pymupdf

from desktop.core.ingest.mupdf import PAGE_ERRORS, TEXT_FLAGS
from desktop.core.ingest.ocr import OCR_OFF, OcrOptions, OcrUnavailable, PageProgress, ocr_engine
from desktop.core.ingest.pdf_layout import page_text
from desktop.core.types import CancelToken

logger = logging.getLogger(__name__)

# A page with this little text and an image is a scan (a scanner's stamp or page
# number is all the text it has); the OCR text replaces what little there was.
_SCAN_MAX_CHARS = 20

# Why a page was left out of a PDF that was otherwise read.
DAMAGED_PAGE = "damaged page"
OCR_FAILED = "OCR failed"


def has_images(doc: pymupdf.Document, page_count: int) -> bool:
    """Whether any page that loads holds an image."""
    for index in range(page_count):
        try:
            if doc.load_page(index).get_images():
                return True
        except PAGE_ERRORS:
            continue
    return False


def _is_scan(doc: pymupdf.Document, index: int, text: str) -> bool:
    if len(text) > _SCAN_MAX_CHARS:
        return False
    try:
        return bool(doc.load_page(index).get_images())
    except PAGE_ERRORS:
        return False


def read_scanned_pages(
    doc: pymupdf.Document,
    path: Path,
    pages: list[tuple[int, str]],
    ocr: OcrOptions | None,
    cancel: CancelToken | None = None,
    on_page: PageProgress | None = None,
) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """OCR the pages that are images of text; returns the pages and why any were left.

    Only pages without a text layer are read this way, each keeping its own page
    number. The reasons count the scanned pages left unread for each (OCR off,
    Tesseract or its language data missing, OCR failed): none when all were read.
    `on_page(n, total)` is told before the n-th scanned page is read.
    """
    scans = [i for i, (index, text) in enumerate(pages) if _is_scan(doc, index, text)]
    if not scans:
        return pages, {}
    if ocr is None or not ocr.enabled:
        return pages, {OCR_OFF: len(scans)}
    try:
        engine = ocr_engine(ocr)
    except OcrUnavailable as e:
        logger.info("%s: %d scanned pages not read: %s", path, len(scans), e.reason)
        return pages, {e.reason: len(scans)}
    read = list(pages)
    failed = 0
    for n, i in enumerate(scans, 1):
        if cancel is not None:
            cancel.raise_if_cancelled()  # between pages: one takes seconds
        if on_page is not None:
            on_page(n, len(scans))
        index = pages[i][0]
        try:
            page = doc.load_page(index)
            textpage = page.get_textpage_ocr(
                flags=TEXT_FLAGS,
                language=engine.languages,
                dpi=ocr.dpi,
                full=True,
                tessdata=str(engine.tessdata),
            )
            read[i] = (index, page_text(page, textpage))
        except PAGE_ERRORS as e:
            logger.warning("%s: OCR of page %d failed (%s)", path, index + 1, e)
            failed += 1
    logger.debug("%s: %d pages read with OCR (%s)", path, len(scans), engine.languages)
    return read, {OCR_FAILED: failed} if failed else {}


def unread_note(page_count: int, unread: dict[str, int]) -> str:
    """What a person reads of pages left out: "3 of 12 pages not read: <why>".

    A file indexed without some of its pages (a scanned book with a typed cover,
    OCR off) would otherwise look complete, and its scans would never be found.
    """
    counts = {reason: n for reason, n in unread.items() if n}
    if not counts:
        return ""
    if len(counts) == 1:
        why = next(iter(counts))
    else:
        why = "; ".join(f"{n} {reason}" for reason, n in counts.items())
    return f"{sum(counts.values())} of {page_count} pages not read: {why}"
