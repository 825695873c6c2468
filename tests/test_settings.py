from pathlib import Path

import pytest

from desktop.errors import DamagedFileError, SettingsError
from desktop.settings import Settings, load_settings, save_settings


def test_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    changed = Settings().replace(temperature=0.7, sources=3, chat_model="big.gguf")
    save_settings(changed, path)
    assert load_settings(path) == changed


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == Settings()


@pytest.mark.parametrize("content", [b"this is not toml", b'chat_model = "\xff\xfe"\n'])
def test_a_damaged_settings_file_is_named_with_a_way_out(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(content)
    with pytest.raises(DamagedFileError, match=r"the settings file .* is damaged") as raised:
        load_settings(path)
    assert raised.value.path == path and "move it away" in raised.value.hint


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("sources = 0\n", "bad setting sources=0"),
        ("temperature = 'hot'\n", "bad setting temperature='hot': expected float"),
        ("repeat_penalty = 0.5\n", "bad setting repeat_penalty=0.5: must be between 1 and 2"),
        ("colour = 'blue'\n", "unknown setting"),
    ],
)
def test_bad_settings_name_the_key_and_value(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(content)
    with pytest.raises(SettingsError, match=message):
        load_settings(path)
