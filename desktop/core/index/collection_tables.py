"""Which LanceDB tables hold a collection's chunks.

A collection's chunks live in the table of the model it was indexed with
(`Collection.table_name`). A re-index with another model builds that model's table
beside it, so a stopped re-index can leave a second table behind.
"""

from __future__ import annotations

from desktop.core.index.collections_db import Collection
from desktop.core.index.vector_store import ChunkStore, TableSpec


def table_of(collection: Collection) -> TableSpec:
    """The table that the collection's own model writes and searches."""
    return TableSpec(collection.table_name, collection.dim, collection.language)


def tables_of(store: ChunkStore, collection: Collection) -> list[str]:
    """Every table of a collection, of any model: its own and a stopped re-index's."""
    prefix = f"chunks_{collection.id}"
    return [n for n in store.table_names() if n == prefix or n.startswith(prefix + "_")]
