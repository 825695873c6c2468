"""The one text form every reader returns."""

from __future__ import annotations

import pytest

from desktop.core.ingest.normalize import normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ""),
        ("\ufb01nal \ufb02ight \ufb03ce", "final flight ffice"),  # ligatures (NFKC)
        ("ＡＢＣ１２３", "ABC123"),  # full-width forms
        ("a\u00a0b", "a b"),  # no-break space
        ("cafe\u0301", "café"),  # composed
        ("\ufeffstart", "start"),
        ("mid\ufeffdle", "middle"),
        ("a\r\nb\rc\nd", "a\nb\nc\nd"),
        ("page\x0cbreak", "page\nbreak"),
        ("line\u2028sep", "line\nsep"),
        ("nul\x00and\x07bell\x1b", "nulandbell"),
        ("c1\x80\x9fgone", "c1gone"),
        ("tab\tkept", "tab\tkept"),
        ("many     spaces", "many spaces"),
        ("trailing   \nspaces \t\nend  ", "trailing\nspaces\nend"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("a\n \n \n \nb", "a\n\nb"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalizing_twice_changes_nothing() -> None:
    raw = "\ufeffA\u00a0\ufb01  x \r\n\r\n\r\n\x00y\t \n"
    once = normalize_text(raw)
    assert normalize_text(once) == once
