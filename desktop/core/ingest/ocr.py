"""Reading scanned pages: where Tesseract's language data is, and which languages to use.

PyMuPDF's wheels carry MuPDF with Tesseract's engine built in; what a machine
may lack is Tesseract's language data (`tessdata`, the `.traineddata` files).
Installing Tesseract brings that data and the `tesseract` program, whose
`--list-langs` says where the data is. So "Tesseract is installed" means here:
language data can be found, either in `TESSDATA_PREFIX` (when set, the only
place looked at, as Tesseract itself does) or where `tesseract` reports it.

Finding it runs a program, and the PDF reader asks once per file: the answer
is cached per (TESSDATA_PREFIX, PATH), so a test or a user who changes either
gets a fresh answer and everyone else pays nothing. This module does not import
PyMuPDF: the indexer builds `OcrOptions` without loading the PDF engine.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

# 300 dpi is what Tesseract is tuned for; at 150 dpi accents and small print suffer.
DEFAULT_DPI = 300

# Debian/Ubuntu package per Tesseract language code, for the hint in a skip reason.
_PACKAGE = "tesseract-ocr-{code}"

NO_TESSERACT = "no text layer; install Tesseract to read scanned pages"
OCR_OFF = "no text layer, needs OCR"


# Told (n, total) before the n-th of a file's `total` scanned pages is read: OCR takes
# seconds a page, so a scanned book reports its progress page by page.
PageProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class OcrOptions:
    """How scanned pages are read; `languages` "" turns OCR off."""

    languages: str = "por+eng"  # Tesseract codes joined by "+", most likely first
    dpi: int = DEFAULT_DPI

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code in self.languages.replace(" ", "").split("+") if code)

    @property
    def enabled(self) -> bool:
        return bool(self.codes)


@dataclass(frozen=True)
class OcrEngine:
    """What a page is read with: the language data folder and the languages found in it."""

    tessdata: Path
    languages: str  # the requested codes that are installed, joined by "+"


class OcrUnavailable(Exception):  # noqa: N818 - an outcome with a reason, not a failure
    """OCR was asked for but cannot run here; `reason` is what a person reads."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Tessdata:
    folder: Path
    languages: frozenset[str]


def find_tessdata() -> Tessdata | None:
    """Tesseract's language data on this machine, or None when Tesseract is not installed."""
    return _find_tessdata(os.environ.get("TESSDATA_PREFIX"), os.environ.get("PATH", ""))


@functools.lru_cache(maxsize=8)
def _find_tessdata(prefix: str | None, search_path: str) -> Tessdata | None:
    if prefix is not None:
        folder: Path | None = Path(prefix) if prefix else None
    else:
        folder = _ask_tesseract(search_path)
    if folder is None or not folder.is_dir():
        return None
    languages = frozenset(p.stem for p in folder.glob("*.traineddata"))
    if not languages:
        return None  # a folder without any language: nothing Tesseract could read with
    logger.debug("Tesseract language data in %s: %s", folder, ", ".join(sorted(languages)))
    return Tessdata(folder, languages)


def _ask_tesseract(search_path: str) -> Path | None:
    """The folder `tesseract --list-langs` names, or None without a working program."""
    program = shutil.which("tesseract", path=search_path)
    if program is None:
        return None
    try:
        done = subprocess.run(
            [program, "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        logger.info("tesseract did not run: %s", exc)
        return None
    # Tesseract 4 prints this line on stderr, 5 on stdout.
    found = re.search(r'List of available languages in "(.+?)"', done.stdout + done.stderr)
    return Path(found.group(1)) if found else None


def ocr_engine(options: OcrOptions) -> OcrEngine:
    """The engine for `options`, or OcrUnavailable saying what to install.

    Of the requested languages, those installed are used; a missing one is only
    logged while another remains (a Portuguese page read with English data loses
    accents, not words), and named in the reason when none remains.
    """
    data = find_tessdata()
    if data is None:
        raise OcrUnavailable(NO_TESSERACT)
    present = [code for code in options.codes if code in data.languages]
    missing = [code for code in options.codes if code not in data.languages]
    if not present:
        packages = " ".join(_PACKAGE.format(code=code) for code in missing)
        raise OcrUnavailable(
            f"no text layer; Tesseract has no language data for {options.languages} "
            f"(install {packages})"
        )
    if missing:
        logger.info("Tesseract has no data for %s; reading with %s", missing, present)
    return OcrEngine(data.folder, "+".join(present))
