"""Whole-document questions: recognising them, naming the file, packing its parts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from desktop.core.answering.whole_document import (
    DocumentStep,
    answer_about_document,
    asks_for_whole_document,
    join_chunks,
    named_file,
    split_into_parts,
)
from desktop.core.models.llm import LlamaCppLLM
from desktop.core.types import Cancelled, CancelToken
from desktop.errors import ArquivoError

PATHS = [
    "/docs/report.pdf",
    "/docs/relatório_anual.pdf",
    "/docs/a.txt",
    "/docs/old/report-2023.pdf",
]


def test_summary_and_what_it_says_are_whole_document_questions() -> None:
    for question in (
        "Summarize report.pdf",
        "Give me an overview of the report",
        "What does chapter 3 of the report say?",
        "Resuma o relatório anual",
        "O que diz o relatório anual?",
        "Do que trata o documento?",
    ):
        assert asks_for_whole_document(question), question
    assert not asks_for_whole_document("What was the maintenance budget?")
    assert not asks_for_whole_document("Qual foi a diferença na conciliação?")


def test_the_longest_file_name_the_question_names_wins() -> None:
    assert named_file("Summarize report.pdf", PATHS) == "/docs/report.pdf"
    assert named_file("Resuma o Relatorio Anual, por favor", PATHS) == "/docs/relatório_anual.pdf"
    assert named_file("summarize report 2023", PATHS) == "/docs/old/report-2023.pdf"
    assert named_file("summarize a thing", PATHS) is None  # "a" is too short to be a name
    assert named_file("summarize the reports", PATHS) is None  # whole words only


def test_files_of_one_name_are_told_apart_by_their_folders_or_not_at_all() -> None:
    paths = ["/docs/2023/report.pdf", "/docs/2024/report.pdf", "/docs/src/main.py"]
    assert named_file("Summarize the 2024 report.pdf", paths) == "/docs/2024/report.pdf"
    assert named_file("Resuma o report.pdf de 2023", paths) == "/docs/2023/report.pdf"
    assert named_file("Summarize report.pdf", paths) is None  # which one: not a guess
    assert named_file("What are the main points of the report?", paths) is None  # not main.py
    assert named_file("What are the main points of main.py?", paths) == "/docs/src/main.py"
    summaries = ["/docs/summary.pdf", "/docs/resumo_executivo.pdf", "/docs/outline.md"]
    assert named_file("Summarize summary.pdf", summaries) == "/docs/summary.pdf"
    assert named_file("Resuma o resumo_executivo.pdf", summaries) == "/docs/resumo_executivo.pdf"
    assert named_file("Give me the gist of outline.md", summaries) == "/docs/outline.md"


def test_overlapping_chunks_join_without_repeating_the_overlap() -> None:
    first = "The boiler was inspected in March. The valve was cracked and replaced."
    second = "The valve was cracked and replaced. The contractor paid for it."
    assert join_chunks([first, second]) == (
        "The boiler was inspected in March. The valve was cracked and replaced. "
        "The contractor paid for it."
    )
    assert join_chunks(["One part.", "Another part."]) == "One part.\n\nAnother part."


def test_parts_keep_the_order_and_fit_the_budget() -> None:
    chunks = [f"chunk {i} " + "word " * 9 for i in range(10)]  # 11 "tokens" each

    def count(text: str) -> int:
        return len(text.split())

    parts = split_into_parts(chunks, 40, count)
    assert len(parts) == 4 and all(count(p) <= 40 for p in parts)
    assert "".join(parts).replace("\n\n", "") == "".join(chunks)
    assert split_into_parts(chunks, 1000, count) == [join_chunks(chunks)]


class CountingLLM:
    """The real chat model, counting the pieces of text it hands out."""

    def __init__(self, llm: LlamaCppLLM) -> None:
        self._llm = llm
        self.pieces = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._llm, name)

    def stream_chat(self, messages: Any, **options: Any) -> Iterator[str]:
        for piece in self._llm.stream_chat(messages, **options):
            self.pieces += 1
            yield piece


def test_stop_ends_a_part_note_at_once(llm: LlamaCppLLM) -> None:
    """Condensing one part takes seconds on a CPU: Stop must not wait for its note."""
    chunks = [
        f"Section {i}. The committee reviewed the budget and the schedule. " * 8 for i in range(40)
    ]
    counting = CountingLLM(llm)
    cancel = CancelToken()
    steps = answer_about_document(
        counting, "Summarize minutes.pdf", "/docs/minutes.pdf", chunks,  # type: ignore[arg-type]
        max_answer_tokens=512, temperature=0.0, cancel=cancel,
    )  # fmt: skip
    first = next(steps)
    assert isinstance(first, DocumentStep) and first.done == 0 and first.total >= 2
    cancel.cancel()
    with pytest.raises(Cancelled):
        next(steps)
    assert counting.pieces == 1  # the note stopped at its first piece, not at 200 tokens


class LongNotesLLM:
    """The real tokenizer in a 600-token context, writing every note as long as allowed:
    a real model does so only now and then, not on demand."""

    context_size = 600

    def __init__(self, llm: LlamaCppLLM) -> None:
        self._llm = llm

    def count_tokens(self, text: str) -> int:
        return self._llm.count_tokens(text)

    def stream_chat(self, messages: Any, *, max_tokens: int, temperature: float) -> Iterator[str]:
        yield "The committee reviewed the budget and the schedule. " * (max_tokens // 10)


def test_notes_that_never_fit_together_end_with_a_reason(llm: LlamaCppLLM) -> None:
    """Regrouping notes that do not pair up gave as many parts again, for ever."""
    chunks = [f"Section {i}. The committee reviewed the budget. " * 12 for i in range(8)]
    steps = answer_about_document(
        LongNotesLLM(llm), "Summarize minutes.pdf", "/docs/minutes.pdf", chunks,  # type: ignore[arg-type]
        max_answer_tokens=200, temperature=0.0, cancel=CancelToken(),
    )  # fmt: skip
    with pytest.raises(ArquivoError, match="do not fit the model's context together"):
        list(steps)
