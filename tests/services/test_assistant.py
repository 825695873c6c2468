"""Answers from the real SmolLM2 model over real PDFs: assert on sources, not wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.types import Answer
from desktop.services.assistant import AnswerDelta, SourcesFound
from desktop.services.workspace import Workspace
from tests.helpers import ENGLISH_PAGES, PORTUGUESE_PAGES, make_pdf


def ask(ws: Workspace, question: str, collection: str = "default") -> tuple[Answer, list[str]]:
    deltas: list[str] = []
    answer = None
    for event in ws.assistant.ask(collection, question):
        if isinstance(event, AnswerDelta):
            deltas.append(event.text)
        elif isinstance(event, Answer):
            answer = event
    assert answer is not None
    return answer, deltas


@pytest.fixture
def indexed(workspace: Workspace, tmp_path: Path) -> Workspace:
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    make_pdf(tmp_path / "docs" / "relatório.pdf", PORTUGUESE_PAGES)
    list(workspace.indexer.index([tmp_path / "docs"], "default"))
    return workspace


def test_an_answer_streams_and_cites_the_right_page(indexed: Workspace) -> None:
    answer, deltas = ask(indexed, "What was the maintenance budget for the year?")
    assert len(deltas) > 1 and "".join(deltas).strip()
    assert answer.grounded and answer.model.endswith(".gguf")
    first = answer.sources[0].hit
    assert first.path.endswith("report.pdf") and first.page == 2
    assert [s.n for s in answer.sources] == list(range(1, len(answer.sources) + 1))
    assert answer.timings.first_token_ms > 0 and answer.timings.tokens > 0


def test_a_portuguese_question_finds_the_portuguese_document(indexed: Workspace) -> None:
    answer, _ = ask(indexed, "Qual foi a diferença encontrada na conciliação bancária?")
    first = answer.sources[0].hit
    assert first.path.endswith("relatório.pdf") and first.page == 1
    assert "350 reais" in " ".join(first.text.split())


def test_a_question_the_documents_cannot_answer_is_not_guessed(indexed: Workspace) -> None:
    answer, _ = ask(indexed, "Who won the football world cup in 1970?")
    assert not answer.grounded and answer.sources == ()
    assert answer.text == "The documents do not contain an answer to this question."
    assert answer.model == ""  # the model was never asked


def test_an_empty_collection_says_so_in_the_question_language(
    workspace: Workspace, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    list(workspace.indexer.index([tmp_path / "empty"], "vazia"))
    answer, _ = ask(workspace, "Qual é o orçamento?", collection="vazia")
    assert not answer.grounded
    assert answer.text.startswith("Os documentos não contêm")


def test_sources_come_before_the_first_token(indexed: Workspace) -> None:
    events = list(indexed.assistant.ask("default", "Who leads the facilities team?"))
    assert isinstance(events[0], SourcesFound)
    assert any("Maria Costa" in s.hit.text for s in events[0].sources)
