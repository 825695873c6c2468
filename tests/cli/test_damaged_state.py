"""A damaged data file, or a full disk, gives a message that names the file and the way
out (exit 2), never a traceback. Each file is damaged for real, in a copy of a real
data folder, and the commands run as a person runs them, in a process of their own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MODELS_DIR

REPO = Path(__file__).resolve().parents[2]


def arquivo(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARQUIVO_HOME": str(home), "ARQUIVO_MODELS_DIR": str(MODELS_DIR)}
    command = [sys.executable, "-m", "desktop.cli.main", *argv]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=REPO, env=env)


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("healthy")
    docs = root / "docs"
    docs.mkdir()
    for i in range(30):
        (docs / f"note-{i}.txt").write_text(f"Note {i}. The heron counts {i} lanterns.\n")
    assert arquivo(root / "home", "index", str(docs)).returncode == 0
    return root / "home", docs


def garble_catalog_page(home: Path) -> Path:
    path = home / "index" / "catalog.sqlite3"
    with path.open("r+b") as f:
        f.seek(3 * 4096)
        f.write(b"\xff" * 3000)
    return path


def replace_catalog(home: Path) -> Path:
    path = home / "index" / "catalog.sqlite3"
    path.write_bytes(b"not a database\n" * 100)
    return path


def cut_a_data_file(home: Path) -> Path:
    path = next((home / "index" / "lance").rglob("data/*.lance"))
    os.truncate(path, 100)
    return home / "index" / "lance"


def zero_a_version_file(home: Path) -> Path:
    path = sorted((home / "index" / "lance").rglob("_versions/*.manifest"))[0]
    data = bytearray(path.read_bytes())
    data[10:60] = bytes(50)
    path.write_bytes(bytes(data))
    return home / "index" / "lance"


def settings_not_utf8(home: Path) -> Path:
    path = home / "settings.toml"
    path.write_bytes(b'chat_model = "\xff\xfe"\n')
    return path


@pytest.mark.parametrize(
    "damage",
    [garble_catalog_page, replace_catalog, cut_a_data_file, zero_a_version_file,
     settings_not_utf8],
)  # fmt: skip
def test_damage_is_named_with_a_way_out(
    healthy: tuple[Path, Path], tmp_path: Path, damage: Callable[[Path], Path]
) -> None:
    home = tmp_path / "home"
    shutil.copytree(healthy[0], home)
    named = damage(home)
    done = arquivo(home, "search", "heron lanterns")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr
    assert str(named) in done.stderr, done.stderr
    assert any(w in done.stderr for w in ("move it away", "forget the collection")), done.stderr


def _can_mount_tmpfs() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"]
    return subprocess.run(probe, capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="a small tmpfs needs root and unshare -m")
def test_a_full_disk_is_said_so_and_the_index_stays_usable(
    healthy: tuple[Path, Path], tmp_path: Path
) -> None:
    """The data folder on a tmpfs of the test's own mount namespace, filled up but for
    a few hundred kilobytes; then more notes are indexed into it."""
    more = tmp_path / "more"
    more.mkdir()
    for i in range(60):
        words = (f"w{(i * 7 + j * 13) % 4000:05d}" for j in range(400))
        (more / f"n{i}.txt").write_text(" ".join(words))
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    home = mnt / "home"
    cli = f"{sys.executable} -m desktop.cli.main"
    script = (
        f"mount -t tmpfs -o size=8m tmpfs {mnt} && cp -a {healthy[0]} {home} && "
        f"head -c $(( $(df -k --output=avail {mnt} | tail -1) * 1024 - 300000 )) /dev/zero "
        f"> {mnt / 'filler'}; {cli} index {more}; echo rc=$?; {cli} search heron; echo rc=$?"
    )
    env = {**os.environ, "ARQUIVO_HOME": str(home), "ARQUIVO_MODELS_DIR": str(MODELS_DIR)}
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True,
                          text=True, timeout=600, cwd=REPO, env=env)  # fmt: skip
    codes = [line for line in done.stdout.splitlines() if line.startswith("rc=")]
    assert codes == ["rc=2", "rc=0"], done.stdout + done.stderr
    assert "the disk is full" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "note-" in done.stdout  # what was indexed before is still found


def test_only_lancedb_s_own_errors_are_taken_for_a_damaged_index(tmp_path: Path) -> None:
    from desktop.paths import AppPaths
    from desktop.services.damage import diagnose

    paths = AppPaths(home=tmp_path, models=tmp_path / "models")
    assert diagnose(ValueError("the ledger's balance does not add up"), paths) is None
    cut = RuntimeError("lance error: LanceError(IO): failed to fill whole buffer")
    found = diagnose(cut, paths)
    assert found is not None and "the search index" in str(found)
