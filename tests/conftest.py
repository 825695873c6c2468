"""Shared fixtures: a temporary data folder for every test, and the real models.

The models are the ones `make models` fetched (the default models folder, or
$ARQUIVO_MODELS_DIR); they are found once, before any test moves ARQUIVO_HOME.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.core.models.embedding import FastEmbedEmbedder
from desktop.core.models.llm import FAST_CHAT_MODEL, LlamaCppLLM, default_chat_model
from desktop.offline import enforce_offline
from desktop.paths import AppPaths
from desktop.services.workspace import Workspace
from desktop.settings import Settings, save_settings

enforce_offline()
MODELS_DIR = AppPaths.resolve().models
DATA_DIR = Path(__file__).parent / "data"
DEFAULT_EMBEDDING = Settings().embedding_model


def pytest_sessionstart(session: pytest.Session) -> None:
    wanted = (default_chat_model(MODELS_DIR), FAST_CHAT_MODEL)
    if not all((MODELS_DIR / m).is_file() for m in wanted):
        pytest.exit(f"default models missing in {MODELS_DIR}: run `make models`", returncode=2)


@pytest.fixture(autouse=True)
def arquivo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder, sharing the real models.

    Its settings name the fast chat model: most tests are about plumbing, and the
    default model (`default_llm`) answers in the tests about answers.
    """
    home = tmp_path / "arquivo-home"
    home.mkdir()
    save_settings(Settings(chat_model=FAST_CHAT_MODEL), home / "settings.toml")
    monkeypatch.setenv("ARQUIVO_HOME", str(home))
    monkeypatch.setenv("ARQUIVO_MODELS_DIR", str(MODELS_DIR))
    return home


@pytest.fixture(scope="session")
def models_dir() -> Path:
    return MODELS_DIR


@pytest.fixture(scope="session")
def embedder() -> FastEmbedEmbedder:
    return FastEmbedEmbedder.from_models_dir(MODELS_DIR, DEFAULT_EMBEDDING)


@pytest.fixture(scope="session")
def llm() -> LlamaCppLLM:
    """The fast model, for tests about plumbing."""
    return LlamaCppLLM(MODELS_DIR / FAST_CHAT_MODEL, context_size=2048, threads=2)


@pytest.fixture(scope="session")
def default_llm() -> LlamaCppLLM:
    """The default chat model, for tests about answers."""
    return LlamaCppLLM(MODELS_DIR / default_chat_model(MODELS_DIR), context_size=4096, threads=2)


@pytest.fixture
def workspace(
    arquivo_home: Path, embedder: FastEmbedEmbedder, llm: LlamaCppLLM
) -> Iterator[Workspace]:
    ws = Workspace(AppPaths.resolve(arquivo_home), Settings(), embedder=embedder, llm=llm)
    yield ws
    ws.close()


@pytest.fixture
def nasty_dir() -> Path:
    return DATA_DIR / "nasty"
