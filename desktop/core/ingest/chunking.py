"""Split a document into retrievable chunks that keep their page and heading.

Structure first: a chunk never spans two sections (so its page and heading are
exact), paragraphs are kept whole when they fit, long paragraphs are cut at
sentence ends, and text with no sentence ends at all (a 5 MB single line) is
cut at word boundaries. Neighbouring chunks of one section share a small
overlap so that a sentence cut in two is still findable.

Tables stay tables. The readers write a table's rows one per line with cells
joined by " | " (Word, HTML and Markdown tables alike); a table that fits is
one unit like any paragraph, and a longer one is cut between rows, never
inside one, with its header row opening every piece: a row read without the
header that names its columns is a list of numbers.

A chunk is stored as the document says it, but the embedding model sees it
with its context: the document's title and the chunk's heading go before the
text (`embedding_text`), because the second chunk of an abstract, cut off from
its title, no longer says what it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from desktop.core.types import CELL_SEPARATOR, Chunk, Document

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_SENTENCE_END = re.compile(r"(?<=[.!?…;:])\s+")


@dataclass(frozen=True)
class ChunkSizes:
    """Sizes in characters: about 4 characters a token for English and Portuguese,
    so the defaults give chunks of roughly 200 to 300 tokens."""

    target: int = 1000
    maximum: int = 1300
    overlap: int = 120


DEFAULT_SIZES = ChunkSizes()


def _hard_split(text: str, size: int) -> Iterator[str]:
    """Cut text with no usable sentence ends at word boundaries near `size`."""
    start = 0
    n = len(text)
    while n - start > size:
        cut = text.rfind(" ", start + size // 2, start + size)
        if cut <= start:
            cut = start + size
        yield text[start:cut]
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    if start < n:
        yield text[start:]


def _runs(lines: list[str]) -> Iterator[tuple[list[str], bool]]:
    """A paragraph's lines in runs: table rows (two or more lines with cells in a
    row; one such line, "Home | About", is text) and the text between them, each
    with whether it is a table."""
    run: list[str] = []
    in_table = False
    for line in lines:
        row = CELL_SEPARATOR in line
        if run and row != in_table:
            yield run, in_table and len(run) >= 2
            run = []
        run.append(line)
        in_table = row
    if run:
        yield run, in_table and len(run) >= 2


def _table_pieces(rows: list[str], sizes: ChunkSizes) -> Iterator[str]:
    """A long table cut between rows, each piece opened by the header row.

    A row too long for a chunk even alone is cut at words, as any long line.
    """
    header, body = rows[0], rows[1:]
    piece, length = [header], len(header)
    for row in body:
        if len(header) + len(row) + 1 > sizes.target:
            if len(piece) > 1:
                yield "\n".join(piece)
            piece, length = [header], len(header)
            yield from _hard_split(row, sizes.target)
            continue
        if len(piece) > 1 and length + len(row) + 1 > sizes.target:
            yield "\n".join(piece)
            piece, length = [header], len(header)
        piece.append(row)
        length += len(row) + 1
    if len(piece) > 1:
        yield "\n".join(piece)


@dataclass(frozen=True)
class _Unit:
    text: str
    table: bool = False  # a table or a piece of one: no overlap carried into or out of it


def _text_units(text: str, sizes: ChunkSizes) -> Iterator[_Unit]:
    if len(text) <= sizes.target:
        yield _Unit(text)
        return
    for sentence in _SENTENCE_END.split(text):
        if len(sentence) <= sizes.maximum:
            yield _Unit(sentence)
        else:
            yield from (_Unit(piece) for piece in _hard_split(sentence, sizes.target))


def _units(text: str, sizes: ChunkSizes) -> Iterator[_Unit]:
    """Paragraphs, or sentences of long paragraphs (rows of long tables), each at most
    `sizes.maximum`."""
    for paragraph in _PARAGRAPH_BREAK.split(text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if CELL_SEPARATOR not in paragraph:  # the common case: no table to look for
            yield from _text_units(paragraph, sizes)
            continue
        for lines, table in _runs(paragraph.split("\n")):
            joined = "\n".join(lines).strip()
            if not joined:
                continue
            if not table:
                yield from _text_units(joined, sizes)
            elif len(joined) <= sizes.target:
                yield _Unit(joined, table=True)
            else:
                yield from (_Unit(piece, table=True) for piece in _table_pieces(lines, sizes))


def _overlap_tail(text: str, size: int) -> str:
    """The end of a chunk, starting at a word boundary, to open the next one."""
    if size <= 0 or len(text) <= size:
        return ""
    tail = text[-size:]
    space = tail.find(" ")
    return tail[space + 1 :] if 0 <= space < len(tail) - 1 else ""


def split_text(text: str, sizes: ChunkSizes = DEFAULT_SIZES) -> list[str]:
    """Pack a section's units into chunks of about `sizes.target` characters."""
    chunks: list[str] = []
    parts: list[str] = []
    length = 0
    fresh = False  # whether `parts` holds more than the overlap of the last chunk
    last_was_table = False
    for unit in _units(text, sizes):
        # a table's piece may fill a chunk up to the maximum, so that the line that
        # introduces the table (its caption, the section's heading) stays with it
        limit = sizes.maximum if unit.table else sizes.target
        if fresh and length + len(unit.text) + 1 > limit:
            chunk = "\n".join(parts)
            chunks.append(chunk)
            # a piece of a row before a header row would read as a row of the table
            carry = not (unit.table or last_was_table)
            tail = _overlap_tail(chunk, sizes.overlap) if carry else ""
            parts, length = ([tail], len(tail) + 1) if tail else ([], 0)
        parts.append(unit.text)
        length += len(unit.text) + 1
        fresh = True
        last_was_table = unit.table
    if fresh:
        chunks.append("\n".join(parts))
    return chunks


def chunk_document(document: Document, sizes: ChunkSizes = DEFAULT_SIZES) -> list[Chunk]:
    """All chunks of a document, numbered in reading order."""
    chunks: list[Chunk] = []
    for section in document.sections:
        for text in split_text(section.text, sizes):
            chunks.append(
                Chunk(text=text, ordinal=len(chunks), page=section.page, heading=section.heading)
            )
    return chunks


_MAX_TITLE = 200  # characters: a longer first line is a paragraph, not a title


def context_title(document: Document) -> str:
    """The title that names the document's chunks: its own, or its first line.

    Readers of structured formats find a title (PDF metadata, <title>, a
    Word title style); plain text has none, and a short first line standing
    alone (followed by a blank line, not ending like the start of a list or a
    letter) is taken as one.
    """
    if document.title.strip():
        return " ".join(document.title.split())
    if not document.sections:
        return ""
    lines = document.sections[0].text.lstrip().split("\n", 2)
    line = lines[0].strip()
    stands_alone = len(lines) == 3 and not lines[1].strip() and bool(lines[2].strip())
    if not line or len(line) > _MAX_TITLE or not stands_alone or line.endswith((",", ":")):
        return ""
    return line


def embedding_text(chunk: Chunk, title: str) -> str:
    """What the embedding model sees for a chunk: title and heading, then the text.

    Either is left out when the chunk already begins with it (the first chunk
    of a plain-text file starts with its title line) or when the heading is
    the title again.
    """
    context = [title] if title and not chunk.text.startswith(title) else []
    heading = chunk.heading.strip()
    if heading and heading != title and not chunk.text.startswith(heading):
        context.append(heading)
    return "\n".join([*context, chunk.text]) if context else chunk.text
