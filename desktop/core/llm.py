"""The chat model behind a small interface, and a GGUF check before loading.

llama.cpp aborts or crashes on some bad files instead of raising, so every
file is checked here first (magic, header, tensors inside the file) and a bad
one becomes a `ModelError` with a reason a person can act on.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from desktop.errors import ModelError

logger = logging.getLogger(__name__)

GGUF_MAGIC = b"GGUF"
DEFAULT_CHAT_MODEL = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class GGUFInfo:
    """What a GGUF header says about a model, read without loading it."""

    path: Path
    architecture: str
    context_length: int | None
    has_chat_template: bool
    size_bytes: int


def _field_value(reader: Any, key: str) -> Any:
    field = reader.fields.get(key)
    if field is None:
        return None
    try:
        return field.contents()
    except Exception:  # older gguf versions: decode by hand
        part = field.parts[field.data[0]]
        return part.tobytes().decode("utf-8", "replace") if part.dtype.kind == "u" else part[0]


def inspect_gguf(path: Path) -> GGUFInfo:
    """Check that `path` is a complete GGUF file and read its main facts."""
    if not path.exists():
        raise ModelError(path, "file not found")
    if not path.is_file():
        raise ModelError(path, "not a file")
    size = path.stat().st_size
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise ModelError(path, f"cannot read the file ({exc.strerror})") from exc
    if magic != GGUF_MAGIC:
        raise ModelError(path, "not a GGUF model file", "choose a .gguf file (llama.cpp format)")
    from gguf import GGUFReader

    try:
        reader = GGUFReader(path)
    except Exception as exc:  # truncated files fail while mapping tensor data
        raise ModelError(path, f"damaged or truncated GGUF file ({exc})") from exc
    for tensor in reader.tensors:
        end = int(tensor.data_offset) + int(tensor.n_bytes)
        if end > size:
            raise ModelError(path, "truncated GGUF file (tensor data past the end of the file)")
    architecture = _field_value(reader, "general.architecture") or "unknown"
    context = _field_value(reader, f"{architecture}.context_length")
    template = _field_value(reader, "tokenizer.chat_template")
    return GGUFInfo(
        path=path,
        architecture=str(architecture),
        context_length=int(context) if context is not None else None,
        has_chat_template=bool(template),
        size_bytes=size,
    )


class LLM(Protocol):
    """What the assistant needs from a chat model."""

    @property
    def name(self) -> str: ...

    @property
    def context_size(self) -> int: ...

    @property
    def device(self) -> str: ...

    def count_tokens(self, text: str) -> int: ...

    def stream_chat(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        """Yield the answer's text piece by piece; closing the iterator stops generation."""
        ...


def gpu_offload_supported() -> bool:
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


class LlamaCppLLM:
    """A GGUF chat model run by llama-cpp-python, on the GPU when the build has one."""

    def __init__(
        self,
        path: Path,
        *,
        context_size: int = 4096,
        threads: int = 0,
        gpu_layers: int = -1,
        seed: int = 0,
    ) -> None:
        info = inspect_gguf(path)
        if info.context_length:
            context_size = min(context_size, info.context_length)
        offload = gpu_offload_supported()
        layers = (-1 if offload else 0) if gpu_layers < 0 else gpu_layers
        self._device = "gpu" if offload and layers != 0 else "cpu"
        from llama_cpp import Llama

        started = time.perf_counter()
        try:
            self._llama = Llama(
                model_path=str(path),
                n_ctx=context_size,
                n_threads=threads or os.cpu_count() or 1,
                n_gpu_layers=layers,
                seed=seed,
                verbose=False,
            )
        except Exception as exc:  # llama-cpp-python raises ValueError or RuntimeError
            raise ModelError(path, f"llama.cpp could not load it ({exc})") from exc
        self._path = path
        self._info = info
        logger.info(
            "loaded %s (%s, ctx %d, %s) in %.2fs",
            path.name, info.architecture, context_size, self._device,
            time.perf_counter() - started,
        )  # fmt: skip

    @property
    def name(self) -> str:
        return self._path.name

    @property
    def info(self) -> GGUFInfo:
        return self._info

    @property
    def context_size(self) -> int:
        return int(self._llama.n_ctx())

    @property
    def device(self) -> str:
        return self._device

    @property
    def llama(self) -> Any:
        """The live llama-cpp-python object, for adapters and benchmarks."""
        return self._llama

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream_chat(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        llama: Any = self._llama  # its stubs type messages as TypedDicts; ours are plain dicts
        stream = llama.create_chat_completion(
            messages=list(messages),
            max_tokens=max_tokens,
            temperature=temperature,
            stream=True,
        )
        try:
            for part in stream:
                text = part["choices"][0]["delta"].get("content")
                if text:
                    yield text
        finally:
            stream.close()


def resolve_model_path(models_dir: Path, chat_model: str) -> Path:
    """A setting's model (a path or a name in the models folder) as a file path."""
    if not chat_model:
        return models_dir / DEFAULT_CHAT_MODEL
    candidate = Path(chat_model).expanduser()
    if candidate.is_absolute() or candidate.exists():
        return candidate
    return models_dir / chat_model
