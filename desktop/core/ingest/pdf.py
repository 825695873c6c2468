"""Read PDFs with PyMuPDF: one Section per page, headed by the outline entry it falls under.

The work is shared out by job: `mupdf` opens the file (the EPUB reader uses it
too), `pdf_layout` extracts each page's text, `pdf_tables` finds its tables,
`pdf_headings` its headings and sections, and `pdf_scans` reads scanned pages with
OCR. This module checks that the file is a PDF that can be read and puts the
document together.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pymupdf

from desktop.core.ingest.mupdf import PAGE_ERRORS, log_mupdf_warnings, open_mupdf, readable_pages
from desktop.core.ingest.normalize import normalize_text
from desktop.core.ingest.ocr import OcrOptions, PageProgress
from desktop.core.ingest.pdf_headings import headed_sections, page_headings
from desktop.core.ingest.pdf_layout import clean_page_text, page_parts
from desktop.core.ingest.pdf_scans import DAMAGED_PAGE, has_images, read_scanned_pages, unread_note
from desktop.core.ingest.sniff import PDF, find_pdf_header, read_head, sniff
from desktop.core.types import CancelToken, Document
from desktop.errors import UnreadableFileError

logger = logging.getLogger(__name__)


def read_pdf(
    path: Path,
    ocr: OcrOptions | None = None,
    cancel: CancelToken | None = None,
    on_page: PageProgress | None = None,
) -> Document:
    """Read a PDF: one Section per page that has text, page numbers 1-based.

    Scanned pages are read with OCR when `ocr` is enabled and Tesseract is
    installed; otherwise they are left out, and a PDF that is nothing but scans
    is skipped with the reason (OCR off, or what to install).
    """
    head = _pdf_head(path)
    doc = open_mupdf(path, "pdf", damaged="damaged PDF")
    try:
        page_count = _checked_page_count(path, head, doc)
        outline = page_headings(doc, page_count)
        parts = dict(readable_pages(doc, path, page_count, page_parts))
        if not parts:
            raise UnreadableFileError(path, "damaged PDF")
        extracted = {i: clean_page_text("\n\n".join(t for _h, t in p)) for i, p in parts.items()}
        pages, unread = read_scanned_pages(
            doc, path, list(extracted.items()), ocr, cancel, on_page
        )
        for index, text in pages:
            if text != extracted[index]:
                parts[index] = [("", text)]  # read with OCR: no typography to go by
        sections = tuple(headed_sections(parts, outline))
        if not sections:
            if unread:
                raise UnreadableFileError(path, next(iter(unread)))
            if has_images(doc, page_count):
                raise UnreadableFileError(path, "no text found (OCR read nothing)")
            raise UnreadableFileError(path, "no text found")
        title = _metadata_title(doc)
    finally:
        log_mupdf_warnings(path)
        doc.close()
    logger.debug("%s: %d of %d pages with text", path, len(sections), page_count)
    note = unread_note(page_count, {DAMAGED_PAGE: page_count - len(parts), **unread})
    return Document(path=path, sections=sections, title=title, unread=note)


def _pdf_head(path: Path) -> bytes:
    """The file's first bytes, unless they show another format than PDF."""
    head = read_head(path)
    if find_pdf_header(head) < 0:
        kind = sniff(head)
        if kind is not None and kind is not PDF:
            raise _not_a_pdf(path, head, None)
    return head


def _checked_page_count(path: Path, head: bytes, doc: pymupdf.Document) -> int:
    """The number of pages of an opened PDF, or why it cannot be read."""
    if not doc.is_pdf:
        # PyMuPDF sniffs content and opens HTML named .pdf as HTML, filetype or not.
        raise _not_a_pdf(path, head, doc)
    if doc.needs_pass:
        raise UnreadableFileError(path, "password-protected PDF")
    try:
        page_count: int = doc.page_count
    except PAGE_ERRORS as e:
        raise UnreadableFileError(path, "damaged PDF") from e
    if page_count == 0:
        raise UnreadableFileError(path, "PDF has no pages")
    return page_count


def _not_a_pdf(path: Path, head: bytes, doc: pymupdf.Document | None) -> UnreadableFileError:
    kind = sniff(head)
    if kind is None and doc is not None:
        what = str(doc.metadata.get("format") or "") if doc.metadata else ""
        label = "HTML" if what.upper().startswith("HTML") else (what or "not PDF")
    else:
        label = kind.label if kind is not None else "not PDF"
    return UnreadableFileError(path, f"not a PDF (file content is {label})")


def _metadata_title(doc: pymupdf.Document) -> str:
    """The document's own title, unless it is a generator's placeholder."""
    title = " ".join(normalize_text(str((doc.metadata or {}).get("title") or "")).split())
    return "" if title.lower() in {"untitled", "untitled document"} else title
