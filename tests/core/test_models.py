"""The model list and model import, on the real default model and small bad files."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from desktop.core.models.catalog import FAST_CHAT_MODEL
from desktop.core.models.model_files import (
    IMPORTED_FILE,
    describe_model,
    forget_model,
    import_model,
    list_models,
    read_references,
)
from desktop.errors import ModelError
from tests.adapters_helpers import write_lora, write_tiny_model


@pytest.fixture
def default_model(models_dir: Path) -> Path:
    return models_dir / FAST_CHAT_MODEL


def test_the_list_describes_the_default_model(tmp_path: Path, default_model: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / FAST_CHAT_MODEL).symlink_to(default_model)
    (folder / "notes.txt").write_text("not a model")
    [model] = list_models(folder)
    assert model.name == FAST_CHAT_MODEL
    assert model.architecture == "llama"
    assert model.parameters == pytest.approx(135e6, rel=0.01)
    assert model.size_label == "135M"
    assert model.quantization == "Q4_1"
    assert model.context_length == 8192
    assert model.has_chat_template
    assert model.usable and model.reason == ""
    assert model.size_bytes == default_model.stat().st_size
    assert not model.referenced


def test_bad_files_are_listed_as_unusable_with_the_reason(
    tmp_path: Path, default_model: Path
) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "a-broken.gguf").write_bytes(b"<html>a download error page</html>")
    write_lora(folder / "b-adapter.gguf", default_model, layers=(0,))
    write_tiny_model(folder / "c-odd.gguf", "notanarch")
    (folder / "d-half.gguf.part").write_bytes(b"GGUF")  # an interrupted copy is not listed
    reasons = {m.name: (m.usable, m.reason) for m in list_models(folder)}
    assert reasons == {
        "a-broken.gguf": (False, "not a GGUF model file"),
        "b-adapter.gguf": (False, "this is a LoRA adapter, not a model"),
        "c-odd.gguf": (False, "architecture notanarch is not supported by this llama.cpp build"),
    }


def test_import_copies_the_model(tmp_path: Path, default_model: Path) -> None:
    folder = tmp_path / "models"
    dest = import_model(default_model, folder)
    assert dest == folder / FAST_CHAT_MODEL
    assert dest.stat().st_size == default_model.stat().st_size
    assert not dest.is_symlink()
    assert [p.name for p in folder.iterdir()] == [FAST_CHAT_MODEL]  # no .part left
    assert import_model(dest, folder) == dest  # already there
    assert [m.name for m in list_models(folder)] == [FAST_CHAT_MODEL]


def test_import_refuses_a_taken_name(tmp_path: Path, default_model: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "model.gguf").write_bytes(b"someone else's file")
    other = tmp_path / "model.gguf"
    other.symlink_to(default_model)
    with pytest.raises(ModelError, match=r"already has a file named model\.gguf"):
        import_model(other, folder)
    assert (folder / "model.gguf").read_bytes() == b"someone else's file"


def test_import_by_reference_records_the_path(tmp_path: Path, default_model: Path) -> None:
    folder = tmp_path / "models"
    assert import_model(default_model, folder, link=True) == default_model
    assert import_model(default_model, folder, link=True) == default_model  # once only
    assert read_references(folder) == [default_model]
    saved = json.loads((folder / IMPORTED_FILE).read_text())
    assert saved["models"] == [str(default_model)]
    [model] = list_models(folder)
    assert model.referenced and model.usable and model.path == default_model
    assert forget_model(default_model, folder)
    assert list_models(folder) == []
    assert not forget_model(default_model, folder)


def test_a_bad_file_is_not_imported(tmp_path: Path, default_model: Path) -> None:
    folder = tmp_path / "models"
    adapter = write_lora(tmp_path / "adapter.gguf", default_model, layers=(0,))
    for link in (False, True):
        with pytest.raises(ModelError, match="this is a LoRA adapter, not a model"):
            import_model(adapter, folder, link=link)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_moved_reference_is_listed_as_missing(tmp_path: Path, default_model: Path) -> None:
    folder = tmp_path / "models"
    moved = tmp_path / "moved.gguf"
    moved.symlink_to(default_model)
    import_model(moved, folder, link=True)
    moved.unlink()
    [model] = list_models(folder)
    assert (model.usable, model.reason, model.referenced) == (False, "file not found", True)
    assert describe_model(moved).size_bytes == 0


def test_a_damaged_list_of_references_is_set_aside(
    tmp_path: Path, default_model: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / IMPORTED_FILE).write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="desktop.core.models.model_files"):
        assert list_models(folder) == []
    assert "damaged list of imported models" in caplog.text
    import_model(default_model, folder, link=True)
    assert (folder / (IMPORTED_FILE + ".damaged")).read_text() == "{not json"
    assert read_references(folder) == [default_model]


def test_extra_references_are_listed_once(tmp_path: Path, default_model: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / FAST_CHAT_MODEL).symlink_to(default_model)
    models = list_models(folder, referenced=[default_model, default_model])
    assert [m.referenced for m in models] == [False]  # the same file, through the folder
