"""Answer a question from a collection: retrieve, build the prompt, stream.

The assistant yields `AnswerDelta` events while the model writes and an
`Answer` at the end. It never asks the model when retrieval found nothing on
the question's topic: it says the documents do not contain the answer.

A finished answer cites only sources it was given (other [n] are removed),
records which ones it cites, and carries the sentence of those sources that
best supports it: with a tiny model that sentence is often the better answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from desktop.core.answering.prompts import (
    CitationCleaner,
    build_messages,
    cited_numbers,
    not_found_message,
    says_not_found,
)
from desktop.core.answering.whole_document import (
    DocumentStep,
    answer_about_document,
    asks_for_whole_document,
    join_chunks,
    named_file,
)
from desktop.core.index.collections_db import Collection, CollectionsDatabase
from desktop.core.index.vector_store import ChunkStore, TableSpec
from desktop.core.models.llm import LLM, PromptProgress
from desktop.core.retrieval.retriever import Retriever, SearchResult
from desktop.core.retrieval.supporting_sentence import attribute, best_support
from desktop.core.types import Answer, CancelToken, Hit, Source, Timings
from desktop.errors import ArquivoError, Cancelled

logger = logging.getLogger(__name__)

CLOSEST = 3  # passages shown with a refusal: the nearest, in case the gate was wrong


@dataclass(frozen=True)
class AnswerDelta:
    """A piece of the answer as the model writes it."""

    text: str


@dataclass(frozen=True)
class SourcesFound:
    """The numbered sources, known before the first token."""

    sources: tuple[Source, ...]


@dataclass(frozen=True)
class ReadingSources:
    """How much of the prompt (sources and question) the model has read, in tokens:
    on a CPU the wait before the first word is this reading."""

    done: int
    total: int

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


AnswerEvent = SourcesFound | ReadingSources | AnswerDelta | DocumentStep | Answer


@dataclass(frozen=True)
class AskOptions:
    sources: int = 3
    max_answer_tokens: int = 512
    temperature: float = 0.0
    # Retrieval is "clearly empty", and the model not asked, when the relevance gate
    # refused the passages and they hold less than this share of the question's words
    # (calibrated on FaQuAD's and SciFact's gate halves: docs/answers.md).
    empty_keyword_coverage: float = 0.50


class Assistant:
    """Retrieval plus a chat model; the model is loaded only when first needed."""

    def __init__(
        self,
        catalog: CollectionsDatabase,
        retriever: Retriever,
        load_llm: Callable[[], LLM],
        options: AskOptions | None = None,
        store: ChunkStore | None = None,
    ) -> None:
        """`store` lets whole-document questions read a file's chunks (None: never)."""
        self._catalog = catalog
        self._store = store
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
        """Number as many hits as fit the model's context, best first.

        Raises when not even the first fits: a model asked without sources would
        answer from its own knowledge, and a question longer than the context
        would fail inside llama.cpp.
        """
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
        if hits and not sources:
            raise ArquivoError(
                f"the question is too long for the model: with it, no source fits the "
                f"{llm.context_size} tokens of context ({self.options.max_answer_tokens} "
                "kept for the answer)",
                "shorten the question, or raise context_size in the settings",
            )
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
        searched = self._collections(collections)
        document = self._named_document(searched, question)
        if document is not None:
            yield from self._ask_document(question, document, cancel, started)
            return
        found = self._retriever.search_many(searched, question, self.options.sources * 2)
        retrieve_ms = (time.perf_counter() - started) * 1000
        cancel.raise_if_cancelled()
        if not found.hits or (not found.relevant and self._clearly_empty(found)):
            logger.info(
                "nothing relevant (similarity %.2f, coverage %.2f): not asking the model",
                found.best_similarity, found.keyword_coverage,
            )  # fmt: skip
            text = not_found_message(question)
            closest = tuple(Source(n, hit) for n, hit in enumerate(found.hits[:CLOSEST], 1))
            yield SourcesFound(())
            yield AnswerDelta(text)
            yield Answer(text, (), model="", timings=Timings(retrieve_ms=retrieve_ms),
                         grounded=False, closest=closest)  # fmt: skip
            return
        llm = self.llm
        sources = self.fit_sources(question, found.hits)
        yield SourcesFound(sources)
        stream = llm.stream_reading(
            # passages the gate vouched for are not offered a way out (`REFUSAL_RULE`)
            build_messages(question, sources, may_refuse=not found.relevant),
            max_tokens=self.options.max_answer_tokens,
            temperature=self.options.temperature,
        )
        yield from self._stream_answer(question, stream, sources, cancel, started, retrieve_ms)

    def _clearly_empty(self, found: SearchResult) -> bool:
        """Whether retrieval found nothing near the question, so that the model is not asked.

        Below the relevance gate's thresholds the model still reads the passages and may
        say that they do not hold the answer: the gate alone misses paraphrase. Only
        passages that the gate found far in meaning (their cosine under the embedding
        model's own threshold) and that share few of the question's words are refused
        without it (`AskOptions.empty_keyword_coverage`). Across languages the words
        cannot be shared: there the cosine alone judges (`SearchResult.far_in_meaning`).
        """
        if found.judged_by_meaning:
            return found.far_in_meaning
        return found.keyword_coverage < self.options.empty_keyword_coverage

    def _stream_answer(
        self,
        question: str,
        stream: Iterator[str | PromptProgress | DocumentStep],
        sources: tuple[Source, ...],
        cancel: CancelToken,
        started: float,
        retrieve_ms: float,
    ) -> Iterator[AnswerEvent]:
        """Relay the model's text with citations to nothing removed, then the Answer.

        Both kinds of question end here: an ordinary one streams the model's
        answer; a whole-document one also passes its map-reduce steps through.
        The stream is closed even when the caller stops early or cancels, so
        llama.cpp stops generating at once.
        """
        llm = self.llm
        pieces: list[str] = []
        shown: list[str] = []
        cleaner = CitationCleaner({s.n for s in sources})
        first_token_at = 0.0
        try:
            for piece in stream:
                if cancel.cancelled:
                    raise Cancelled()
                if isinstance(piece, PromptProgress):
                    yield ReadingSources(piece.done, piece.total)
                    continue
                if isinstance(piece, DocumentStep):
                    yield piece
                    continue
                if not pieces:
                    first_token_at = time.perf_counter()
                pieces.append(piece)
                clean = cleaner.feed(piece)
                if clean:
                    shown.append(clean)
                    yield AnswerDelta(clean)
                if cancel.cancelled:
                    raise Cancelled()
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()
        finished = time.perf_counter()
        rest = cleaner.flush()
        if rest:
            shown.append(rest)
            yield AnswerDelta(rest)
        citation = self._missing_citation(question, "".join(shown), sources)
        if citation:
            shown.append(citation)
            yield AnswerDelta(citation)
        yield self._finish(
            question, "".join(pieces), "".join(shown), sources, llm,
            started, first_token_at, finished, retrieve_ms,
        )  # fmt: skip

    @staticmethod
    def _missing_citation(question: str, text: str, sources: tuple[Source, ...]) -> str:
        """" [n]" for an answer that cites nothing, n the source it came from; else "".

        Small models cite badly when asked to (docs/answers.md), so
        they are not asked: the source that holds the answer's words is cited for them.
        """
        if not text.strip() or cited_numbers(text) or says_not_found(text):
            return ""
        n = attribute(text, question, sources)
        return "" if n is None else f" [{n}]"

    # Whole-document questions

    def _named_document(
        self, collections: Sequence[Collection], question: str
    ) -> tuple[Source, list[str]] | None:
        """The whole file a question asks about ("summarize report.pdf"): one source
        holding all its text, and its chunks' texts in order."""
        if self._store is None or not asks_for_whole_document(question):
            return None
        files: dict[str, tuple[Collection, str]] = {}
        for collection in collections:
            for root in self._catalog.roots(collection):
                for path, record in self._catalog.files_under(collection, root).items():
                    files.setdefault(path, (collection, record.doc_hash))
        named = named_file(question, sorted(files))
        if named is None:
            return None
        collection, doc_hash = files[named]
        table = TableSpec(collection.table_name, collection.dim, collection.language)
        chunks = self._store.chunks_of(table, [doc_hash]).get(doc_hash, [])
        if not chunks:
            return None  # indexed with no text: ordinary retrieval says so
        texts = [c.text for c in chunks]
        hit = Hit(f"{doc_hash}:whole", doc_hash, join_chunks(texts), None, "", 1.0, (named,))
        return Source(1, hit), texts

    def _ask_document(
        self,
        question: str,
        document: tuple[Source, list[str]],
        cancel: CancelToken,
        started: float,
    ) -> Iterator[AnswerEvent]:
        """The file given whole when it fits, else map-reduce over its parts."""
        source, chunks = document
        retrieve_ms = (time.perf_counter() - started) * 1000
        yield SourcesFound((source,))
        steps = answer_about_document(
            self.llm, question, source.hit.path, chunks,
            max_answer_tokens=self.options.max_answer_tokens,
            temperature=self.options.temperature, cancel=cancel,
        )  # fmt: skip
        yield from self._stream_answer(question, steps, (source,), cancel, started, retrieve_ms)

    def _finish(
        self,
        question: str,
        raw: str,
        text: str,
        sources: tuple[Source, ...],
        llm: LLM,
        started: float,
        first_token_at: float,
        finished: float,
        retrieve_ms: float,
    ) -> Answer:
        """The Answer: `text` is the answer as shown (citations to nothing removed)."""
        given = {s.n for s in sources}
        cited = tuple(n for n in cited_numbers(text) if n in given)
        if says_not_found(text) and not cited:
            # the model read the sources and found no answer in them: a refusal, with
            # the passages it read shown as the closest
            return Answer(
                text, (), model=llm.name, timings=self._timings(
                    llm, raw, started, first_token_at, finished, retrieve_ms),
                grounded=False, device=llm.device, closest=sources[:CLOSEST],
            )  # fmt: skip
        support = best_support(question, text, sources, cited)
        timings = self._timings(llm, raw, started, first_token_at, finished, retrieve_ms)
        return Answer(
            text, sources, model=llm.name, timings=timings, device=llm.device,
            cited=cited, support=support,
        )  # fmt: skip

    @staticmethod
    def _timings(
        llm: LLM, raw: str, started: float, first_token_at: float, finished: float,
        retrieve_ms: float,
    ) -> Timings:
        tokens = llm.count_tokens(raw) if raw else 0
        generation_s = finished - first_token_at if first_token_at else 0.0
        return Timings(
            retrieve_ms=retrieve_ms,
            first_token_ms=(first_token_at - started) * 1000 if first_token_at else 0.0,
            tokens_per_s=(tokens - 1) / generation_s if generation_s > 0 and tokens > 1 else 0.0,
            tokens=tokens,
        )  # fmt: skip
