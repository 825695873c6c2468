"""Marked blocks in Markdown pages, and GitHub's heading anchors.

A page keeps its prose by hand; a generator owns only what lies between
`<!-- NAME:start -->` and `<!-- NAME:end -->` (the way cog blocks work in llm's docs).
"""

from __future__ import annotations

import re


class BlockMissingError(ValueError):
    """A page lacks the markers of a block a generator writes."""


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"


def read_block(text: str, name: str) -> str:
    """The text between the block's markers, without the markers."""
    start, end = _markers(name)
    try:
        first = text.index(start) + len(start)
        last = text.index(end, first)
    except ValueError:
        raise BlockMissingError(f"no {start.strip()} ... {end} block") from None
    return text[first:last]


def replace_block(text: str, name: str, content: str) -> str:
    """`text` with the block's content replaced by `content` (ending in a newline)."""
    old = read_block(text, name)
    start = _markers(name)[0]
    first = text.index(start) + len(start)
    body = content if content.endswith("\n") else content + "\n"
    return text[:first] + body + text[first + len(old) :]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation out, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def split_sections(content: str, level: str = "## ") -> dict[str, str]:
    """The sections of `content` that start with a heading of `level`, by heading text."""
    sections: dict[str, str] = {}
    current: str | None = None
    for line in content.splitlines(keepends=True):
        if line.startswith(level):
            current = line[len(level) :].strip()
            sections[current] = ""
        if current is not None:
            sections[current] += line
    return sections
