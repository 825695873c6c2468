"""Where Arquivo keeps its state: one data folder, chosen once at start-up.

Nothing is computed at import time: entry points call `AppPaths.resolve()` and
pass the result down, so tests can point everything at a temporary folder.
"""

from __future__ import annotations

import os
import sys
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
    def own_folders(self) -> tuple[Path, ...]:
        """Folders of Arquivo's own making, never the user's documents (the data folder
        itself may hold documents: the evaluation writes its corpus there)."""
        return (self.index, self.logs, self.cache, self.models)

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
            home = chosen_data_dir() or default_data_dir()
        home = home.expanduser().absolute()
        models_env = os.environ.get(MODELS_ENV)
        if models_env:
            models = Path(models_env).expanduser().absolute()
        else:
            models = home / "models"
            shared = default_data_dir() / "models"
            packaged = packaged_models()
            if not models.is_dir() and shared.is_dir():
                # A data folder without models of its own uses those `make models`
                # fetched into the default folder, instead of failing.
                models = shared
            elif not models.is_dir() and packaged is not None:
                # The packaged app carries its default models beside its program.
                models = packaged
        return cls(home=home, models=models)

    def with_home(self, home: Path) -> AppPaths:
        """The same set-up in another data folder (models stay where they are)."""
        models_env = os.environ.get(MODELS_ENV)
        return AppPaths(home=home, models=self.models if models_env else home / "models")

    def ensure(self) -> AppPaths:
        """Create the folders that writers expect to exist, readable by their owner only.

        The data folder holds every document's text: the process's umask becomes 077
        so that whatever it writes there (LanceDB's files too, written by native code)
        is 0600 and its folders 0700, and a folder made by an older version, or
        under a laxer umask, is tightened once (`restrict_tree`).
        """
        use_private_umask()
        for folder in (self.home, self.index, self.logs, self.cache):
            folder.mkdir(parents=True, exist_ok=True)
        if self.home.stat().st_mode & 0o077:
            restrict_tree(self.home, skip=self.models)
        return self


PRIVATE_UMASK = 0o077


def use_private_umask() -> None:
    """Files and folders this process makes are its user's only (see `AppPaths.ensure`):
    entry points call it first, before the log file is opened."""
    os.umask(PRIVATE_UMASK)


def restrict_tree(root: Path, skip: Path | None = None) -> None:
    """Make `root` and everything under it private: folders 0700, files 0600.

    `skip` (the models folder, when it sits in the data folder) holds public files
    only and is left as it is. Entries that vanish or cannot be changed are skipped:
    they belong to a writer still at work, or to another user.
    """
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if skip is not None and here == skip:
            dirs.clear()
            continue
        _chmod(here, 0o700)
        for name in files:
            _chmod(here / name, 0o600)


def _chmod(path: Path, mode: int) -> None:
    try:
        if not path.is_symlink():
            path.chmod(mode)
    except OSError:
        pass


def packaged_models() -> Path | None:
    """The models folder a packaged (frozen) app carries, next to its program (in a macOS
    bundle, in its Resources); None when running from source. See packaging/README.md."""
    if not getattr(sys, "frozen", False):
        return None
    program = Path(sys.executable).resolve().parent
    for folder in (program / "models", program.parent / "Resources" / "models"):
        if folder.is_dir():
            return folder
    return None


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def _location_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "data-dir.txt"


def chosen_data_dir() -> Path | None:
    """The data folder picked in the app's settings, if the user moved it.

    It cannot be kept in the data folder itself, so a one-line file in the
    platform's config folder records it.
    """
    try:
        text = _location_file().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return Path(text) if text else None


def choose_data_dir(folder: Path | None) -> None:
    """Record (or with None, forget) the data folder for the next start."""
    location = _location_file()
    if folder is None:
        location.unlink(missing_ok=True)
        return
    location.parent.mkdir(parents=True, exist_ok=True)
    location.write_text(str(folder), encoding="utf-8")
