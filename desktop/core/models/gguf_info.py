"""What a GGUF file says about itself, and whether llama.cpp can run it as a chat model.

llama.cpp aborts or crashes on some bad files instead of raising, so every file is
checked here first (a complete GGUF file, see `gguf_header`; a model rather than an
adapter; an architecture this build knows) and a bad one becomes a `ModelError` with
a reason a person can act on. Nothing here loads the weights, so listing a folder of
large models stays fast.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from desktop.core.models.gguf_header import GGUFHeader, read_gguf
from desktop.errors import ModelError

logger = logging.getLogger(__name__)

# --- architectures this llama.cpp build knows ------------------------------------------------


@lru_cache(maxsize=1)
def supported_architectures() -> frozenset[str]:
    """The architecture names this llama.cpp build can load.

    llama.cpp keeps its names in one table (`LLM_ARCH_NAMES`) that ends with "(unknown)";
    the strings sit together in the library, so they are read from there. The linker may
    fold a short name into the tail of a longer string ("qwen" into "...llama_model_qwen"),
    so gguf's own list (which mirrors llama.cpp's) is added where the library holds the
    name. Without a readable library, gguf's list is the answer.
    """
    import gguf

    known = frozenset(gguf.MODEL_ARCH_NAMES.values())
    data = _library_bytes()
    if data is None:
        return known
    names = {n for n in known if (n + "\0").encode() in data}
    start = data.find(b"\0(unknown)\0")  # the table's last entry; walk back to its first
    for _ in range(1000 if start > 0 else 0):
        prev = data.rfind(b"\0", 0, start)
        word = data[prev + 1 : start]
        if not re.fullmatch(rb"[a-z][a-z0-9_.\-]{0,39}", word):
            break
        names.add(word.decode())
        if word == b"clip":  # LLM_ARCH_CLIP opens the table
            break
        start = prev
    return frozenset(names)


def _library_bytes() -> bytes | None:
    try:
        import llama_cpp.llama_cpp as lib

        return Path(lib._lib._name).read_bytes()
    except Exception:  # an unusual build or a moved library: fall back to gguf's names
        logger.debug("could not read libllama to list architectures", exc_info=True)
        return None


def architecture_supported(architecture: str) -> bool:
    return architecture in supported_architectures()


# --- what a model file says about itself ------------------------------------------------------


@dataclass(frozen=True)
class GGUFInfo:
    """What a GGUF header says about a model, read without loading it."""

    path: Path
    architecture: str
    context_length: int | None
    has_chat_template: bool
    size_bytes: int
    general_type: str = "model"
    name: str = ""
    parameters: int = 0
    size_label: str = ""
    quantization: str = ""
    block_count: int | None = None
    kv_bytes_per_token: int | None = None  # f16 K and V for one token over every layer


def describe_gguf(header: GGUFHeader) -> GGUFInfo:
    """The facts of a header, whatever kind of GGUF it is (no usability checks)."""
    arch = header.architecture
    context = header.get(f"{arch}.context_length")
    template = header.get("tokenizer.chat_template")
    parameters = sum(t.n_elements for t in header.tensors.values())
    label = header.string("general.size_label") or _size_label(parameters)
    blocks = header.get(f"{arch}.block_count")
    return GGUFInfo(
        path=header.path,
        architecture=arch or "unknown",
        context_length=int(context) if isinstance(context, int) and context > 0 else None,
        has_chat_template=isinstance(template, str) and bool(template.strip()),
        size_bytes=header.size_bytes,
        general_type=header.general_type,
        name=header.string("general.name") or "",
        parameters=parameters,
        size_label=label,
        quantization=_quantization(header),
        block_count=int(blocks) if isinstance(blocks, int) else None,
        kv_bytes_per_token=_kv_bytes_per_token(header),
    )


def _size_label(parameters: int) -> str:
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if parameters >= scale:
            return f"{parameters / scale:.3g}{unit}"
    return str(parameters)


def _quantization(header: GGUFHeader) -> str:
    """general.file_type as a name (Q4_K_M, F16...), else the type holding most weights."""
    from gguf import LlamaFileType

    file_type = header.get("general.file_type")
    if isinstance(file_type, int):
        try:
            name = LlamaFileType(file_type).name
        except ValueError:
            name = ""
        if name and name != "GUESSED":
            return name.removeprefix("MOSTLY_").removeprefix("ALL_")
    totals: dict[str, int] = {}
    for t in header.tensors.values():
        if len(t.shape) >= 2:
            totals[t.type_name] = totals.get(t.type_name, 0) + t.n_elements
    return max(totals, key=lambda k: totals[k]) if totals else ""


def _per_layer(value: Any, layers: int) -> list[int] | None:
    if isinstance(value, int):
        return [value] * layers
    if isinstance(value, list) and len(value) == layers and all(isinstance(v, int) for v in value):
        return list(value)
    return None


def _kv_bytes_per_token(header: GGUFHeader) -> int | None:
    arch = header.architecture
    layers, embd = header.get(f"{arch}.block_count"), header.get(f"{arch}.embedding_length")
    if not isinstance(layers, int) or not isinstance(embd, int) or layers <= 0:
        return None
    heads = _per_layer(header.get(f"{arch}.attention.head_count"), layers)
    if not heads or max(heads) <= 0:
        return None  # recurrent models keep a fixed-size state instead
    kv_heads = _per_layer(header.get(f"{arch}.attention.head_count_kv", heads), layers) or heads
    head_dim = embd // max(heads)
    k = header.get(f"{arch}.attention.key_length", head_dim)
    v = header.get(f"{arch}.attention.value_length", head_dim)
    if not isinstance(k, int) or not isinstance(v, int):
        return None
    return sum(n * (k + v) * 2 for n in kv_heads)


def check_chat_model(info: GGUFInfo) -> None:
    """Refuse what llama.cpp cannot run as a chat model: adapters, projectors, unknown archs."""
    path = info.path
    kind = info.general_type
    if kind == "adapter":
        raise ModelError(path, "this is a LoRA adapter, not a model", "load it on top of a model")
    if kind == "mmproj" or info.architecture == "clip":
        raise ModelError(path, "this is a vision or audio projector (mmproj), not a chat model")
    if kind != "model":
        raise ModelError(path, f"this GGUF file is of type {kind!r}, not a model")
    if info.architecture == "unknown":
        raise ModelError(path, "the file names no architecture (general.architecture)")
    if not architecture_supported(info.architecture):
        raise ModelError(
            path,
            f"architecture {info.architecture} is not supported by this llama.cpp build",
            "update llama-cpp-python, or choose a model of a supported architecture",
        )


def inspect_gguf(path: Path) -> GGUFInfo:
    """Check that `path` is a complete GGUF chat model this build can run; read its facts."""
    info = describe_gguf(read_gguf(path))
    check_chat_model(info)
    return info
