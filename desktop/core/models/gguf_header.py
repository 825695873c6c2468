"""A GGUF file's header, read and checked without loading any tensor data.

llama.cpp aborts or crashes on some damaged files instead of failing cleanly, so
every model and adapter goes through this reader first: magic, version, keys,
tensor table, and every tensor's data inside the file.

It is a small parser of our own rather than `gguf.GGUFReader`: the reader decodes
every vocabulary entry through numpy and took 3.2 s on the default 135M model on
a 2-core machine, where this walk takes a few tens of milliseconds. The `gguf`
package still supplies the tensor type table.
"""

from __future__ import annotations

import math
import mmap
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.errors import ModelError

GGUF_MAGIC = b"GGUF"

# GGUF value types: id -> (name, struct code); 8 is a string and 9 an array.
VALUE_TYPES = {
    0: ("uint8", "B"), 1: ("int8", "b"), 2: ("uint16", "H"), 3: ("int16", "h"),
    4: ("uint32", "I"), 5: ("int32", "i"), 6: ("float32", "f"), 7: ("bool", "?"),
    8: ("string", ""), 9: ("array", ""), 10: ("uint64", "Q"), 11: ("int64", "q"),
    12: ("float64", "d"),
}  # fmt: skip
FLOAT32, STRING, ARRAY = 6, 8, 9
_SCALARS = {k: code for k, (_, code) in VALUE_TYPES.items() if code}
_KEEP_ARRAY = 4096  # numeric arrays up to this length are kept; longer ones only counted
_MAX_NAME = 63  # GGML_MAX_NAME - 1
_MAX_DIMS = 4


@dataclass(frozen=True)
class GGUFArray:
    """A long array in the header, counted but not read (vocabularies, merges)."""

    item_type: int
    count: int


@dataclass(frozen=True)
class GGUFTensor:
    """One tensor's entry in the header; `shape` is GGUF's ne order ([in, out] for a weight)."""

    name: str
    shape: tuple[int, ...]
    type_name: str
    offset: int  # absolute, in the file
    n_bytes: int

    @property
    def n_elements(self) -> int:
        return math.prod(self.shape)

    @property
    def numpy_shape(self) -> tuple[int, ...]:
        return tuple(reversed(self.shape))


@dataclass(frozen=True)
class GGUFHeader:
    """A GGUF file's metadata and tensor table, every tensor's data checked to be in the file."""

    path: Path
    size_bytes: int
    version: int
    metadata: Mapping[str, Any]
    value_types: Mapping[str, int]
    tensors: Mapping[str, GGUFTensor]

    def get(self, key: str, default: Any = None) -> Any:
        return self.metadata.get(key, default)

    def string(self, key: str) -> str | None:
        """A string value, or None if missing or of another type (llama.cpp asserts on those)."""
        value = self.metadata.get(key)
        return value if isinstance(value, str) else None

    @property
    def architecture(self) -> str:
        return self.string("general.architecture") or ""

    @property
    def general_type(self) -> str:
        return self.string("general.type") or "model"


class _Cursor:
    """Bounds-checked little-endian reads over a mapped file."""

    def __init__(self, data: Any, size: int) -> None:
        self.data = data
        self.size = size
        self.pos = 0

    def take(self, n: int) -> int:
        start = self.pos
        if n < 0 or start + n > self.size:
            raise _TruncatedError
        self.pos = start + n
        return start

    def unpack(self, fmt: str) -> Any:
        start = self.take(struct.calcsize("<" + fmt))
        return struct.unpack_from("<" + fmt, self.data, start)[0]

    def string(self) -> str:
        n = self.unpack("Q")
        start = self.take(n)
        return bytes(self.data[start : start + n]).decode("utf-8", "replace")

    def skip_string(self) -> None:
        self.take(self.unpack("Q"))


class _TruncatedError(Exception):
    pass


class _TruncatedDataError(_TruncatedError):
    pass


def _read_value(cur: _Cursor, vtype: int, key: str) -> Any:
    if vtype in _SCALARS:
        return cur.unpack(_SCALARS[vtype])
    if vtype == STRING:
        return cur.string()
    if vtype != ARRAY:
        raise ValueError(f"unknown value type {vtype} for {key}")
    item_type, count = cur.unpack("I"), cur.unpack("Q")
    if item_type == STRING:
        if count <= 64:
            return [cur.string() for _ in range(count)]
        for _ in range(count):
            cur.skip_string()
        return GGUFArray(item_type, count)
    if item_type not in _SCALARS:
        raise ValueError(f"unsupported array item type {item_type} for {key}")
    item = struct.calcsize(_SCALARS[item_type])
    if count > cur.size // item:
        raise _TruncatedError
    start = cur.take(count * item)
    if count > _KEEP_ARRAY:
        return GGUFArray(item_type, count)
    return list(struct.unpack_from(f"<{count}{_SCALARS[item_type]}", cur.data, start))


def read_gguf(path: Path) -> GGUFHeader:
    """Read and check a GGUF file's header, without loading any tensor data.

    Raises `ModelError` for a missing, unreadable, non-GGUF, damaged or truncated file.
    """
    if not path.exists():
        raise ModelError(path, "file not found")
    if not path.is_file():
        raise ModelError(path, "not a file")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            if handle.read(4) != GGUF_MAGIC:
                hint = "choose a .gguf file (llama.cpp format)"
                raise ModelError(path, "not a GGUF model file", hint)
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return _parse(path, data, size)
    except OSError as exc:
        raise ModelError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    except _TruncatedDataError:
        raise ModelError(path, "truncated file (tensor data past the end of the file)") from None
    except _TruncatedError:
        raise ModelError(path, "truncated file (the header ends early)") from None
    except ValueError as exc:
        raise ModelError(path, f"damaged GGUF header ({exc})") from exc


def _parse(path: Path, data: Any, size: int) -> GGUFHeader:
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

    cur = _Cursor(data, size)
    cur.take(4)
    version = cur.unpack("I")
    if version == 1:
        raise ValueError("GGUF version 1 is too old for llama.cpp")
    if version not in (2, 3):
        endian = " (a big-endian file?)" if version > 0xFFFF else ""
        raise ValueError(f"unsupported GGUF version {version}{endian}")
    n_tensors, n_kv = cur.unpack("Q"), cur.unpack("Q")
    if n_tensors > 1 << 24 or n_kv > 1 << 24:
        raise ValueError("impossible tensor or key counts")
    metadata: dict[str, Any] = {}
    types: dict[str, int] = {}
    for _ in range(n_kv):
        key = cur.string()
        vtype = cur.unpack("I")
        if key in metadata:
            raise ValueError(f"duplicate key {key}")
        metadata[key] = _read_value(cur, vtype, key)
        types[key] = vtype
    alignment = metadata.get("general.alignment", 32)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise ValueError(f"bad general.alignment {alignment!r}")
    raw: list[tuple[str, tuple[int, ...], int, int]] = []
    for _ in range(n_tensors):
        name = cur.string()
        if len(name.encode()) > _MAX_NAME:
            raise ValueError(f"tensor name too long: {name[:40]}...")
        n_dims = cur.unpack("I")
        if not 1 <= n_dims <= _MAX_DIMS:
            raise ValueError(f"tensor {name} has {n_dims} dimensions")
        shape = tuple(cur.unpack("Q") for _ in range(n_dims))
        raw.append((name, shape, cur.unpack("I"), cur.unpack("Q")))
    data_start = -(-cur.pos // alignment) * alignment
    tensors: dict[str, GGUFTensor] = {}
    for name, shape, type_id, offset in raw:
        if name in tensors:
            raise ValueError(f"duplicate tensor {name}")
        try:
            qtype = GGMLQuantizationType(type_id)
            block, type_size = GGML_QUANT_SIZES[qtype]
        except (ValueError, KeyError):
            raise ValueError(f"tensor {name} has unknown type {type_id}") from None
        if shape[0] % block or offset % alignment:
            raise ValueError(f"tensor {name} is misaligned")
        n_bytes = math.prod(shape) // block * type_size
        start = data_start + offset
        if start + n_bytes > size:
            raise _TruncatedDataError
        tensors[name] = GGUFTensor(name, shape, qtype.name, start, n_bytes)
    return GGUFHeader(path, size, version, metadata, types, tensors)
