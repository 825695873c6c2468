from pathlib import Path

import pytest

from desktop.core.llm import DEFAULT_CHAT_MODEL, LlamaCppLLM, inspect_gguf, resolve_model_path
from desktop.errors import ModelError


def test_the_default_model_is_a_chat_model(models_dir: Path) -> None:
    info = inspect_gguf(models_dir / DEFAULT_CHAT_MODEL)
    assert info.architecture == "llama"
    assert info.has_chat_template
    assert info.context_length and info.context_length >= 2048


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"%PDF-1.4 not a model at all", "not a GGUF model file"),
        (b"", "not a GGUF model file"),
    ],
)
def test_files_that_are_not_gguf_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=reason):
        inspect_gguf(path)


def test_a_truncated_gguf_is_refused_before_llama_cpp_sees_it(
    tmp_path: Path, models_dir: Path
) -> None:
    data = (models_dir / DEFAULT_CHAT_MODEL).read_bytes()
    path = tmp_path / "cut.gguf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="truncated"):
        LlamaCppLLM(path)


def test_a_missing_model_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="file not found"):
        inspect_gguf(tmp_path / "nope.gguf")


def test_resolve_model_path(tmp_path: Path) -> None:
    assert resolve_model_path(tmp_path, "") == tmp_path / DEFAULT_CHAT_MODEL
    assert resolve_model_path(tmp_path, "other.gguf") == tmp_path / "other.gguf"
    assert resolve_model_path(tmp_path, "/abs/x.gguf") == Path("/abs/x.gguf")


def test_streams_an_answer_piece_by_piece(llm: LlamaCppLLM) -> None:
    pieces = list(
        llm.stream_chat(
            [{"role": "user", "content": "Say hello."}], max_tokens=12, temperature=0.0
        )
    )
    assert len(pieces) > 1
    assert "".join(pieces).strip()
    assert llm.count_tokens("hello world") >= 2
    assert llm.device == "cpu"
