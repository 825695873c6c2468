"""Every file of the malformed-and-tricky corpus, through the real indexer.

`tests/data/nasty/MANIFEST.tsv` says what each file must give: indexed with
its phrase findable (on the right page where the note names one), or skipped
with a reason. The 5 MB single-line file costs about seven minutes of
embedding on two cores, so it has its own slow test.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.ingest.ocr import NO_TESSERACT, find_tessdata
from desktop.core.models.embedding import FastEmbedEmbedder
from desktop.core.models.llm import LlamaCppLLM
from desktop.core.types import IndexSummary
from desktop.paths import AppPaths
from desktop.services.workspace import Workspace
from desktop.settings import Settings
from tests.conftest import DATA_DIR

NASTY = DATA_DIR / "nasty"
SLOW_FILES = {"text/single-line-5mb.txt"}
PAGES = {  # where the MANIFEST's notes put the phrase
    "pdf/1500-pages.pdf": 1234,
    "pdf/rotated-pages.pdf": 2,
    "pdf/two-columns.pdf": 1,
    "epub/valid-three-chapters.epub": 2,
}


# The workspace reads scans with its default OCR languages (por+eng) when Tesseract is
# installed; a scan's row then says in its note what OCR must find.
_TESSDATA = find_tessdata()
OCR_READY = _TESSDATA is not None and bool({"por", "eng"} & _TESSDATA.languages)
_WITH_OCR = re.compile(r"If OCR is enabled instead: index, expect '([^']+)'")
SCANNED = "pdf/scanned-image-only.pdf"


def manifest() -> list[dict[str, str]]:
    with (NASTY / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for row in rows:
        found = _WITH_OCR.search(row["note"])
        if found and OCR_READY:
            row.update(expected="index", expect_text=found.group(1))
    return rows


ROWS = [row for row in manifest() if row["file"] not in SLOW_FILES]


@pytest.fixture(scope="module")
def nasty_index(
    tmp_path_factory: pytest.TempPathFactory, embedder: FastEmbedEmbedder, llm: LlamaCppLLM
) -> Iterator[tuple[Workspace, Path, IndexSummary]]:
    folder = tmp_path_factory.mktemp("nasty") / "nasty"
    not_documents = shutil.ignore_patterns("make_nasty.py", "SOURCES.md", "MANIFEST.tsv")
    shutil.copytree(NASTY, folder, ignore=not_documents)
    for name in SLOW_FILES:
        (folder / name).unlink()
    home = tmp_path_factory.mktemp("home")
    ws = Workspace(AppPaths.resolve(home), Settings(), embedder=embedder, llm=llm)
    events = list(ws.indexer.index([folder], "nasty"))
    summary = events[-1]
    assert isinstance(summary, IndexSummary)
    yield ws, folder, summary
    ws.close()


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_each_file_comes_out_as_its_manifest_says(
    nasty_index: tuple[Workspace, Path, IndexSummary], row: dict[str, str]
) -> None:
    ws, folder, summary = nasty_index
    path = str(folder / row["file"])
    skipped = {s.path: s.reason for s in summary.files_skipped}
    if row["expected"] == "skip":
        assert path in skipped, f"{row['file']} should have been skipped"
        assert skipped[path]  # a reason a person can read
        return
    assert path not in skipped, f"{row['file']} skipped: {skipped.get(path)}"
    hits = ws.assistant.search("nasty", row["expect_text"], 10).hits
    matching = [h for h in hits if path in h.paths]
    assert matching, f"{row['expect_text']!r} not found in {row['file']}"
    wanted_page = PAGES.get(row["file"])
    if wanted_page is not None:
        assert any(h.page == wanted_page for h in matching)


def test_skip_reasons_read_well(nasty_index: tuple[Workspace, Path, IndexSummary]) -> None:
    _, folder, summary = nasty_index
    reasons = {str(Path(s.path).relative_to(folder)): s.reason for s in summary.files_skipped}
    assert reasons["pdf/encrypted-user-password.pdf"] == "password-protected PDF"
    assert reasons["pdf/zero-bytes.pdf"] == "empty file"
    assert reasons["pdf/actually-html.pdf"] == "not a PDF (file content is HTML)"
    if OCR_READY:
        assert SCANNED not in reasons
    else:
        assert reasons[SCANNED] == NO_TESSERACT
    assert reasons["fs/.secret.txt"] == "hidden file"
    assert reasons["docx/suites/textract-raw_text-really-doc.docx"] == (
        "old Word .doc format, not DOCX"
    )


def test_secrets_and_scripts_never_reach_the_index(
    nasty_index: tuple[Workspace, Path, IndexSummary],
) -> None:
    ws, _, _ = nasty_index
    for canary in ("ORCHID-5521", "SCRIPT_CANARY_7731", "JS_CANARY_4410", "HIDDEN_CANARY_8086"):
        hits = ws.assistant.search("nasty", canary, 10).hits
        assert not any(canary in h.text for h in hits), canary


def test_the_duplicate_is_stored_once_and_cited_twice(
    nasty_index: tuple[Workspace, Path, IndexSummary],
) -> None:
    ws, _, _ = nasty_index
    top = ws.assistant.search("nasty", "conciliação bancária", 1).hits[0]
    names = sorted(Path(p).name for p in top.paths)
    assert names == ["copy of portuguese-accents (1).pdf", "portuguese-accents.pdf"]
    # searchable with and without accents
    plain = ws.assistant.search("nasty", "conciliacao bancaria", 1).hits[0]
    assert plain.doc_hash == top.doc_hash


@pytest.mark.slow
def test_a_5_mb_single_line_file_is_indexed_and_found(workspace: Workspace) -> None:
    source = NASTY / "text" / "single-line-5mb.txt"
    events = list(workspace.indexer.index([source], "big"))
    summary = events[-1]
    assert isinstance(summary, IndexSummary) and summary.files_indexed == 1
    hits = workspace.assistant.search("big", "zebra crossing manifesto", 5).hits
    assert any("zebra crossing manifesto" in h.text for h in hits)
