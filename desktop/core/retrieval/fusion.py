"""Fusion: the keyword and vector rankings made one, by their scores.

Each ranking's scores are put on a 0-to-1 scale per question, then weighted and
added (`convex_fuse`). Reciprocal rank fusion (RRF), which reads ranks only, did
worse on SciFact: a cosine far above the rest and one just above it count alike
once turned into ranks (see docs/measurements.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.index.vector_store import StoredHit
from desktop.core.retrieval.candidates import Candidates

Fused = list[tuple[StoredHit, float]]  # rows with their fused score, best first


def fuse(candidates: Candidates, text_weight: float) -> Fused:
    """`convex_fuse` of the candidates, then the fillers, which score 0: no ranking
    voted for them (a vector match in a language the model does not know), they only
    continue the list when the keywords run out."""
    weights = [weight for weight, _ in candidates.votes]
    fused = convex_fuse(candidates.text_hits, candidates.vector_hits, weights, text_weight)
    return fused + [(h, 0.0) for h in candidates.tail]


def convex_fuse(
    text_hits: Sequence[StoredHit],
    vector_hits: Sequence[StoredHit],
    vector_weights: Sequence[float],
    text_weight: float,
) -> Fused:
    """The keyword and vector rankings fused by their scores, best first.

    Each ranking's scores are first put on one scale: a keyword row's score as a
    share of the first row's (never above the row before it, so the order given
    is kept: `spread_over_files` may have moved rows down), a cosine by where it
    lies between the lowest and highest of all the vector rows (1 for the best). A
    row then scores the weighted sum of the two, divided by the weights in play,
    so that a passage first in both scores 1 in any collection (`search_many`
    compares collections by these scores: one searched by keywords alone must not
    lose to one where two rankings add up); below 1 when the highest cosine is a
    row that does not vote. A row that no ranking voted for (a vector row of weight
    0) is left out; a voting row at the lowest cosine stays, scoring only what the
    keywords give it.
    """
    scores: dict[str, float] = {}
    rows: dict[str, StoredHit] = {}
    top = max((h.score for h in text_hits), default=0.0) or 1.0
    running = top
    for hit in text_hits:
        running = min(running, hit.score)
        scores[hit.chunk_id] = text_weight * running / top
        rows[hit.chunk_id] = hit
    # the scale spans every vector row, those that do not vote too: with a passage the
    # model cannot read at the top, an unrelated one below it is not "the best"
    low = min((h.score for h in vector_hits), default=0.0)
    high = max((h.score for h in vector_hits), default=0.0)
    for hit, weight in zip(vector_hits, vector_weights, strict=True):
        if weight > 0:
            place = (hit.score - low) / (high - low) if high > low else 1.0
            scores[hit.chunk_id] = scores.get(hit.chunk_id, 0.0) + weight * place
            rows.setdefault(hit.chunk_id, hit)
    total = text_weight + max(vector_weights, default=0.0) or 1.0
    order = sorted(scores, key=lambda cid: scores[cid], reverse=True)
    return [(rows[cid], scores[cid] / total) for cid in order]
