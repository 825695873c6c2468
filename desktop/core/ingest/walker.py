"""List the files under the folders a user chose, in a stable order, safely.

Real folders hold symbolic-link loops, links to the whole disk, hidden tool
folders (.git everywhere), names that are not UTF-8 and folders the user may not
read. The walker settles all of that once, so the indexer sees only paths worth
trying and `FileSkipped` events worth showing. Whether a file's type is supported
is not decided here: `read_document` does that.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from desktop.core.types import FileSkipped

logger = logging.getLogger(__name__)

IGNORE_FILE = ".arquivoignore"

HIDDEN_FILE = "hidden file"
LINK_OUTSIDE = "symbolic link to outside the folder"
BROKEN_LINK = "broken symbolic link"
LINK_LOOP = "symbolic link loop"
BAD_FILE_NAME = "file name is not valid UTF-8"
BAD_FOLDER_NAME = "folder name is not valid UTF-8"
FOLDER_UNREADABLE = "cannot read the folder"
FOLDER_DENIED = f"{FOLDER_UNREADABLE} (permission denied)"
NOT_FOUND = "file or folder not found"


@dataclass(frozen=True)
class _IgnoreRules:
    """The .arquivoignore specs in force in a folder, outermost first."""

    rules: tuple[tuple[str, pathspec.GitIgnoreSpec], ...] = ()

    def with_file(self, folder: str, spec: pathspec.GitIgnoreSpec) -> _IgnoreRules:
        return _IgnoreRules((*self.rules, (folder, spec)))

    def ignores(self, path: str, is_dir: bool) -> bool:
        """Git's rule: the deepest file with a matching pattern decides (it may re-include)."""
        ignored = False
        for folder, spec in self.rules:
            relative = os.path.relpath(path, folder).replace(os.sep, "/")
            if is_dir:
                relative += "/"
            result = spec.check_file(relative)
            if result.include is not None:
                ignored = bool(result.include)
        return ignored


@dataclass
class _Frame:
    """A folder being listed: its sorted entries and the rules that apply below it."""

    entries: list[os.DirEntry[str]]
    rules: _IgnoreRules
    position: int = 0


@dataclass
class _Walk:
    """State for one root: its real path, every folder already entered, what to leave out."""

    root_real: str
    visited: set[tuple[int, int]] = field(default_factory=set)
    # The left-out paths that lie in this root, spelled as its walk spells entries:
    # usually none, so that checking an entry costs nothing.
    left_out: frozenset[str] = frozenset()

    def excludes(self, path: str) -> bool:
        return any(is_within(path, f) for f in self.left_out)


def display_path(path: str) -> str:
    """`path` as a printable string: bytes that are not UTF-8 are shown as \\xNN."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # surrogate escapes stand for undecodable bytes
        return False
    return True


def _is_hidden(entry: os.DirEntry[str]) -> bool:
    """Dot-names everywhere; on Windows also the hidden attribute."""
    if entry.name.startswith("."):
        return True
    if os.name != "nt":
        return False
    try:
        attributes = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & stat.FILE_ATTRIBUTE_HIDDEN)


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # different drives on Windows
        return False


def _read_ignore_file(folder: str) -> pathspec.GitIgnoreSpec | None:
    path = os.path.join(folder, IGNORE_FILE)
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return pathspec.GitIgnoreSpec.from_lines(f.read().splitlines())
    except FileNotFoundError:
        return None
    except OSError as e:
        logger.warning("cannot read %s: %s", display_path(path), e)
        return None


def _list_folder(folder: str, rules: _IgnoreRules, state: _Walk) -> _Frame | FileSkipped | None:
    """Open a folder for walking; None when it was already walked (a link loop)."""
    try:
        info = os.stat(folder)
    except OSError as e:
        return FileSkipped(display_path(folder), _folder_reason(e))
    key = (info.st_dev, info.st_ino)
    if key in state.visited:
        logger.debug("already walked, not entering again: %s", display_path(folder))
        return None
    state.visited.add(key)
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as e:
        return FileSkipped(display_path(folder), _folder_reason(e))
    if any(entry.name == IGNORE_FILE for entry in entries):
        spec = _read_ignore_file(folder)
        if spec is not None:
            rules = rules.with_file(folder, spec)
    return _Frame(entries=entries, rules=rules)


def _folder_reason(e: OSError) -> str:
    if isinstance(e, PermissionError):
        return FOLDER_DENIED
    return f"{FOLDER_UNREADABLE} ({e.strerror or e})"


def hides_files(skipped: FileSkipped) -> bool:
    """Whether a skip is of a path whose files the walk could not see, not of one file.

    A missing root (a drive unplugged), a broken link (to one), a folder that
    cannot be listed: what was under them may still exist, and is not gone.
    """
    reason = skipped.reason
    return reason in (NOT_FOUND, BROKEN_LINK) or reason.startswith(FOLDER_UNREADABLE)


def _follow_link(entry: os.DirEntry[str], state: _Walk) -> tuple[str, bool] | FileSkipped:
    """Resolve a symbolic link: (target, is_dir), or why it is not followed."""
    shown = display_path(entry.path)
    try:
        info = os.stat(entry.path)
    except OSError as e:
        reason = LINK_LOOP if e.errno == errno.ELOOP else BROKEN_LINK
        return FileSkipped(shown, reason)
    target = os.path.realpath(entry.path)
    if not _inside(target, state.root_real):
        return FileSkipped(shown, LINK_OUTSIDE)
    return target, stat.S_ISDIR(info.st_mode)


def _root_problem(top: str) -> FileSkipped | None:
    """Why a root cannot be walked at all: a name that is not UTF-8, or nothing there."""
    if not is_utf8(top):
        return FileSkipped(display_path(top), BAD_FILE_NAME)
    if not os.path.lexists(top):
        return FileSkipped(top, NOT_FOUND)
    if not os.path.exists(top):
        return FileSkipped(top, BROKEN_LINK)
    return None


def _walk_root(root: Path, include_hidden: bool, state: _Walk) -> Iterator[Path | FileSkipped]:
    top = os.fspath(root)
    problem = _root_problem(top)
    if problem is not None:
        yield problem
        return
    if not os.path.isdir(top):
        yield root  # a file the user chose: hidden or not, it is wanted
        return
    stack: list[_Frame] = []
    yield from _enter(top, _IgnoreRules(), state, stack)
    # Folders reached through links are walked last, so that a folder reachable both
    # directly and through a link is listed under its real path.
    deferred: list[tuple[str, _IgnoreRules]] = []
    while stack or deferred:
        if not stack:
            yield from _enter(*deferred.pop(0), state, stack)
            continue
        frame = stack[-1]
        if frame.position >= len(frame.entries):
            stack.pop()
            continue
        entry = frame.entries[frame.position]
        frame.position += 1
        yield from _visit(entry, frame.rules, include_hidden, state, stack, deferred)


def _enter(
    folder: str, rules: _IgnoreRules, state: _Walk, stack: list[_Frame]
) -> Iterator[FileSkipped]:
    """Open `folder` on top of the stack, or say why it cannot be listed."""
    opened = _list_folder(folder, rules, state)
    if isinstance(opened, FileSkipped):
        yield opened
    elif opened is not None:
        stack.append(opened)


def _visit(
    entry: os.DirEntry[str],
    rules: _IgnoreRules,
    include_hidden: bool,
    state: _Walk,
    stack: list[_Frame],
    deferred: list[tuple[str, _IgnoreRules]],
) -> Iterator[Path | FileSkipped]:
    """One entry of a folder: yield it (or why it is skipped), or walk into it."""
    if entry.name == IGNORE_FILE:
        return  # read when the folder was opened, never reported
    try:
        is_link = entry.is_symlink()
        is_folder = entry.is_dir(follow_symlinks=False)
    except OSError as e:
        yield FileSkipped(display_path(entry.path), f"cannot read ({e.strerror or e})")
        return
    if is_link:
        is_folder = os.path.isdir(entry.path)
    if rules.ignores(entry.path, is_folder) or state.excludes(entry.path):
        return
    if not is_utf8(entry.name):
        yield FileSkipped(display_path(entry.path), BAD_FOLDER_NAME if is_folder else BAD_FILE_NAME)
        return
    if not include_hidden and _is_hidden(entry):
        if not is_folder:
            yield FileSkipped(entry.path, HIDDEN_FILE)
        return  # hidden folders (.git, .cache) are dropped silently
    if is_link:
        followed = _follow_link(entry, state)
        if isinstance(followed, FileSkipped):
            yield followed
        elif followed[1]:
            deferred.append((entry.path, rules))
        else:
            yield Path(entry.path)
    elif is_folder:
        yield from _enter(entry.path, rules, state, stack)
    else:
        yield Path(entry.path)


def walk(
    roots: Sequence[Path],
    *,
    include_hidden: bool = False,
    exclude: Sequence[Path] = (),
    removed: Sequence[Path] = (),
) -> Iterator[Path | FileSkipped]:
    """Yield every file under `roots`, depth first in name order, or why one is skipped.

    - A root may be a file; it is yielded as is.
    - Hidden files (dot-names) give FileSkipped "hidden file"; hidden folders are
      dropped without a word. `include_hidden=True` walks them too.
    - A symbolic link is followed only when its target stays inside the root
      being walked; a folder is never entered twice (so link loops end), and
      folders reached through links are walked after the rest of the root.
    - `.arquivoignore` files (gitignore syntax) apply to their folder's subtree;
      what they match is dropped silently.
    - Whatever lies in an `exclude` folder (Arquivo's own data folder) is dropped
      silently: indexing it would index the log that indexing writes.
    - A `removed` path (one taken out of a collection) is dropped silently below a
      root, but a root inside one is walked: the user asked for that root.
    - Roots may overlap (a folder and a folder inside it): each file is yielded
      once, so that counts and progress are of files, not of roots.
    - The walk uses its own stack: nesting depth is not limited by recursion.
    """
    excluded = spellings(exclude)
    taken_out = spellings(removed)
    yielded: set[Path | FileSkipped] = set()  # a root may also lie in another root
    for root in roots:
        top, real = os.path.abspath(root), os.path.realpath(root)
        if any(is_within(top, f) or is_within(real, f) for f in excluded):
            continue
        # Folders entered are remembered per root: a root inside another is walked
        # with its own rules (the outer folder's .arquivoignore may hide what it holds).
        state = _Walk(real, set(), _inside_root(excluded | taken_out, top, real))
        for entry in _walk_root(Path(root), include_hidden, state):
            if entry not in yielded:
                yielded.add(entry)
                yield entry


def _inside_root(paths: frozenset[str], top: str, real: str) -> frozenset[str]:
    """The `paths` strictly inside a root, spelled through the root as given (its
    entries are; a root given through a symbolic link spells them through the link)."""
    inside = set()
    for path in paths:
        if is_below(path, top):
            inside.add(path)
        elif is_below(path, real):
            inside.add(os.path.join(top, os.path.relpath(path, real)))
    return frozenset(inside)


def spellings(paths: Sequence[Path]) -> frozenset[str]:
    """Each path as given (made absolute) and with its links resolved."""
    return frozenset(s for p in paths for s in (os.path.abspath(p), os.path.realpath(p)))


def is_below(path: str, folder: str) -> bool:
    """Whether `path` lies strictly inside `folder` (both absolute, alike spelled)."""
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def is_within(path: str, folder: str) -> bool:
    """`folder` itself, or a path inside it."""
    return path == folder or is_below(path, folder)
