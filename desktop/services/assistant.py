"""Answer a question from a collection: retrieve, build the prompt, stream.

The assistant yields `AnswerDelta` events while the model writes and an
`Answer` at the end. It never asks the model when retrieval found nothing on
the question's topic: it says the documents do not contain the answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from desktop.core.cancel import CancelToken
from desktop.core.catalog import Catalog, Collection
from desktop.core.llm import LLM
from desktop.core.prompts import (
    build_messages,
    not_found_message,
    remove_unknown_citations,
)
from desktop.core.retrieval import Retriever, SearchResult
from desktop.core.types import Answer, Hit, Source, Timings
from desktop.errors import Cancelled

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnswerDelta:
    """A piece of the answer as the model writes it."""

    text: str


@dataclass(frozen=True)
class SourcesFound:
    """The numbered sources, known before the first token."""

    sources: tuple[Source, ...]


AnswerEvent = SourcesFound | AnswerDelta | Answer


@dataclass(frozen=True)
class AskOptions:
    sources: int = 6
    max_answer_tokens: int = 512
    temperature: float = 0.2


class Assistant:
    """Retrieval plus a chat model; the model is loaded only when first needed."""

    def __init__(
        self,
        catalog: Catalog,
        retriever: Retriever,
        load_llm: Callable[[], LLM],
        options: AskOptions | None = None,
    ) -> None:
        self._catalog = catalog
        self._retriever = retriever
        self._load_llm = load_llm
        self._llm: LLM | None = None
        self.options = options or AskOptions()

    @property
    def llm(self) -> LLM:
        if self._llm is None:
            self._llm = self._load_llm()
        return self._llm

    def search(self, collections: str | Sequence[str], query: str, k: int) -> SearchResult:
        return self._retriever.search_many(self._collections(collections), query, k)

    def _collections(self, names: str | Sequence[str]) -> list[Collection]:
        """The named collections; a private collection is searched only when named."""
        wanted = [names] if isinstance(names, str) else list(names)
        return [self._catalog.get_collection(name) for name in wanted]

    def fit_sources(self, question: str, hits: tuple[Hit, ...]) -> tuple[Source, ...]:
        """Number as many hits as fit the model's context, best first."""
        llm = self.llm
        budget = llm.context_size - self.options.max_answer_tokens
        used = llm.count_tokens(build_messages(question, [])[0]["content"] + question) + 64
        sources: list[Source] = []
        for hit in hits[: self.options.sources]:
            candidate = Source(len(sources) + 1, hit)
            cost = llm.count_tokens(build_messages("", [candidate])[1]["content"])
            if used + cost > budget:
                break
            sources.append(candidate)
            used += cost
        return tuple(sources)

    def ask(
        self,
        collections: str | Sequence[str],
        question: str,
        cancel: CancelToken | None = None,
    ) -> Iterator[AnswerEvent]:
        """Answer from the named collections; yields sources, then text, then the Answer."""
        cancel = cancel or CancelToken()
        started = time.perf_counter()
        found = self._retriever.search_many(
            self._collections(collections), question, self.options.sources * 2
        )
        retrieve_ms = (time.perf_counter() - started) * 1000
        cancel.raise_if_cancelled()
        if not found.relevant:
            logger.info(
                "nothing relevant (similarity %.2f, coverage %.2f): not asking the model",
                found.best_similarity, found.keyword_coverage,
            )  # fmt: skip
            text = not_found_message(question)
            yield SourcesFound(())
            yield AnswerDelta(text)
            yield Answer(text, (), model="", timings=Timings(retrieve_ms=retrieve_ms),
                         grounded=False)  # fmt: skip
            return
        llm = self.llm
        sources = self.fit_sources(question, found.hits)
        yield SourcesFound(sources)
        messages = build_messages(question, sources)
        pieces: list[str] = []
        first_token_at = 0.0
        stream = llm.stream_chat(
            messages,
            max_tokens=self.options.max_answer_tokens,
            temperature=self.options.temperature,
        )
        try:
            for piece in stream:
                if not pieces:
                    first_token_at = time.perf_counter()
                pieces.append(piece)
                yield AnswerDelta(piece)
                if cancel.cancelled:
                    raise Cancelled()
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()
        finished = time.perf_counter()
        raw = "".join(pieces)
        text = remove_unknown_citations(raw, {s.n for s in sources})
        tokens = llm.count_tokens(raw) if raw else 0
        generation_s = finished - first_token_at if first_token_at else 0.0
        timings = Timings(
            retrieve_ms=retrieve_ms,
            first_token_ms=(first_token_at - started) * 1000 if first_token_at else 0.0,
            tokens_per_s=(tokens - 1) / generation_s if generation_s > 0 and tokens > 1 else 0.0,
            tokens=tokens,
        )
        yield Answer(text, sources, model=llm.name, timings=timings, device=llm.device)
