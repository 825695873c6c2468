"""A PDF page's text in content order, its rows and words mended, cut at its headings.

MuPDF's content order keeps columns apart (its `sort=True` lays columns side by
side and interleaves them). On its own it breaks table rows and justified lines
into pieces, one per line; pieces that sit on the same row, left to right and one
after the other, are joined back with a space. A word hyphenated at the end of a
line is joined with the next line of its block (MuPDF's TEXT_DEHYPHENATE does not
act on "dict" output). Blocks are separated by a blank line.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymupdf

from desktop.core.ingest.mupdf import TEXT_FLAGS, readable_pages
from desktop.core.ingest.normalize import normalize_text
from desktop.core.ingest.pdf_headings import block_headings
from desktop.core.ingest.pdf_tables import Box, Row, is_cell_gap, mark_tables

# A word split at the end of a line: a letter, a hyphen, nothing after it.
_HYPHEN_END = re.compile(r"[^\W\d_]-\s*\Z")


def _same_row(a: Box, b: Box) -> bool:
    """True when line box `b` continues line box `a` on the same visual row, to its right."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    height = min(a[3] - a[1], b[3] - b[1])
    return height > 0 and overlap > 0.5 * height and b[0] >= a[2] - 1.0


def _layout(
    page: pymupdf.Page, textpage: pymupdf.TextPage | None = None
) -> tuple[list[str], list[tuple[int, str]]]:
    """The page's text pieces in content order, and where its headings start.

    Returns the pieces (joined, they are the page's text) and, for each heading,
    the index of the piece it starts at with the heading's text.

    Tables come out as the other readers write them (`mark_tables`): their cells
    are joined by " | " and the rows stay one block (one line each). The cells of
    a bold header row are then not section headings.
    """
    data: dict[str, Any] = page.get_text("dict", flags=TEXT_FLAGS, textpage=textpage)
    blocks = [b for b in data.get("blocks", ()) if b.get("type", 0) == 0]
    headings = block_headings(blocks)
    out: list[str] = []
    cuts: list[tuple[int, str]] = []
    rows: list[Row] = [Row(0)]
    prev: Box | None = None
    for block in blocks:
        first_line = True
        for line in block.get("lines", ()):
            text = "".join(span.get("text", "") for span in line.get("spans", ()))
            if not text.strip():
                continue
            x0, y0, x1, y1 = line["bbox"]
            bbox = (float(x0), float(y0), float(x1), float(y1))
            dx, dy = line.get("dir", (1.0, 0.0))
            horizontal = dx > 0 and abs(dy) < 1e-3
            if prev is not None and horizontal and _same_row(prev, bbox):
                if is_cell_gap(prev, bbox):
                    rows[-1].cell_gaps.append(len(out))
                out.append(" ")
            elif not first_line and _HYPHEN_END.search(out[-1]) and text[:1].islower():
                out[-1] = out[-1].rstrip()[:-1]  # "adip-" + "iscing" -> "adipiscing"
            else:
                if out:
                    out.append("\n\n" if first_line else "\n")
                    rows.append(Row(len(out) - 1))
                if first_line and headings.get(id(block)):
                    cuts.append((len(out), headings[id(block)]))
            out.append(text)
            prev = bbox if horizontal else None
            first_line = False
    return out, mark_tables(out, cuts, rows)


def clean_page_text(text: str) -> str:
    """Normalised and stripped, without U+FFFD: it stands for glyphs without a Unicode
    mapping, nothing to search for."""
    return normalize_text(text.replace("\ufffd", "")).strip()


def page_text(page: pymupdf.Page, textpage: pymupdf.TextPage | None = None) -> str:
    """Extract one page's text in content order, normalised.

    `textpage` is an OCR result to lay out the same way instead of the page's own text.
    """
    out, _cuts = _layout(page, textpage)
    return clean_page_text("".join(out))


def page_parts(page: pymupdf.Page) -> list[tuple[str, str]]:
    """The page's text cut where its headings start: (heading, text) pairs.

    The first pair's heading is "" when text comes before the page's first heading
    (it continues the previous page's section). Each part's text starts with its
    heading line, so the heading's words stay searchable with what it introduces.
    """
    out, cuts = _layout(page)
    bounds = [(0, ""), *cuts, (len(out), "")]
    parts = []
    for (start, heading), (end, _next) in itertools.pairwise(bounds):
        text = clean_page_text("".join(out[start:end]))
        if text or heading:
            parts.append((heading, text))
    return parts


def page_texts(doc: pymupdf.Document, path: Path, page_count: int) -> Iterator[tuple[int, str]]:
    """Yield (page index, text) for each page that loads; a broken page is skipped alone."""
    return readable_pages(doc, path, page_count, page_text)
