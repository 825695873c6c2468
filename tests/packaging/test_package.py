"""The packaged app, not the source tree: unpacked, started with a clean environment and
the network cut, it answers from real PDFs with a citation and leaves nothing behind.

`make package-test` runs it after `make package` (ARQUIVO_PACKAGE names the .tar.gz);
`make test` skips it, since building the package takes many minutes.
"""

from __future__ import annotations

import os
import shutil
import tarfile
from pathlib import Path

import pytest

from tests.test_nothing_leaves import Sandbox, needs_strace
from tests.x11 import TOOLS, first_window, have_tools, x_server

PACKAGE = os.environ.get("ARQUIVO_PACKAGE", "")
EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"

pytestmark = pytest.mark.skipif(
    not PACKAGE, reason="no package to test: `make package-test` sets ARQUIVO_PACKAGE"
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package, unpacked once for the module's tests."""
    unpacked = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(PACKAGE) as tar:
        tar.extractall(unpacked, filter="tar")
    (folder,) = unpacked.iterdir()
    return folder


@needs_strace
@pytest.mark.timeout(1800)  # unpacking 2 GB, then a first start under strace
def test_the_packaged_app_answers_offline_with_a_citation(app: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(EXAMPLES, docs)
    box = Sandbox(tmp_path / "box")
    # As `env -i` would leave it: no venv, no ARQUIVO_* variable, no models folder but
    # the package's own.
    box.env = {
        "HOME": str(box.home),
        "TMPDIR": str(box.tmp),
        "PATH": "/usr/bin:/bin",
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    }
    shot = tmp_path / "window.png"
    done = box.run(str(app / "arquivo-desktop"), "--smoke", str(docs),
                   "What was the maintenance budget?", str(shot))  # fmt: skip
    assert "1.8 million" in done.stdout and "[1]" in done.stdout, done.stdout
    assert "maintenance-report-2025.pdf, page 2" in done.stdout
    assert shot.stat().st_size > 10_000
    saved = os.environ.get("ARQUIVO_PACKAGE_SCREENSHOT")
    if saved:
        shutil.copy(shot, saved)
    assert box.network_calls() == []
    assert box.left_outside() == []  # smoke mode's data folder is gone with it


@pytest.mark.skipif(not have_tools(), reason=f"needs {', '.join(TOOLS)}")
@pytest.mark.timeout(600)
def test_the_packaged_window_opens_on_x11(app: Path, tmp_path: Path) -> None:
    """On a real X server (Xvfb), with Qt's X11 plugin and only the libraries the package
    carries beside the host's basic ones, the window opens and paints."""
    env = {
        "HOME": str(tmp_path / "home"),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "xcb",  # no fallback: the X11 plugin must load
    }
    with x_server() as display:
        window = first_window([str(app / "arquivo-desktop")], env, display, timeout=300)
    assert window.painted_s >= window.mapped_s, f"no window was painted:\n{window.log}"


def test_the_package_carries_the_models_byte_for_byte(tmp_path: Path) -> None:
    """Each model file in the package has the sha256 its publisher gives (the catalog)."""
    import hashlib

    from desktop.core.models.catalog import MODELS

    pinned = {str(Path(m.folder, f.name)): f.sha256 for m in MODELS for f in m.files}
    with tarfile.open(PACKAGE) as tar:
        members = [m for m in tar.getmembers() if "/models/" in m.name and m.isfile()]
        assert members, "the package carries no models"
        for member in members:
            name = member.name.split("/models/", 1)[1]  # its path in the models folder
            data = tar.extractfile(member)
            assert data is not None
            assert hashlib.file_digest(data, "sha256").hexdigest() == pinned[name], name
