"""Tables on a PDF page, found from the gaps between the pieces of each visual row.

A PDF has no tables, only text placed on the page. Where three or more consecutive
rows have pieces a column gap apart, mostly as many as each other, the rows are a
table's: they are written as the other readers write tables (cells joined by " | ",
one row a line), which the chunker keeps together under the header row.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from desktop.core.types import CELL_SEPARATOR

Box = tuple[float, float, float, float]

# A gap this many times the line's height between two pieces of one row is a column
# gap, not a word space: the row is a table's (or a form's) and the pieces are cells.
# Justified text stretches its spaces to a fraction of a line height.
_CELL_GAP = 0.9

_TABLE_MIN_ROWS = 3  # rows with column gaps in a row before they count as a table
_TABLE_SAME_CELLS = 0.8  # share of those rows that must have the same number of cells


def is_cell_gap(a: Box, b: Box) -> bool:
    """Whether line box `b`, on the same row as `a`, lies a column gap to its right."""
    return b[0] - a[2] >= _CELL_GAP * min(a[3] - a[1], b[3] - b[1])


@dataclass
class Row:
    """One visual row of a page's text pieces: where it starts, where its column gaps are."""

    start: int  # index of the line break before it (0 for the page's first row)
    cell_gaps: list[int] = field(default_factory=list)  # indices of the " " between cells


def _tables(rows: list[Row]) -> Iterator[list[Row]]:
    """Runs of consecutive rows that form a table: enough of them, most with as many
    cells as each other. A lone row with a gap (the foot of two columns, a form field)
    is not one, nor rows whose gaps fall anywhere (tight columns read unevenly)."""
    run: list[Row] = []
    for row in [*rows, Row(-1)]:  # the sentinel ends the last run
        if row.cell_gaps:
            run.append(row)
            continue
        if len(run) >= _TABLE_MIN_ROWS:
            counts = [len(r.cell_gaps) for r in run]
            common = max(set(counts), key=counts.count)
            if counts.count(common) >= _TABLE_SAME_CELLS * len(run):
                yield run
        run = []


def mark_tables(
    out: list[str], cuts: list[tuple[int, str]], rows: list[Row]
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
