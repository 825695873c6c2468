"""A dataset's corpus as files on disk, indexed by the normal indexer.

Both measurements go through the real path: every corpus entry becomes a
plain-text file named after its id, the `Indexer` indexes the folder as a
collection, and retrieved passages map back to document ids through their file
names. `EvalProgress` reports how far a run is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.core.types import CancelToken, FileSkipped, IndexSummary, Progress
from desktop.services.workspace import Workspace
from tests.evaluation.beir import CorpusDocument

logger = logging.getLogger(__name__)

_UNSAFE_NAME = re.compile(r"[^\w.-]+", re.UNICODE)


@dataclass(frozen=True)
class EvalProgress:
    """How far a run is: `stage` is "index", "embed" (the dense reference) or "search"."""

    stage: str
    done: int
    total: int


ProgressCallback = Callable[[EvalProgress], None]


def safe_name(text: str) -> str:
    """`text` with every run of characters unsafe in a file name made one `_`."""
    return _UNSAFE_NAME.sub("_", text)


def _file_names(documents: Sequence[CorpusDocument]) -> dict[str, str]:
    """Each corpus entry's file name (lower case) -> its id; the same on every run."""
    ids_by_name: dict[str, str] = {}
    for doc in documents:
        base = safe_name(doc.id)[:100].strip("._") or "doc"
        name = f"{base}.txt"
        if name.lower() in ids_by_name:  # ids that differ only in unsafe characters or case
            name = f"{base}-{len(ids_by_name)}.txt"
        ids_by_name[name.lower()] = doc.id
    return ids_by_name


def write_corpus_files(documents: Sequence[CorpusDocument], folder: Path) -> dict[str, str]:
    """One .txt file per corpus entry, named after its id; returns file name -> id.

    A file that already holds the entry is left alone, so that the indexer
    sees it unchanged (same size and modification time) in a kept folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    ids_by_name = _file_names(documents)
    names = list(ids_by_name)  # in corpus order, like `documents`
    for name, doc in zip(names, documents, strict=True):
        path = folder / name
        data = doc.content.encode("utf-8")
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            pass
        path.write_bytes(data)
    return ids_by_name


def index_corpus(
    workspace: Workspace,
    folder: Path,
    collection: str,
    cancel: CancelToken,
    progress: ProgressCallback | None,
    stage: str = "index",
) -> IndexSummary:
    """Index `folder` as `collection`, reporting files done as `stage`; its summary."""
    summary: IndexSummary | None = None
    for event in workspace.indexer.index([folder], collection, cancel):
        if isinstance(event, Progress) and progress:
            progress(EvalProgress(stage, event.files_done, event.files_total))
        elif isinstance(event, FileSkipped):
            logger.info("corpus entry not indexed: %s (%s)", event.path, event.reason)
        elif isinstance(event, IndexSummary):
            summary = event
    assert summary is not None, "an indexing run ends with its summary"
    return summary


def index_documents(
    workspace: Workspace,
    documents: Sequence[CorpusDocument],
    folder: Path,
    collection: str,
    progress: ProgressCallback | None,
    cancel: CancelToken,
) -> dict[str, str]:
    """One .txt file per document, indexed as `collection`; returns file name -> id."""
    ids_by_name = write_corpus_files(documents, folder)
    index_corpus(workspace, folder, collection, cancel, progress, f"index {collection}")
    return ids_by_name


def document_id(path: str, ids_by_name: Mapping[str, str]) -> str | None:
    """The corpus entry a retrieved passage's file holds (None: not a corpus file)."""
    return ids_by_name.get(Path(path).name.lower())
