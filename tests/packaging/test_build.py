"""packaging/build.py's own checks, on real binaries (run by `make package-test`, where
PyInstaller is installed; skipped elsewhere)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("PyInstaller")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's ldd")

ROOT = Path(__file__).resolve().parents[2]


def load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build", ROOT / "packaging" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_folder_without_qts_libraries_is_refused(tmp_path: Path) -> None:
    """Qt's real X11 plugin, copied without the Qt libraries it links to: the check names
    them, since neither the folder nor PyInstaller's list of host libraries has them."""
    import PySide6

    build = load_build()
    plugins = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms"
    into = tmp_path / "app" / "_internal" / "PySide6" / "Qt" / "plugins" / "platforms"
    into.mkdir(parents=True)
    shutil.copy(plugins / "libqxcb.so", into)
    missing = build.missing_window_libraries(tmp_path / "app")
    assert "libQt6XcbQpa.so.6" in missing
    assert "libqwayland.so" in missing  # the Wayland plugin is not there at all
    assert not any(name.startswith("libc.so") for name in missing)  # the host's own


def test_the_package_needs_the_glibc_its_libraries_ask_for(tmp_path: Path) -> None:
    """The oldest glibc is read from the libraries' symbol versions (objdump)."""
    if shutil.which("objdump") is None:
        pytest.skip("needs objdump (binutils)")
    import PySide6

    build = load_build()
    (tmp_path / "app").mkdir()
    shutil.copy(Path(PySide6.__file__).parent / "Qt" / "lib" / "libQt6Core.so.6", tmp_path / "app")
    needed = build.glibc_needed(tmp_path / "app")
    assert needed is not None and tuple(map(int, needed.split("."))) >= (2, 17)
    assert build.glibc_needed(tmp_path / "empty") is None
