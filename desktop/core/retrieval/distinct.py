"""Distinct passages: the ranking cut to `k` passages, near-duplicates left out.

Overlapping chunks and copies that differ by a character would spend the model's
budget on one passage twice. A duplicate is not shown, but its files are cited
beside the passage it copies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from desktop.core.index.vector_store import StoredHit
from desktop.core.language.words import content_words
from desktop.core.types import Hit


def distinct_hits(
    fused: Sequence[tuple[StoredHit, float]],
    paths: Mapping[str, Sequence[str]],
    k: int,
    duplicate_overlap: float,
    fillers: set[str],
) -> list[Hit]:
    """The first `k` passages of `fused` that are not duplicates of a better one (word
    sets overlapping by `duplicate_overlap`), with the files (`paths`, by document
    hash) that hold each; rows no file references yet (an unfinished run's) skipped.
    `fillers`: the chunk ids that only continue the ranking (`Candidates.tail`)."""
    kept: list[tuple[StoredHit, float, list[str], set[str]]] = []
    past_full = 0  # rows read once `k` passages are kept: only their twins matter then
    for row, score in fused:
        if len(kept) >= k:
            past_full += 1
            if past_full > k:
                # A copy of a kept passage ranks next to it (both retrievers score it
                # alike), so `k` more rows find its twins; reading the whole fused
                # list cost time at large collections.
                break
        row_paths = paths.get(row.doc_hash)
        if not row_paths:
            continue  # chunks of an unfinished run that nothing references yet
        words = content_words(row.text)
        twin = next((t for t in kept if _overlap(words, t[3]) >= duplicate_overlap), None)
        if twin is not None:
            # the same passage in another file: cite that file too, spend no budget
            twin[2].extend(p for p in row_paths if p not in twin[2])
            continue
        if len(kept) < k:
            kept.append((row, score, list(row_paths), words))
    return [
        Hit(
            chunk_id=row.chunk_id,
            doc_hash=row.doc_hash,
            text=row.text,
            page=row.page,
            heading=row.heading,
            score=score,
            paths=tuple(row_paths),
            filler=row.chunk_id in fillers,
        )
        for row, score, row_paths, _ in kept
    ]


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
