"""Logging set-up, done once by each entry point (core modules only log).

A rotating file in the logs folder keeps everything at INFO (DEBUG with
--debug); the terminal gets only errors, or everything with --debug.
Document text, prompts and answers are logged at DEBUG only.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from desktop.terminal import printable

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


# `extra=FILE_ONLY` keeps a record (a traceback, say) out of the terminal: the command
# line prints its own short message and points at the log.
FILE_ONLY = {"file_only": True}


def _not_file_only(record: logging.LogRecord) -> bool:
    return not getattr(record, "file_only", False)


class PrintableFormatter(logging.Formatter):
    """Log lines quote file names and documents: their control characters are written
    out (`printable`), so that reading the log in a terminal obeys none of them."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


def setup_logging(logs_dir: Path, *, debug: bool = False, console: bool = True) -> Path:
    """Install the handlers; returns the log file's path for error messages."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    log_file = logs_dir / "arquivo.log"
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_arquivo", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    file_handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    file_handler.setFormatter(PrintableFormatter(LOG_FORMAT))
    file_handler._arquivo = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.DEBUG if debug else logging.ERROR)
        stream.setFormatter(PrintableFormatter("%(levelname)s %(name)s: %(message)s"))
        stream.addFilter(_not_file_only)
        stream._arquivo = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    return log_file
