"""Plain values that pass between the layers, and the cancellation flag long work checks."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from desktop.errors import Cancelled

# How every reader writes a table row: its cells joined by this, one row a line. The
# chunker recognises tables by it and keeps their rows whole under their header.
CELL_SEPARATOR = " | "


@dataclass(frozen=True)
class Section:
    """A run of a document's text that shares one location.

    Readers emit sections; the chunker splits and joins them. `page` is 1-based
    for paged formats (PDF, EPUB chapters) and None for the others.
    """

    text: str
    page: int | None = None
    heading: str = ""


@dataclass(frozen=True)
class Document:
    """A file's extracted text, in reading order."""

    path: Path
    sections: tuple[Section, ...]
    title: str = ""
    # What of the file could not be read, for the person ("3 of 12 pages not read:
    # no text layer, needs OCR"); "" when all of it was. A partial file is still indexed.
    unread: str = ""

    @property
    def char_count(self) -> int:
        return sum(len(s.text) for s in self.sections)


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a document, small enough to embed."""

    text: str
    ordinal: int
    page: int | None = None
    heading: str = ""


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk, with every path whose content holds it."""

    chunk_id: str
    doc_hash: str
    text: str
    page: int | None
    heading: str
    score: float
    paths: tuple[str, ...] = ()
    # A vector match that no ranking vouched for (in a language the model does not
    # know), shown only because the keywords found too few: across collections it
    # ranks after every passage that was matched.
    filler: bool = False

    @property
    def path(self) -> str:
        return self.paths[0] if self.paths else ""


@dataclass(frozen=True)
class Source:
    """A numbered source given to the model and shown to the user."""

    n: int
    hit: Hit


@dataclass(frozen=True)
class Support:
    """The sentence of a source that best supports an answer, and where it lies.

    `start` and `end` index the source's chunk text (`hit.text[start:end]` is
    `sentence`), so an interface can highlight it in place.
    """

    n: int  # the source's number
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class Timings:
    retrieve_ms: float = 0.0
    first_token_ms: float = 0.0
    tokens_per_s: float = 0.0
    tokens: int = 0


@dataclass(frozen=True)
class Answer:
    """A finished answer: text, the sources it was built from, and timings."""

    text: str
    sources: tuple[Source, ...]
    model: str
    timings: Timings = field(default_factory=Timings)
    grounded: bool = True  # False when the documents did not hold an answer
    device: str = ""  # "cpu" or "gpu": where the model ran ("" when it was not asked)
    cited: tuple[int, ...] = ()  # the source numbers the text cites, in order of first citation
    support: Support | None = None  # the sentence of the used sources that best supports it
    # When the documents did not hold an answer: up to three passages nearest to the
    # question, shown to the person (never given to the model), so that a wrong refusal
    # costs a look rather than the answer. The relevance gate refuses 13% of FaQuAD's
    # questions whose paragraph is there; that paragraph came first for 42 of those 57,
    # among the three for 49.
    closest: tuple[Source, ...] = ()

    def is_cited(self, n: int) -> bool:
        return n in self.cited


# Indexing events: the indexer yields these; the CLI and the UI render them.


@dataclass(frozen=True)
class Progress:
    files_done: int
    files_total: int
    chunks_done: int
    chunks_per_s: float
    eta_s: float | None
    current: str = ""  # the file being read, while that takes long
    ocr_page: tuple[int, int] | None = None  # (n, total): OCR is reading its n-th scanned page


@dataclass(frozen=True)
class FileSkipped:
    path: str
    reason: str


@dataclass(frozen=True)
class FileIndexed:
    path: str
    chunks: int
    reused: bool = False  # True when identical content was already embedded
    unread: str = ""  # what of the file could not be read (`Document.unread`); "" when all
    masked: str = ""  # the personal data masked in it ("2 e-mail addresses, 1 CPF"), if any


@dataclass(frozen=True)
class IndexSummary:
    collection: str
    files_indexed: int
    files_unchanged: int
    files_removed: int
    files_skipped: tuple[FileSkipped, ...]
    chunks_added: int
    seconds: float
    language: str = ""  # the collection's, as detected at indexing ("" until known)
    embedding_model: str = ""
    # False when the embedding model was not trained on `language`: its vectors then
    # hardly help, and questions asked in another language are found by names and roots
    model_knows_language: bool = True


IndexEvent = Progress | FileSkipped | FileIndexed | IndexSummary

class CancelToken:
    """A flag that long-running loops check between files and batches.

    It wraps `threading.Event` so that a UI thread or a signal handler can set it
    while a worker thread runs.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()
