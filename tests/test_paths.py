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
