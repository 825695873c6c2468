"""HTML: visible text only, headings as sections, tables as rows, declared charsets."""

from __future__ import annotations

from pathlib import Path

from desktop.core.ingest import read_document
from desktop.core.types import Section


def _html(tmp_path: Path, body: str, head: str = "", name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(
        f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>", encoding="utf-8"
    )
    return path


def test_headings_give_heading_paths(tmp_path: Path) -> None:
    path = _html(
        tmp_path,
        "<p>Before any heading.</p>"
        "<h1>Manual</h1><p>Intro.</p>"
        "<h2>Setup <small>v2</small></h2><p>Install it.</p>"
        "<h3>Linux</h3><p>Use the package.</p>"
        "<h2>Usage</h2><p>Run it.</p>",
        head="<title>The manual</title>",
    )

    document = read_document(path)

    assert document.title == "The manual"
    assert [(s.heading, s.text) for s in document.sections] == [
        ("", "Before any heading."),
        ("Manual", "Manual\nIntro."),
        ("Manual > Setup v2", "Setup v2\nInstall it."),
        ("Manual > Setup v2 > Linux", "Linux\nUse the package."),
        ("Manual > Usage", "Usage\nRun it."),
    ]


def test_tables_become_rows(tmp_path: Path) -> None:
    path = _html(
        tmp_path,
        "<table><tr><th>Item</th><th>Qty</th></tr>"
        "<tr><td>Bolt <b>M8</b></td><td>1.200</td></tr>"
        "<tr><td></td><td>empty first cell</td></tr></table>",
    )

    text = read_document(path).sections[0].text

    assert text.split("\n") == ["Item | Qty", "Bolt M8 | 1.200", "empty first cell"]


def test_hidden_content_and_comments_are_dropped(tmp_path: Path) -> None:
    path = _html(
        tmp_path,
        "<p>shown</p><div hidden>HIDDEN_ATTR</div>"
        "<span style='display: none'>HIDDEN_STYLE</span><!-- COMMENT_TEXT -->"
        "<noscript>NOSCRIPT_TEXT</noscript><template><p>TEMPLATE_TEXT</p></template>"
        '<script type=\'application/ld+json\'>{"a": "JSONLD_TEXT"}</script>',
    )

    assert read_document(path).sections == (Section(text="shown"),)


def test_source_line_breaks_are_spaces_but_pre_keeps_them(tmp_path: Path) -> None:
    path = _html(
        tmp_path,
        "<p>one\n   paragraph\n\n over lines</p><pre>code  line 1\n  line 2</pre><p>a<br>b</p>",
    )

    text = read_document(path).sections[0].text

    # Blocks are paragraphs (a blank line between); <pre> keeps its line breaks.
    assert text == "one paragraph over lines\n\ncode line 1\nline 2\n\na\nb"


def test_meta_charset_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "old.htm"
    path.write_bytes(
        b'<html><head><meta charset="iso-8859-1"><title>Pre\xe7os</title></head>'
        b"<body><p>\x93A\xe7\xe3o\x94 custa \x80 5</p></body></html>"
    )

    document = read_document(path)

    assert document.title == "Preços"
    assert document.sections[0].text == "“Ação” custa € 5"


def test_utf8_page_without_declaration(tmp_path: Path) -> None:
    path = tmp_path / "plain.html"
    path.write_bytes("<p>Coração</p>".encode())
    assert read_document(path).sections[0].text == "Coração"


def test_page_without_body_or_html(tmp_path: Path) -> None:
    path = tmp_path / "fragment.html"
    path.write_text("<h2>Only a fragment</h2>text after", encoding="utf-8")
    document = read_document(path)
    assert document.sections == (
        Section(text="Only a fragment\ntext after", heading="Only a fragment"),
    )


def test_deeply_nested_page(tmp_path: Path) -> None:
    path = _html(tmp_path, "<div>" * 3000 + "deep text" + "</div>" * 3000)
    assert "deep text" in read_document(path).sections[0].text
