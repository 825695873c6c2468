"""Read Word .docx files with python-docx, tables included, in document order.

python-docx's `Document.paragraphs` skips every table cell, and a cell may hold a
whole nested table; the body is therefore walked element by element. Its errors
also mislead: a corrupt file says "Package not found", and an old binary .doc
renamed to .docx says "themeManager" (zipfile finds the theme ZIP embedded in the
OLE2 file). The first bytes are sniffed before python-docx is asked.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from desktop.core.ingest.normalize import normalize_text
from desktop.core.ingest.sections import SectionBuilder
from desktop.core.ingest.sniff import OLE2, RTF, ZIP, read_head, sniff
from desktop.core.types import CELL_SEPARATOR, Document
from desktop.errors import UnreadableFileError

logger = logging.getLogger(__name__)

NOT_A_ZIP = "damaged DOCX (not a readable ZIP)"
NOT_WORD = "not a Word document (a ZIP archive without Word content)"
_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
# Wrappers that hold body content without being content: content controls, custom XML.
_WRAPPERS = {qn("w:sdt"): qn("w:sdtContent"), qn("w:customXml"): None}
_TITLE_STYLE = "title"
_MAX_STYLE_DEPTH = 10


def _content(element: Any, tags: tuple[str, ...]) -> Iterator[Any]:
    """Children of `element` with one of `tags`, in order, looking through wrappers."""
    stack = [iter(element.iterchildren())]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            inner_tag = _WRAPPERS[child.tag]
            inner = child.find(inner_tag) if inner_tag else child
            if inner is not None:
                stack.append(iter(inner.iterchildren()))


def _heading_levels(document: Any) -> dict[str, int]:
    """Map paragraph style ids to a heading level (0 for Title), following `basedOn`.

    Style names, not ids, are stable across languages ("heading 1" is stored in
    English even where Word shows "Título 1"); a custom style based on a heading
    style is a heading too.
    """
    styles: dict[str, tuple[str, str | None]] = {}
    for style in document.styles.element.style_lst:
        if style.styleId:
            styles[style.styleId] = ((style.name_val or "").strip(), style.basedOn_val)
    levels: dict[str, int] = {}
    for style_id in styles:
        current: str | None = style_id
        for _ in range(_MAX_STYLE_DEPTH):
            if current is None or current not in styles:
                break
            name, based_on = styles[current]
            match = _HEADING_NAME.match(name)
            if match:
                levels[style_id] = int(match.group(1))
                break
            if name.lower() == _TITLE_STYLE:
                levels[style_id] = 0
                break
            current = based_on
    return levels


def _paragraph_text(p_element: Any, parent: Any) -> str:
    return str(Paragraph(p_element, parent).text)


def _table_lines(tbl_element: Any, parent: Any) -> list[str]:
    """One line per row, "cell | cell | cell"; a nested table's rows follow its row.

    Merged cells appear once (each w:tc is read once); empty cells are left out.
    """
    table = Table(tbl_element, parent)
    lines: list[str] = []
    for tr in _content(tbl_element, (_TR,)):
        cells: list[str] = []
        nested: list[str] = []
        for tc in _content(tr, (_TC,)):
            cell = _Cell(tc, table)
            words: list[str] = []
            for block in _content(tc, (_P, _TBL)):
                if block.tag == _P:
                    words.append(_paragraph_text(block, cell))
                else:
                    nested.extend(_table_lines(block, cell))
            text = " ".join(" ".join(words).split())
            if text:
                cells.append(text)
        if cells:
            lines.append(CELL_SEPARATOR.join(cells))
        lines.extend(nested)
    return lines


def _open(path: Path) -> Any:
    """Open with python-docx after telling apart what python-docx would mislabel."""
    kind = sniff(read_head(path, 64))
    if kind is OLE2:
        raise UnreadableFileError(path, "old Word .doc format, not DOCX")
    if kind is RTF:
        raise UnreadableFileError(path, "RTF document, not DOCX")
    if kind is not None and kind is not ZIP:
        raise UnreadableFileError(path, f"not a DOCX (file content is {kind.label})")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as e:
        raise UnreadableFileError(path, NOT_A_ZIP) from e
    if "[Content_Types].xml" not in names:
        raise UnreadableFileError(path, NOT_WORD)
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, EOFError) as e:
        raise UnreadableFileError(path, NOT_A_ZIP) from e
    except KeyError as e:
        raise UnreadableFileError(path, "damaged DOCX (a part is missing)") from e
    except etree.XMLSyntaxError as e:
        raise UnreadableFileError(path, "damaged DOCX (broken XML)") from e
    except ValueError as e:
        if "not a Word file" in str(e):
            raise UnreadableFileError(path, NOT_WORD) from e
        raise


def read_docx(path: Path) -> Document:
    """Read a .docx: Heading styles start sections, tables stay together as rows."""
    document = _open(path)
    levels = _heading_levels(document)
    body = document.element.body
    out = SectionBuilder()
    title = " ".join(normalize_text(document.core_properties.title or "").split())
    for block in _content(body, (_P, _TBL)):
        if block.tag == _TBL:
            out.add("\n".join(_table_lines(block, document)))
            continue
        text = _paragraph_text(block, document)
        level = levels.get(block.style or "") if block.style else None
        if level and text.strip():
            out.heading(level, normalize_text(text))
            continue
        if level == 0 and not title:
            title = " ".join(normalize_text(text).split())
        out.add(text)
    return Document(path=path, sections=out.build(), title=title)
