"""`make package`: the self-contained desktop app, frozen with its default models.

PyInstaller freezes the app in one-folder mode (packaging/arquivo.spec) on the platform
it runs on; this script adds what the freezer does not know about, the same way on each:

- the default models of a small machine, each checked against the sha256 its publisher
  gives, so the package carries the same bytes (`desktop.paths.packaged_models` finds them
  beside the program, or in the macOS bundle's Resources);
- on Linux, the menu entry, icons, AppStream file, install.sh and uninstall.sh, and a
  check that Qt's X11 and Wayland plugins find every library they need inside the folder,
  since a library the build machine lacked is one the package lacks too.

It writes, on Linux (`make package`):

    dist/arquivo-<version>-linux-x86_64/          the app folder
    dist/arquivo-<version>-linux-x86_64.tar.gz    the package
    dist/package-size.json                        what takes the room

on macOS dist/Arquivo.app, and on Windows dist/arquivo/ (which
packaging/windows/arquivo.iss turns into an installer).

The package carries the chat model that is the default on machines under 6 GB
(Qwen2.5-Coder-0.5B): the 1.5B alone would take more than the package's budget
(see packaging/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from desktop import __version__
from desktop.core.models.catalog import FAST_CHAT_MODEL, MODELS
from desktop.core.models.specs import ChatModelSpec, ModelSpec
from desktop.paths import AppPaths

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script, or loaded by path
import fetch_models  # beside this file: the models' one fetcher and checker

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "io.github.arquivo.Arquivo"
# The package is made for machines of any memory: it carries the models `make models`
# fetches on a machine below the larger chat model's threshold.
PACKAGE_MEMORY_GIB = 4.0
# Qt's window-system plugins: without all their libraries no window opens.
QT_WINDOW_PLUGINS = ("libqxcb.so", "libqwayland.so")
# Where Debian and Ubuntu keep the libraries Qt's X11 plugin most often misses.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
}


def packaged_models() -> list[ModelSpec]:
    """The default models of a small machine, less the old tiny chat model kept for tests."""
    chosen = [m for m in MODELS if m.files and m.default_on(PACKAGE_MEMORY_GIB)]
    return [m for m in chosen if not (isinstance(m, ChatModelSpec) and m.file == FAST_CHAT_MODEL)]


def fetch_packaged_models(models_dir: Path) -> None:
    """Make the package's models present in the models folder, and only those.

    They are the defaults of a small machine, not of this one: `make models` on a larger
    machine fetches the larger chat model instead, which the package does not carry.
    `fetch_models.fetch` checks the files already there and downloads the rest.
    """
    try:
        fetch_models.fetch(models_dir, packaged_models())
    except fetch_models.FetchError as exc:
        sys.exit(f"cannot fetch the package's models: {exc}")


def copy_models(models_dir: Path, into: Path) -> None:
    """Copy each packaged model's files, refusing a copy whose bytes differ from the pin."""
    for model in packaged_models():
        for file in model.files:
            source = fetch_models.file_path(models_dir, model, file)
            target = fetch_models.file_path(into, model, file)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            if fetch_models.sha256_file(target) != file.sha256:
                sys.exit(f"{target} does not match its pinned sha256 (copied from {source})")


def freeze(work: Path) -> Path:
    """Run PyInstaller on the spec; the folder (or macOS bundle) it made."""
    subprocess.run(
        # --clean: PyInstaller's cache judges a module unchanged by its time stamp against
        # the last build's, and kept stale code of a file edited while a build ran.
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
         str(ROOT / "packaging" / "arquivo.spec")],
        check=True,
    )  # fmt: skip
    bundle = work / "dist" / "Arquivo.app"
    return bundle if sys.platform == "darwin" else work / "dist" / "arquivo"


def missing_window_libraries(app: Path) -> list[str]:
    """Libraries Qt's window-system plugins need that the folder does not carry.

    `ldd` resolves each plugin's libraries with the folder first; one found only on this
    machine, or not at all, is missing from the package unless PyInstaller leaves it to
    the host on purpose (libc, libGL, libxcb and the like: its own exclude list).
    """
    from PyInstaller.depend.dylib import include_library

    internal = app / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": f"{internal}:{internal / 'PySide6/Qt/lib'}"}
    missing: set[str] = set()
    for plugin in QT_WINDOW_PLUGINS:
        found = list(internal.rglob(plugin))
        if not found:
            missing.add(plugin)
            continue
        listing = subprocess.run(
            ["ldd", str(found[0])], capture_output=True, text=True, check=True, env=env
        ).stdout
        for line in listing.splitlines():
            name, _, where = line.strip().partition(" => ")
            inside = where.startswith(str(app))
            if " => " in line and not inside and include_library(name):
                missing.add(name)
    return sorted(missing)


def glibc_needed(app: Path) -> str | None:
    """The newest glibc symbol version any library in the folder asks for: the oldest
    Linux the package runs on (it follows the build machine's). None without objdump."""
    if shutil.which("objdump") is None:
        return None
    newest = (0, 0)
    for path in app.rglob("*"):
        if (
            path.is_file()
            and not path.is_symlink()
            and (".so" in path.name or path == app / "arquivo-desktop")
        ):
            symbols = subprocess.run(
                ["objdump", "-T", str(path)], capture_output=True, text=True
            ).stdout
            for found in re.findall(r"GLIBC_(\d+)\.(\d+)", symbols):
                newest = max(newest, (int(found[0]), int(found[1])))
    return f"{newest[0]}.{newest[1]}" if newest > (0, 0) else None


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
    shutil.copytree(ROOT / "resources" / "examples", app / "examples")  # to try it on
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


def package_linux(frozen: Path, dist: Path) -> Path:
    """The app folder with its models and menu files, checked, and packed as .tar.gz."""
    name = f"arquivo-{__version__}-linux-{platform.machine()}"
    app = dist / name
    shutil.rmtree(app, ignore_errors=True)
    shutil.copytree(frozen, app, symlinks=True)
    missing = missing_window_libraries(app)
    if missing:
        hint = " ".join(sorted({DEBIAN_PACKAGES.get(lib, lib) for lib in missing}))
        sys.exit(
            f"Qt's window plugins need libraries the package would lack: {', '.join(missing)}."
            f" Install them where you build (Debian/Ubuntu: apt-get install {hint})"
            " and run make package again: PyInstaller then puts them in the package."
        )
    models = AppPaths.resolve().models
    fetch_packaged_models(models)
    copy_models(models, app / "models")
    add_desktop_files(app)
    archive = dist / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(app, arcname=name)
    report = {
        "package": archive.name,
        "packed_bytes": archive.stat().st_size,
        "unpacked_bytes": sum(
            f.stat().st_size for f in app.rglob("*") if f.is_file() and not f.is_symlink()
        ),
        "needs_glibc": glibc_needed(app),
        "largest_parts": folder_sizes(app),
    }
    (dist / "package-size.json").write_text(json.dumps(report, indent=2))
    print(f"{archive}: {report['packed_bytes'] / 1e6:.0f} MB packed")
    return archive


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    args = parser.parse_args()
    frozen = freeze(args.work)
    if sys.platform.startswith("linux"):
        package_linux(frozen, args.dist)
        return 0
    # macOS and Windows: the frozen folder with its models, for the bundle or installer.
    out = args.dist / frozen.name
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(frozen, out, symlinks=True)
    models = out / "Contents" / "Resources" / "models" if out.suffix == ".app" else out / "models"
    fetch_packaged_models(AppPaths.resolve().models)
    copy_models(AppPaths.resolve().models, models)
    if out.suffix == ".app":
        # PyInstaller signed the bundle (ad hoc) before the models came in: sign it again,
        # or macOS calls a downloaded copy damaged.
        subprocess.run(["codesign", "--force", "--deep", "--sign", "-", str(out)], check=True)
    print(f"{out}: the app with its models")
    return 0


if __name__ == "__main__":
    sys.exit(main())
