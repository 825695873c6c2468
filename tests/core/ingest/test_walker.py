"""The walker on real folders: hidden entries, links, loops, ignore files, odd names."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from desktop.core.ingest.walker import FOLDER_DENIED, hides_files, walk
from desktop.core.types import FileSkipped

NASTY = Path(__file__).resolve().parents[2] / "data" / "nasty"

needs_symlinks = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")


@pytest.fixture(autouse=True)
def _no_data_folder(arquivo_home: Path) -> None:
    """These tests walk tmp_path, which holds each test's data folder: none is needed."""
    shutil.rmtree(arquivo_home)


def _touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _run(*roots: Path, include_hidden: bool = False) -> tuple[list[str], list[tuple[str, str]]]:
    """Files as paths relative to the first root, and skipped entries likewise."""
    base = roots[0]
    files: list[str] = []
    skipped: list[tuple[str, str]] = []
    for item in walk(list(roots), include_hidden=include_hidden):
        if isinstance(item, FileSkipped):
            skipped.append((os.path.relpath(item.path, base), item.reason))
        else:
            assert isinstance(item, Path)
            files.append(os.path.relpath(item, base).replace(os.sep, "/"))
    return files, skipped


def test_files_come_in_sorted_depth_first_order(tmp_path: Path) -> None:
    for name in ("b.txt", "a/z.md", "a/b/c.pdf", "c.docx", "a.txt", "notes.xyz"):
        _touch(tmp_path / name)

    files, skipped = _run(tmp_path)

    # Unsupported suffixes are listed too: read_document decides.
    assert files == ["a/b/c.pdf", "a/z.md", "a.txt", "b.txt", "c.docx", "notes.xyz"]
    assert skipped == []


def test_nasty_fs_folder() -> None:
    root = NASTY / "fs"

    files, skipped = _run(root)

    assert files == [
        "level01/" + "/".join(f"level{i:02d}" for i in range(2, 31)) + "/bottom.md",
        "very-long-file-name-" * 9 + "very-long-file-n.txt",
    ]
    assert skipped == [(".secret.txt", "hidden file")]


def test_hidden_file_and_folder(tmp_path: Path) -> None:
    _touch(tmp_path / "visible.txt")
    _touch(tmp_path / ".env.txt", "HIDDEN_CANARY_8086")
    _touch(tmp_path / ".git" / "config.txt")
    _touch(tmp_path / "sub" / ".cache" / "x.md")

    files, skipped = _run(tmp_path)
    assert files == ["visible.txt"]
    assert skipped == [(".env.txt", "hidden file")]

    files, skipped = _run(tmp_path, include_hidden=True)
    assert files == [".env.txt", ".git/config.txt", "sub/.cache/x.md", "visible.txt"]
    assert skipped == []


def test_root_that_is_a_file(tmp_path: Path) -> None:
    path = _touch(tmp_path / ".hidden-but-chosen.md")
    assert list(walk([path])) == [path]


def test_missing_root(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    assert list(walk([missing])) == [FileSkipped(str(missing), "file or folder not found")]


def test_overlapping_roots_list_each_file_once(tmp_path: Path) -> None:
    _touch(tmp_path / "sub" / "a.txt")
    _touch(tmp_path / "b.txt")

    files, _ = _run(tmp_path, tmp_path / "sub")

    assert files == ["b.txt", "sub/a.txt"]


@needs_symlinks
def test_links_inside_and_outside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = _touch(tmp_path / "outside" / "private.txt")
    _touch(root / "docs" / "a.txt")
    (root / "alias").symlink_to(root / "docs", target_is_directory=True)
    (root / "shortcut.txt").symlink_to(root / "docs" / "a.txt")
    (root / "escape.txt").symlink_to(outside)
    (root / "escape-dir").symlink_to(outside.parent, target_is_directory=True)
    (root / "dangling.txt").symlink_to(root / "nowhere.txt")

    files, skipped = _run(root)

    # The folder is listed once, under its real path; file links inside are followed.
    assert files == ["docs/a.txt", "shortcut.txt"]
    assert skipped == [
        ("dangling.txt", "broken symbolic link"),
        ("escape-dir", "symbolic link to outside the folder"),
        ("escape.txt", "symbolic link to outside the folder"),
    ]


@needs_symlinks
def test_link_only_way_in_is_followed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _touch(root / ".store" / "note.md")
    (root / "notes").symlink_to(root / ".store", target_is_directory=True)

    files, _ = _run(root)

    assert files == ["notes/note.md"]


@needs_symlinks
def test_symlink_loops_end(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _touch(root / "a" / "file.txt")
    (root / "a" / "up").symlink_to(root, target_is_directory=True)
    (root / "a" / "self").symlink_to(root / "a", target_is_directory=True)
    (root / "knot").symlink_to(root / "knot")

    files, skipped = _run(root)

    assert files == ["a/file.txt"]
    assert skipped == [("knot", "symbolic link loop")]


def test_arquivoignore_in_root_and_subfolder(tmp_path: Path) -> None:
    _touch(tmp_path / ".arquivoignore", "*.log\nbuild/\n/top-only.txt\n# a comment\n")
    _touch(tmp_path / "keep.txt")
    _touch(tmp_path / "debug.log")
    _touch(tmp_path / "top-only.txt")
    _touch(tmp_path / "build" / "out.txt")
    _touch(tmp_path / "sub" / ".arquivoignore", "drafts/\nsecret.md\n!important.log\n")
    _touch(tmp_path / "sub" / "top-only.txt")
    _touch(tmp_path / "sub" / "secret.md")
    _touch(tmp_path / "sub" / "important.log")
    _touch(tmp_path / "sub" / "other.log")
    _touch(tmp_path / "sub" / "drafts" / "d.md")
    _touch(tmp_path / "sub" / "deeper" / "secret.md")
    _touch(tmp_path / "other" / "secret.md")

    files, skipped = _run(tmp_path)

    assert files == [
        "keep.txt",
        "other/secret.md",
        "sub/important.log",
        "sub/top-only.txt",
    ]
    assert skipped == []


def test_ignored_hidden_file_is_silent(tmp_path: Path) -> None:
    _touch(tmp_path / ".arquivoignore", ".DS_Store\n")
    _touch(tmp_path / ".DS_Store")
    assert _run(tmp_path) == ([], [])


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs byte file names")
def test_name_that_is_not_utf8(tmp_path: Path) -> None:
    bad = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    try:
        os.close(os.open(bad, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    os.mkdir(os.fsencode(tmp_path) + b"/dir\xff")
    _touch(tmp_path / "fine.txt")

    items = list(walk([tmp_path]))

    assert items == [
        FileSkipped(f"{tmp_path}/caf\\xe9.txt", "file name is not valid UTF-8"),
        FileSkipped(f"{tmp_path}/dir\\xff", "folder name is not valid UTF-8"),
        tmp_path / "fine.txt",
    ]
    for item in items:
        str(item).encode("utf-8")  # printable, storable


def test_deep_nesting_needs_no_recursion(tmp_path: Path) -> None:
    folder = tmp_path
    for level in range(300):
        folder = folder / f"d{level}"
    _touch(folder / "bottom.md")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(150)
    try:
        items = list(walk([tmp_path]))
    finally:
        sys.setrecursionlimit(limit)
    assert items == [folder / "bottom.md"]


def test_unreadable_folder(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    _touch(locked / "inside.txt")
    _touch(tmp_path / "open.txt")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root (or without permissions): the folder stays readable")
        files, skipped = _run(tmp_path)
    finally:
        locked.chmod(0o700)
    assert files == ["open.txt"]
    assert skipped == [("locked", "cannot read the folder (permission denied)")]


def test_an_excluded_folder_is_left_out_silently(tmp_path: Path) -> None:
    _touch(tmp_path / "notes.txt")
    _touch(tmp_path / "Arquivo" / "logs" / "arquivo.log")
    _touch(tmp_path / "Arquivo-old" / "kept.txt")  # a neighbour, not inside it

    found = walk([tmp_path], exclude=[tmp_path / "Arquivo"])
    files = [os.path.relpath(item, tmp_path) for item in found]

    assert files == [os.path.join("Arquivo-old", "kept.txt"), "notes.txt"]
    assert list(walk([tmp_path / "Arquivo"], exclude=[tmp_path / "Arquivo"])) == []


@needs_symlinks
def test_skips_that_hide_files_are_told_apart(tmp_path: Path) -> None:
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    _touch(tmp_path / ".hidden")
    skipped = [s for s in walk([tmp_path, tmp_path / "unplugged"]) if isinstance(s, FileSkipped)]
    assert [(Path(s.path).name, hides_files(s)) for s in skipped] == [
        (".hidden", False),
        ("dangling", True),
        ("unplugged", True),
    ]
    assert hides_files(FileSkipped(str(tmp_path), FOLDER_DENIED))


def test_a_removed_path_is_left_out_below_a_root_but_a_root_in_it_is_walked(
    tmp_path: Path,
) -> None:
    _touch(tmp_path / "notes.txt")
    _touch(tmp_path / "old" / "draft.txt")
    _touch(tmp_path / "old" / "keep" / "final.txt")
    roots = [tmp_path, tmp_path / "old" / "keep"]

    found = walk(roots, removed=[tmp_path / "old", tmp_path / "old" / "keep"])

    files = [os.path.relpath(item, tmp_path) for item in found]
    assert files == ["notes.txt", os.path.join("old", "keep", "final.txt")]


def test_a_file_root_inside_a_folder_root_is_listed_once(tmp_path: Path) -> None:
    a = _touch(tmp_path / "a.txt")

    assert list(walk([a, tmp_path])) == [a]


def test_a_folder_root_inside_another_is_walked_with_its_own_rules(tmp_path: Path) -> None:
    _touch(tmp_path / ".arquivoignore", "*.log\n")
    _touch(tmp_path / "b" / "x.log")
    _touch(tmp_path / "b" / "y.txt")
    assert _run(tmp_path / "b")[0] == ["x.log", "y.txt"]  # asked for on its own: all of it
    files, skipped = _run(tmp_path, tmp_path / "b")
    assert files == ["b/y.txt", "b/x.log"] and skipped == []  # each once


def test_a_left_out_folder_stays_out_of_a_root_given_through_a_link(tmp_path: Path) -> None:
    _touch(tmp_path / "docs" / "note.txt")
    _touch(tmp_path / "docs" / "Arquivo" / "logs" / "arquivo.txt")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "docs")
    found = list(walk([link], exclude=[tmp_path / "docs" / "Arquivo"]))
    assert found == [link / "note.txt"]
