"""Turn a stream of headings and lines into Sections that carry their heading path.

Markdown, HTML and DOCX all have levelled headings; they share this so that a
citation reads the same whatever the format ("Report > Costs > 2024").
"""

from __future__ import annotations

from desktop.core.ingest.normalize import normalize_text
from desktop.core.types import Section

PATH_SEPARATOR = " > "


class SectionBuilder:
    """Collects lines under the latest heading; a heading closes the section before it.

    A heading of level n replaces the open headings of level n and deeper. Each
    section's text starts with its own heading line, so the words of the heading
    stay searchable with the text they introduce.
    """

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []
        self._sections: list[tuple[str, str, list[str]]] = [("", "", [])]
        self.first_h1 = ""

    def heading(self, level: int, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        if level == 1 and not self.first_h1:
            self.first_h1 = text
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        self._stack.append((level, text))
        path = PATH_SEPARATOR.join(title for _level, title in self._stack)
        self._sections.append((path, text, []))

    def add(self, line: str) -> None:
        """Add a line (or several, joined by newlines) to the open section."""
        self._sections[-1][2].append(line)

    @property
    def lines(self) -> list[str]:
        """The open section's lines, for a parser that must take one back."""
        return self._sections[-1][2]

    def build(self) -> tuple[Section, ...]:
        """The sections with text, normalised.

        A heading directly followed by a sub-heading has no text of its own; it
        lives on in its children's heading paths. Bare headings are kept only when
        they are all the document has.
        """
        built: list[Section] = []
        bare: list[Section] = []
        for path, title, lines in self._sections:
            body = normalize_text("\n".join(lines)).strip()
            if body:
                built.append(Section(text=f"{title}\n{body}" if title else body, heading=path))
            elif title:
                bare.append(Section(text=title, heading=path))
        return tuple(built) if built else tuple(bare)
