"""Read PDFs with PyMuPDF: one Section per page, headed by the outline entry it falls under.

The helpers here (`open_mupdf`, `page_texts`, `page_headings`) also serve the EPUB
reader, which goes through the same engine.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymupdf

from desktop.core.ingest.normalize import normalize_text
from desktop.core.ingest.ocr import OCR_OFF, OcrOptions, OcrUnavailable, PageProgress, ocr_engine
from desktop.core.ingest.sections import PATH_SEPARATOR
from desktop.core.ingest.sniff import PDF, find_pdf_header, read_head, sniff
from desktop.core.types import CELL_SEPARATOR, CancelToken, Document, Section
from desktop.errors import UnreadableFileError

logger = logging.getLogger(__name__)

# Without TEXT_PRESERVE_LIGATURES MuPDF expands ﬁ/ﬂ itself; images are not extracted
# (that would cost time and memory); text outside the MediaBox is clipped as in a viewer.
_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP

# A word split at the end of a line: a letter, a hyphen, nothing after it.
_HYPHEN_END = re.compile(r"[^\W\d_]-\s*\Z")

# Page loading raises FzErrorFormat (not a RuntimeError) for a page-tree cycle, plain
# RuntimeError or ValueError elsewhere: all of them lose one page, not the document.
PAGE_ERRORS: tuple[type[BaseException], ...] = (
    RuntimeError,
    ValueError,
    IndexError,
    pymupdf.mupdf.FzErrorBase,
)


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


Box = tuple[float, float, float, float]


def _same_row(a: Box, b: Box) -> bool:
    """True when line box `b` continues line box `a` on the same visual row, to its right."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    height = min(a[3] - a[1], b[3] - b[1])
    return height > 0 and overlap > 0.5 * height and b[0] >= a[2] - 1.0


# A gap this many times the line's height between two pieces of one row is a column
# gap, not a word space: the row is a table's (or a form's) and the pieces are cells.
# Justified text stretches its spaces to a fraction of a line height.
_CELL_GAP = 0.9


def _is_cell_gap(a: Box, b: Box) -> bool:
    return b[0] - a[2] >= _CELL_GAP * min(a[3] - a[1], b[3] - b[1])


# What typography says a heading is, where the PDF has no outline (or for the
# sub-headings below its entries): a short block set larger than the page's body text,
# or a short single line all in bold.
_HEADING_SCALE = 1.15  # this many times the body text's size, or more
_HEADING_MAX_CHARS = 120
_HEADING_MAX_WORDS = 15
_BOLD = 1 << 4  # a span's flag for a bold font (MuPDF's FZ_STEXT_BOLD)


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


def _layout(
    page: pymupdf.Page, textpage: pymupdf.TextPage | None = None
) -> tuple[list[str], list[tuple[int, str]]]:
    """The page's text pieces in content order, and where its headings start.

    Returns the pieces (joined, they are the page's text) and, for each heading,
    the index of the piece it starts at with the heading's text.

    Tables come out as the other readers write them (`_mark_tables`): where three
    or more consecutive rows have pieces a column gap apart, mostly as many as each
    other, their cells are joined by " | " and the rows stay one block (one line
    each), which the chunker keeps together under the header row. The cells of a
    bold header row are then not section headings.
    """
    data: dict[str, Any] = page.get_text("dict", flags=_FLAGS, textpage=textpage)
    blocks = [b for b in data.get("blocks", ()) if b.get("type", 0) == 0]
    body_size = _body_size(blocks)
    headings = {id(b): _block_heading(b, body_size) for b in blocks}
    if sum(len(h) for h in headings.values()) * 2 > sum(len(t) for t in _texts(blocks)):
        headings = {}  # a title page or a slide, mostly large or bold: no structure to read
    out: list[str] = []
    cuts: list[tuple[int, str]] = []
    rows: list[_Row] = [_Row(0)]
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
                if _is_cell_gap(prev, bbox):
                    rows[-1].cell_gaps.append(len(out))
                out.append(" ")
            elif not first_line and _HYPHEN_END.search(out[-1]) and text[:1].islower():
                out[-1] = out[-1].rstrip()[:-1]  # "adip-" + "iscing" -> "adipiscing"
            else:
                if out:
                    out.append("\n\n" if first_line else "\n")
                    rows.append(_Row(len(out) - 1))
                if first_line and headings.get(id(block)):
                    cuts.append((len(out), headings[id(block)]))
            out.append(text)
            prev = bbox if horizontal else None
            first_line = False
    return out, _mark_tables(out, cuts, rows)


@dataclass
class _Row:
    """One visual row of `_layout`'s output: where it starts, where its column gaps are."""

    start: int  # index of the line break before it (0 for the page's first row)
    cell_gaps: list[int] = field(default_factory=list)  # indices of the " " between cells


_TABLE_MIN_ROWS = 3  # rows with column gaps in a row before they count as a table
_TABLE_SAME_CELLS = 0.8  # share of those rows that must have the same number of cells


def _tables(rows: list[_Row]) -> Iterator[list[_Row]]:
    """Runs of consecutive rows that form a table: enough of them, most with as many
    cells as each other. A lone row with a gap (the foot of two columns, a form field)
    is not one, nor rows whose gaps fall anywhere (tight columns read unevenly)."""
    run: list[_Row] = []
    for row in [*rows, _Row(-1)]:  # the sentinel ends the last run
        if row.cell_gaps:
            run.append(row)
            continue
        if len(run) >= _TABLE_MIN_ROWS:
            counts = [len(r.cell_gaps) for r in run]
            common = max(set(counts), key=counts.count)
            if counts.count(common) >= _TABLE_SAME_CELLS * len(run):
                yield run
        run = []


def _mark_tables(
    out: list[str], cuts: list[tuple[int, str]], rows: list[_Row]
) -> list[tuple[int, str]]:
    """Write the tables' rows as the other readers do (cells joined by " | ", one row
    a line, no blank line inside the table), in `out`; return the heading cuts that
    do not fall inside a table (a bold header row is not a section heading)."""
    ends = {id(row): following.start for row, following in itertools.pairwise(rows)}
    inside: list[tuple[int, int]] = []
    for table in _tables(rows):
        for n, row in enumerate(table):
            for gap in row.cell_gaps:
                out[gap - 1] = out[gap - 1].rstrip()
                out[gap] = CELL_SEPARATOR
                out[gap + 1] = out[gap + 1].lstrip()
            if n > 0 and out[row.start] == "\n\n":
                out[row.start] = "\n"
            inside.append((row.start, ends.get(id(row), len(out))))
    return [(at, heading) for at, heading in cuts if not any(a <= at < b for a, b in inside)]


def _clean(text: str) -> str:
    # U+FFFD stands for glyphs without a Unicode mapping: nothing to search for.
    return normalize_text(text.replace("\ufffd", "")).strip()


def page_text(page: pymupdf.Page, textpage: pymupdf.TextPage | None = None) -> str:
    """Extract one page's text in content order, normalised.

    MuPDF's content order keeps columns apart (its `sort=True` lays columns side by
    side and interleaves them). On its own it breaks table rows and justified lines
    into pieces, one per line; pieces that sit on the same row, left to right and one
    after the other, are joined back with a space. A word hyphenated at the end of a
    line is joined with the next line of its block (MuPDF's TEXT_DEHYPHENATE does not
    act on "dict" output). Blocks are separated by a blank line. `textpage` is
    an OCR result to lay out the same way instead of the page's own text.
    """
    out, _cuts = _layout(page, textpage)
    return _clean("".join(out))


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
        text = _clean("".join(out[start:end]))
        if text or heading:
            parts.append((heading, text))
    return parts


def _page_parts(
    doc: pymupdf.Document, path: Path, page_count: int
) -> Iterator[tuple[int, list[tuple[str, str]]]]:
    """`page_parts` of each page that loads; a broken page is skipped alone."""
    for index in range(page_count):
        try:
            parts = page_parts(doc.load_page(index))
        except PAGE_ERRORS as e:
            logger.warning("%s: page %d is unreadable (%s), skipped", path, index + 1, e)
            continue
        yield index, parts


def page_texts(doc: pymupdf.Document, path: Path, page_count: int) -> Iterator[tuple[int, str]]:
    """Yield (page index, text) for each page that loads; a broken page is skipped alone."""
    for index in range(page_count):
        try:
            page = doc.load_page(index)
            text = page_text(page)
        except PAGE_ERRORS as e:
            logger.warning("%s: page %d is unreadable (%s), skipped", path, index + 1, e)
            continue
        yield index, text


def _has_images(doc: pymupdf.Document, page_count: int) -> bool:
    for index in range(page_count):
        try:
            if doc.load_page(index).get_images():
                return True
        except PAGE_ERRORS:
            continue
    return False


# A page with this little text and an image is a scan (a scanner's stamp or page
# number is all the text it has); the OCR text replaces what little there was.
_SCAN_MAX_CHARS = 20


def _is_scan(doc: pymupdf.Document, index: int, text: str) -> bool:
    if len(text) > _SCAN_MAX_CHARS:
        return False
    try:
        return bool(doc.load_page(index).get_images())
    except PAGE_ERRORS:
        return False


# Why a page was left out of a PDF that was otherwise read.
DAMAGED_PAGE = "damaged page"
OCR_FAILED = "OCR failed"


def _read_scans(
    doc: pymupdf.Document,
    path: Path,
    pages: list[tuple[int, str]],
    ocr: OcrOptions | None,
    cancel: CancelToken | None = None,
    on_page: PageProgress | None = None,
) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """OCR the pages that are images of text; returns the pages and why any were left.

    Only pages without a text layer are read this way (OCR costs seconds a page,
    text extraction milliseconds), each keeping its own page number. The reasons
    count the scanned pages left unread for each (OCR off, Tesseract or its
    language data missing, OCR failed): none when all were read. `on_page(n,
    total)` is told before the n-th scanned page is read.
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
                flags=_FLAGS,
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


def _not_a_pdf(path: Path, head: bytes, doc: pymupdf.Document | None) -> UnreadableFileError:
    kind = sniff(head)
    if kind is None and doc is not None:
        what = str(doc.metadata.get("format") or "") if doc.metadata else ""
        label = "HTML" if what.upper().startswith("HTML") else (what or "not PDF")
    else:
        label = kind.label if kind is not None else "not PDF"
    return UnreadableFileError(path, f"not a PDF (file content is {label})")


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
    head = read_head(path)
    if find_pdf_header(head) < 0:
        kind = sniff(head)
        if kind is not None and kind is not PDF:
            raise _not_a_pdf(path, head, None)
    doc = open_mupdf(path, "pdf", damaged="damaged PDF")
    try:
        if not doc.is_pdf:
            # PyMuPDF sniffs content and opens HTML named .pdf as HTML, filetype or not.
            raise _not_a_pdf(path, head, doc)
        if doc.needs_pass:
            raise UnreadableFileError(path, "password-protected PDF")
        try:
            page_count = doc.page_count
        except PAGE_ERRORS as e:
            raise UnreadableFileError(path, "damaged PDF") from e
        if page_count == 0:
            raise UnreadableFileError(path, "PDF has no pages")
        outline = page_headings(doc, page_count)
        parts = dict(_page_parts(doc, path, page_count))
        if not parts:
            raise UnreadableFileError(path, "damaged PDF")
        extracted = {i: _clean("\n\n".join(t for _h, t in p)) for i, p in parts.items()}
        pages, unread = _read_scans(doc, path, list(extracted.items()), ocr, cancel, on_page)
        for index, text in pages:
            if text != extracted[index]:
                parts[index] = [("", text)]  # read with OCR: no typography to go by
        sections = tuple(_sections(parts, outline))
        if not sections:
            if unread:
                raise UnreadableFileError(path, next(iter(unread)))
            if _has_images(doc, page_count):
                raise UnreadableFileError(path, "no text found (OCR read nothing)")
            raise UnreadableFileError(path, "no text found")
        title = _metadata_title(doc)
    finally:
        log_mupdf_warnings(path)
        doc.close()
    logger.debug("%s: %d of %d pages with text", path, len(sections), page_count)
    note = unread_note(page_count, {DAMAGED_PAGE: page_count - len(parts), **unread})
    return Document(path=path, sections=sections, title=title, unread=note)


def _sections(
    parts: dict[int, list[tuple[str, str]]], outline: list[str]
) -> Iterator[Section]:
    """Sections headed by the outline entry and the heading last seen under it.

    A heading found on a page heads the text after it, on that page and the next
    ones, until the next heading or outline entry ("Report > Costs"). Headings
    with no text of their own (a title, an author line, a heading at the foot of a
    page) go before the next text, rather than into chunks of a few words.
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


def _metadata_title(doc: pymupdf.Document) -> str:
    """The document's own title, unless it is a generator's placeholder."""
    title = " ".join(normalize_text(str((doc.metadata or {}).get("title") or "")).split())
    return "" if title.lower() in {"untitled", "untitled document"} else title
