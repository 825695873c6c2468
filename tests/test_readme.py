"""The README stays a short first read: its size, its line lengths, and its headline
figures, which come from the results files (their check is in tests/test_docs.py)."""

from pathlib import Path

from docs.generators.blocks import read_block
from docs.generators.headline import HEADLINES

README = Path(__file__).parents[1] / "README.md"


def test_the_readme_is_at_most_250_lines() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, "move detail into a page under docs/ and link it"


def test_no_readme_line_is_over_400_characters() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    long = [n for n, line in enumerate(lines, 1) if len(line) > 400]
    assert long == [], f"README lines over 400 characters: {long}"


def test_the_readme_keeps_its_promises_and_headline_figures() -> None:
    text = README.read_text(encoding="utf-8")
    for heading in ("## Install", "## Privacy", "## Answers that stay on their sources"):
        assert heading in text
    assert "docs/measurements.md" in text and "docs/privacy.md" in text
    table = read_block(text, "headline-figures")
    labels = {line.split("|")[1].strip() for line in table.splitlines()[2:]}
    wanted = {h.label for h in HEADLINES}
    assert wanted <= labels, f"headline figures missing: {wanted - labels}"
