"""read_document: reader choice and the checks before any reader runs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from desktop.core.ingest import SUPPORTED_SUFFIXES, read_document, registry
from desktop.core.types import Document
from desktop.errors import UnreadableFileError, UnsupportedFileError

NASTY = Path(__file__).resolve().parents[2] / "data" / "nasty"


def _reason(path: Path, **kwargs: int) -> str:
    with pytest.raises(UnreadableFileError) as caught:
        read_document(path, **kwargs)
    assert caught.value.path == path
    return caught.value.reason


def test_supported_suffixes() -> None:
    assert {
        ".pdf",
        ".epub",
        ".txt",
        ".text",
        ".md",
        ".markdown",
        ".html",
        ".htm",
        ".docx",
    } == SUPPORTED_SUFFIXES


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"whatever")
    with pytest.raises(UnsupportedFileError) as caught:
        read_document(path)
    assert caught.value.reason == "unsupported type"


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "REPORT.PDF"
    shutil.copy(NASTY / "pdf/table.pdf", path)
    assert "Parafuso" in read_document(path).sections[0].text


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.touch()
    assert _reason(path) == "empty file"


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("x" * 100, encoding="utf-8")
    assert _reason(path, max_bytes=99) == "larger than the 99 bytes limit"
    assert read_document(path, max_bytes=100).char_count == 100


@pytest.mark.parametrize(
    ("size", "text"),
    [(200 * 1024**2, "200 MB"), (1536 * 1024, "1.5 MB"), (10 * 1024, "10 KB"), (5, "5 bytes")],
)
def test_format_size(size: int, text: str) -> None:
    assert registry.format_size(size) == text


def test_missing_file(tmp_path: Path) -> None:
    assert _reason(tmp_path / "gone.md") == "file not found"


def test_folder_named_like_a_file(tmp_path: Path) -> None:
    path = tmp_path / "looks-like.txt"
    path.mkdir()
    assert _reason(path) == "a folder, not a file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    assert _reason(path) == "not a regular file"


def test_file_without_read_permission(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("private", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root (or on a filesystem without permissions): can read it")
        assert _reason(path) == "cannot read the file (permission denied)"
    finally:
        path.chmod(0o600)


def test_unexpected_reader_failure_becomes_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_reader(path: Path) -> Document:
        raise RecursionError("maximum recursion depth exceeded\nwith more lines")

    monkeypatch.setitem(registry.READERS, ".boom", broken_reader)
    path = tmp_path / "file.boom"
    path.write_bytes(b"data")

    reason = _reason(path)

    assert reason == (
        "damaged or unreadable file (RecursionError: maximum recursion depth exceeded)"
    )


def test_reader_without_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def blank_reader(path: Path) -> Document:
        return Document(path=path, sections=())

    monkeypatch.setitem(registry.READERS, ".blank", blank_reader)
    path = tmp_path / "file.blank"
    path.write_bytes(b"data")

    assert _reason(path) == "no text found"
