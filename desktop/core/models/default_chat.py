"""Which chat model to load: the setting's, else the default that the set-up fetched."""

from __future__ import annotations

from pathlib import Path

from desktop.core.models.catalog import LARGE_CHAT_MODEL, SMALL_CHAT_MODEL


def default_chat_model(models_dir: Path) -> str:
    """The default chat model's file name: the larger Qwen if it is in `models_dir`."""
    return LARGE_CHAT_MODEL if (models_dir / LARGE_CHAT_MODEL).is_file() else SMALL_CHAT_MODEL


def resolve_model_path(models_dir: Path, chat_model: str) -> Path:
    """A setting's model (a path or a name in the models folder) as a file path."""
    if not chat_model:
        return models_dir / default_chat_model(models_dir)
    candidate = Path(chat_model).expanduser()
    if candidate.is_absolute() or candidate.exists():
        return candidate
    return models_dir / chat_model
