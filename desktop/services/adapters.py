"""LoRA adapters for a question: which ones, switched on the live model, and the comparison.

One place for the rules, so that the command line and the app answer alike:

- adapters named for this question (`arquivo ask --lora`) win;
- else the default adapters of the collections the question searches;
- else the adapters switched on in the settings.

Switching is `llama_set_adapters_lora` on the live context, with no reload of the model
(see docs/measurements.md); an adapter is checked against the model (`check_adapter`)
before llama.cpp ever sees it, and a file loaded once stays loaded, so switching back
costs no second load.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.index.collections_db import CollectionsDatabase
from desktop.core.models.adapters import AdapterInfo, check_adapter
from desktop.core.models.llm import LLM
from desktop.core.types import Answer, CancelToken
from desktop.errors import ArquivoError
from desktop.services.assistant import AnswerEvent, Assistant
from desktop.settings import Settings

logger = logging.getLogger(__name__)

WITHOUT, WITH = "without adapter", "with adapter"


@dataclass(frozen=True)
class AdapterChoice:
    """One adapter to use for a question, at a scale, and why it was chosen."""

    path: Path
    scale: float = 1.0
    origin: str = ""  # "command line", "collection NAME", "settings"

    @property
    def label(self) -> str:
        return f"{self.path.name} ×{self.scale:g}"


def choose_adapters(
    catalog: CollectionsDatabase,
    settings: Settings,
    collections: str | Sequence[str],
    explicit: Sequence[tuple[Path, float]] = (),
) -> tuple[AdapterChoice, ...]:
    """The adapters a question uses: `explicit`, else the collections', else the settings'."""
    if explicit:
        return tuple(AdapterChoice(p, s, "command line") for p, s in explicit)
    names = [collections] if isinstance(collections, str) else list(collections)
    chosen: dict[Path, AdapterChoice] = {}
    for name in names:
        collection = catalog.find_collection(name)
        adapter = catalog.adapter(collection) if collection is not None else None
        if adapter is not None:
            path = Path(adapter.path)
            chosen.setdefault(path, AdapterChoice(path, adapter.scale, f"collection {name}"))
    if chosen:
        return tuple(chosen.values())
    return tuple(
        AdapterChoice(Path(a.path).expanduser(), a.scale, "settings")
        for a in settings.lora_adapters
        if a.enabled
    )


def set_collection_adapter(
    catalog: CollectionsDatabase, collection: str, adapter: Path, scale: float, model: Path
) -> AdapterInfo:
    """Check `adapter` against `model`, then make it the collection's default."""
    found = catalog.get_collection(collection)
    info = check_adapter(adapter, model)
    catalog.set_adapter(found, str(adapter.expanduser().absolute()), scale)
    return info


def _adaptable(llm: LLM) -> Any:
    if not all(hasattr(llm, m) for m in ("load_adapter", "set_adapters", "adapters")):
        raise ArquivoError(f"the chat model {llm.name} cannot take LoRA adapters")
    return llm


def use_adapters(llm: LLM, choices: Sequence[AdapterChoice]) -> float:
    """Use exactly `choices` on the live model; the seconds the switch took (0: unchanged).

    Raises `AdapterMismatchError` for an adapter that does not fit; the model then keeps
    the adapters it had.
    """
    if not choices and not hasattr(llm, "set_adapters"):
        return 0.0
    model = _adaptable(llm)
    wanted = {(c.path.absolute(), c.scale) for c in choices}
    current = {(h.path.absolute(), s) for h, s in model.adapters.items()}
    if wanted == current and len(choices) == len(current):
        return 0.0
    before = model.adapters
    handles: dict[Any, float] = {}
    try:
        for choice in choices:  # each is checked, then loaded once (a loaded file is reused)
            handles[model.load_adapter(choice.path, choice.scale)] = choice.scale
    except BaseException:
        model.set_adapters(before)
        raise
    started = time.perf_counter()
    model.set_adapters(handles)
    seconds = time.perf_counter() - started
    logger.info("adapters in use: %s (switched in %.6f s)",
                ", ".join(c.label for c in choices) or "none", seconds)  # fmt: skip
    return seconds


@dataclass(frozen=True)
class SideEvent:
    """An event of one side of a comparison (`WITHOUT` or `WITH`)."""

    side: str
    event: AnswerEvent


@dataclass(frozen=True)
class Comparison:
    """The same question answered without and with the adapters, on one loaded model."""

    without: Answer
    with_adapter: Answer
    adapters: tuple[AdapterChoice, ...]

    def by_side(self) -> dict[str, Answer]:
        return {WITHOUT: self.without, WITH: self.with_adapter}


def compare(
    assistant: Assistant,
    collections: str | Sequence[str],
    question: str,
    choices: Sequence[AdapterChoice],
    cancel: CancelToken | None = None,
) -> Iterator[SideEvent | Comparison]:
    """Answer without the adapters, then with them; the model is loaded once.

    Ends with the adapters on, as a plain question would leave them.
    """
    if not choices:
        raise ArquivoError("there is no adapter to compare with: choose one first")
    llm = assistant.llm
    answers: dict[str, Answer] = {}
    for side in (WITHOUT, WITH):
        use_adapters(llm, choices if side == WITH else ())
        for event in assistant.ask(collections, question, cancel):
            yield SideEvent(side, event)
            if isinstance(event, Answer):
                answers[side] = event
    yield Comparison(answers[WITHOUT], answers[WITH], tuple(choices))
