"""Read EPUB books with PyMuPDF: one Section per laid-out page, headed by its chapter.

PyMuPDF reports a broken or DRM-locked chapter as page TEXT ("ERROR: cannot find
chapter ..."), not as an exception, and gives one vague FileDataError for every
packaging problem. The ZIP and the OPF are therefore checked here first, so the
user learns which of the two is broken, and error pages are filtered out.
"""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

from desktop.core.ingest.mupdf import PAGE_ERRORS, log_mupdf_warnings, open_mupdf
from desktop.core.ingest.normalize import normalize_text
from desktop.core.ingest.pdf_headings import page_headings
from desktop.core.ingest.pdf_layout import page_texts
from desktop.core.types import Document, Section
from desktop.errors import UnreadableFileError

logger = logging.getLogger(__name__)

CONTAINER = "META-INF/container.xml"
ENCRYPTION = "META-INF/encryption.xml"
_ERROR_PAGE = "ERROR: cannot find chapter"
_FULL_PATH = re.compile(rb"""full-path\s*=\s*["']([^"']+)["']""")


def _check_package(path: Path) -> bool:
    """Check the ZIP and the OPF it points to; return True when the book declares encryption."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            container = zf.read(CONTAINER) if CONTAINER in names else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as e:
        raise UnreadableFileError(path, "damaged EPUB (not a readable ZIP)") from e
    except (KeyError, RuntimeError, NotImplementedError) as e:
        # A damaged or encrypted container.xml entry.
        raise UnreadableFileError(path, "damaged EPUB (not a readable ZIP)") from e
    if container is not None:
        declared = [m.decode("utf-8", "replace") for m in _FULL_PATH.findall(container)]
        found = any(p in names or unquote(p) in names for p in declared)
    else:
        found = any(name.lower().endswith(".opf") for name in names)
    if not found:
        raise UnreadableFileError(path, "EPUB package (OPF) missing")
    return ENCRYPTION in names


def read_epub(path: Path) -> Document:
    """Read an EPUB: page numbers are PyMuPDF's laid-out pages, 1-based.

    Short chapters come out as one page each, so a page number names a chapter
    in small books; the heading names the chapter in all of them.
    """
    encrypted = _check_package(path)
    doc = open_mupdf(path, "epub", damaged="damaged EPUB")
    try:
        try:
            page_count = doc.page_count
        except PAGE_ERRORS as e:
            raise UnreadableFileError(path, "damaged EPUB") from e
        headings = page_headings(doc, page_count)
        sections: list[Section] = []
        error_pages = 0
        for index, text in page_texts(doc, path, page_count):
            if text.lstrip().startswith(_ERROR_PAGE):
                error_pages += 1
                continue
            if text:
                sections.append(Section(text=text, page=index + 1, heading=headings[index]))
        metadata = doc.metadata or {}
        title = " ".join(normalize_text(str(metadata.get("title") or "")).split())
    finally:
        log_mupdf_warnings(path)
        doc.close()
    if error_pages:
        logger.warning("%s: %d unreadable chapter pages dropped", path, error_pages)
    if not sections:
        if error_pages and encrypted:
            raise UnreadableFileError(path, "DRM-protected EPUB")
        if error_pages:
            raise UnreadableFileError(path, "damaged EPUB (no chapter can be read)")
        raise UnreadableFileError(path, "no text found")
    return Document(path=path, sections=tuple(sections), title=title)
