"""Where Arquivo keeps its state: one data folder, chosen once at start-up.

Nothing is computed at import time: entry points call `AppPaths.resolve()` and
pass the result down, so tests can point everything at a temporary folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "arquivo"
HOME_ENV = "ARQUIVO_HOME"
MODELS_ENV = "ARQUIVO_MODELS_DIR"


@dataclass(frozen=True)
class AppPaths:
    """The folders of one Arquivo installation.

    With a data folder (``--data-dir`` or ``ARQUIVO_HOME``) everything lives
    under it; otherwise the platform's user-data folder is used
    (Linux: ``~/.local/share/arquivo``). ``ARQUIVO_MODELS_DIR`` moves only the
    models, so that several data folders (tests, say) can share one copy.
    """

    home: Path
    models: Path

    @property
    def config(self) -> Path:
        return self.home / "settings.toml"

    @property
    def index(self) -> Path:
        return self.home / "index"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def cache(self) -> Path:
        return self.home / "cache"

    @classmethod
    def resolve(cls, data_dir: Path | str | None = None) -> AppPaths:
        if data_dir is not None:
            home = Path(data_dir)
        elif os.environ.get(HOME_ENV):
            home = Path(os.environ[HOME_ENV])
        else:
            home = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        home = home.expanduser().absolute()
        models_env = os.environ.get(MODELS_ENV)
        models = Path(models_env).expanduser().absolute() if models_env else home / "models"
        return cls(home=home, models=models)

    def ensure(self) -> AppPaths:
        """Create the folders that writers expect to exist."""
        for folder in (self.home, self.index, self.logs, self.cache):
            folder.mkdir(parents=True, exist_ok=True)
        return self
