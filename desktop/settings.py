"""User settings: one dataclass with typed defaults, stored as TOML.

Each field's docstring-like comment in `FIELD_HELP` feeds the settings page
(docs/settings.md) and the CLI's help, so the three never drift apart.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import tomli_w

from desktop.errors import DamagedFileError, SettingsError


@dataclass(frozen=True)
class AdapterSetting:
    """A LoRA adapter the user chose: its file, its scale, and whether it is switched on.

    Kept when switched off, so turning it back on needs no file picker.
    """

    path: str
    scale: float = 1.0
    enabled: bool = True


@dataclass(frozen=True)
class Settings:
    chat_model: str = ""
    embedding_model: str = "bge-small-en-v1.5-int8"
    multilingual_embedding_model: str = "multilingual-e5-small-q4"
    reranker: str = ""
    threads: int = 0
    gpu_layers: int = -1
    context_size: int = 4096
    temperature: float = 0.0
    repeat_penalty: float = 1.1
    max_answer_tokens: int = 512
    sources: int = 3
    max_file_mb: int = 200
    ocr_languages: str = "por+eng"
    bridge_languages: bool = True
    ui_language: str = ""
    lora_adapters: tuple[AdapterSetting, ...] = ()

    def validate(self) -> Settings:
        checks: list[tuple[str, bool, str]] = [
            ("threads", self.threads >= 0, "must be 0 (automatic) or a positive number"),
            ("gpu_layers", self.gpu_layers >= -1, "must be -1 (automatic), 0 or a positive number"),
            ("context_size", 512 <= self.context_size <= 1_048_576, "must be 512 or more"),
            ("temperature", 0.0 <= self.temperature <= 2.0, "must be between 0 and 2"),
            ("repeat_penalty", 1.0 <= self.repeat_penalty <= 2.0, "must be between 1 and 2"),
            ("max_answer_tokens", self.max_answer_tokens > 0, "must be positive"),
            ("sources", 1 <= self.sources <= 50, "must be between 1 and 50"),
            ("max_file_mb", self.max_file_mb > 0, "must be positive"),
            ("ocr_languages", _OCR_LANGUAGES.fullmatch(self.ocr_languages) is not None,
             'Tesseract language codes joined by "+", such as "por+eng", or "" for no OCR'),
            ("ui_language", self.ui_language in UI_LANGUAGES, f"one of {sorted(UI_LANGUAGES)}"),
        ]
        for key, ok, reason in checks:
            if not ok:
                raise SettingsError(key, getattr(self, key), reason)
        for adapter in self.lora_adapters:
            if not adapter.path or not math.isfinite(adapter.scale):
                raise SettingsError(
                    "lora_adapters", adapter, "each needs a path and a finite scale"
                )
        return self

    def reloads_chat_model(self, new: Settings) -> bool:
        """Whether going to `new` needs the chat model loaded again (sampling
        settings such as `repeat_penalty` change on the loaded one)."""
        keys = ("chat_model", "threads", "gpu_layers", "context_size")
        return any(getattr(self, k) != getattr(new, k) for k in keys)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes).validate()


# "por+eng", "chi_sim", "": Tesseract's language codes, most likely first.
_OCR_LANGUAGES = re.compile(r"(?:\w+(?:\+\w+)*)?", re.ASCII)

UI_LANGUAGES = {"": "system", "en": "English", "pt_BR": "Português (Brasil)"}

FIELD_HELP: dict[str, str] = {
    "chat_model": "GGUF chat model: a file path or a name in the models folder "
    "(empty: the default, Qwen2.5-Coder-1.5B-Instruct where the set-up fetched it, else "
    "the 0.5B).",
    "embedding_model": "Embedding model folder in `models/embedding/` used for new collections "
    "in English (and in every language when `multilingual_embedding_model` is empty or not "
    "installed).",
    "multilingual_embedding_model": "Embedding model for new collections whose documents are "
    "in another language than English (Portuguese, say), chosen from their first documents; "
    '"" turns the choice off. Fetched by `make models` on Linux x86-64, where its engine runs.',
    "reranker": "Cross-encoder in `models/reranker/` that re-reads the best passages of "
    "collections in its language, where fusion's first does not clearly lead, and reorders "
    "them with fusion's order (empty: off; "
    "`make models` fetches "
    '`ms-marco-MiniLM-L-12-v2-int8`, English; see "Models").',
    "threads": "CPU threads for prompt processing and generation "
    "(0: one per physical core this process may use).",
    "gpu_layers": "Model layers offloaded to the GPU (-1: all when a GPU build finds one, "
    "0: CPU only).",
    "context_size": "Model context in tokens: prompt, sources and answer together.",
    "temperature": "Sampling temperature (0: always the most likely token).",
    "repeat_penalty": "How much the model is held back from repeating the words it just "
    "wrote (llama.cpp's repetition penalty over the last 64 tokens; 1.0: not at all). A small "
    "model otherwise often loops on a phrase until the answer's length runs out.",
    "max_answer_tokens": "Longest answer, in tokens (what is left of `context_size` holds "
    "the question and its sources).",
    "sources": "Most passages given to the model for one question.",
    "max_file_mb": "Files larger than this many megabytes are skipped.",
    "ocr_languages": "Languages of scanned PDF pages, read with OCR when Tesseract is "
    'installed: Tesseract codes joined by "+" ("" turns OCR off).',
    "bridge_languages": "Re-read the best passages of a question asked in another language than "
    "its documents' (English and Portuguese, say) with a small model that knows both, when the "
    "embedding model does not (the Universal Sentence Encoder: about 115 MB more memory once "
    "loaded; false: roots and respelled words only).",
    "ui_language": 'Language of the desktop app: "" (the system\'s), "en" or "pt_BR".',
    "lora_adapters": "LoRA adapters on top of the chat model, each a table "
    "`{path, scale, enabled}` (a collection's own adapter, if it has one, replaces them).",
}


def _adapters(key: str, value: Any) -> tuple[AdapterSetting, ...]:
    """The TOML list of `{path, scale, enabled}` tables as AdapterSettings."""
    if not isinstance(value, list):
        raise SettingsError(key, value, "expected a list of {path, scale, enabled} tables")
    known = {f.name for f in fields(AdapterSetting)}
    adapters = []
    for item in value:
        if not isinstance(item, dict) or not set(item) <= known or "path" not in item:
            raise SettingsError(key, item, "expected a table with path, scale and enabled")
        defaults = AdapterSetting(path="")
        adapters.append(
            AdapterSetting(
                **{k: _coerce(f"{key}.{k}", v, getattr(defaults, k)) for k, v in item.items()}
            )
        )
    return tuple(adapters)


def _coerce(key: str, value: Any, default: Any) -> Any:
    if isinstance(default, tuple):
        return _adapters(key, value)
    expected = type(default)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, expected) or isinstance(value, bool) != isinstance(default, bool):
        raise SettingsError(key, value, f"expected {expected.__name__}")
    return value


def load_settings(path: Path) -> Settings:
    """Read settings, keeping defaults for what the file does not say."""
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DamagedFileError(path, "the settings file", exc) from exc
    defaults = Settings()
    known = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise SettingsError(key, value, f"unknown setting; known: {', '.join(sorted(known))}")
        values[key] = _coerce(key, value, getattr(defaults, key))
    return Settings(**values).validate()


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically, so a crash never leaves half a settings file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(dataclasses.asdict(settings)), encoding="utf-8")
    tmp.replace(path)
