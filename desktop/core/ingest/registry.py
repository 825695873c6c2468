"""Pick a reader by file suffix and turn every way a file can fail into a reason.

Readers raise `UnreadableFileError` with a precise reason for the failures they
know. Anything else a library throws on a hostile file is caught here, once, and
becomes "damaged or unreadable file": a bad file must never stop indexing.
"""

from __future__ import annotations

import importlib
import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path

from desktop.core.ingest.ocr import OcrOptions, PageProgress
from desktop.core.types import CancelToken, Document
from desktop.errors import Cancelled, UnreadableFileError, UnsupportedFileError

logger = logging.getLogger(__name__)

Reader = Callable[[Path], Document]

DEFAULT_MAX_BYTES = 200 * 1024**2


def _lazy(module: str, function: str) -> Reader:
    """A reader imported on first use: PyMuPDF alone costs a large share of the
    process's memory (see docs/measurements.md), which `ask` and `search` (no
    reading) should not pay."""

    def read(path: Path) -> Document:
        reader: Reader = getattr(importlib.import_module(module), function)
        return reader(path)

    read.__name__ = function
    return read


_PDF = _lazy("desktop.core.ingest.pdf", "read_pdf")
_EPUB = _lazy("desktop.core.ingest.epub", "read_epub")
_TEXT = _lazy("desktop.core.ingest.text", "read_plain_text")
_MARKDOWN = _lazy("desktop.core.ingest.text", "read_markdown")
_HTML = _lazy("desktop.core.ingest.html", "read_html")
_DOCX = _lazy("desktop.core.ingest.docx", "read_docx")

READERS: dict[str, Reader] = {
    ".pdf": _PDF,
    ".epub": _EPUB,
    ".txt": _TEXT,
    ".text": _TEXT,
    ".md": _MARKDOWN,
    ".markdown": _MARKDOWN,
    ".html": _HTML,
    ".htm": _HTML,
    ".docx": _DOCX,
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(READERS)


def format_size(n: int) -> str:
    """A byte count for people: "200 MB", "1.5 MB", "10 KB", "100 bytes"."""
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


def _os_reason(e: OSError) -> str:
    if isinstance(e, PermissionError):
        return "cannot read the file (permission denied)"
    if isinstance(e, FileNotFoundError):
        return "file not found"
    return f"cannot read the file ({e.strerror or e})"


def _short(e: BaseException) -> str:
    """A one-line summary of an unexpected error, without the path it may repeat."""
    message = str(e).splitlines()[0] if str(e) else ""
    message = message[:120]
    return f"{type(e).__name__}: {message}" if message else type(e).__name__


def _check_file(path: Path, max_bytes: int) -> None:
    """Refuse what no reader should open: missing, special, empty, too large, unreadable.

    A FIFO or a device must be refused before it is opened: reading one blocks or
    never ends.
    """
    try:
        info = os.stat(path)
    except OSError as e:
        raise UnreadableFileError(path, _os_reason(e)) from e
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFileError(path, "a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFileError(path, "not a regular file")
    if info.st_size == 0:
        raise UnreadableFileError(path, "empty file")
    if info.st_size > max_bytes:
        raise UnreadableFileError(path, f"larger than the {format_size(max_bytes)} limit")
    try:
        with open(path, "rb"):
            pass
    except OSError as e:
        raise UnreadableFileError(path, _os_reason(e)) from e


def read_document(
    path: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ocr: OcrOptions | None = None,
    cancel: CancelToken | None = None,
    on_page: PageProgress | None = None,
) -> Document:
    """Read `path` into a Document, or raise UnreadableFileError saying why not.

    UnsupportedFileError (a subclass) means the suffix has no reader. The returned
    document always has at least one section with text. `ocr` reads scanned PDF
    pages (None: OCR off); only the PDF reader has pages to scan. `cancel` is
    checked between OCR pages (seconds each, so a scanned book would otherwise
    hold a cancelled run for many minutes); `Cancelled` then propagates.
    `on_page` hears of each scanned page before OCR reads it.
    """
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnsupportedFileError(path)
    _check_file(path, max_bytes)
    try:
        if reader is _PDF and ocr is not None:
            from desktop.core.ingest.pdf import read_pdf

            document = read_pdf(path, ocr, cancel, on_page)
        else:
            document = reader(path)
    except (UnreadableFileError, Cancelled):
        raise
    except OSError as e:
        raise UnreadableFileError(path, _os_reason(e)) from e
    except Exception as e:  # the one broad catch: a library failing on a hostile file
        logger.debug("reader failed on %s", path, exc_info=True)
        raise UnreadableFileError(path, f"damaged or unreadable file ({_short(e)})") from e
    if not any(section.text.strip() for section in document.sections):
        raise UnreadableFileError(path, "no text found")
    logger.debug("%s: %d sections, %d chars", path, len(document.sections), document.char_count)
    return document
