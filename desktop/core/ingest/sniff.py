"""Tell what a file really holds from its first bytes, whatever its name says.

A failed download saved as `report.pdf` is an HTML page, a `.docx` may be an old
Word file renamed, and a `.md` may be gzip. Libraries given such files either
fail with a misleading message or, worse, "succeed" (PyMuPDF opens HTML as a
document, random bytes decode as cp1252). Readers ask this module first so the
user gets a reason that names the real content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HEAD_SIZE = 4096


@dataclass(frozen=True)
class Kind:
    """A file content type recognised by its magic bytes."""

    name: str  # short id, e.g. "gzip"
    label: str  # for people, e.g. "a gzip archive"
    compressed: bool = False  # archives and compressed streams


PDF = Kind("pdf", "PDF")
ZIP = Kind("zip", "ZIP archive", compressed=True)
OLE2 = Kind("ole2", "old Microsoft Office (OLE2) file")
HTML = Kind("html", "HTML")
RTF = Kind("rtf", "RTF document")

# Ordered: the first prefix that matches wins.
_MAGICS: tuple[tuple[bytes, Kind], ...] = (
    (b"%PDF-", PDF),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),  # empty archive
    (b"PK\x07\x08", ZIP),  # spanned archive
    (b"\x1f\x8b", Kind("gzip", "gzip archive", compressed=True)),
    (b"BZh", Kind("bzip2", "bzip2 archive", compressed=True)),
    (b"\xfd7zXZ\x00", Kind("xz", "xz archive", compressed=True)),
    (b"7z\xbc\xaf\x27\x1c", Kind("7z", "7-Zip archive", compressed=True)),
    (b"\x28\xb5\x2f\xfd", Kind("zstd", "Zstandard archive", compressed=True)),
    (b"Rar!\x1a\x07", Kind("rar", "RAR archive", compressed=True)),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE2),
    (b"{\\rtf", RTF),
    (b"\x89PNG\r\n\x1a\n", Kind("png", "PNG image")),
    (b"\xff\xd8\xff", Kind("jpeg", "JPEG image")),
    (b"GIF87a", Kind("gif", "GIF image")),
    (b"GIF89a", Kind("gif", "GIF image")),
    (b"\x7fELF", Kind("elf", "program (ELF)")),
    (b"SQLite format 3\x00", Kind("sqlite", "SQLite database")),
)

_HTML_START = re.compile(
    rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|script|div|p)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_UTF8_BOM = b"\xef\xbb\xbf"


def read_head(path: Path, size: int = HEAD_SIZE) -> bytes:
    """Return the first `size` bytes of `path` (OSError propagates to the registry)."""
    with open(path, "rb") as f:
        return f.read(size)


def sniff(head: bytes) -> Kind | None:
    """Return the kind of content that `head` starts with, or None when unknown.

    HTML is recognised by its first tag (after a UTF-8 BOM, blanks and comments):
    an error page saved under another name is the common case.
    """
    for magic, kind in _MAGICS:
        if head.startswith(magic):
            return kind
    body = head[len(_UTF8_BOM) :] if head.startswith(_UTF8_BOM) else head
    if _HTML_START.match(body):
        return HTML
    return None


def find_pdf_header(head: bytes) -> int:
    """Offset of `%PDF-` within `head`, or -1.

    Readers accept junk before the header (pdf.js issue 6069): the PDF spec only
    asks viewers to look for it near the start, not at offset 0.
    """
    return head.find(b"%PDF-")
