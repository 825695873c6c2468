"""Small GGUF files built inside the tests: LoRA adapters for the default model, and bad models.

The adapters follow llama.cpp's layout: `general.type` "adapter", `adapter.type` "lora",
`adapter.lora.alpha`, and float32 pairs `blk.N.<weight>.lora_a` as a numpy array (rank, in)
and `.lora_b` as (out, rank), against a base weight whose GGUF shape (ne) is [in, out].

Run as `python -m tests.adapters_helpers MODEL [ADAPTER]` it is the full loading path in a
child process: it loads the model, then the adapter, and generates a few tokens. A clean
refusal prints the error and exits with CLEAN_ERROR; a crash shows as a negative return code.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

CLEAN_ERROR = 3  # the child's exit status for an ArquivoError
ROOT = Path(__file__).resolve().parents[1]
CHAT_PROMPT = "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n"


def run_child(*paths: Path, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """The loading path (or `code`) in a fresh interpreter, so a crash cannot take pytest down."""
    args = ["-c", code] if code else ["-m", "tests.adapters_helpers"]
    return subprocess.run(
        [sys.executable, *args, *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_clean_refusal(result: subprocess.CompletedProcess[str], reason: str) -> None:
    """The child refused with `reason` and exited by itself: no signal, no traceback."""
    detail = f"exit {result.returncode} (negative: killed by that signal)\n{result.stdout}\n"
    assert result.returncode == CLEAN_ERROR, detail + result.stderr[-2000:]
    assert reason in result.stdout, detail
    assert "Traceback" not in result.stderr, result.stderr[-2000:]


@lru_cache(maxsize=4)
def base_shapes(model: Path) -> dict[str, tuple[int, ...]]:
    """The model's tensor shapes in GGUF order (ne: [in, out] for a weight), by gguf's reader."""
    from gguf import GGUFReader

    reader = GGUFReader(model)
    return {t.name: tuple(int(n) for n in t.shape) for t in reader.tensors}


def write_lora(
    path: Path,
    model: Path,
    *,
    layers: Sequence[int] = (0, 1, 2, 3),
    weights: Sequence[str] = ("attn_q", "attn_v", "ffn_down"),
    rank: int = 8,
    alpha: float | None = 16.0,
    architecture: str = "llama",
    strength: float = 0.5,
    seed: int = 0,
    shape_of: dict[str, tuple[int, int]] | None = None,
    dtype: type[np.floating[Any]] = np.float32,
    extra_tensors: dict[str, np.ndarray] | None = None,
) -> Path:
    """A LoRA adapter for `model`; `shape_of` forces a numpy shape on chosen tensors."""
    import gguf

    shapes = base_shapes(model)
    rng = np.random.default_rng(seed)
    writer = gguf.GGUFWriter(path, arch=architecture)
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    if alpha is not None:
        writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, alpha)
    for layer in layers:
        for weight in weights:
            name = f"blk.{layer}.{weight}.weight"
            n_in, n_out = shapes[name]
            a = (rng.standard_normal((rank, n_in)) / np.sqrt(n_in)).astype(dtype)
            b = (rng.standard_normal((n_out, rank)) * strength).astype(dtype)
            forced = shape_of or {}
            if f"{name}.lora_a" in forced:
                a = np.zeros(forced[f"{name}.lora_a"], dtype=dtype)
            if f"{name}.lora_b" in forced:
                b = np.zeros(forced[f"{name}.lora_b"], dtype=dtype)
            writer.add_tensor(f"{name}.lora_a", a)
            writer.add_tensor(f"{name}.lora_b", b)
    for name, array in (extra_tensors or {}).items():
        writer.add_tensor(name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def truncate(src: Path, dest: Path, keep: float = 0.5) -> Path:
    """A copy of `src` cut after `keep` of its bytes."""
    data = src.read_bytes()
    dest.write_bytes(data[: int(len(data) * keep)])
    return dest


def write_tiny_model(path: Path, architecture: str = "notanarch") -> Path:
    """A small, complete GGUF that calls itself a model of `architecture`."""
    import gguf

    writer = gguf.GGUFWriter(path, arch=architecture)
    writer.add_type(gguf.GGUFType.MODEL)
    writer.add_context_length(256)
    writer.add_block_count(1)
    writer.add_tensor("token_embd.weight", np.zeros((16, 8), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def without_chat_template(src: Path, dest: Path) -> Path:
    """A copy of `src` whose chat template key is renamed, so llama.cpp sees none."""
    data = src.read_bytes()
    key = b"tokenizer.chat_template"
    assert data.count(key) == 1, "expected one chat template key"
    dest.write_bytes(data.replace(key, b"tokenizer.chat_templatX"))
    return dest


def _child(argv: list[str]) -> int:
    """Load MODEL (and ADAPTER) the way the app does, then generate: the crash-prone path."""
    from desktop.core.models.llm import LlamaCppLLM
    from desktop.errors import ArquivoError

    model = Path(argv[0])
    try:
        llm = LlamaCppLLM(model, context_size=512, threads=1)
    except ArquivoError as exc:
        print(f"refused: {exc}", flush=True)
        return CLEAN_ERROR
    if len(argv) > 1:
        try:
            llm.load_adapter(Path(argv[1]), 1.0)
        except ArquivoError as exc:
            print(f"refused: {exc}", flush=True)
            # the base model keeps working after a refused adapter
            text = "".join(
                llm.stream_chat([{"role": "user", "content": "Hi"}], max_tokens=4, temperature=0)
            )
            print(f"base model still answers: {bool(text)}", flush=True)
            llm.close()
            return CLEAN_ERROR
    text = "".join(
        llm.stream_chat([{"role": "user", "content": "Hi"}], max_tokens=4, temperature=0)
    )
    print(f"answered: {text!r}", flush=True)
    llm.close()
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
