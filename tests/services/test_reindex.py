"""A collection keeps its embedding model; a re-index moves it to another, safely.

The second model is real: the default MiniLM registered under a second name,
in a models folder that links to the real one. Its vectors are the default
model's, which lets the re-index be checked exactly: every chunk must get
back the vector that indexing gave it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import lancedb
import numpy as np
import pytest

import desktop.core.models.catalog as catalog
from desktop.cli.main import main
from desktop.core.models.embedding import FastEmbedEmbedder, find_embedding_spec, load_embedder
from desktop.core.types import CancelToken, IndexSummary, Progress
from desktop.errors import ArquivoError, Cancelled, CollectionModelError
from desktop.paths import AppPaths
from desktop.services.indexer import table_of
from desktop.services.workspace import Workspace
from desktop.settings import Settings
from tests.conftest import DEFAULT_EMBEDDING

ALIAS = "minilm-second-name"


@pytest.fixture
def models(tmp_path: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A models folder with the real models, plus the default embedder under ALIAS."""
    spec = find_embedding_spec(DEFAULT_EMBEDDING)
    second = dataclasses.replace(spec, name=ALIAS)
    monkeypatch.setattr(catalog, "EMBEDDING_MODELS", (*catalog.EMBEDDING_MODELS, second))
    folder = tmp_path / "models"
    (folder / "embedding").mkdir(parents=True)
    for item in models_dir.iterdir():
        if item.name != "embedding":
            (folder / item.name).symlink_to(item)
    for item in (models_dir / "embedding").iterdir():
        (folder / "embedding" / item.name).symlink_to(item)
    (folder / "embedding" / ALIAS).symlink_to(models_dir / "embedding" / DEFAULT_EMBEDDING)
    monkeypatch.setenv("ARQUIVO_MODELS_DIR", str(folder))
    return folder


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "lighthouse.md").write_text(
        "# Lighthouse keeping\n\nThe keeper trims the wick of the lamp every evening at six.\n\n"
        "Storm logs are written in the blue ledger kept beside the stairs.\n",
        encoding="utf-8",
    )
    (folder / "bakery.txt").write_text(
        "Sourdough notes\n\nThe starter is fed with rye flour twice a day.\n", encoding="utf-8"
    )
    return folder


def workspace(home: Path, model: str, embedder: FastEmbedEmbedder | None = None) -> Workspace:
    settings = Settings(embedding_model=model)
    return Workspace(AppPaths.resolve(home), settings, embedder=embedder)


@pytest.fixture
def indexed(
    arquivo_home: Path, models: Path, docs: Path, embedder: FastEmbedEmbedder
) -> Iterator[Workspace]:
    """Collection "notes" indexed with the default model."""
    ws = workspace(arquivo_home, DEFAULT_EMBEDDING, embedder)
    events = list(ws.indexer.index([docs], "notes"))
    assert isinstance(events[-1], IndexSummary) and events[-1].files_indexed == 2
    yield ws
    ws.close()


def vectors(ws: Workspace, table: str) -> dict[str, np.ndarray]:
    rows = lancedb.connect(str(ws.paths.index / "lance")).open_table(table).to_arrow().to_pylist()
    return {r["id"]: np.asarray(r["vector"], dtype=np.float32) for r in rows}


def tables(ws: Workspace) -> set[str]:
    return set(lancedb.connect(str(ws.paths.index / "lance")).list_tables().tables)


def test_a_new_setting_applies_to_new_collections_only(
    indexed: Workspace, arquivo_home: Path, docs: Path
) -> None:
    ws = workspace(arquivo_home, ALIAS)
    try:
        hits = ws.assistant.search("notes", "who trims the wick of the lamp", 3).hits
        assert "wick" in hits[0].text
        assert ws.catalog.get_collection("notes").embedding_model == DEFAULT_EMBEDDING
        list(ws.indexer.index([docs / "bakery.txt"], "bread"))
        assert ws.catalog.get_collection("bread").embedding_model == ALIAS
        # Both at once: each collection's query is embedded with its own model.
        both = ws.assistant.search(["notes", "bread"], "rye flour starter", 3).hits
        assert "rye flour" in both[0].text
        # The old collection still grows with its own model.
        (docs / "extra.md").write_text("The foghorn sounds every thirty seconds.", "utf-8")
        summary = list(ws.indexer.index(None, "notes"))[-1]
        assert isinstance(summary, IndexSummary) and summary.files_indexed == 1
        assert ws.catalog.get_collection("notes").embedding_model == DEFAULT_EMBEDDING
    finally:
        ws.close()


def test_a_missing_model_is_named_with_the_command_that_fixes_it(
    arquivo_home: Path, models: Path, docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = workspace(arquivo_home, ALIAS)
    list(ws.indexer.index([docs], "notes"))
    ws.close()
    (models / "embedding" / ALIAS).unlink()  # the model is gone

    ws = workspace(arquivo_home, DEFAULT_EMBEDDING)
    try:
        with pytest.raises(CollectionModelError) as caught:
            ws.assistant.search("notes", "wick", 3)
        message = str(caught.value)
        assert ALIAS in message and "not installed" in message
        assert "`arquivo reindex notes`" in message
        with pytest.raises(CollectionModelError):
            list(ws.indexer.index(None, "notes"))
        assert not ws.embedding_model_installed(ALIAS)
    finally:
        ws.close()

    assert main(["search", "wick", "--collection", "notes"]) == 2
    err = capsys.readouterr().err
    assert "arquivo reindex notes" in err and "Traceback" not in err


def test_reindex_gives_every_chunk_the_vector_indexing_gave_it(
    indexed: Workspace, arquivo_home: Path
) -> None:
    before = indexed.catalog.get_collection("notes")
    old_vectors = vectors(indexed, before.table_name)
    alias = load_embedder(indexed.paths.models, ALIAS)

    events = list(indexed.indexer.reindex("notes", alias))

    after = indexed.catalog.get_collection("notes")
    assert after.embedding_model == ALIAS and after.id == before.id
    assert after.table_name != before.table_name
    assert tables(indexed) == {after.table_name}  # the old table is gone
    summary = events[-1]
    assert isinstance(summary, IndexSummary)
    assert summary.chunks_added == len(old_vectors)
    new_vectors = vectors(indexed, after.table_name)
    assert new_vectors.keys() == old_vectors.keys()
    for chunk_id, vector in old_vectors.items():
        assert float(vector @ new_vectors[chunk_id]) > 0.9999, chunk_id
    ws = workspace(arquivo_home, ALIAS)
    try:
        hits = ws.assistant.search("notes", "where are storm logs written", 3).hits
        assert "blue ledger" in hits[0].text
        assert hits[0].paths[0].endswith("lighthouse.md")
    finally:
        ws.close()


def test_a_stopped_reindex_leaves_the_old_index_answering_and_resumes(
    indexed: Workspace, docs: Path
) -> None:
    alias = load_embedder(indexed.paths.models, ALIAS)
    indexed.indexer.options = dataclasses.replace(indexed.indexer.options, commit_chunks=16)
    cancel = CancelToken()
    first: list[object] = []
    with pytest.raises(Cancelled):
        for event in indexed.indexer.reindex("notes", alias, cancel):
            first.append(event)
            if isinstance(event, Progress) and event.files_done == 1:
                cancel.cancel()  # one content committed to the new table, then stop
    collection = indexed.catalog.get_collection("notes")
    assert collection.embedding_model == DEFAULT_EMBEDDING
    hits = indexed.assistant.search("notes", "who trims the wick of the lamp", 3).hits
    assert "wick" in hits[0].text
    assert len(tables(indexed)) == 2  # the old table and the unfinished new one

    events = list(indexed.indexer.reindex("notes", alias))
    start = events[0]
    assert isinstance(start, Progress) and start.files_done == 1  # resumed, not redone
    assert indexed.catalog.get_collection("notes").embedding_model == ALIAS
    assert len(tables(indexed)) == 1


def test_reindex_to_the_same_model_says_so(indexed: Workspace) -> None:
    with pytest.raises(ArquivoError, match="already uses embedding model"):
        list(indexed.indexer.reindex("notes"))


def test_forget_drops_the_tables_of_every_model(indexed: Workspace) -> None:
    alias = load_embedder(indexed.paths.models, ALIAS)
    cancel = CancelToken()
    indexed.indexer.options = dataclasses.replace(indexed.indexer.options, commit_chunks=16)
    with pytest.raises(Cancelled):
        for event in indexed.indexer.reindex("notes", alias, cancel):
            if isinstance(event, Progress) and event.files_done == 1:
                cancel.cancel()
    assert len(tables(indexed)) == 2
    indexed.indexer.forget("notes")
    assert tables(indexed) == set()


def test_cli_reindex_with_an_embedding_model(
    indexed: Workspace, arquivo_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    indexed.close()
    assert main(["collections"]) == 0
    assert "embedding model:" not in capsys.readouterr().out  # current model: nothing to say
    assert main(["reindex", "notes", "--embedding-model", ALIAS]) == 0
    assert f"Re-indexed 'notes' with {ALIAS}" in capsys.readouterr().out
    assert main(["collections"]) == 0
    out = capsys.readouterr().out
    assert f"embedding model: {ALIAS}" in out and "arquivo reindex notes" in out
    assert main(["reindex", "notes"]) == 0  # back to the setting's model
    assert main(["search", "storm logs ledger", "--collection", "notes"]) == 0
    assert "blue ledger" in capsys.readouterr().out


def test_unknown_model_for_reindex_is_a_clear_error(
    indexed: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    indexed.close()
    assert main(["reindex", "notes", "--embedding-model", "no-such-model"]) == 2
    err = capsys.readouterr().err
    assert "no-such-model" in err and "unknown embedding model" in err



E5 = "multilingual-e5-small-q4"


def test_reindex_to_a_different_model_answers_with_its_vectors(
    indexed: Workspace, arquivo_home: Path, models: Path
) -> None:
    if not indexed.embedding_model_installed(E5):
        pytest.skip(f"{E5} is not in the models folder (`make models` fetches it)")
    e5 = load_embedder(models, E5)
    list(indexed.indexer.reindex("notes", e5))
    collection = indexed.catalog.get_collection("notes")
    assert (collection.embedding_model, collection.dim) == (E5, e5.dim)
    # The vectors are e5's: a Portuguese question, embedded by e5 alone, finds the English line.
    query = e5.embed_query("quem apara o pavio da lâmpada todas as noites?")
    top = indexed.store.vector_search(table_of(collection), query, 1)[0]
    assert "wick" in top.text
    ws = workspace(arquivo_home, DEFAULT_EMBEDDING)  # the setting still names MiniLM
    try:
        assert ws.assistant.search("notes", "storm logs ledger", 3).hits[0].text.count("ledger")
    finally:
        ws.close()
