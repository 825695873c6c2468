"""One text form for every reader, so that indexing and search see the same characters.

Readers get text from very different places (PDF content streams, legacy code pages,
HTML, Word XML). Without one normal form, "ﬁnal" from a PDF would never match "final"
typed by the user, and a BOM or a stray NUL would end up inside a chunk.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except \t and \n, DEL, and the C1 block (what Latin-1 misdecoding leaves).
# \r, \v, \f, NEL and the Unicode line/paragraph separators are turned into \n first.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]+")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_SPACE_RUNS = re.compile(" {2,}")
_TRAILING_SPACE = re.compile("[ \t]+\n")
_BLANK_RUNS = re.compile("\n{3,}")


def normalize_text(s: str) -> str:
    """Return `s` in Arquivo's normal form.

    NFKC (ligatures ﬁ/ﬂ become fi/fl, full-width forms and NBSP become plain ones),
    no BOM, LF line endings (a bare CR is a line break too), no control characters
    other than newline and tab, single spaces, no trailing spaces on a line, and at
    most one blank line in a row (PDF pages and HTML leave long runs of them).
    """
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", s)
    s = s.replace("\ufeff", "")
    s = _LINE_BREAKS.sub("\n", s)
    s = _CONTROLS.sub("", s)
    if "  " in s:  # substring tests are far faster than a regex pass over megabytes
        s = _SPACE_RUNS.sub(" ", s)
    s = _TRAILING_SPACE.sub("\n", s).rstrip(" \t")
    if "\n\n\n" in s:
        s = _BLANK_RUNS.sub("\n\n", s)
    return s
