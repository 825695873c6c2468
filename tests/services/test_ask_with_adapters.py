"""One question with adapters, as the window and the command line ask it: plain or compared.

Real SmolLM2 (this module's own, so adapters never leak into the shared `llm`), real
adapters written with gguf's writer, a real index.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.models.embedding import FastEmbedEmbedder
from desktop.core.models.llm import FAST_CHAT_MODEL, LLM, LlamaCppLLM
from desktop.core.types import Answer
from desktop.errors import ArquivoError
from desktop.paths import AppPaths
from desktop.services.adapters import (
    WITH,
    WITHOUT,
    AdapterChoice,
    Comparison,
    SideEvent,
    use_adapters,
)
from desktop.services.ask_with_adapters import AdaptersInUse, ask_with_adapters
from desktop.services.assistant import AnswerDelta, Assistant, SourcesFound
from desktop.services.workspace import Workspace
from desktop.settings import Settings
from tests.adapters_helpers import write_lora
from tests.helpers import ENGLISH_PAGES, make_pdf

QUESTION = "Who leads the facilities team?"
UNANSWERABLE = "Who won the football world cup in 1970?"


@pytest.fixture(scope="module")
def own_llm(models_dir: Path) -> Iterator[LlamaCppLLM]:
    llm = LlamaCppLLM(models_dir / FAST_CHAT_MODEL, context_size=2048, threads=2)
    yield llm
    llm.close()


@pytest.fixture(scope="module")
def adapter(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> AdapterChoice:
    path = write_lora(
        tmp_path_factory.mktemp("adapters") / "good.gguf", models_dir / FAST_CHAT_MODEL
    )
    return AdapterChoice(path, 1.0, "command line")


@pytest.fixture
def ws(tmp_path: Path, embedder: FastEmbedEmbedder, own_llm: LlamaCppLLM) -> Iterator[Workspace]:
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    settings = Settings().replace(temperature=0.0, max_answer_tokens=16)
    workspace = Workspace(AppPaths(home=tmp_path / "home", models=tmp_path), settings,
                          embedder=embedder, llm=own_llm)  # fmt: skip
    list(workspace.indexer.index([tmp_path / "docs"], "work"))
    yield workspace
    use_adapters(own_llm, [])
    workspace.close()


def counting_assistant(ws: Workspace, llm: LLM, loads: list[LLM]) -> Assistant:
    """The workspace's assistant, its model load recorded."""

    def load() -> LLM:
        loads.append(llm)
        return llm

    return Assistant(ws.catalog, ws.retriever, load, ws.assistant.options, store=ws.store)


def test_a_plain_answer_switches_the_adapters_on_first(
    ws: Workspace, own_llm: LlamaCppLLM, adapter: AdapterChoice
) -> None:
    events = list(ask_with_adapters(ws.assistant, "work", QUESTION, [adapter]))
    first, last = events[0], events[-1]
    assert isinstance(first, AdaptersInUse) and first.choices == (adapter,)
    assert first.seconds > 0  # the switch happened, before the question was read
    assert isinstance(events[1], SourcesFound) and isinstance(last, Answer)
    assert "".join(e.text for e in events if isinstance(e, AnswerDelta)) == last.text
    assert [(h.path, s) for h, s in own_llm.adapters.items()] == [(adapter.path, 1.0)]

    again = list(ask_with_adapters(ws.assistant, "work", QUESTION, []))  # all switched off
    assert isinstance(again[0], AdaptersInUse) and again[0].choices == ()
    assert own_llm.adapters == {}
    assert isinstance(again[-1], Answer)


def test_no_adapters_chosen_loads_no_model_for_them(ws: Workspace, own_llm: LlamaCppLLM) -> None:
    loads: list[LLM] = []
    assistant = counting_assistant(ws, own_llm, loads)
    events = list(ask_with_adapters(assistant, "work", UNANSWERABLE, None))
    assert not any(isinstance(e, AdaptersInUse) for e in events)
    answer = events[-1]
    assert isinstance(answer, Answer) and not answer.grounded and answer.model == ""
    assert loads == []  # refused without the model, which was never loaded

    switched_off = list(ask_with_adapters(assistant, "work", UNANSWERABLE, ()))
    assert switched_off[0] == AdaptersInUse((), 0.0)
    assert loads == [own_llm]  # an empty choice is a switch: the model is asked for


@pytest.mark.timeout(600)  # two greedy answers; minutes on a shared machine
def test_compare_answers_without_then_with_and_leaves_the_adapters_on(
    ws: Workspace, own_llm: LlamaCppLLM, adapter: AdapterChoice
) -> None:
    events = list(ask_with_adapters(ws.assistant, "work", QUESTION, [adapter], compare=True))
    comparison = events[-1]
    assert isinstance(comparison, Comparison) and comparison.adapters == (adapter,)
    sides = [e.side for e in events[:-1] if isinstance(e, SideEvent)]
    assert len(sides) == len(events) - 1 and sides == sorted(sides, key=[WITHOUT, WITH].index)
    answers = {e.side: e.event for e in events[:-1] if isinstance(e, SideEvent)
               and isinstance(e.event, Answer)}  # fmt: skip
    assert answers == {WITHOUT: comparison.without, WITH: comparison.with_adapter}
    assert list(own_llm.adapters.values()) == [1.0]


def test_compare_without_adapters_is_refused(ws: Workspace) -> None:
    for nothing in (None, ()):
        with pytest.raises(ArquivoError, match="no adapter to compare with"):
            list(ask_with_adapters(ws.assistant, "work", QUESTION, nothing, compare=True))
