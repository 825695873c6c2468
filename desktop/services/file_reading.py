"""Read one file for an indexing run, reporting each scanned page that OCR reads.

OCR takes seconds a page, and a scanned book minutes: a PDF that OCR may read is
read in a helper thread while the run passes its pages on as progress events
(`Progress.ocr_page`), which a generator could not do from inside the reader.
Other files are read at once, in the run's own thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator
from pathlib import Path

from desktop.core.ingest import read_document
from desktop.core.ingest.ocr import OcrOptions
from desktop.core.types import CancelToken, Document, Progress
from desktop.services.index_progress import RunCounters


def read_reporting_pages(
    path: Path,
    max_bytes: int,
    ocr: OcrOptions | None,
    cancel: CancelToken,
    counters: RunCounters,
) -> Generator[Progress, None, Document]:
    """Read `path`; while OCR reads a scanned PDF, yield a progress event per page.

    A run that stops listening mid-file (its generator closed) cancels the reader
    too, and waits for it to stop.
    """
    if path.suffix.lower() != ".pdf" or ocr is None or not ocr.enabled:
        return read_document(path, max_bytes, ocr, cancel)
    pages: queue.SimpleQueue[tuple[int, int] | None] = queue.SimpleQueue()
    outcome: list[Document | BaseException] = []

    def read() -> None:
        def on_page(n: int, total: int) -> None:
            pages.put((n, total))

        try:
            outcome.append(read_document(path, max_bytes, ocr, cancel, on_page))
        except BaseException as exc:  # handed to the indexing thread, raised there
            outcome.append(exc)
        finally:
            pages.put(None)

    reader = threading.Thread(target=read, name=f"read {path.name}", daemon=True)
    reader.start()
    read_all = False
    try:
        while (page := pages.get()) is not None:
            yield counters.progress(str(path), ocr_page=page)
        read_all = True
    finally:
        if not read_all:  # the run stopped listening mid-file: stop the reader too
            cancel.cancel()
        reader.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]
