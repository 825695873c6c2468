"""EPUB: broken chapters are dropped, packaging faults are told apart."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from desktop.core.ingest import read_document
from desktop.errors import UnreadableFileError

CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" '
    'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
    '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)


def _epub(
    path: Path,
    chapters: list[str],
    present: set[int],
    *,
    container: bool = True,
    encryption: bool = False,
) -> Path:
    items = "".join(
        f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>'
        for i in range(len(chapters))
    )
    spine = "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
    opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0" '
        'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<dc:title>Livro</dc:title><dc:identifier id="id">x</dc:identifier>'
        f"<dc:language>pt</dc:language></metadata><manifest>{items}</manifest>"
        f"<spine>{spine}</spine></package>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        if container:
            z.writestr("META-INF/container.xml", CONTAINER)
        if encryption:
            z.writestr("META-INF/encryption.xml", "<encryption/>")
        z.writestr("OEBPS/content.opf", opf)
        for i, text in enumerate(chapters):
            if i in present:
                z.writestr(
                    f"OEBPS/c{i}.xhtml",
                    '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">'
                    f"<head><title>c</title></head><body><p>{text}</p></body></html>",
                )
    return path


def test_missing_chapter_is_dropped_and_pages_keep_their_numbers(tmp_path: Path) -> None:
    path = _epub(tmp_path / "book.epub", ["alpha one", "beta two", "gamma three"], {0, 2})

    document = read_document(path)

    assert document.title == "Livro"
    assert [(s.page, s.text) for s in document.sections] == [(1, "alpha one"), (3, "gamma three")]


def test_all_chapters_missing(tmp_path: Path) -> None:
    path = _epub(tmp_path / "gone.epub", ["a", "b"], set())
    with pytest.raises(UnreadableFileError) as caught:
        read_document(path)
    assert caught.value.reason == "damaged EPUB (no chapter can be read)"


def test_all_chapters_unreadable_with_encryption_is_drm(tmp_path: Path) -> None:
    path = _epub(tmp_path / "drm.epub", ["a", "b"], set(), encryption=True)
    with pytest.raises(UnreadableFileError) as caught:
        read_document(path)
    assert caught.value.reason == "DRM-protected EPUB"


def test_book_without_container_but_with_opf_is_tried(tmp_path: Path) -> None:
    path = _epub(tmp_path / "nocontainer.epub", ["only chapter"], {0}, container=False)
    with pytest.raises(UnreadableFileError) as caught:
        read_document(path)
    # PyMuPDF needs the container; the reason still names the book, not "unsupported".
    assert caught.value.reason == "damaged EPUB"


def test_zip_without_any_package(tmp_path: Path) -> None:
    path = tmp_path / "photos.epub"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.jpg", b"\xff\xd8\xff")
    with pytest.raises(UnreadableFileError) as caught:
        read_document(path)
    assert caught.value.reason == "EPUB package (OPF) missing"
