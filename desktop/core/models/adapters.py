"""LoRA adapters: checked against the base model before llama.cpp sees them, switched live.

Why check first: `Llama(lora_path=...)` crashes the process (a segmentation fault at
the first token) for an adapter of another architecture, one with wrong shapes and a
truncated one (llama.cpp refuses them, but llama-cpp-python tests its NULL result
against None and applies it anyway), and llama.cpp itself accepts float64 LoRA tensors
and then crashes in its matrix product (see docs/measurements.md).
So every adapter passes `check_adapter` (the rules of llama.cpp's own loader, and the
tensor types its matmul runs), and is loaded with `llama_adapter_lora_init` directly,
its NULL result tested.

Shapes: a model weight of GGUF shape (ne) [in, out] -- (out, in) in numpy's order --
takes `<name>.lora_a` of ne [in, rank] -- numpy (rank, in) -- and `<name>.lora_b` of
ne [rank, out] -- numpy (out, rank). Messages give shapes in numpy's order.
"""

from __future__ import annotations

import ctypes
import logging
import math
import os
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.models.gguf_header import (
    FLOAT32,
    STRING,
    VALUE_TYPES,
    GGUFHeader,
    GGUFTensor,
    read_gguf,
)
from desktop.errors import AdapterMismatchError, ModelError

logger = logging.getLogger(__name__)

# What llama.cpp's LoRA matmul runs on every backend (convert_lora_to_gguf writes these).
ADAPTER_TENSOR_TYPES = ("F32", "F16", "BF16", "Q8_0")


@dataclass(frozen=True)
class AdapterInfo:
    """What a checked adapter file holds."""

    path: Path
    architecture: str
    rank: int  # the largest rank among its tensor pairs
    alpha: float | None  # None: absent, and llama.cpp then applies the scale as is
    weights: tuple[str, ...]  # the model's tensors it changes
    size_bytes: int
    name: str = ""


def check_adapter(adapter: Path, model: Path) -> AdapterInfo:
    """Check that `adapter` is a complete LoRA GGUF that fits the model file `model`.

    Raises `AdapterMismatchError` naming what is wrong, or `ModelError` for a bad model.
    """
    return check_adapter_against(adapter, read_gguf(model))


def check_adapter_against(adapter: Path, model: GGUFHeader) -> AdapterInfo:
    """`check_adapter` against a model header already read."""
    try:
        header = read_gguf(adapter)
    except ModelError as exc:
        reason = "not a GGUF file" if exc.reason == "not a GGUF model file" else exc.reason
        raise AdapterMismatchError(adapter, reason) from exc
    alpha = _check_metadata(header, model)
    pairs = _pairs(header)
    ranks = [_check_pair(adapter, base, a, b, model) for base, (a, b) in pairs.items()]
    return AdapterInfo(
        path=adapter,
        architecture=header.architecture,
        rank=max(ranks),
        alpha=alpha,
        weights=tuple(pairs),
        size_bytes=header.size_bytes,
        name=header.string("general.name") or "",
    )


def _string_key(header: GGUFHeader, key: str) -> str | None:
    vtype = header.value_types.get(key)
    if vtype is None:
        return None
    if vtype != STRING:  # llama.cpp asserts (aborts) on a non-string here
        raise AdapterMismatchError(header.path, f"{key} is a {VALUE_TYPES[vtype][0]}, not a string")
    return str(header.metadata[key])


def _check_metadata(header: GGUFHeader, model: GGUFHeader) -> float | None:
    path = header.path
    kind = _string_key(header, "general.type")
    if kind != "adapter":
        if kind in (None, "model"):
            raise AdapterMismatchError(path, "this is a model, not a LoRA adapter")
        raise AdapterMismatchError(path, f"general.type is {kind!r}, not 'adapter'")
    adapter_type = _string_key(header, "adapter.type")
    if adapter_type != "lora":
        found = f"adapter.type is {adapter_type!r}" if adapter_type else "no adapter.type"
        raise AdapterMismatchError(path, f"{found}; only LoRA adapters are supported")
    arch = _string_key(header, "general.architecture")
    if not arch:
        raise AdapterMismatchError(path, "the file names no architecture (general.architecture)")
    if arch != model.architecture:
        raise AdapterMismatchError(
            path, f"architecture {arch} does not match the model's {model.architecture}"
        )
    key = "adapter.lora.alpha"
    vtype = header.value_types.get(key)
    if vtype is None:
        return None
    if vtype != FLOAT32:  # llama.cpp asserts (aborts) on another type
        raise AdapterMismatchError(path, f"{key} is a {VALUE_TYPES[vtype][0]}, not a float32")
    alpha = float(header.metadata[key])
    if not math.isfinite(alpha) or alpha < 0:
        raise AdapterMismatchError(path, f"{key} is {alpha}, not a finite number >= 0")
    return alpha


def _pairs(header: GGUFHeader) -> dict[str, tuple[GGUFTensor, GGUFTensor]]:
    """The (lora_a, lora_b) pairs by model tensor name, in file order."""
    halves: dict[str, dict[str, GGUFTensor]] = {}
    for name, tensor in header.tensors.items():
        if name.endswith((".lora_a", ".lora_b")):
            halves.setdefault(name[:-7], {})[name[-1]] = tensor
        elif not name.endswith("_norm.weight"):  # llama.cpp skips norm vectors
            raise AdapterMismatchError(
                header.path, f"tensor {name} is not a LoRA tensor (.lora_a or .lora_b)"
            )
    pairs: dict[str, tuple[GGUFTensor, GGUFTensor]] = {}
    for base, half in halves.items():
        for side in "ab":
            if side not in half:
                reason = f"tensor {base}.lora_{side} is missing (LoRA tensors come in pairs)"
                raise AdapterMismatchError(header.path, reason)
        pairs[base] = (half["a"], half["b"])
    if not pairs:
        raise AdapterMismatchError(header.path, "no LoRA tensors in the file")
    return pairs


def _np(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(n) for n in reversed(shape)) + ")"


def _check_pair(path: Path, base_name: str, a: GGUFTensor, b: GGUFTensor, model: GGUFHeader) -> int:
    """Check one pair against the model's tensor; its rank."""
    for t in (a, b):
        if t.type_name not in ADAPTER_TENSOR_TYPES:
            allowed = ", ".join(ADAPTER_TENSOR_TYPES)
            raise AdapterMismatchError(
                path, f"tensor {t.name} has type {t.type_name}; LoRA tensors must be {allowed}"
            )
        if len(t.shape) != 2:
            raise AdapterMismatchError(
                path, f"tensor {t.name} has {len(t.shape)} dimensions; LoRA tensors are matrices"
            )
    base = model.tensors.get(base_name)
    if base is None:
        raise AdapterMismatchError(path, f"no tensor {base_name} in the model")
    if len(base.shape) != 2:
        raise AdapterMismatchError(path, f"the model's {base_name} is not a matrix")
    n_in, n_out = base.shape
    if base_name == "token_embd.weight" and "output.weight" not in model.tensors:
        # the model reuses its embeddings as the output layer, where llama.cpp multiplies by
        # the embedding LoRA as if it were a linear one: GGML_ASSERT, abort (seen on SmolLM2)
        raise AdapterMismatchError(
            path,
            "the model shares token_embd.weight with its output layer; "
            "llama.cpp cannot apply a LoRA to it there",
        )
    if base_name.endswith("token_embd.weight"):
        # llama.cpp looks lora_a's rows up by token and multiplies them by lora_b
        rank_a, rank_b = a.shape[0], b.shape[0]
        want_a, want_b = (rank_a, n_out), (rank_a, n_in)
    else:
        rank_a, rank_b = a.shape[1], b.shape[0]
        want_a, want_b = (n_in, rank_a), (rank_a, n_out)
    for tensor, want, wrong in (
        (a, want_a, a.shape != want_a),
        (b, want_b, b.shape[1] != want_b[1]),  # b's rank is checked against a's below
    ):
        if wrong:
            raise AdapterMismatchError(
                path,
                f"tensor {tensor.name} has shape {_np(tensor.shape)} but the model's "
                f"{base_name} {_np(base.shape)} needs {_np(want)}",
            )
    if rank_a != rank_b:
        reason = f"tensors {base_name}.lora_a and .lora_b disagree on the rank"
        raise AdapterMismatchError(path, f"{reason} ({rank_a}, {rank_b})")
    if rank_a == 0:
        raise AdapterMismatchError(path, f"tensor {a.name} has rank 0")
    return rank_a


@dataclass(frozen=True, eq=False)
class AdapterHandle:
    """One adapter loaded on a model: the key for its scale. Compared by identity."""

    path: Path
    info: AdapterInfo


class AdapterSet:
    """The LoRA adapters loaded on one live llama-cpp-python model, and those in use.

    llama.cpp keeps pointers to the adapters in use in the context, and frees what is
    left with the model: so an adapter leaves the context before it is freed, and all
    are freed before the context and model are (a callback on the Llama's own exit
    stack, which runs first). If this set is dropped without `close`, the model frees
    its adapters itself when it goes.
    """

    def __init__(self, llama: Any, model: GGUFHeader) -> None:
        import llama_cpp  # held: close() may run while the interpreter shuts down

        self._lib = llama_cpp
        self._llama = llama
        self._model = model
        self._pointers: dict[AdapterHandle, Any] = {}
        self._stamps: dict[AdapterHandle, tuple[int, ...]] = {}
        self._active: dict[AdapterHandle, float] = {}
        self._closed = False
        self.last_switch_seconds = 0.0
        stack = getattr(llama, "_stack", None)
        if stack is not None:  # a weak link: no cycle keeps a dropped model in memory
            stack.callback(_close_if_alive, weakref.ref(self))

    @property
    def loaded(self) -> tuple[AdapterHandle, ...]:
        return tuple(self._pointers)

    @property
    def active(self) -> dict[AdapterHandle, float]:
        return dict(self._active)

    def load(self, path: Path) -> AdapterHandle:
        """Check `path` against the model, then load it (not yet in use)."""
        if self._closed:
            raise RuntimeError("the model is closed")
        info = check_adapter_against(path, self._model)
        stamp = _stamp(path)
        for handle, seen in self._stamps.items():
            if seen == stamp:  # the same file, unchanged: one copy in memory
                return handle
        started = time.perf_counter()
        pointer = self._lib.llama_adapter_lora_init(self._llama.model, os.fsencode(path))
        if not pointer:  # a NULL pointer object is not None
            raise AdapterMismatchError(path, "llama.cpp could not load it")
        handle = AdapterHandle(path, info)
        self._pointers[handle] = pointer
        self._stamps[handle] = stamp
        logger.info(
            "loaded adapter %s (rank %d, %d weights) in %.3fs",
            path.name, info.rank, len(info.weights), time.perf_counter() - started,
        )  # fmt: skip
        return handle

    def set_active(self, scales: Mapping[AdapterHandle, float]) -> None:
        """Use exactly these loaded adapters at these scales on the live context."""
        lib = self._lib
        items = [(h, float(s)) for h, s in scales.items()]
        for handle, scale in items:
            if handle not in self._pointers:
                raise ValueError(f"adapter {handle.path} is not loaded on this model")
            if not math.isfinite(scale):
                raise ValueError(f"adapter scale {scale} is not a finite number")
        started = time.perf_counter()
        n = len(items)
        pointers: Any = None
        values: Any = None
        if n:
            pointers = (lib.llama_adapter_lora_p_ctypes * n)(*(self._pointers[h] for h, _ in items))
            values = (ctypes.c_float * n)(*(s for _, s in items))
        if lib.llama_set_adapters_lora(self._llama.ctx, pointers, n, values) != 0:
            if not items:
                raise RuntimeError("llama.cpp could not take the adapters off the model")
            raise AdapterMismatchError(items[0][0].path, "llama.cpp could not apply it")
        self._active = dict(items)
        self._llama.reset()  # the cached prompt was computed with other weights
        self.last_switch_seconds = time.perf_counter() - started
        logger.debug("adapters set (%d) in %.6fs", n, self.last_switch_seconds)

    def unload(self, handle: AdapterHandle) -> None:
        """Stop using `handle` and free it."""
        if handle in self._active:
            self.set_active({h: s for h, s in self._active.items() if h is not handle})
        pointer = self._pointers.pop(handle, None)
        self._stamps.pop(handle, None)
        if pointer is not None:
            self._lib.llama_adapter_lora_free(pointer)

    def close(self) -> None:
        """Take every adapter off the context and free it; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._active:
            self.set_active({})
        for handle in list(self._pointers):
            self.unload(handle)


def _close_if_alive(ref: weakref.ref[AdapterSet]) -> None:
    adapters = ref()
    if adapters is not None:
        adapters.close()


def _stamp(path: Path) -> tuple[int, ...]:
    st = path.stat()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
