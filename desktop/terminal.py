"""Text from strangers made safe for a terminal.

File names, documents' text and a model's answers are written by strangers: printed
raw, an escape sequence in them ("\\x1b]0;...", "\\x1b[2J") would drive the user's
terminal, a carriage return or a newline in a file name would forge lines of output,
and bidirectional controls would reorder what is shown. `printable` writes such
characters the way Python's `repr` does ("\\x1b"), so that they are seen, not obeyed;
`PrintableStream` applies it to everything the command line writes to stdout, which
carries only data.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

# C0 and C1 controls and DEL; the bidirectional embeddings, overrides and isolates
# (the "Trojan Source" characters) and the marks that steer them.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE_KEEP_LINES = re.compile(f"[{_CONTROLS}]")
_UNSAFE_ONE_LINE = re.compile(f"[{_CONTROLS}\t\n]")


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` with its control characters written out ("\\x1b", "\\u202e").

    Newlines and tabs are kept, unless `one_line` (file names, labels): then they are
    written out too, so a name cannot forge a line of output.
    """
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE_KEEP_LINES
    return pattern.sub(_written_out, text)


def _written_out(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class PrintableStream:
    """A text stream that writes `printable` text to the stream it wraps."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
