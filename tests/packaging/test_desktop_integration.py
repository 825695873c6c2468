"""The Linux desktop integration: menu entry, AppStream metadata, icons, install and uninstall.

The validators are the freedesktop and AppStream projects' own tools; where they are
not installed (Debian: desktop-file-utils, appstream) those two checks are skipped.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
ICONS = ROOT / "resources" / "icons" / "hicolor"
APP_ID = "io.github.arquivo.Arquivo"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def test_the_menu_entry_is_valid() -> None:
    tool = _tool("desktop-file-validate")
    result = subprocess.run([tool, LINUX / f"{APP_ID}.desktop"], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_the_appstream_metadata_is_valid() -> None:
    tool = _tool("appstreamcli")
    metainfo = LINUX / f"{APP_ID}.metainfo.xml"
    result = subprocess.run(
        [tool, "validate", "--no-net", metainfo], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_icon_size_is_a_png_of_that_size() -> None:
    assert (ICONS / "scalable" / "apps" / "arquivo.svg").is_file()
    for size in PNG_SIZES:
        data = (ICONS / f"{size}x{size}" / "apps" / "arquivo.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (size, size)


def _unpacked_package(folder: Path) -> Path:
    """A package folder laid out as `make package` lays it out, with a stand-in app."""
    package = folder / "arquivo-0.1.0"
    (package / "share" / "applications").mkdir(parents=True)
    (package / "share" / "metainfo").mkdir(parents=True)
    shutil.copy(LINUX / f"{APP_ID}.desktop", package / "share" / "applications")
    shutil.copy(LINUX / f"{APP_ID}.metainfo.xml", package / "share" / "metainfo")
    shutil.copytree(ICONS, package / "share" / "icons" / "hicolor")
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy(LINUX / script, package / script)
    app = package / "arquivo-desktop"
    app.write_text("#!/bin/sh\necho arquivo\n")
    app.chmod(0o755)
    return package


def _run(script: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}
    return subprocess.run(
        ["sh", str(script), *args], env=env, capture_output=True, text=True, check=True
    )


def _installed(home: Path) -> list[Path]:
    """Files under `home`, less the desktop's own caches (mimeinfo.cache,
    icon-theme.cache), which its tools rebuild for every application."""
    files = (p for p in home.rglob("*") if p.is_file() or p.is_symlink())
    return sorted(p for p in files if p.suffix != ".cache")


def test_install_puts_the_app_in_the_menu_and_uninstall_takes_it_out(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    package = _unpacked_package(tmp_path)
    data = home / ".local" / "share" / "arquivo"
    data.mkdir(parents=True)
    (data / "settings.toml").write_text("sources = 3\n")

    _run(package / "install.sh", home)
    prefix = home / ".local" / "opt" / "arquivo"
    entry = home / ".local" / "share" / "applications" / f"{APP_ID}.desktop"
    assert f'Exec="{prefix}/arquivo-desktop"' in entry.read_text()
    assert (home / ".local" / "share" / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    icon = home / ".local" / "share" / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png"
    assert icon.is_file()
    link = home / ".local" / "bin" / "arquivo-desktop"
    assert subprocess.run([link], capture_output=True, text=True).stdout == "arquivo\n"

    _run(prefix / "uninstall.sh", home)  # as a user runs it: from the installed copy
    assert _installed(home) == [data / "settings.toml"], "only the user's data stays"


def test_uninstall_purge_deletes_the_data_too(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    package = _unpacked_package(tmp_path)
    _run(package / "install.sh", home)
    (home / ".local" / "share" / "arquivo" / "index").mkdir(parents=True)
    (home / ".config" / "arquivo").mkdir(parents=True)
    _run(package / "uninstall.sh", home, "--purge")
    assert _installed(home) == []
    # Nor the folders and desktop caches the install made: only those made here remain,
    # and ~/.local/bin, which a login puts on PATH when it exists.
    assert sorted(home.rglob("*")) == [
        home / ".config", home / ".local", home / ".local" / "bin", home / ".local" / "share"
    ]  # fmt: skip


def test_uninstall_keeps_a_linked_menu_folder_and_other_apps_entries(tmp_path: Path) -> None:
    """A user whose applications folder is a link into their dotfiles keeps it, and
    another app's entry in it, when Arquivo's entry goes."""
    home = tmp_path / "home"
    dotfiles = tmp_path / "dotfiles" / "applications"
    dotfiles.mkdir(parents=True)
    (home / ".local" / "share").mkdir(parents=True)
    (home / ".local" / "share" / "applications").symlink_to(dotfiles)
    package = _unpacked_package(tmp_path)
    _run(package / "install.sh", home)
    assert (dotfiles / f"{APP_ID}.desktop").is_file()
    _run(package / "uninstall.sh", home, "--purge")
    assert (home / ".local" / "share" / "applications").is_symlink()
    assert not (dotfiles / f"{APP_ID}.desktop").exists()
    (dotfiles / "other.desktop").write_text("[Desktop Entry]\n")
    _run(package / "install.sh", home)
    _run(package / "uninstall.sh", home)
    assert (dotfiles / "other.desktop").is_file()
