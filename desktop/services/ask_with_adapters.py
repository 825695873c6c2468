"""Ask a question with LoRA adapters: once with them, or twice to compare (without, with).

The one place where "use these adapters, then answer" is put together, so the command
line (`arquivo ask --lora`, `--compare`) and the window answer alike. The caller chooses
the adapters (`services.adapters.choose_adapters`) and checks their files first; this
function switches them on the live model and streams the answer's events.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from desktop.core.types import CancelToken
from desktop.services.adapters import AdapterChoice, Comparison, SideEvent, use_adapters
from desktop.services.adapters import compare as compare_answers
from desktop.services.assistant import AnswerEvent, Assistant


@dataclass(frozen=True)
class AdaptersInUse:
    """The adapters now on the live model, and how long switching to them took."""

    choices: tuple[AdapterChoice, ...]
    seconds: float


AskEvent = AdaptersInUse | AnswerEvent | SideEvent | Comparison


def ask_with_adapters(
    assistant: Assistant,
    collections: str | Sequence[str],
    question: str,
    adapters: Sequence[AdapterChoice] | None,
    *,
    compare: bool = False,
    cancel: CancelToken | None = None,
) -> Iterator[AskEvent]:
    """Answer `question` from `collections` with `adapters` on the model.

    A plain answer yields `AdaptersInUse` once the model holds exactly `adapters`, then
    the assistant's events, ending with the `Answer`. `adapters=None` leaves the model
    and its adapters as they are, and yields no `AdaptersInUse`: a model that is not
    loaded yet is not loaded for them (a question that retrieval cannot answer never
    loads it). An empty sequence switches every adapter off.

    With `compare` the question is answered twice on the one loaded model,
    without the adapters and then with them: each event comes as a `SideEvent`, and a
    `Comparison` ends the stream (raises `ArquivoError` when `adapters` is empty).
    """
    if compare:
        yield from compare_answers(assistant, collections, question, tuple(adapters or ()), cancel)
        return
    if adapters is not None:
        choices = tuple(adapters)
        yield AdaptersInUse(choices, use_adapters(assistant.llm, choices))
    yield from assistant.ask(collections, question, cancel)
