"""Error messages for people, translated, from the error classes' fields."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.errors import (
    AdapterMismatchError,
    ArquivoError,
    ModelError,
    SettingsError,
    UnknownCollectionError,
    UnreadableFileError,
)


def describe(error: BaseException) -> str:
    """One paragraph for an error dialog."""
    if isinstance(error, ModelError):
        return QCoreApplication.translate(
            "errors", "The model {path} cannot be used: {reason}"
        ).format(path=error.path.name, reason=error.reason)
    if isinstance(error, AdapterMismatchError):
        return QCoreApplication.translate(
            "errors", "The adapter {path} cannot be used: {reason}"
        ).format(path=error.path.name, reason=error.reason)
    if isinstance(error, UnreadableFileError):
        return QCoreApplication.translate("errors", "{path} cannot be read: {reason}").format(
            path=error.path, reason=error.reason
        )
    if isinstance(error, UnknownCollectionError):
        return QCoreApplication.translate("errors", "There is no collection named {name}.").format(
            name=error.name
        )
    if isinstance(error, SettingsError):
        return QCoreApplication.translate("errors", "Bad setting {key}: {reason}").format(
            key=error.key, reason=error.reason
        )
    if isinstance(error, ArquivoError):
        return str(error)
    return QCoreApplication.translate("errors", "Something unexpected went wrong: {error}").format(
        error=f"{type(error).__name__}: {error}"
    )
