"""`make package`: the self-contained Linux app, as a folder and a .tar.gz.

PyInstaller freezes the app in one-folder mode (packaging/arquivo.spec); this script
adds what the freezer does not know about: the default models (checked against the
sha256 their publishers give, so the package carries the same bytes), the menu entry,
icons and AppStream file, install.sh and uninstall.sh. It writes

    dist/arquivo-<version>-linux-x86_64/          the app folder
    dist/arquivo-<version>-linux-x86_64.tar.gz    the package
    dist/package-size.json                        what takes the room

The package carries the chat model that is the default on machines under 6 GB
(Qwen2.5-Coder-0.5B): the 1.5B alone would take more than the package's budget
(see packaging/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from desktop import __version__
from desktop.core.models.catalog import FAST_CHAT_MODEL, MODELS
from desktop.core.models.specs import ChatModelSpec, ModelSpec
from desktop.paths import AppPaths

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "io.github.arquivo.Arquivo"
# The package is made for machines of any memory: it carries the models `make models`
# fetches on a machine below the larger chat model's threshold.
PACKAGE_MEMORY_GIB = 4.0


def packaged_models() -> list[ModelSpec]:
    """The default models of a small machine, less the old tiny chat model kept for tests."""
    chosen = [m for m in MODELS if m.files and m.default_on(PACKAGE_MEMORY_GIB)]
    return [m for m in chosen if not (isinstance(m, ChatModelSpec) and m.file == FAST_CHAT_MODEL)]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_models(models_dir: Path, into: Path) -> None:
    """Copy each packaged model's files, refusing any whose bytes differ from the pin."""
    for model in packaged_models():
        for file in model.files:
            relative = Path(model.folder) / file.name if model.folder else Path(file.name)
            source = models_dir / relative
            if not source.is_file():
                sys.exit(f"{source} is missing: run `make models` first")
            if sha256(source) != file.sha256:
                sys.exit(f"{source} does not match its pinned sha256: run `make models`")
            (into / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, into / relative)


def add_desktop_files(app: Path) -> None:
    share = app / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    (share / "metainfo").mkdir(parents=True, exist_ok=True)
    shutil.copy(LINUX / f"{APP_ID}.desktop", share / "applications")
    shutil.copy(LINUX / f"{APP_ID}.metainfo.xml", share / "metainfo")
    shutil.copytree(ROOT / "resources" / "icons" / "hicolor", share / "icons" / "hicolor")
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy(LINUX / script, app / script)
    shutil.copy(LINUX / "README.txt", app / "README.txt")
    if (ROOT / "LICENSE").is_file():
        shutil.copy(ROOT / "LICENSE", app / "LICENSE")


def folder_sizes(app: Path) -> dict[str, int]:
    """Bytes under each of the app folder's parts that matter for its size."""
    parts: dict[str, int] = {}
    for path in app.rglob("*"):
        if path.is_file() and not path.is_symlink():
            relative = path.relative_to(app).parts
            key = "/".join(relative[:3] if relative[0] == "models" else relative[:2])
            parts[key] = parts.get(key, 0) + path.stat().st_size
    return dict(sorted(parts.items(), key=lambda kv: -kv[1])[:25])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    args = parser.parse_args()
    name = f"arquivo-{__version__}-linux-{platform.machine()}"
    app = args.dist / name
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(args.work / "dist"), "--workpath", str(args.work / "build"),
         str(ROOT / "packaging" / "arquivo.spec")],
        check=True,
    )  # fmt: skip
    shutil.rmtree(app, ignore_errors=True)
    shutil.copytree(args.work / "dist" / "arquivo", app, symlinks=True)
    copy_models(AppPaths.resolve().models, app / "models")
    add_desktop_files(app)
    archive = args.dist / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(app, arcname=name)
    report = {
        "package": archive.name,
        "packed_bytes": archive.stat().st_size,
        "unpacked_bytes": sum(f.stat().st_size for f in app.rglob("*") if f.is_file()),
        "largest_parts": folder_sizes(app),
    }
    (args.dist / "package-size.json").write_text(json.dumps(report, indent=2))
    print(f"{archive}: {report['packed_bytes'] / 1e6:.0f} MB packed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
