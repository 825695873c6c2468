"""Read plain text and Markdown: find out whether it is text at all, then its encoding.

The order matters. Random bytes and gzip streams "decode" as cp1252 without any
error, so binary content is detected first (magic numbers, NUL bytes, control
characters). UTF-16 is full of NULs, so byte order marks are honoured before the
NUL test. Then strict UTF-8, and only then a guess among legacy code pages.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

import charset_normalizer

from desktop.core.ingest.normalize import normalize_text
from desktop.core.ingest.sections import SectionBuilder
from desktop.core.ingest.sniff import HEAD_SIZE, HTML, RTF, sniff
from desktop.core.types import CELL_SEPARATOR, Document, Section
from desktop.errors import UnreadableFileError

logger = logging.getLogger(__name__)

NOT_TEXT = "binary file, not text"
COMPRESSED = "binary/compressed file, not text"

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls that text files do not hold (tab, LF, VT, FF, CR and ESC are allowed).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_MAX_CONTROL_SHARE = 0.05  # random bytes hold about 10%
_GUESS_SAMPLE = 1024 * 1024
# Legacy Western text: what "latin-1" means in practice (the WHATWG rule).
_WESTERN = "cp1252"
_LATIN1_NAMES = {"latin_1", "iso8859_1", "iso8859-1", "iso-8859-1", "latin-1", "ascii"}


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte order mark announces, and the mark's length."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 of mostly Latin text: every other byte is NUL."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nul = sample[0::2].count(0) / pairs
    odd_nul = sample[1::2].count(0) / pairs
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def binary_reason(data: bytes) -> str | None:
    """Why `data` is not text, or None when it may be text.

    Compressed streams and archives get their own reason so the user knows to
    unpack them. NULs are allowed only in UTF-16/32, and a text file holds almost
    no other C0 controls.
    """
    kind = sniff(data[:HEAD_SIZE])
    if kind is not None and kind.compressed:
        return COMPRESSED
    if kind is not None and kind not in (HTML, RTF):
        return NOT_TEXT
    if bom_encoding(data) is not None:
        return None
    if b"\x00" in data:
        return None if _utf16_without_bom(data) else NOT_TEXT
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > 4 and controls > _MAX_CONTROL_SHARE * len(data):
        return NOT_TEXT
    return None


def _python_codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def guess_encoding(data: bytes) -> str | None:
    """Guess a legacy code page with charset-normalizer, leaning to cp1252.

    Alone, charset-normalizer calls short Portuguese Latin-1 text cp1250 ("exceçăo").
    Where cp1252 reads the bytes about as cleanly as the best guess, it wins: it is
    the code page of Western Windows, a superset of Latin-1's letters, and the one
    whose curly quotes and euro sign Latin-1 turns into control characters.
    """
    sample = data[:_GUESS_SAMPLE]
    if len(data) > _GUESS_SAMPLE:
        cut = sample.rfind(b"\n")
        sample = sample[: cut + 1] if cut > 0 else sample
    results = charset_normalizer.from_bytes(sample)
    best = results.best()
    if best is None:
        return None
    for match in results:
        names = {match.encoding, *match.could_be_from_charset}
        if _WESTERN in names and match.chaos <= best.chaos + 0.1:
            return _WESTERN
    if best.encoding in _LATIN1_NAMES:
        return _WESTERN
    return str(best.encoding)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few bad bytes (a cut-off end, one pasted cp1252 character).

    Valid multi-byte UTF-8 sequences almost never occur by chance in legacy code
    pages, so many of them and few errors mean UTF-8; the bad bytes become U+FFFD.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    good = non_ascii - bad
    return text if good >= 10 * bad else None


def decode_bytes(data: bytes, declared: str | None = None) -> str | None:
    """Decode text bytes; None when no encoding fits (then it is not text).

    Order: byte order mark, then the encoding the file declares (HTML's meta
    charset), then UTF-8 (strict, or with a few bad bytes), then BOM-less UTF-16,
    then a guess.
    """
    bom = bom_encoding(data)
    if bom is not None:
        encoding, size = bom
        return data[size:].decode(encoding, errors="replace")
    if declared:
        codec = _python_codec(declared)
        if codec in _LATIN1_NAMES:
            codec = _WESTERN  # browsers read a "latin-1" label as windows-1252
        if codec is not None:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                logger.debug("declared encoding %s does not fit, guessing", declared)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    utf16 = _utf16_without_bom(data) if b"\x00" in data else None
    if utf16 is not None:
        return data.decode(utf16, errors="replace")
    guessed = guess_encoding(data)
    if guessed is None:
        return None
    logger.debug("guessed encoding %s", guessed)
    return data.decode(guessed, errors="replace")


def decoded_text(path: Path, data: bytes, declared: str | None = None) -> str:
    """`data`, the bytes of `path`, decoded (`decode_bytes`); UnreadableFileError
    when they are not text."""
    reason = binary_reason(data)
    if reason is not None:
        raise UnreadableFileError(path, reason)
    text = decode_bytes(data, declared)
    if text is None:
        raise UnreadableFileError(path, NOT_TEXT)
    return text


def load_text(path: Path) -> str:
    """Read `path` as text, normalised; UnreadableFileError when it is not text."""
    return normalize_text(decoded_text(path, path.read_bytes()))


def read_plain_text(path: Path) -> Document:
    """Read a plain text file as one section; the chunker splits it by size."""
    text = load_text(path).strip("\n")
    sections = (Section(text=text),) if text.strip() else ()
    return Document(path=path, sections=sections)


# --- Markdown -------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n(.*?\n)?\1[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_TITLE = re.compile(r"^title[ \t]*[:=][ \t]*(.+?)[ \t]*$", re.MULTILINE | re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]+\S")
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_BULLET = re.compile(r"^([ \t]*)[*+-][ \t]+")
_BLOCK_START = re.compile(r"^ {0,3}(?:[*+-][ \t]|\d+[.)][ \t]|>|#|\|)")

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
# Every span pattern scans with a class that excludes its own delimiter, so a scan
# stops at the next delimiter: linear time even on a 5 MB line of unclosed markup.
_LINKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"!\[[^\[\]\n]{0,500}\](?:\([^()\n]{0,2000}\)|\[[^\[\]\n]{0,500}\])"),
        "",
    ),  # images
    (re.compile(r"\[([^\[\]\n]{1,500})\]\((?:[^()\n]|\([^()\n]{0,500}\)){0,2000}\)"), r"\1"),
    (re.compile(r"\[([^\[\]\n]{1,500})\]\[[^\[\]\n]{0,500}\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|ftp|mailto):[^<>\s]{1,2000})>"), r"\1"),  # <https://...>
    (re.compile(r"(`+)([^`\n]{1,1000})\1"), r"\2"),  # `code`
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]{0,500})?/?>"), ""),  # inline HTML tags
)
_EMPHASIS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\*\*(?=[^\s*])([^*\n]{1,500})(?<=[^\s*])\*\*"), r"\1"),  # **strong**
    (re.compile(r"__(?=[^\s_])([^_\n]{1,500})(?<=[^\s_])__"), r"\1"),  # __strong__
    (re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]{1,500})(?<=[^\s*])\*(?![\w*])"), r"\1"),  # *em*
    (re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]{1,500})(?<=[^\s_])_(?![\w_])"), r"\1"),  # _em_
    (re.compile(r"~~(?=[^\s~])([^~\n]{1,500})(?<=[^\s~])~~"), r"\1"),  # ~~strike~~
)
_PLACEHOLDERS = re.compile("[\ue000-\ue07f]")


def _plain_inline(line: str) -> str:
    """Strip inline Markdown so the line reads as plain text; escaped characters stay.

    Escapes become private-use placeholders first so that a backslash-escaped star is never markup.
    Emphasis runs a second time when the first changed something: "**a *b* c**"
    needs the inner span gone first.
    """
    line = _ESCAPED.sub(lambda m: chr(0xE000 + ord(m.group(1))), line)
    for pattern, replacement in _LINKS:
        line = pattern.sub(replacement, line)
    for _ in range(2):
        before = line
        for pattern, replacement in _EMPHASIS:
            line = pattern.sub(replacement, line)
        if line == before:
            break
    return _PLACEHOLDERS.sub(lambda m: chr(ord(m.group(0)) - 0xE000), line)


def _split_front_matter(text: str) -> tuple[str, str]:
    """Remove YAML/TOML front matter; return (its title or "", the rest)."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return "", text
    title_match = _FRONT_TITLE.search(match.group(2) or "")
    title = title_match.group(1).strip().strip("\"'").strip() if title_match else ""
    return title, text[match.end() :]


def parse_markdown(text: str) -> tuple[str, tuple[Section, ...]]:
    """Split normalised Markdown into sections at ATX and setext headings.

    Returns (title, sections). The title comes from the front matter, else the
    first level-1 heading. Code blocks keep their text (no heading inside a fence).
    """
    title, text = _split_front_matter(text)
    text = _HTML_COMMENT.sub("", text)
    out = SectionBuilder()
    fence = ""
    paragraph_line = False  # the previous line could be a setext heading's text
    for raw in text.split("\n"):
        if fence:
            if raw.strip().startswith(fence) and not raw.strip().strip(fence[0]):
                fence = ""
            else:
                out.add(raw)
            continue
        fence_match = _FENCE.match(raw)
        if fence_match:
            fence = fence_match.group(1)
            paragraph_line = False
            continue
        atx = _ATX.match(raw)
        if atx:
            out.heading(len(atx.group(1)), _plain_inline(atx.group(2) or ""))
            paragraph_line = False
            continue
        setext = _SETEXT.match(raw)
        if setext and paragraph_line:
            out.heading(1 if setext.group(1)[0] == "=" else 2, out.lines.pop())
            paragraph_line = False
            continue
        if _BREAK.match(raw) or _TABLE_RULE.match(raw) or _LINK_DEF.match(raw):
            paragraph_line = False
            continue
        paragraph_line = bool(raw.strip()) and not _BLOCK_START.match(raw)
        line = _BULLET.sub(r"\1- ", _QUOTE.sub("", raw))
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            line = CELL_SEPARATOR.join(cell.strip() for cell in stripped[1:-1].split("|"))
        out.add(_plain_inline(line))
    if not title:
        title = out.first_h1
    return title, out.build()


def read_markdown(path: Path) -> Document:
    """Read Markdown: front matter gives the title, headings give sections."""
    title, sections = parse_markdown(load_text(path))
    return Document(path=path, sections=sections, title=title)
