"""Read HTML: the text a browser would show, split into sections at h1-h6.

Saved web pages carry scripts, styles, templates and JSON-LD whose text is not what
the user read; indexing them pollutes search and can leak tracking data into
answers. The page's own charset declaration decides the encoding when there is one
(many old pages are windows-1252 and say so only in a <meta>).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import CData, NavigableString, PageElement, Tag

from desktop.core.ingest.normalize import normalize_text
from desktop.core.ingest.sections import SectionBuilder
from desktop.core.ingest.text import bom_encoding, decoded_text
from desktop.core.types import CELL_SEPARATOR, Document

logger = logging.getLogger(__name__)

_PRESCAN = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")

# Elements whose content is not visible text (JSON-LD is a <script>).
_DROP = frozenset(
    {"script", "style", "template", "noscript", "head", "title", "iframe", "object", "embed"}
    | {"canvas", "map", "select", "datalist", "button"}
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form header hgroup hr html legend li main menu nav ol "
    "p pre section summary table tbody tfoot thead tr ul".split()
)
_CELLS = frozenset({"td", "th"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CELL_MARK = "\x1f"  # marks a cell end; any in the page text are replaced by spaces
_SPACES = re.compile(r"\s+")
_TITLE_OPEN = re.compile(r"<title\b[^>]*>[^<]*", re.I)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.I)
_CELL_RUN = re.compile(r"[ \t]*\x1f[ \t\x1f]*")


def declared_charset(head: bytes) -> str | None:
    """The charset a page declares in its first bytes (<meta charset>, http-equiv, <?xml?>).

    A meta tag claiming UTF-16/32 cannot be true for bytes we could read it from as
    ASCII; browsers read such pages as UTF-8, and so do we.
    """
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    return "utf-8" if name.startswith(("utf-16", "utf-32", "unicode")) else name


def _close_title(markup: str) -> str:
    """Close a <title> that is never closed, at its first tag.

    libxml2 reads a title as raw text up to </title>: without one, the whole page
    becomes the title and the body comes out empty.
    """
    opened = _TITLE_OPEN.search(markup)
    if opened is None or _TITLE_CLOSE.search(markup, opened.end()):
        return markup
    return f"{markup[: opened.end()]}</title>{markup[opened.end() :]}"


def _hidden(tag: Tag) -> bool:
    if tag.name in _DROP or tag.has_attr("hidden"):
        return True
    style = tag.get("style")
    return isinstance(style, str) and bool(_HIDDEN_STYLE.search(style))


def _clean(text: str) -> str:
    """Turn cell marks into "a | b" rows and strip the spaces HTML layout leaves."""
    lines = (
        _CELL_RUN.sub(CELL_SEPARATOR, line).strip().strip("|").strip()
        for line in text.split("\n")
    )
    return "\n".join(lines)


def _visible_sections(root: Tag) -> SectionBuilder:
    """Walk the tree in document order without recursion (pages can nest very deep)."""
    out = SectionBuilder()
    parts: list[str] = []
    heading: tuple[int, list[str]] | None = None  # level and text of an open h1-h6

    def close_heading(level: int, words: list[str]) -> None:
        out.add(_clean("".join(parts)))
        parts.clear()
        out.heading(level, normalize_text("".join(words)))

    stack: list[tuple[PageElement, bool, bool]] = [(root, False, False)]
    while stack:
        node, leaving, in_pre = stack.pop()
        if isinstance(node, Tag):
            name = node.name
            if leaving:
                if heading is not None and _HEADINGS.get(name) == heading[0]:
                    close_heading(*heading)
                    heading = None
                elif name in _CELLS:
                    parts.append(_CELL_MARK)
                elif name in _BLOCKS:
                    parts.append("\n")
                continue
            if _hidden(node):
                continue
            if name == "br":
                if heading is not None:
                    heading[1].append(" ")
                else:
                    parts.append("\n")
                continue
            if name in _HEADINGS and heading is None:
                heading = (_HEADINGS[name], [])
            elif name in _BLOCKS and name != "tr":  # rows: one line each, no blank between
                parts.append("\n")
            stack.append((node, True, in_pre))
            child_pre = in_pre or name in ("pre", "textarea", "listing")
            stack.extend((child, False, child_pre) for child in reversed(node.contents))
        elif type(node) in (NavigableString, CData):
            text = str(node).replace(_CELL_MARK, " ")
            if heading is not None:
                heading[1].append(text)
            else:
                parts.append(text if in_pre else _SPACES.sub(" ", text))
    if heading is not None:  # a heading left open by broken markup still counts
        close_heading(*heading)
    out.add(_clean("".join(parts)))
    return out


def read_html(path: Path) -> Document:
    """Read an HTML file: visible text only, sections at headings, <title> as title."""
    data = path.read_bytes()
    declared = None if bom_encoding(data) else declared_charset(data[:_PRESCAN])
    markup = decoded_text(path, data, declared)
    soup = BeautifulSoup(_close_title(markup), "lxml")
    title_tag = soup.find("title")
    title = ""
    if isinstance(title_tag, Tag):
        title = " ".join(normalize_text(title_tag.get_text(" ")).split())[:300]
    root = soup.body if isinstance(soup.body, Tag) else soup
    return Document(path=path, sections=_visible_sections(root).build(), title=title)
