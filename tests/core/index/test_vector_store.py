"""The LanceDB store's searches, on a real LanceDB directory.

`hybrid_search` runs both queries on LanceDB's async side at once: it must give
exactly what the two searches give one at a time, answer before the indexes
exist, and see this process's own writes at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop.core.index.vector_store import LanceStore, TableSpec
from desktop.core.types import Chunk

TOPICS = ["boiler", "budget", "garden", "library", "kettle", "orchid", "invoice", "bridge"]
DIM = 8


def chunks_about(topic: str, count: int) -> list[Chunk]:
    return [
        Chunk(text=f"Note {n} on the {topic}: the {topic} was checked on day {n}.", ordinal=n)
        for n in range(count)
    ]


def vectors_near(axis: int, count: int, rng: np.random.Generator) -> np.ndarray:
    v = rng.normal(0, 0.1, (count, DIM)).astype(np.float32)
    v[:, axis] += 1.0
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def fill(store: LanceStore, table: TableSpec, per_topic: int) -> None:
    rng = np.random.default_rng(7)
    for axis, topic in enumerate(TOPICS):
        chunks = chunks_about(topic, per_topic)
        store.add(table, f"{axis:064x}", chunks, vectors_near(axis, per_topic, rng))


def unit(axis: int) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    v[axis] = 1.0
    return v


@pytest.fixture()
def store(tmp_path: Path) -> LanceStore:
    store = LanceStore(tmp_path / "lance")
    store.ann_threshold = 100  # a vector index on a few hundred rows, as at 100,000
    return store


def test_hybrid_search_gives_what_the_two_searches_give(store: LanceStore) -> None:
    table = TableSpec("chunks_test", DIM)
    fill(store, table, 30)
    store.refresh_indexes(table)
    assert any(i.index_type == "IvfFlat" for i in store._table(table).list_indices())
    for axis, topic in enumerate(TOPICS):
        vectors, texts = store.hybrid_search(table, unit(axis), f"the {topic}?", 12)
        assert vectors == store.vector_search(table, unit(axis), 12)
        assert texts == store.text_search(table, f"the {topic}?", 12)
        assert len(vectors) == len(texts) == 12
        assert all(topic in hit.text for hit in vectors + texts)


def test_before_any_index_both_rankings_read_the_rows(store: LanceStore) -> None:
    """An indexing run searched before its end (no indexes yet) still finds its rows."""
    table = TableSpec("chunks_test", DIM)
    fill(store, table, 3)  # no refresh_indexes yet
    assert store._table(table).list_indices() == []
    vectors, texts = store.hybrid_search(table, unit(2), "garden", 5)
    assert "garden" in vectors[0].text
    assert {h.chunk_id for h in texts} == {h.chunk_id for h in vectors[:3]}


def test_a_search_sees_this_process_writes_at_once(store: LanceStore) -> None:
    table = TableSpec("chunks_test", DIM)
    fill(store, table, 30)
    store.refresh_indexes(table)
    rng = np.random.default_rng(1)
    new = [Chunk(text="The lighthouse keeper logs the lighthouse lamp hours.", ordinal=0)]
    store.add(table, "f" * 64, new, vectors_near(3, 1, rng))
    vectors, texts = store.hybrid_search(table, unit(3), "lighthouse", 40)
    assert "f" * 64 in {hit.doc_hash for hit in vectors}
    assert texts and texts[0].doc_hash == "f" * 64


def test_operators_in_a_question_are_plain_words(store: LanceStore) -> None:
    table = TableSpec("chunks_test", DIM)
    fill(store, table, 30)
    store.refresh_indexes(table)
    _, texts = store.hybrid_search(table, unit(0), 'boiler" AND (NOT ~budget^2', 5)
    assert texts and "boiler" in texts[0].text
