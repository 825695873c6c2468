"""Chunk vectors and text in LanceDB, with a full-text index beside them.

One LanceDB table per collection (a directory on disk). A chunk row carries its
content hash (`doc_hash`), its position, page, heading, text and vector; which
files hold a content is the catalog's business, so a renamed or duplicated file
never touches this table.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from desktop.core.models.embedding import Vector
from desktop.core.types import Chunk
from desktop.errors import StoreError

logger = logging.getLogger(__name__)

# Languages LanceDB's full-text tokenizer can stem (a subset of tantivy's list).
FTS_LANGUAGES = (
    "English", "Portuguese", "Spanish", "French", "German", "Italian", "Dutch",
)  # fmt: skip

_WORD = re.compile(r"\w+", re.UNICODE)
_COLUMNS = ["id", "doc_hash", "ordinal", "page", "heading", "text"]


@dataclass(frozen=True)
class StoredHit:
    """A row found by one retriever, before fusion."""

    chunk_id: str
    doc_hash: str
    ordinal: int
    page: int | None
    heading: str
    text: str
    # cosine similarity for vectors, BM25 for text (retrieval turns it into a share of
    # the best BM25, plus the word pairs' bonus: `word_pairs.by_word_pairs`)
    score: float


@dataclass(frozen=True)
class TableSpec:
    """What a collection's table needs: its name, vector size and text language."""

    name: str
    dim: int
    language: str = "English"


class ChunkStore(Protocol):
    """What indexing and retrieval need from the vector store."""

    def add(
        self, table: TableSpec, doc_hash: str, chunks: Sequence[Chunk], vectors: Vector
    ) -> None: ...
    def add_many(
        self, table: TableSpec, batch: Sequence[tuple[str, Sequence[Chunk]]], vectors: Vector
    ) -> None: ...
    def delete_documents(self, table: TableSpec, doc_hashes: Sequence[str]) -> None: ...
    def erase_deleted(self, table: TableSpec) -> None: ...
    def doc_hashes(self, table: TableSpec) -> set[str]: ...
    def count(self, table: TableSpec) -> int: ...
    def refresh_indexes(self, table: TableSpec) -> None: ...
    def vector_search(self, table: TableSpec, vector: Vector, limit: int) -> list[StoredHit]: ...
    def text_search(self, table: TableSpec, query: str, limit: int) -> list[StoredHit]: ...
    def hybrid_search(
        self, table: TableSpec, vector: Vector, query: str, limit: int
    ) -> tuple[list[StoredHit], list[StoredHit]]: ...
    def drop(self, table: TableSpec) -> None: ...
    def chunks_of(self, table: TableSpec, doc_hashes: Sequence[str]) -> dict[str, list[Chunk]]: ...
    def table_names(self) -> list[str]: ...


def _schema(dim: int) -> pa.Schema:
    return pa.schema(
        [
            pa.field("id", pa.string()),
            pa.field("doc_hash", pa.string()),
            pa.field("ordinal", pa.int32()),
            pa.field("page", pa.int32()),
            pa.field("heading", pa.string()),
            pa.field("text", pa.string()),
            pa.field("vector", pa.list_(pa.float32(), dim)),
        ]
    )


def fts_query_text(query: str) -> str:
    """Plain words only: the FTS parser must never see operators from user input."""
    return " ".join(_WORD.findall(query))


class LanceStore:
    """LanceDB-backed chunk store in one directory."""

    # From this many rows a table gets an IVF_FLAT vector index; below it an
    # exhaustive scan is exact and fast enough. The scan's time grows with the
    # table while the indexed search's barely does, at a recall close to exact
    # (tests/benchmarks/bench_search.py; see docs/measurements.md).
    ann_threshold = 10_000
    # Partitions searched per query: enough for a recall close to exact search;
    # fewer lost recall, more gained too little for the time (see docs/measurements.md).
    vector_probes = 64

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._connection: Any | None = None
        self._connecting = threading.Lock()  # the app's lanes may first search at once
        self._tables: dict[str, Any] = {}

    @property
    def _db(self) -> Any:
        """The LanceDB connection, opened on first use.

        `import lancedb` is most of what `arquivo index` spends on a folder where
        nothing changed, which needs no table at all (see docs/measurements.md).
        """
        with self._connecting:
            if self._connection is None:
                import lancedb

                self._folder.mkdir(parents=True, exist_ok=True)
                try:
                    # Another process (the CLI beside the app) may write: look for its
                    # new versions at most every 2 s instead of never.
                    self._connection = lancedb.connect(
                        str(self._folder), read_consistency_interval=timedelta(seconds=2)
                    )
                except Exception as exc:
                    raise StoreError(f"cannot open the index at {self._folder}: {exc}") from exc
            return self._connection

    def _table(self, spec: TableSpec, create: bool = False) -> Any | None:
        if spec.name in self._tables:
            return self._tables[spec.name]
        try:
            table = self._db.open_table(spec.name)
        except (FileNotFoundError, ValueError):
            if not create:
                return None
            table = self._db.create_table(spec.name, schema=_schema(spec.dim), exist_ok=True)
        self._tables[spec.name] = table
        return table

    def add(
        self, table: TableSpec, doc_hash: str, chunks: Sequence[Chunk], vectors: Vector
    ) -> None:
        self.add_many(table, [(doc_hash, chunks)], vectors)

    def add_many(
        self, table: TableSpec, batch: Sequence[tuple[str, Sequence[Chunk]]], vectors: Vector
    ) -> None:
        """Write the chunks of several documents in one commit (one new fragment)."""
        rows = [(doc_hash, chunk) for doc_hash, chunks in batch for chunk in chunks]
        if not rows:
            return
        if len(rows) != len(vectors):
            raise StoreError(f"{len(rows)} chunks but {len(vectors)} vectors")
        data = pa.table(
            {
                "id": [f"{h}:{c.ordinal}" for h, c in rows],
                "doc_hash": [h for h, _ in rows],
                "ordinal": pa.array([c.ordinal for _, c in rows], pa.int32()),
                "page": pa.array([c.page or 0 for _, c in rows], pa.int32()),
                "heading": [c.heading for _, c in rows],
                "text": [c.text for _, c in rows],
                "vector": pa.FixedSizeListArray.from_arrays(
                    pa.array(np.ascontiguousarray(vectors, dtype=np.float32).ravel()), table.dim
                ),
            },
            schema=_schema(table.dim),
        )
        lance_table = self._table(table, create=True)
        assert lance_table is not None
        lance_table.add(data)

    def delete_documents(self, table: TableSpec, doc_hashes: Sequence[str]) -> None:
        lance_table = self._table(table)
        if lance_table is None or not doc_hashes:
            return
        for start in range(0, len(doc_hashes), 500):
            part = doc_hashes[start : start + 500]
            if not all(re.fullmatch(r"[0-9a-f]+", h) for h in part):
                raise StoreError("refusing to delete by a malformed content hash")
            quoted = ",".join(f"'{h}'" for h in part)
            lance_table.delete(f"doc_hash IN ({quoted})")

    def erase_deleted(self, table: TableSpec) -> None:
        """Make deleted rows unreadable: rewrite the table and drop its older versions.

        A LanceDB delete only marks rows: their text stays in the data files (compaction
        rewrites a file only once a tenth of it is deleted, and the Python API cannot
        lower that), and every older version reads it back for 7 days. So the rows left
        are written as a new version, every older version and unreferenced file
        (indexes included) is deleted, and the indexes are built again. It costs a
        rewrite of the table: it is for `remove`, where the person asked for the text
        to be gone.
        """
        lance_table = self._table(table)
        if lance_table is None:
            return
        rows = lance_table.to_arrow()
        self._tables.pop(table.name, None)
        self._db.create_table(table.name, data=rows, schema=rows.schema, mode="overwrite")
        self.refresh_indexes(table)
        rewritten = self._table(table)
        assert rewritten is not None
        with warnings.catch_warnings():
            # that a reader still on an older version fails: searches hold no version
            # across calls, and writers wait for the collection's lock
            warnings.simplefilter("ignore", UserWarning)
            rewritten.optimize(cleanup_older_than=timedelta(0), delete_unverified=True)

    def doc_hashes(self, table: TableSpec) -> set[str]:
        lance_table = self._table(table)
        if lance_table is None:
            return set()
        rows = lance_table.count_rows()
        if rows == 0:
            return set()
        column = lance_table.search().select(["doc_hash"]).limit(rows).to_arrow()["doc_hash"]
        return set(column.unique().to_pylist())

    def count(self, table: TableSpec) -> int:
        lance_table = self._table(table)
        return 0 if lance_table is None else int(lance_table.count_rows())

    def refresh_indexes(self, table: TableSpec) -> None:
        """Fold new rows into the indexes and compact small fragments.

        Called once at the end of an indexing run, not per batch: searches
        between two refreshes still see new rows (LanceDB scans unindexed rows).
        """
        from lancedb.index import FTS

        lance_table = self._table(table)
        if lance_table is None or lance_table.count_rows() == 0:
            return
        names = {index.name for index in lance_table.list_indices()}
        if "text_idx" not in names:
            lance_table.create_index(
                "text",
                config=FTS(
                    language=table.language or "English",
                    stem=True,
                    remove_stop_words=True,
                    ascii_folding=True,
                    with_position=False,
                ),
                name="text_idx",
            )
        # Compact first: a new vector index is then trained on, and points at,
        # the compacted fragments (building it before compaction made the
        # compaction remap it, much slower on a large table; see docs/measurements.md).
        lance_table.optimize()
        self._refresh_vector_index(lance_table)

    def _refresh_vector_index(self, lance_table: Any) -> None:
        """Keep one vector index sized for the table, or none below `ann_threshold`.

        An index is named after the row count it was trained on. `optimize()`
        folds later rows into it with its old partitions, which keeps results
        exact within each partition but makes partitions larger: once the table
        has doubled it is trained again. Indexes from older versions (no count
        in the name) are replaced; below half the threshold the index is
        dropped and search is exhaustive again.
        """
        rows = lance_table.count_rows()
        trained = {
            index.name: _trained_rows(index.name)
            for index in lance_table.list_indices()
            if list(index.columns) == ["vector"]
        }
        keep = next(
            (name for name, n in trained.items() if n and self.ann_threshold // 2 <= rows < 2 * n),
            None,
        )
        if keep is None and rows >= self.ann_threshold:
            keep = self._create_vector_index(lance_table)
        for name in trained:
            if name != keep:
                lance_table.drop_index(name)

    def _create_vector_index(self, lance_table: Any) -> str:
        """IVF_FLAT on cosine, sqrt(rows) partitions; returns the index's name.

        Chosen on tests/benchmarks/bench_search.py (see docs/measurements.md):
        IVF_FLAT keeps full vectors, so distances are exact and recall depends
        only on `vector_probes`, and it builds quickly. IVF_HNSW_SQ reached the
        same recall only with a wide search and a refine step, and took several
        times longer to build; IVF_PQ's compressed vectors stayed well short of
        that recall for a top 10, even refined.
        """
        from lancedb.index import IvfFlat

        rows = lance_table.count_rows()
        name = f"vector_idx_{rows}"
        lance_table.create_index(
            "vector",
            config=IvfFlat(distance_type="cosine", num_partitions=max(1, round(rows**0.5))),
            name=name,
        )
        return name

    def vector_search(self, table: TableSpec, vector: Vector, limit: int) -> list[StoredHit]:
        return self._search(table, vector, None, limit)[0]

    def text_search(self, table: TableSpec, query: str, limit: int) -> list[StoredHit]:
        return self._search(table, None, query, limit)[1]

    def hybrid_search(
        self, table: TableSpec, vector: Vector, query: str, limit: int
    ) -> tuple[list[StoredHit], list[StoredHit]]:
        """The vector ranking and the keyword ranking of one question, found at once."""
        return self._search(table, vector, query, limit)

    def _search(
        self, table: TableSpec, vector: Vector | None, query: str | None, limit: int
    ) -> tuple[list[StoredHit], list[StoredHit]]:
        """Run the vector and/or full-text query on LanceDB's own event loop.

        Through LanceDB's synchronous API each query re-reads the table's schema
        three times (a round trip to its event loop thread each), and two queries
        run one after the other. Awaited together on the table's async side, the
        same rows come back sooner (`tests/benchmarks/bench_search.py`; see
        docs/measurements.md). The async table is the synchronous one's `_table`
        (lancedb is pinned to 0.40): a second connection would not see this
        process's own writes at once.
        """
        from lancedb.background_loop import LOOP

        lance_table = self._table(table)
        words = fts_query_text(query) if query is not None else ""
        if lance_table is None or (vector is None and not words):
            return [], []
        vectors, texts = LOOP.run(
            _nearest_and_matching(lance_table._table, vector, words, limit, self.vector_probes)
        )
        if isinstance(vectors, BaseException):
            raise vectors
        if isinstance(texts, BaseException):  # a keyword search failing: the vectors answer
            logger.warning("full-text search failed: %s", texts)
            texts = None
        vector_hits = (
            []
            if vectors is None
            else [_hit(row, 1.0 - float(row["_distance"])) for row in vectors.to_pylist()]
        )
        text_hits = (
            [] if texts is None else [_hit(row, float(row["_score"])) for row in texts.to_pylist()]
        )
        return vector_hits, text_hits

    def chunks_of(self, table: TableSpec, doc_hashes: Sequence[str]) -> dict[str, list[Chunk]]:
        """The stored chunks of some contents, in order: what a re-embedding reads.

        A filtered scan per call, with no vectors read: it costs little against
        what embedding the chunks costs (see docs/measurements.md).
        """
        lance_table = self._table(table)
        found: dict[str, list[Chunk]] = {h: [] for h in doc_hashes}
        if lance_table is None or not doc_hashes:
            return found
        if not all(re.fullmatch(r"[0-9a-f]+", h) for h in doc_hashes):
            raise StoreError("refusing to read by a malformed content hash")
        quoted = ",".join(f"'{h}'" for h in doc_hashes)
        rows = (
            lance_table.search()
            .where(f"doc_hash IN ({quoted})")
            .select(["doc_hash", "ordinal", "page", "heading", "text"])
            .limit(max(1, lance_table.count_rows()))
            .to_list()
        )
        for row in sorted(rows, key=lambda r: (r["doc_hash"], r["ordinal"])):
            found[row["doc_hash"]].append(
                Chunk(
                    text=row["text"],
                    ordinal=int(row["ordinal"]),
                    page=int(row["page"]) or None,
                    heading=row["heading"],
                )
            )
        return found

    def table_names(self) -> list[str]:
        names: list[str] = []
        token: str | None = None
        while True:  # listed a page at a time
            page = self._db.list_tables(page_token=token)
            names.extend(page.tables)
            token = page.page_token
            if not token or not page.tables:
                return names

    def drop(self, table: TableSpec) -> None:
        self._tables.pop(table.name, None)
        with contextlib.suppress(FileNotFoundError, ValueError):
            self._db.drop_table(table.name)


async def _nearest_and_matching(
    async_table: Any, vector: Vector | None, words: str, limit: int, probes: int
) -> tuple[Any, Any]:
    """The nearest rows to `vector` and the rows matching `words`, queried together.

    Each is None where it was not asked for, and its exception where it failed.
    """

    async def nearest() -> Any:
        if vector is None:
            return None
        return await (
            async_table.query()
            .nearest_to(np.asarray(vector, dtype=np.float32))
            .column("vector")
            .distance_type("cosine")
            .nprobes(probes)  # ignored while the table has no vector index
            .select([*_COLUMNS, "_distance"])
            .limit(limit)
            .to_arrow()
        )

    async def matching() -> Any:
        if not words:
            return None
        return await (
            async_table.query()
            .nearest_to_text(words, columns="text")
            .select([*_COLUMNS, "_score"])
            .limit(limit)
            .to_arrow()
        )

    return await asyncio.gather(nearest(), matching(), return_exceptions=True)


def _trained_rows(index_name: str) -> int:
    """Rows a vector index was trained on, from its name; 0 for older indexes."""
    found = re.fullmatch(r"vector_idx_(\d+)", index_name)
    return int(found.group(1)) if found else 0


def _hit(row: dict[str, Any], score: float) -> StoredHit:
    return StoredHit(
        chunk_id=row["id"],
        doc_hash=row["doc_hash"],
        ordinal=int(row["ordinal"]),
        page=int(row["page"]) or None,
        heading=row["heading"],
        text=row["text"],
        score=score,
    )
