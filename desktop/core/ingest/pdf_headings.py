"""Where a PDF's sections start: its outline, and below or without it, its typography.

A section is headed "Chapter > Heading": the outline entry a page falls under, and
the last heading that the typography showed on it or a page before it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pymupdf

from desktop.core.ingest.mupdf import PAGE_ERRORS
from desktop.core.ingest.normalize import normalize_text
from desktop.core.ingest.sections import PATH_SEPARATOR
from desktop.core.types import Section

logger = logging.getLogger(__name__)

# What typography says a heading is, where the PDF has no outline (or for the
# sub-headings below its entries): a short block set larger than the page's body text,
# or a short single line all in bold.
_HEADING_SCALE = 1.15  # this many times the body text's size, or more
_HEADING_MAX_CHARS = 120
_HEADING_MAX_WORDS = 15
_BOLD = 1 << 4  # a span's flag for a bold font (MuPDF's FZ_STEXT_BOLD)


def page_headings(doc: pymupdf.Document, page_count: int) -> list[str]:
    """For each page, the title of the last outline entry that starts at or before it.

    Outlines are often out of order or point at pages that do not exist; entries
    without a valid page are ignored. A broken outline only loses the headings.
    """
    try:
        toc = doc.get_toc(simple=True)
    except PAGE_ERRORS:
        logger.debug("unreadable outline in %s", doc.name)
        return [""] * page_count
    starts: dict[int, str] = {}
    entries = sorted(
        ((int(page), str(title)) for _level, title, page in toc if 1 <= page <= page_count),
        key=lambda entry: entry[0],
    )
    for page, title in entries:
        starts[page - 1] = " ".join(normalize_text(title).split())
    headings: list[str] = []
    current = ""
    for index in range(page_count):
        current = starts.get(index, current)
        headings.append(current)
    return headings


def _spans(block: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        span
        for line in block.get("lines", ())
        for span in line.get("spans", ())
        if str(span.get("text", "")).strip()
    ]


def _texts(blocks: list[dict[str, Any]]) -> Iterator[str]:
    for block in blocks:
        for span in _spans(block):
            yield str(span["text"]).strip()


def _body_size(blocks: list[dict[str, Any]]) -> float:
    """The font size most of the page's characters are set in (0 when it has none)."""
    weight: dict[float, int] = {}
    for block in blocks:
        for span in _spans(block):
            size = round(float(span.get("size", 0.0)) * 2) / 2
            weight[size] = weight.get(size, 0) + len(str(span["text"]).strip())
    return max(weight, key=lambda size: weight[size]) if weight else 0.0


def _is_bold(span: dict[str, Any]) -> bool:
    font = str(span.get("font", ""))
    return bool(int(span.get("flags", 0)) & _BOLD) or any(
        mark in font for mark in ("Bold", "Black", "Heavy", "Semibold")
    )


def _block_heading(block: dict[str, Any], body_size: float) -> str:
    """The block's text when its typography makes it a heading, else ""."""
    spans = _spans(block)
    if not spans or body_size <= 0:
        return ""
    lines = [ln for ln in block.get("lines", ()) if _spans({"lines": [ln]})]
    text = " ".join(
        "".join(str(span.get("text", "")) for span in line.get("spans", ())).strip()
        for line in lines
    )
    text = " ".join(normalize_text(text).split())
    words = text.split()
    if not text or len(text) > _HEADING_MAX_CHARS or len(words) > _HEADING_MAX_WORDS:
        return ""
    if not any(c.isalpha() for c in text) or (text[-1] in ".,;" and len(words) > 6):
        return ""
    smallest = min(float(span.get("size", 0.0)) for span in spans)
    if smallest >= body_size * _HEADING_SCALE:
        return text
    bold_line = len(lines) == 1 and all(_is_bold(span) for span in spans)
    return text if bold_line and smallest >= body_size - 0.5 and len(words) <= 10 else ""


def block_headings(blocks: list[dict[str, Any]]) -> dict[int, str]:
    """Each text block's heading by `id(block)`, "" for a block that is not one.

    None at all on a page that is mostly large or bold text (a title page, a slide):
    it has no structure to read.
    """
    body_size = _body_size(blocks)
    headings = {id(b): _block_heading(b, body_size) for b in blocks}
    if sum(len(h) for h in headings.values()) * 2 > sum(len(t) for t in _texts(blocks)):
        return {}
    return headings


def headed_sections(
    parts: dict[int, list[tuple[str, str]]], outline: list[str]
) -> Iterator[Section]:
    """Sections headed by the outline entry and the heading last seen under it.

    `parts` holds each page's (heading, text) pairs (`page_parts`), `outline` each
    page's outline entry (`page_headings`). A heading found on a page heads the
    text after it, on that page and the next ones, until the next heading or
    outline entry ("Report > Costs"). Headings with no text of their own (a title,
    an author line, a heading at the foot of a page) go before the next text,
    rather than into chunks of a few words.
    """
    seen = ""
    entry: str | None = None
    pending = ""  # headings waiting for text; the section takes the page of its text
    last_page = 0
    for index in sorted(parts):
        if outline[index] != entry:
            entry, seen = outline[index], ""
        last_page = index + 1
        for heading, text in parts[index]:
            seen = heading or seen
            if heading and text == heading:
                pending = f"{pending}\n\n{text}" if pending else text
                continue
            if pending:
                text, pending = f"{pending}\n\n{text}", ""
            if text:
                yield Section(text=text, page=index + 1, heading=_join(entry, seen))
    if pending:
        yield Section(text=pending, page=last_page, heading=_join(entry or "", seen))


def _join(entry: str, heading: str) -> str:
    """"Chapter > Heading", or whichever of the two there is."""
    if not heading or heading.casefold() == entry.casefold():
        return entry
    return f"{entry}{PATH_SEPARATOR}{heading}" if entry else heading
