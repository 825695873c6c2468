"""Text from strangers reaches a terminal written out, never obeyed."""

from __future__ import annotations

import io

from desktop.terminal import PrintableStream, printable


def test_escape_sequences_and_bidi_controls_are_written_out() -> None:
    hostile = "report\x1b]0;owned\x07\x1b[2J\u202etxt.exe\x9b31m"
    shown = printable(hostile)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "\x9b" not in shown
    assert shown == "report\\x1b]0;owned\\x07\\x1b[2J\\u202etxt.exe\\x9b31m"


def test_newlines_stay_in_text_but_not_in_a_name() -> None:
    assert printable("line one\nline two\tend") == "line one\nline two\tend"
    assert printable("fake.pdf\n[2] /etc/passwd\r", one_line=True) == (
        "fake.pdf\\x0a[2] /etc/passwd\\x0d"
    )
    assert printable("Relatório de manutenção – 2024 😀") == "Relatório de manutenção – 2024 😀"


def test_the_stream_writes_printable_text() -> None:
    out = io.StringIO()
    stream = PrintableStream(out)
    stream.write("answer \x1b[31mred\x1b[0m\n")
    stream.flush()
    assert out.getvalue() == "answer \\x1b[31mred\\x1b[0m\n"
