"""The chat history: search that reads as people type, and an export that says what was cited."""

from __future__ import annotations

from pathlib import Path

from desktop.services.chats import ChatMessage, ChatSource, ChatStore


def store_with_chats(tmp_path: Path) -> tuple[ChatStore, int, int]:
    chats = ChatStore(tmp_path / "chats.sqlite3")
    report = chats.create("O RELATÓRIO ANUAL", ["default"])
    chats.add_message(report.id, ChatMessage("user", "Qual foi o orçamento?"))
    chats.add_message(report.id, ChatMessage("assistant", "Foram 500 euros [1]."))
    other = chats.create("Garden shed", ["notes"])
    chats.add_message(other.id, ChatMessage("user", "Which tools are in the shed?"))
    return chats, report.id, other.id


def test_search_ignores_case_and_accents_beyond_ascii(tmp_path: Path) -> None:
    chats, report, other = store_with_chats(tmp_path)
    found = {c.id for c in chats.chats(text="relatório")}
    assert found == {report}  # SQLite's LIKE left "Ó" and "ó" apart
    assert {c.id for c in chats.chats(text="orcamento")} == {report}
    assert {c.id for c in chats.chats(text="SHED")} == {other}
    chats.close()


def test_search_reads_percent_and_underscore_as_written(tmp_path: Path) -> None:
    chats, _report, _other = store_with_chats(tmp_path)
    assert chats.chats(text="5_0") == []  # a LIKE wildcard matched "500"
    assert chats.chats(text="50%") == []
    assert len(chats.chats(text="")) == 2
    chats.close()


def test_export_marks_sources_not_cited_and_keeps_a_question_on_its_heading(
    tmp_path: Path,
) -> None:
    chats = ChatStore(tmp_path / "chats.sqlite3")
    chat = chats.create("Budget", ["default"])
    chats.add_message(chat.id, ChatMessage("user", "What was the budget?\nAnd the team?"))
    sources = (
        ChatSource(1, "/docs/report.pdf", 2, "The budget was 48,000 euros.", cited=True),
        ChatSource(2, "/docs/staff.pdf", 1, "Seven technicians.", cited=False),
    )
    chats.add_message(chat.id, ChatMessage("assistant", "48,000 euros [1].", sources))
    markdown = chats.export_markdown(chat.id)
    assert "## What was the budget? And the team?\n" in markdown
    assert "1. `/docs/report.pdf`, page 2 — The budget" in markdown
    assert "2. `/docs/staff.pdf`, page 1 (not cited) — Seven" in markdown
    chats.close()


def test_export_keeps_a_hostile_file_name_inside_its_code_span(tmp_path: Path) -> None:
    chats = ChatStore(tmp_path / "chats.sqlite3")
    chat = chats.create("Budget", ["default"])
    chats.add_message(chat.id, ChatMessage("user", "What was the budget?"))
    name = "/docs/a`b ``c.pdf\n\n# Injected heading\n[link](http://evil.example)"
    source = ChatSource(1, name, None, "The budget was 48,000 euros.", cited=True)
    chats.add_message(chat.id, ChatMessage("assistant", "48,000 euros [1].", (source,)))
    markdown = chats.export_markdown(chat.id)
    line = next(x for x in markdown.splitlines() if x.startswith("1. "))
    assert line.startswith("1. ```/docs/a`b ``c.pdf\\x0a\\x0a# Injected heading\\x0a[link]")
    assert "\n# Injected heading" not in markdown
    chats.close()
