"""The error tree shared by every layer.

Each class builds its user-facing message from its fields, so the CLI and the UI
can show it as is (or translate it from the fields). `Cancelled` is a control
signal, not an error a user should see.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import ClassVar


class ArquivoError(Exception):
    """Something the user can understand and usually fix."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UnreadableFileError(ArquivoError):
    """A file that cannot be indexed: corrupt, encrypted, empty, too large..."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFileError(UnreadableFileError):
    """A file whose type Arquivo does not read."""

    def __init__(self, path: Path | str, reason: str = "unsupported type") -> None:
        super().__init__(path, reason)


class ModelError(ArquivoError):
    """A model file that is missing or unusable."""

    def __init__(self, path: Path | str, reason: str, hint: str = "") -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"cannot use model {self.path}: {reason}", hint)


class AdapterMismatchError(ArquivoError):
    """A LoRA adapter that does not fit the base model."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"cannot use adapter {self.path}: {reason}")


class CollectionModelError(ArquivoError):
    """A collection indexed with an embedding model that cannot answer here.

    Its vectors only compare with vectors of the same model: either that model
    is installed and loaded for it, or the collection is re-indexed.
    """

    def __init__(self, collection: str, model: str, current: str, reason: str) -> None:
        self.collection = collection
        self.model = model
        self.current = current
        self.reason = reason
        command = f"arquivo reindex {shlex.quote(collection)}"
        super().__init__(
            f"collection {collection!r} was indexed with embedding model {model!r}, {reason}",
            f"install {model!r} in the models folder, or re-index the collection with "
            f"{current!r}: `{command}`",
        )


class StoreError(ArquivoError):
    """The index on disk cannot be read or written."""


class SettingsError(ArquivoError):
    """A setting with a bad value."""

    def __init__(self, key: str, value: object, reason: str) -> None:
        self.key = key
        self.value = value
        self.reason = reason
        super().__init__(f"bad setting {key}={value!r}: {reason}")


class DamagedFileError(ArquivoError):
    """A file of Arquivo's own that cannot be read: damaged, cut short, not ours."""

    HINTS: ClassVar[dict[str, str]] = {
        "the settings file": "fix it, or move it away to start from the default settings",
        "the index catalog": "move it away and index your folders again; your documents "
        "are untouched",
        "the chat history": "move it away to start a new history",
        "the search index": "forget the collection (`arquivo forget NAME`) and index its "
        "folders again, or restore the folder from a backup",
    }

    def __init__(self, path: Path | str, what: str, cause: BaseException | str) -> None:
        self.path = Path(path)
        self.what = what
        super().__init__(f"{what} {self.path} is damaged: {cause}", self.HINTS.get(what, ""))


class DiskFullError(ArquivoError):
    def __init__(self, cause: BaseException | str) -> None:
        super().__init__(
            f"the disk is full: {cause}",
            "free some space and run it again; what was indexed before is kept",
        )


class UnknownCollectionError(ArquivoError):
    """A collection name that does not exist."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        hint = f"known collections: {', '.join(known)}" if known else "index a folder first"
        super().__init__(f"no collection named {name!r}", hint)


class Cancelled(Exception):  # noqa: N818 - a control signal, not an error
    """Raised when the user cancels long work; never shown as an error."""
