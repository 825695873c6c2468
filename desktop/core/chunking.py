"""Split a document into retrievable chunks that keep their page and heading.

Structure first: a chunk never spans two sections (so its page and heading are
exact), paragraphs are kept whole when they fit, long paragraphs are cut at
sentence ends, and text with no sentence ends at all (a 5 MB single line) is
cut at word boundaries. Neighbouring chunks of one section share a small
overlap so that a sentence cut in two is still findable.

A chunk is stored as the document says it, but the embedding model sees it
with its context: the document's title and the chunk's heading go before the
text (`embedding_text`), because the second chunk of an abstract, cut off from
its title, no longer says what it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from desktop.core.types import Chunk, Document

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


def _units(text: str, sizes: ChunkSizes) -> Iterator[str]:
    """Paragraphs, or sentences of long paragraphs, each at most `sizes.maximum`."""
    for paragraph in _PARAGRAPH_BREAK.split(text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= sizes.target:
            yield paragraph
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            if len(sentence) <= sizes.maximum:
                yield sentence
            else:
                yield from _hard_split(sentence, sizes.target)


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
    for unit in _units(text, sizes):
        if fresh and length + len(unit) + 1 > sizes.target:
            chunk = "\n".join(parts)
            chunks.append(chunk)
            tail = _overlap_tail(chunk, sizes.overlap)
            parts, length = ([tail], len(tail) + 1) if tail else ([], 0)
        parts.append(unit)
        length += len(unit) + 1
        fresh = True
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
