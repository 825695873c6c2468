"""The chat models on offer: GGUF files in the models folder, and files imported by reference.

Each is described from its header alone (no weights loaded), so listing a folder of
large models stays fast. A model is imported by copying it into the folder
(through a `.part` file renamed at the end, so a cut copy never looks like a model)
or by recording its path in `imported.json`, for files too large to copy.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.core.models.gguf_header import read_gguf
from desktop.core.models.gguf_info import check_chat_model, describe_gguf, inspect_gguf
from desktop.errors import ModelError

logger = logging.getLogger(__name__)

IMPORTED_FILE = "imported.json"
PART_SUFFIX = ".part"


@dataclass(frozen=True)
class ModelInfo:
    """One model file as the model list shows it."""

    path: Path
    size_bytes: int
    architecture: str
    parameters: int  # counted from the tensors
    size_label: str  # general.size_label ("135M"), else from `parameters`
    quantization: str  # "Q4_1", "Q4_K_M", "F16"...
    context_length: int | None
    has_chat_template: bool  # without one, a generic chat format (chatml) is used
    usable: bool
    reason: str = ""  # why it is not usable
    referenced: bool = False  # imported by reference: it lives outside the models folder

    @property
    def name(self) -> str:
        return self.path.name


def describe_model(path: Path, *, referenced: bool = False) -> ModelInfo:
    """Describe one file; a bad one comes back unusable, with the reason."""
    try:
        info = describe_gguf(read_gguf(path))
    except ModelError as exc:
        size = path.stat().st_size if path.is_file() else 0
        return ModelInfo(
            path, size, "unknown", 0, "", "", None, False, False, exc.reason, referenced
        )
    usable, reason = True, ""
    try:
        check_chat_model(info)
    except ModelError as exc:
        usable, reason = False, exc.reason
    return ModelInfo(
        path=path,
        size_bytes=info.size_bytes,
        architecture=info.architecture,
        parameters=info.parameters,
        size_label=info.size_label,
        quantization=info.quantization,
        context_length=info.context_length,
        has_chat_template=info.has_chat_template,
        usable=usable,
        reason=reason,
        referenced=referenced,
    )


def list_models(models_dir: Path, referenced: Sequence[Path] = ()) -> list[ModelInfo]:
    """The GGUF files in `models_dir` (by name), then the referenced ones (recorded first)."""
    seen: set[Path] = set()
    result: list[ModelInfo] = []
    folder: list[Path] = []
    if models_dir.is_dir():
        folder = sorted(
            p
            for p in models_dir.iterdir()
            if p.suffix.lower() == ".gguf" and not p.name.startswith(".") and p.is_file()
        )
    for path, is_ref in [(p, False) for p in folder] + [
        (p, True) for p in [*read_references(models_dir), *referenced]
    ]:
        key = _key(path)
        if key in seen:
            continue
        seen.add(key)
        result.append(describe_model(path, referenced=is_ref))
    return result


def import_model(src: Path, models_dir: Path, *, link: bool = False) -> Path:
    """Check `src`, then copy it into `models_dir` (or, with `link`, record its path).

    Returns the path to use for the model. Raises `ModelError` for a file that is not
    a usable model, a name already taken by another file, or a failed copy.
    """
    src = src.expanduser().absolute()
    info = inspect_gguf(src)
    if link:
        refs = read_references(models_dir)
        if _key(src) not in {_key(p) for p in refs}:
            write_references(models_dir, [*refs, src])
        logger.info("recorded model %s by reference", src)
        return src
    dest = models_dir / src.name
    if dest.exists():
        if _key(dest) == _key(src):
            return dest
        raise ModelError(
            src,
            f"the models folder already has a file named {src.name}",
            "rename the file, or remove the other one first",
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(models_dir).free
    if free < info.size_bytes:
        raise ModelError(
            src,
            f"not enough free space in {models_dir} "
            f"({free / 1e9:.1f} GB free, {info.size_bytes / 1e9:.1f} GB needed)",
            "import it by reference instead",
        )
    part = dest.with_name(dest.name + PART_SUFFIX)
    try:
        shutil.copyfile(src, part)
        if part.stat().st_size != info.size_bytes:
            raise OSError(0, "the copy is incomplete")
        os.replace(part, dest)
    except OSError as exc:
        part.unlink(missing_ok=True)
        reason = f"cannot copy it into {models_dir} ({exc.strerror or exc})"
        raise ModelError(src, reason) from exc
    logger.info("copied model %s into %s", src.name, models_dir)
    return dest


def forget_model(path: Path, models_dir: Path) -> bool:
    """Remove a reference recorded by `import_model(..., link=True)`; False if none."""
    refs = read_references(models_dir)
    kept = [p for p in refs if _key(p) != _key(path)]
    if len(kept) == len(refs):
        return False
    write_references(models_dir, kept)
    return True


def read_references(models_dir: Path) -> list[Path]:
    """The paths recorded in `imported.json` (none if it is missing or damaged)."""
    file = models_dir / IMPORTED_FILE
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return [Path(p) for p in data["models"] if isinstance(p, str)]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring the damaged list of imported models %s (%s)", file, exc)
        return []


def write_references(models_dir: Path, paths: Sequence[Path]) -> None:
    """Record `paths` in `imported.json`, atomically; a damaged old list is kept aside."""
    file = models_dir / IMPORTED_FILE
    models_dir.mkdir(parents=True, exist_ok=True)
    if file.exists() and not _readable_json(file):
        os.replace(file, file.with_name(IMPORTED_FILE + ".damaged"))
    tmp = file.with_name(IMPORTED_FILE + PART_SUFFIX)
    payload = {"version": 1, "models": [str(p) for p in paths]}
    tmp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, file)


def _readable_json(file: Path) -> bool:
    try:
        json.loads(file.read_text(encoding="utf-8"))
        return True
    except (OSError, ValueError):
        return False


def _key(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()
