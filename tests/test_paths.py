import os
from pathlib import Path

import pytest

from desktop.paths import AppPaths


def test_a_data_folder_without_models_uses_the_default_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARQUIVO_MODELS_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    shared = tmp_path / "xdg" / "arquivo" / "models"
    shared.mkdir(parents=True)
    assert AppPaths.resolve(tmp_path / "elsewhere").models == shared
    own = tmp_path / "own" / "models"
    own.mkdir(parents=True)
    assert AppPaths.resolve(tmp_path / "own").models == own


def test_the_environment_moves_home_and_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARQUIVO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ARQUIVO_MODELS_DIR", str(tmp_path / "m"))
    paths = AppPaths.resolve()
    assert paths.home == tmp_path / "home" and paths.models == tmp_path / "m"
    assert paths.config == tmp_path / "home" / "settings.toml"
    assert AppPaths.resolve(tmp_path / "cli").home == tmp_path / "cli"


def _modes(root: Path) -> set[tuple[str, int]]:
    """(kind, permission bits) of everything under `root`, itself included."""
    found = {("dir", root.stat().st_mode & 0o777)}
    for path in root.rglob("*"):
        kind = "dir" if path.is_dir() else "file"
        found.add((kind, path.stat().st_mode & 0o777))
    return found


def test_a_fresh_data_folder_is_readable_by_its_owner_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.cli.main import main
    from desktop.services.chats import ChatStore

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("The heron counts seventeen lanterns.\n")
    home = tmp_path / "fresh"
    assert main(["--data-dir", str(home), "index", str(docs)]) == 0
    ChatStore(home / "chats.sqlite3").close()
    assert (home / "index" / "catalog.sqlite3").is_file()
    assert _modes(home) == {("dir", 0o700), ("file", 0o600)}


def test_a_data_folder_made_by_an_older_version_is_tightened(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        home = tmp_path / "old"
        (home / "index" / "docs.lance").mkdir(parents=True)
        (home / "index" / "catalog.sqlite3").write_text("")
        (home / "chats.sqlite3").write_text("")
        (home / "index" / "docs.lance" / "0.lance").write_text("")
        assert ("file", 0o644) in _modes(home)
    finally:
        os.umask(old)
    AppPaths(home=home, models=tmp_path / "models").ensure()
    assert _modes(home) == {("dir", 0o700), ("file", 0o600)}


def test_the_packaged_app_uses_the_models_beside_its_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frozen app (PyInstaller sets sys.frozen) with a fresh HOME finds the models it
    carries; from source, or where the data folder has models, nothing changes."""
    import sys

    import desktop.paths

    program = tmp_path / "arquivo-0.1.0" / "arquivo-desktop"
    (program.parent / "models").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ARQUIVO_MODELS_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setattr(sys, "executable", str(program))
    home = tmp_path / "data"
    assert AppPaths.resolve(home).models == home / "models"  # from source
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert desktop.paths.packaged_models() == program.parent / "models"
    assert AppPaths.resolve(home).models == program.parent / "models"
    (home / "models").mkdir(parents=True)
    assert AppPaths.resolve(home).models == home / "models"


def test_a_macos_bundle_keeps_its_models_in_resources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In Arquivo.app the program is in Contents/MacOS and the models in Contents/Resources
    (packaging/build.py puts them there, where code signing expects data)."""
    import sys

    import desktop.paths

    contents = tmp_path / "Arquivo.app" / "Contents"
    (contents / "MacOS").mkdir(parents=True)
    monkeypatch.setattr(sys, "executable", str(contents / "MacOS" / "arquivo-desktop"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert desktop.paths.packaged_models() is None
    (contents / "Resources" / "models").mkdir(parents=True)
    assert desktop.paths.packaged_models() == contents / "Resources" / "models"
