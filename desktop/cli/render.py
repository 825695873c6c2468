"""How the command line shows progress, summaries, answers and sources."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import Any

from tqdm import tqdm

from desktop.core.types import Answer, FileIndexed, IndexSummary, Progress, Source
from desktop.services.assistant import Assistant, DocumentStep, ReadingSources, SearchResult
from desktop.services.models import MULTILINGUAL_EMBEDDING_MODEL
from desktop.services.text import source_label
from desktop.terminal import printable


class IndexProgressBar:
    """Files, chunks, embedding rate and time left, on stderr."""

    def __init__(self) -> None:
        self._bar = tqdm(total=0, unit="file", file=sys.stderr, dynamic_ncols=True)

    def update(self, event: Progress) -> None:
        self._bar.total = event.files_total
        self._bar.n = event.files_done
        eta = f"{event.eta_s:.0f}s left" if event.eta_s is not None else ""
        now = ""
        if event.ocr_page is not None:  # a scanned book takes minutes: say where it is
            n, total = event.ocr_page
            now = f"; {printable(Path(event.current).name, one_line=True)}: OCR page {n} of {total}"
        self._bar.set_postfix_str(
            f"{event.chunks_done} chunks, {event.chunks_per_s:.1f} chunks/s {eta}".strip() + now,
            refresh=False,
        )
        self._bar.refresh()

    def note(self, message: str) -> None:
        self._bar.write(printable(message), file=sys.stderr)

    def close(self) -> None:
        self._bar.close()


def summary_json(summary: IndexSummary, indexed: Sequence[FileIndexed] = ()) -> dict[str, Any]:
    return {
        "collection": summary.collection,
        "files_indexed": summary.files_indexed,
        "files_unchanged": summary.files_unchanged,
        "files_removed": summary.files_removed,
        "files_skipped": [{"path": s.path, "reason": s.reason} for s in summary.files_skipped],
        "chunks_added": summary.chunks_added,
        "seconds": round(summary.seconds, 3),
        "language": summary.language,
        "embedding_model": summary.embedding_model,
        "model_knows_language": summary.model_knows_language,
        "masked": [{"path": f.path, "masked": f.masked} for f in indexed if f.masked],
    }


def summary_text(summary: IndexSummary) -> str:
    lines = [
        f"Collection {summary.collection!r}: {summary.files_indexed} files indexed, "
        f"{summary.files_unchanged} unchanged, {summary.files_removed} removed, "
        f"{len(summary.files_skipped)} skipped; {summary.chunks_added} chunks added "
        f"in {summary.seconds:.1f}s."
    ]
    if summary.files_skipped:
        lines.append("Skipped:")
        lines.extend(
            f"  {printable(s.path, one_line=True)}: {s.reason}" for s in summary.files_skipped
        )
    if not summary.model_knows_language:
        lines.append(unknown_language_note(summary))
    return "\n".join(lines)


def partial_text(files: list[FileIndexed]) -> str:
    """Files indexed without some of their pages: counted as indexed, so said apart."""
    if not files:
        return ""
    names = (f"  {printable(f.path, one_line=True)}: {f.unread}" for f in files)
    return "\n".join(["Indexed in part:", *names])


def masked_text(files: Sequence[FileIndexed]) -> str:
    """The personal data masked, file by file ("" when none)."""
    masked = [f for f in files if f.masked]
    if not masked:
        return ""
    names = (f"  {printable(f.path, one_line=True)}: {f.masked}" for f in masked)
    return "\n".join(["Personal data masked:", *names])


def unknown_language_note(summary: IndexSummary) -> str:
    """Why a collection in a language its embedding model was not trained on searches
    worse, and the command that fixes it."""
    return (
        f"Note: the collection is in {summary.language}, which its embedding model "
        f"{summary.embedding_model} was not trained on: questions in {summary.language} "
        "are found by their words, questions in another language much less well (by "
        "names and shared roots). A multilingual model finds passages by meaning in "
        f"both: `arquivo reindex {shlex.quote(summary.collection)} --embedding-model "
        f"{MULTILINGUAL_EMBEDDING_MODEL}` (`make models` fetches it on Linux x86-64)."
    )


def snippet(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


class ReadingProgress:
    """"Reading the sources: 40%" on stderr while the model reads its prompt.

    On a terminal the line is rewritten in place and wiped once the answer starts;
    elsewhere (a log, a pipe) each step is a line of its own.
    """

    def __init__(self) -> None:
        self._tty = sys.stderr.isatty()
        self._shown = False

    def update(self, event: ReadingSources) -> None:
        text = f"Reading the sources: {round(100 * event.fraction)}%"
        if self._tty:
            sys.stderr.write("\r" + text)
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown and self._tty:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
        self._shown = False


def document_step_text(step: DocumentStep) -> str:
    """Progress of a whole-document answer read part by part."""
    name = PurePath(step.path).name
    if step.done < step.total:
        return f"(reading {printable(name, one_line=True)}: part {step.done + 1} of {step.total})"
    return f"(read {printable(name, one_line=True)}: {step.total} parts; writing the answer)"


def support_text(answer: Answer) -> str:
    """The best supporting sentence, quoted with its source's number ("" when none)."""
    support = answer.support
    if support is None:
        return ""
    return f'Supporting sentence [{support.n}]: "{" ".join(support.sentence.split())}"'


def print_sources(answer: Answer) -> None:
    """After an answer: its supporting sentence, then every source given to the model,
    each marked cited or not cited (an answer that cites nothing marks them all); after
    a refusal, the closest passages instead, which the model never saw."""
    line = support_text(answer)
    if line:
        print(f"\n{line}")
    if answer.closest:
        print("\nClosest passages (not given to the model: they do not seem to answer it):")
        for source in answer.closest:
            print_source(source, f"[{source.n}] {source_label(source)}")
    if not answer.sources:
        return
    print("\nSources:")
    for source in answer.sources:
        mark = "cited" if answer.is_cited(source.n) else "not cited"
        print_source(source, f"[{source.n}] {source_label(source)} ({mark})")


def print_source(source: Source, title: str) -> None:
    """A source's title line, its paths and the start of its text."""
    print(printable(title, one_line=True))
    print(f"    {printable(source.hit.path, one_line=True)}")
    for other in source.hit.paths[1:]:
        print(f"    (same content) {printable(other, one_line=True)}")
    print(f"    {snippet(source.hit.text)}")


def source_json(source: Source) -> dict[str, Any]:
    hit = source.hit
    return {
        "n": source.n,
        "path": hit.path,
        "paths": list(hit.paths),
        "page": hit.page,
        "heading": hit.heading,
        "score": round(hit.score, 6),
        "text": hit.text,
    }


def answer_json(answer: Answer, assistant: Assistant) -> dict[str, Any]:
    t = answer.timings
    return {
        "answer": answer.text,
        "grounded": answer.grounded,
        "sources": [source_json(s) | {"cited": answer.is_cited(s.n)} for s in answer.sources],
        "cited": list(answer.cited),
        "closest": [source_json(s) for s in answer.closest],
        "support": None
        if answer.support is None
        else {
            "n": answer.support.n,
            "sentence": answer.support.sentence,
            "start": answer.support.start,
            "end": answer.support.end,
        },
        "model": answer.model,
        "device": answer.device,
        "timings": {
            "retrieve_ms": round(t.retrieve_ms, 2),
            "first_token_ms": round(t.first_token_ms, 2),
            "tokens_per_s": round(t.tokens_per_s, 2),
            "tokens": t.tokens,
        },
    }


def search_json(result: SearchResult) -> dict[str, Any]:
    return {
        "results": [
            {
                "path": h.path,
                "paths": list(h.paths),
                "page": h.page,
                "heading": h.heading,
                "score": round(h.score, 6),
                "text": h.text,
            }
            for h in result.hits
        ],
        "relevant": result.relevant,
        "elapsed_ms": round(result.elapsed_ms, 2),
    }
