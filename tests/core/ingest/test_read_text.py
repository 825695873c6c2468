"""Plain text and Markdown: binary detection, encodings, headings and markup."""

from __future__ import annotations

import codecs
import gzip
import zipfile
from pathlib import Path

import pytest

from desktop.core.ingest import read_document
from desktop.core.ingest.text import decode_bytes, parse_markdown
from desktop.core.types import Section
from desktop.errors import UnreadableFileError

NASTY = Path(__file__).resolve().parents[2] / "data" / "nasty"


def _write(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _reason(path: Path) -> str:
    with pytest.raises(UnreadableFileError) as caught:
        read_document(path)
    return caught.value.reason


# --- binary or text ---------------------------------------------------------------------


def test_zip_with_text_suffix_is_compressed(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "hello")
    assert _reason(path) == "binary/compressed file, not text"


def test_gzip_of_text_is_compressed(tmp_path: Path) -> None:
    path = _write(tmp_path / "notes.md", gzip.compress(b"# Title\n\nplain words\n" * 10))
    assert _reason(path) == "binary/compressed file, not text"


def test_png_named_txt_is_binary(tmp_path: Path) -> None:
    path = _write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert _reason(path) == "binary file, not text"


def test_control_characters_without_nul_are_binary(tmp_path: Path) -> None:
    data = bytes(b for b in range(1, 256) if b not in b"\t\n\r") * 10
    path = _write(tmp_path / "dump.txt", data)
    assert _reason(path) == "binary file, not text"


def test_a_few_stray_controls_are_still_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.txt", "a normal log line\x07 with a bell\n" * 50)
    text = read_document(path).sections[0].text
    assert "\x07" not in text
    assert text.startswith("a normal log line with a bell\n")


def test_whitespace_only_file_has_no_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "blank.txt", " \n\t\n\r\n   ")
    assert _reason(path) == "no text found"


# --- encodings --------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-32-le", "utf-32-be"])
def test_byte_order_marks(tmp_path: Path, encoding: str) -> None:
    bom = {
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }[encoding]
    path = _write(tmp_path / "bom.txt", bom + "Ação e atenção.\n".encode(encoding))
    assert read_document(path).sections[0].text == "Ação e atenção."


def test_utf16_without_bom(tmp_path: Path) -> None:
    path = _write(tmp_path / "nobom.txt", "Relatório de produção, sem BOM.\n".encode("utf-16-le"))
    assert read_document(path).sections[0].text == "Relatório de produção, sem BOM."


def test_decoding_keeps_the_ellipsis_before_normalising() -> None:
    data = (NASTY / "text/cp1252-smart-quotes.txt").read_bytes()
    text = decode_bytes(data)
    assert text is not None
    assert "an ellipsis…" in text
    assert "€ 50" in text


def test_declared_latin1_is_read_as_windows_1252() -> None:
    assert decode_bytes(b"\x93quoted\x94 \x80", declared="iso-8859-1") == "“quoted” €"


def test_plain_text_is_one_section(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.text", "# not a heading in plain text\n\nsecond paragraph\n")
    document = read_document(path)
    assert document.sections == (Section(text="# not a heading in plain text\n\nsecond paragraph"),)
    assert document.title == ""


# --- Markdown ---------------------------------------------------------------------------


def test_markdown_headings_give_heading_paths(tmp_path: Path) -> None:
    source = (
        "Preamble line.\n\n"
        "# Guide\n\nIntro text.\n\n"
        "## Install\n\nRun the installer.\n\n"
        "### On Linux ###\n\nUse the AppImage.\n\n"
        "## Use\n\nOpen a folder.\n\n"
        "# Appendix\n\nCredits.\n"
    )
    document = read_document(_write(tmp_path / "guide.markdown", source))

    assert document.title == "Guide"
    assert [(s.heading, s.text) for s in document.sections] == [
        ("", "Preamble line."),
        ("Guide", "Guide\nIntro text."),
        ("Guide > Install", "Install\nRun the installer."),
        ("Guide > Install > On Linux", "On Linux\nUse the AppImage."),
        ("Guide > Use", "Use\nOpen a folder."),
        ("Appendix", "Appendix\nCredits."),
    ]


def test_heading_without_text_lives_in_its_children_paths() -> None:
    _title, sections = parse_markdown("# Top\n## Sub\nbody\n")
    assert sections == (Section(text="Sub\nbody", heading="Top > Sub"),)


def test_setext_headings() -> None:
    _title, sections = parse_markdown("Title\n=====\n\ntext one\n\nPart\n----\ntext two\n")
    assert [s.heading for s in sections] == ["Title", "Title > Part"]


def test_thematic_break_is_not_a_heading() -> None:
    _title, sections = parse_markdown("para one\n\n---\n\npara two\n")
    assert sections == (Section(text="para one\n\npara two"),)


def test_code_fence_keeps_its_text_but_not_headings() -> None:
    _title, sections = parse_markdown(
        "# Real\n\n```bash\n# a comment, not a heading\necho hi\n```\n"
    )
    assert sections == (Section(text="Real\n# a comment, not a heading\necho hi", heading="Real"),)


def test_inline_markup_is_stripped() -> None:
    source = (
        "Some **bold**, __strong__, *em*, _em_ and ~~gone~~ text with `code`.\n"
        "A [link](https://example.com/a_(b)) and ![a picture](img.png) here.\n"
        "> quoted line\n"
        "* star bullet\n"
        "snake_case_name and 2 * 3 * 4 stay; \\*escaped\\* too.\n"
        "| a | b |\n|---|:-:|\n| 1 | 2 |\n"
        "<span>inline html</span> <!-- a comment -->\n"
        "[ref]: https://example.com\n"
    )
    _title, sections = parse_markdown(source)

    assert sections[0].text == (
        "Some bold, strong, em, em and gone text with code.\n"
        "A link and here.\n"
        "quoted line\n"
        "- star bullet\n"
        "snake_case_name and 2 * 3 * 4 stay; *escaped* too.\n"
        "a | b\n"
        "1 | 2\n"
        "inline html"
    )


def test_hashtag_is_not_a_heading() -> None:
    _title, sections = parse_markdown("#tag and text\n")
    assert sections == (Section(text="#tag and text"),)


def test_toml_front_matter(tmp_path: Path) -> None:
    path = _write(tmp_path / "post.md", '+++\ntitle = "Hugo post"\n+++\nBody text.\n')
    document = read_document(path)
    assert document.title == "Hugo post"
    assert document.sections == (Section(text="Body text."),)


def test_markdown_of_only_headings_keeps_them(tmp_path: Path) -> None:
    document = read_document(_write(tmp_path / "todo.md", "# Shopping list\n"))
    assert document.sections == (Section(text="Shopping list", heading="Shopping list"),)


def test_huge_markdown_line_is_fast(tmp_path: Path) -> None:
    import time

    line = "word *star _under `tick [bracket " * 150_000  # about 5 MB of unclosed markup
    path = _write(tmp_path / "big.md", line)
    start = time.perf_counter()
    document = read_document(path)
    assert time.perf_counter() - start < 5.0
    assert document.char_count > 4_000_000


def test_nested_emphasis() -> None:
    _title, sections = parse_markdown("**bold with *inner* words** and `a*b*c`\n")
    assert sections == (Section(text="bold with inner words and a*b*c"),)


def test_utf8_with_a_few_bad_bytes_stays_utf8(tmp_path: Path) -> None:
    good = "Relatório de produção: ação, atenção, coração, informação.\n".encode() * 5
    path = _write(tmp_path / "cut.txt", good + b"price \x80 5\n" + "fim é".encode()[:-1])
    text = read_document(path).sections[0].text
    assert text.startswith("Relatório de produção: ação, atenção")
    assert "price \ufffd 5" in text
