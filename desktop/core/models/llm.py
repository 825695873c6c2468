"""The chat model behind a small interface, run by llama-cpp-python.

Every file is checked before llama.cpp sees it (`gguf_info.check_chat_model`), and
LoRA adapters too (`adapters`), because llama.cpp aborts or crashes on some bad
files instead of raising.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from desktop.core.models.catalog import FAST_CHAT_MODEL as FAST_CHAT_MODEL
from desktop.core.models.catalog import LARGE_CHAT_MODEL as LARGE_CHAT_MODEL
from desktop.core.models.catalog import SMALL_CHAT_MODEL as SMALL_CHAT_MODEL
from desktop.core.models.default_chat import default_chat_model as default_chat_model
from desktop.core.models.default_chat import resolve_model_path as resolve_model_path
from desktop.core.models.gguf_header import GGUFHeader, read_gguf
from desktop.core.models.gguf_info import GGUFInfo, check_chat_model, describe_gguf
from desktop.core.models.gguf_info import inspect_gguf as inspect_gguf
from desktop.core.models.machine import available_memory, physical_cores
from desktop.errors import ModelError

# The `X as X` imports above are names that moved to `catalog`, `default_chat` and
# `gguf_info`, kept importable from here for their older callers.

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from desktop.core.models.adapters import AdapterHandle, AdapterSet

logger = logging.getLogger(__name__)

# Tokens of a prompt read between two progress reports (and two looks at Stop).
PROMPT_SLICE = 128
FALLBACK_CHAT_FORMAT = "chatml"  # for models whose GGUF carries no chat template
MIN_CONTEXT = 512
KV_MEMORY_FRACTION = 0.5  # share of the memory left after the weights that the KV cache may take

# --- context size -----------------------------------------------------------------------------


def memory_context_limit(info: GGUFInfo, available: int | None) -> int | None:
    """The most tokens whose KV cache fits in a share of the memory left after the weights."""
    if available is None or not info.kv_bytes_per_token:
        return None
    budget = (available - info.size_bytes) * KV_MEMORY_FRACTION
    tokens = int(budget // info.kv_bytes_per_token) // 256 * 256
    return max(tokens, MIN_CONTEXT)


def choose_context_size(requested: int, info: GGUFInfo, available: int | None) -> int:
    """min(the setting, what the model was trained for, what memory allows)."""
    size = requested
    if info.context_length:
        size = min(size, info.context_length)
    limit = memory_context_limit(info, available)
    if limit is not None:
        size = min(size, limit)
    return size


# --- the model --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptProgress:
    """How much of the prompt the model has read, in tokens."""

    done: int
    total: int


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

    def stream_reading(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, temperature: float
    ) -> Iterator[str | PromptProgress]:
        """`stream_chat`, with how far the prompt is read before the first piece.

        Closing the iterator stops the work at once, between two slices of the prompt
        or two tokens of the answer.
        """
        ...


class AdaptableLLM(LLM, Protocol):
    """A chat model that takes LoRA adapters on the fly (`LlamaCppLLM`)."""

    @property
    def adapters(self) -> dict[AdapterHandle, float]: ...

    def load_adapter(self, path: Path, scale: float = 1.0) -> AdapterHandle: ...

    def set_adapters(self, scales: Mapping[AdapterHandle, float]) -> None: ...


def gpu_offload_supported() -> bool:
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


def _load_llama(
    path: Path, n_ctx: int, threads: int, gpu_layers: int, seed: int, chat_format: str | None
) -> Any:
    """llama-cpp-python's model for `path`, with a 16-bit KV cache and flash attention.

    That cache with flash attention brings the first token of a long prompt much sooner
    than an 8-bit cache, which saves little memory, or than no flash attention. Tokens
    then come a little slower, so a long answer ends at about the same time: the first
    word is what a reader waits for (see docs/measurements.md).
    """
    from llama_cpp import Llama

    try:
        return Llama(
            model_path=str(path),
            n_ctx=n_ctx,
            n_threads=threads,
            n_threads_batch=threads,  # else prompts use every core, whatever `threads` is
            n_gpu_layers=gpu_layers,
            seed=seed,
            chat_format=chat_format,
            flash_attn=True,
            verbose=False,
        )
    except Exception as exc:  # llama-cpp-python raises ValueError or RuntimeError
        raise ModelError(path, f"llama.cpp could not load it ({exc})") from exc


class LlamaCppLLM:
    """A GGUF chat model run by llama-cpp-python, on the GPU when the build has one.

    LoRA adapters go on and off the live model (`load_adapter`, `set_adapters`,
    `disable_adapters`) without reloading it. Call those between answers, from the
    thread that owns the model.
    """

    def __init__(
        self,
        path: Path,
        *,
        context_size: int = 4096,
        threads: int = 0,
        gpu_layers: int = -1,
        seed: int = 0,
        chat_format: str | None = None,
        adapters: Sequence[tuple[Path, float]] = (),
        repeat_penalty: float = 1.1,
    ) -> None:
        """`context_size` is a cap; `adapters` are (file, scale) pairs, checked before loading.

        `repeat_penalty` (llama.cpp's, over the last 64 tokens; 1.0: off, which is
        llama-cpp-python's default) can change between answers: set the attribute.
        """
        from desktop.core.models.adapters import AdapterSet, check_adapter_against

        header = read_gguf(path)
        info = describe_gguf(header)
        check_chat_model(info)
        for adapter, _scale in adapters:  # fail before the slow part
            check_adapter_against(adapter, header)
        n_ctx = choose_context_size(context_size, info, available_memory())
        offload = gpu_offload_supported()
        layers = (-1 if offload else 0) if gpu_layers < 0 else gpu_layers
        self._device = "gpu" if offload and layers != 0 else "cpu"
        if chat_format is None and not info.has_chat_template:
            chat_format = FALLBACK_CHAT_FORMAT
            logger.info("%s has no chat template: using %s", path.name, chat_format)
        n_threads = threads or physical_cores()
        started = time.perf_counter()
        self._llama = _load_llama(path, n_ctx, n_threads, layers, seed, chat_format)
        self._path = path
        self._info = info
        self._header = header
        self.repeat_penalty = repeat_penalty
        self._special_tokens: frozenset[str] | None = None
        self._chat_formatter: Any = None
        self._adapters = AdapterSet(self._llama, header)
        try:
            for adapter, scale in adapters:
                self.load_adapter(adapter, scale)
        except BaseException:
            self.close()
            raise
        self.load_seconds = time.perf_counter() - started
        logger.info(
            "loaded %s (%s, ctx %d of %d asked, %s, %d adapters) in %.2fs",
            path.name, info.architecture, n_ctx, context_size, self._device, len(adapters),
            self.load_seconds,
        )  # fmt: skip

    @property
    def name(self) -> str:
        return self._path.name

    @property
    def path(self) -> Path:
        return self._path

    @property
    def info(self) -> GGUFInfo:
        return self._info

    @property
    def header(self) -> GGUFHeader:
        return self._header

    @property
    def context_size(self) -> int:
        return int(self._llama.n_ctx())

    @property
    def device(self) -> str:
        return self._device

    @property
    def chat_format(self) -> str:
        """llama-cpp-python's name for the format in use ("chat_template.default": the model's)."""
        return str(self._llama.chat_format)

    @property
    def llama(self) -> Any:
        """The live llama-cpp-python object, for benchmarks."""
        return self._llama

    # adapters

    @property
    def adapter_set(self) -> AdapterSet:
        return self._adapters

    @property
    def adapters(self) -> dict[AdapterHandle, float]:
        """The adapters in use now, with their scales."""
        return self._adapters.active

    def load_adapter(self, path: Path, scale: float = 1.0) -> AdapterHandle:
        """Check `path` against this model, load it and use it at `scale` with the others."""
        handle = self._adapters.load(path)
        self._adapters.set_active({**self._adapters.active, handle: scale})
        return handle

    def set_adapters(self, scales: Mapping[AdapterHandle, float]) -> None:
        """Use exactly these loaded adapters at these scales (empty: none)."""
        self._adapters.set_active(scales)

    def disable_adapters(self) -> None:
        self._adapters.set_active({})

    def unload_adapter(self, handle: AdapterHandle) -> None:
        self._adapters.unload(handle)

    # text

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def next_token_logits(self, prompt: str) -> npt.NDArray[np.float32]:
        """The logits after `prompt` (raw text, special tokens parsed): to compare adapters."""
        import ctypes

        import llama_cpp
        import numpy as np

        llama: Any = self._llama  # untyped methods
        tokens = llama.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
        llama.reset()
        llama.eval(tokens)
        pointer = llama_cpp.llama_get_logits_ith(llama.ctx, -1)
        floats = ctypes.cast(pointer, ctypes.POINTER(ctypes.c_float))
        values = np.ctypeslib.as_array(floats, (int(llama.n_vocab()),))
        result: npt.NDArray[np.float32] = values.astype(np.float32, copy=True)
        llama.reset()
        return result

    def special_tokens(self) -> frozenset[str]:
        """The texts of the model's control tokens ("<|im_start|>"), read once."""
        if self._special_tokens is None:
            import llama_cpp

            vocab = self._llama._model.vocab
            wanted = llama_cpp.LLAMA_TOKEN_ATTR_CONTROL | llama_cpp.LLAMA_TOKEN_ATTR_USER_DEFINED
            found = set()
            for token in range(llama_cpp.llama_vocab_n_tokens(vocab)):
                if llama_cpp.llama_vocab_get_attr(vocab, token) & wanted:
                    text = llama_cpp.llama_vocab_get_text(vocab, token).decode("utf-8", "replace")
                    if len(text) > 1:
                        found.add(text)
            self._special_tokens = frozenset(found)
        return self._special_tokens

    def neutralise(self, text: str) -> str:
        """`text` with each of the model's control-token texts broken by a zero-width space.

        The rendered prompt is tokenized with special tokens parsed, so that the chat
        template's own markers work; a document or question holding "<|im_start|>" would
        otherwise open a real turn of its own.
        """
        specials = [t for t in self.special_tokens() if t in text]
        for token in sorted(specials, key=len, reverse=True):
            text = text.replace(token, token[0] + "\u200b" + token[1:])
        return text

    def prompt_tokens(
        self, messages: Sequence[dict[str, str]]
    ) -> tuple[list[int], list[str]] | None:
        """The chat rendered by the model's template and tokenized, and its stop strings.

        Message contents are neutralised first (`neutralise`): they hold documents.
        None for a chat format other than the GGUF's template or ChatML: llama-cpp-python
        then renders it itself, and the prompt is read in one go.
        """
        from llama_cpp import llama_chat_format

        llama: Any = self._llama
        clean: Any = [{**m, "content": self.neutralise(m["content"])} for m in messages]
        formatter = self._formatter()
        if formatter is not None:
            result = formatter(messages=clean)
        elif self.chat_format == "chatml":
            result = llama_chat_format.format_chatml(messages=clean)
        else:
            return None
        tokens = llama.tokenize(
            result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
        )
        stop = result.stop if isinstance(result.stop, list) else [result.stop or ""]
        return tokens, [s for s in stop if s]

    def _formatter(self) -> Any:
        """The GGUF's chat template, compiled once (None when another format is in use)."""
        if self._chat_formatter is None and self.chat_format == "chat_template.default":
            from llama_cpp import llama_chat_format

            llama: Any = self._llama
            eos, bos = llama.token_eos(), llama.token_bos()
            self._chat_formatter = llama_chat_format.Jinja2ChatFormatter(
                template=llama.metadata["tokenizer.chat_template"],
                eos_token=llama._model.token_get_text(eos) if eos != -1 else "",
                bos_token=llama._model.token_get_text(bos) if bos != -1 else "",
            )
        return self._chat_formatter

    def read_prompt(self, tokens: Sequence[int]) -> Iterator[PromptProgress]:
        """Evaluate `tokens` (all but the last) in slices, yielding progress after each.

        What the model already holds from the last prompt (the fixed instructions, say)
        is kept and not read again. Stopping between slices is what makes Stop work
        while a long prompt is read. The generation that follows finds these tokens in
        the cache and reads only the last one.
        """
        llama: Any = self._llama
        held = 0
        for old, new in zip(llama._input_ids[: llama.n_tokens], tokens[:-1], strict=False):
            if old != new:
                break
            held += 1
        if held < llama.n_tokens:
            llama._ctx.kv_cache_seq_rm(-1, held, -1)
            llama.n_tokens = held
        total = len(tokens) - 1
        yield PromptProgress(held, total)
        for start in range(held, total, PROMPT_SLICE):
            llama.eval(tokens[start : min(total, start + PROMPT_SLICE)])
            yield PromptProgress(min(total, start + PROMPT_SLICE), total)

    def stream_chat(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        """The answer's text as it is written."""
        stream: Generator[str | PromptProgress] = self.stream_reading(
            messages, max_tokens=max_tokens, temperature=temperature
        )
        try:
            for piece in stream:
                if isinstance(piece, str):
                    yield piece
        finally:
            stream.close()

    def stream_reading(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, temperature: float
    ) -> Generator[str | PromptProgress]:
        """How far the prompt is read, then the answer's text as it is written."""
        llama: Any = self._llama
        rendered = self.prompt_tokens(messages)
        if rendered is None:
            clean = [{**m, "content": self.neutralise(m["content"])} for m in messages]
            stream = llama.create_chat_completion(
                messages=clean, max_tokens=max_tokens, temperature=temperature,
                repeat_penalty=self.repeat_penalty, stream=True,
            )  # fmt: skip
            try:
                for part in stream:
                    text = part["choices"][0]["delta"].get("content")
                    if text:
                        yield text
            finally:
                stream.close()
            return
        tokens, stop = rendered
        yield from self.read_prompt(tokens)
        stream = llama.create_completion(
            prompt=tokens,
            max_tokens=max_tokens,
            temperature=temperature,
            repeat_penalty=self.repeat_penalty,
            stop=stop,
            stream=True,
        )
        try:
            for part in stream:
                text = part["choices"][0]["text"]
                if text:
                    yield text
        finally:
            stream.close()

    def close(self) -> None:
        """Free the adapters, then the model; the object is unusable afterwards."""
        adapters = getattr(self, "_adapters", None)
        if adapters is not None:
            adapters.close()
        llama = getattr(self, "_llama", None)
        if llama is not None:
            llama.close()

    def __del__(self) -> None:
        self.close()
