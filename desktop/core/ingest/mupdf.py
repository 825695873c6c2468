"""The MuPDF engine (PyMuPDF) as the PDF and EPUB readers use it.

Opening a file, keeping MuPDF's warnings off the console, the text flags both readers
extract with, and the errors that lose one page rather than the whole document.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pymupdf

from desktop.errors import UnreadableFileError

logger = logging.getLogger(__name__)

# Without TEXT_PRESERVE_LIGATURES MuPDF expands ﬁ/ﬂ itself; images are not extracted
# (that would cost time and memory); text outside the MediaBox is clipped as in a viewer.
TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP

# Page loading raises FzErrorFormat (not a RuntimeError) for a page-tree cycle, plain
# RuntimeError or ValueError elsewhere: all of them lose one page, not the document.
PAGE_ERRORS: tuple[type[BaseException], ...] = (
    RuntimeError,
    ValueError,
    IndexError,
    pymupdf.mupdf.FzErrorBase,
)

T = TypeVar("T")


def quiet_mupdf() -> None:
    """Keep MuPDF's warnings off the user's console; they are logged per file instead.

    Called on first use rather than at import: core does no work at import time.
    """
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)


def log_mupdf_warnings(path: Path) -> None:
    """Move MuPDF's buffered warnings for the file just read into the debug log."""
    warnings = pymupdf.TOOLS.mupdf_warnings(reset=True)
    if warnings:
        logger.debug("MuPDF warnings for %s: %s", path, warnings.replace("\n", " / "))


def open_mupdf(path: Path, filetype: str, damaged: str) -> pymupdf.Document:
    """Open `path` with PyMuPDF, turning its open errors into `damaged`."""
    quiet_mupdf()
    pymupdf.TOOLS.reset_mupdf_warnings()
    try:
        return pymupdf.open(path, filetype=filetype)
    except pymupdf.EmptyFileError as e:
        raise UnreadableFileError(path, "empty file") from e
    except pymupdf.FileDataError as e:
        log_mupdf_warnings(path)
        raise UnreadableFileError(path, damaged) from e


def readable_pages(
    doc: pymupdf.Document, path: Path, page_count: int, read: Callable[[pymupdf.Page], T]
) -> Iterator[tuple[int, T]]:
    """(page index, `read(page)`) for each page that loads; a broken page is skipped alone."""
    for index in range(page_count):
        try:
            result = read(doc.load_page(index))
        except PAGE_ERRORS as e:
            logger.warning("%s: page %d is unreadable (%s), skipped", path, index + 1, e)
            continue
        yield index, result
