"""Run one command in the user's workspace, and turn what went wrong into an exit status.

Exit status: 0 on success (skipped files are not failures), 2 for what the
user can fix (bad usage, an unusable file they named, a damaged index that
`diagnose` recognises), 1 for anything unexpected, 130 after Ctrl-C. Only the
unexpected is logged with its traceback, to the log file.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop.errors import ArquivoError, Cancelled
from desktop.log import FILE_ONLY, setup_logging
from desktop.paths import AppPaths, use_private_umask
from desktop.services.damage import diagnose
from desktop.services.workspace import Workspace
from desktop.settings import load_settings
from desktop.terminal import PrintableStream, printable

logger = logging.getLogger(__name__)

Command = Callable[[Workspace, argparse.Namespace], int]
"""A command: runs in the workspace with the parsed arguments, returns the exit status."""


def add_workspace_options(parser: argparse.ArgumentParser) -> None:
    """`--data-dir` and `--debug`, which `run_in_workspace` reads."""
    parser.add_argument("--data-dir", type=Path, help="keep all state in DIR (or $ARQUIVO_HOME)")
    parser.add_argument("--debug", action="store_true", help="log everything to the terminal")


@contextmanager
def printable_stdout() -> Iterator[None]:
    """Everything written to stdout meanwhile goes through `printable`."""
    stdout = sys.stdout
    sys.stdout = PrintableStream(stdout)
    try:
        yield
    finally:
        sys.stdout = stdout


def run_in_workspace(command: Command, args: argparse.Namespace) -> int:
    """Open the workspace that `args.data_dir` names, run `command` in it, close it.

    `args` needs `data_dir` and `debug` (the top-level options); a `model`
    option, where the command has one, is the chat model the workspace loads.
    """
    log_file: Path | None = None
    paths: AppPaths | None = None
    workspace: Workspace | None = None
    try:
        paths = AppPaths.resolve(args.data_dir)
        use_private_umask()
        log_file = setup_logging(paths.logs, debug=args.debug)
        paths.ensure()
        settings = load_settings(paths.config)
        workspace = Workspace(paths, settings, chat_model=getattr(args, "model", None))
        return command(workspace, args)
    except ArquivoError as exc:
        print(f"arquivo: error: {printable(str(exc))}", file=sys.stderr)
        return 2
    except Cancelled:
        print("[stopped]", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("\n[stopped]", file=sys.stderr)
        return 130
    except BaseException as exc:  # pyo3's PanicException is not an Exception
        return _unexpected(exc, paths, log_file, args.debug)
    finally:
        if workspace is not None:
            workspace.close()


def _unexpected(
    exc: BaseException, paths: AppPaths | None, log_file: Path | None, debug: bool
) -> int:
    """A damaged index we recognise is the user's to fix (2); anything else is ours (1)."""
    known = diagnose(exc, paths) if paths is not None else None
    if known is not None:
        logger.error("%s", known, exc_info=True, extra=FILE_ONLY)
        print(f"arquivo: error: {printable(str(known))}", file=sys.stderr)
        return 2
    if not isinstance(exc, Exception):
        raise  # SystemExit and the like: the exception being handled goes on
    logger.exception("unexpected error", extra=FILE_ONLY)
    where = f" (details in {log_file})" if log_file and not debug else ""
    message = printable(f"{type(exc).__name__}: {exc}")
    print(f"arquivo: unexpected error: {message}{where}", file=sys.stderr)
    if debug:
        import traceback

        traceback.print_exc()
    return 1
