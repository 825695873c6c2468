"""Indexing for real: real files, the real embedding model, a real LanceDB folder."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.core.models.catalog import MULTILINGUAL_EMBEDDING_MODEL
from desktop.core.types import FileIndexed, FileSkipped, IndexSummary
from desktop.paths import AppPaths
from desktop.services.indexer import IndexOptions, table_of
from desktop.services.workspace import Workspace
from desktop.settings import Settings
from tests.helpers import ENGLISH_PAGES, PORTUGUESE_PAGES, make_pdf


def run_index(ws: Workspace, *paths: Path, collection: str = "default") -> IndexSummary:
    events = list(ws.indexer.index(list(paths), collection))
    summary = events[-1]
    assert isinstance(summary, IndexSummary)
    return summary


def stored_chunks(ws: Workspace, collection: str = "default") -> int:
    return ws.store.count(table_of(ws.catalog.get_collection(collection)))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    make_pdf(root / "report.pdf", ENGLISH_PAGES)
    make_pdf(root / "pt" / "conciliação.pdf", PORTUGUESE_PAGES)
    (root / "notes.md").write_text(
        "# Garden\n\nThe orchid greenhouse needs watering every Tuesday.\n\n"
        "## Tools\n\nThe copper kettle is kept in the shed.\n",
        encoding="utf-8",
    )
    return root


def test_indexes_a_folder_and_finds_the_right_page(workspace: Workspace, library: Path) -> None:
    summary = run_index(workspace, library)
    assert summary.files_indexed == 3 and not summary.files_skipped
    assert summary.chunks_added >= 4
    result = workspace.assistant.search("default", "How much was the maintenance budget?", 3)
    top = result.hits[0]
    assert top.path.endswith("report.pdf") and top.page == 2
    assert "48,000 euros" in top.text
    assert result.relevant


def test_a_second_run_of_an_unchanged_folder_embeds_nothing(
    workspace: Workspace, library: Path
) -> None:
    run_index(workspace, library)
    before = stored_chunks(workspace)
    again = run_index(workspace, library)
    assert again.files_unchanged == 3 and again.files_indexed == 0 and again.chunks_added == 0
    assert stored_chunks(workspace) == before
    # a new process (the command line) finds nothing to do without opening LanceDB,
    # whose import is most of its time
    fresh = Workspace(workspace.paths, workspace.settings, embedder=workspace.embedder)
    try:
        assert run_index(fresh, library).files_unchanged == 3
        assert fresh.store._connection is None
        assert fresh.assistant.search("default", "maintenance budget", 1).hits
    finally:
        fresh.close()


def test_changed_and_deleted_files_are_reflected(workspace: Workspace, library: Path) -> None:
    run_index(workspace, library)
    notes = library / "notes.md"
    notes.write_text("# Garden\n\nThe walrus ledger balances at noon.\n", encoding="utf-8")
    os.utime(notes, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    (library / "report.pdf").unlink()
    summary = run_index(workspace, library)
    assert summary.files_indexed == 1 and summary.files_removed == 1
    assert summary.files_unchanged == 1
    hits = workspace.assistant.search("default", "walrus ledger", 5).hits
    assert hits[0].path.endswith("notes.md")
    hits = workspace.assistant.search("default", "orchid budget", 10).hits
    paths = {p for h in hits for p in h.paths}
    assert not any(p.endswith("report.pdf") for p in paths)
    stats = workspace.catalog.stats(workspace.catalog.get_collection("default"))
    assert stats.files == 2 and stored_chunks(workspace) == stats.chunks


def test_a_duplicate_is_stored_once_and_cited_by_both_paths(
    workspace: Workspace, library: Path
) -> None:
    run_index(workspace, library)
    before = stored_chunks(workspace)
    shutil.copy(library / "report.pdf", library / "copy of report.pdf")
    summary = run_index(workspace, library)
    assert summary.chunks_added == 0 and summary.files_indexed == 1
    assert stored_chunks(workspace) == before
    top = workspace.assistant.search("default", "cracked valve boiler", 1).hits[0]
    assert sorted(Path(p).name for p in top.paths) == ["copy of report.pdf", "report.pdf"]


def test_a_moved_file_is_not_embedded_again(workspace: Workspace, library: Path) -> None:
    run_index(workspace, library)
    (library / "archive").mkdir()
    (library / "report.pdf").rename(library / "archive" / "report.pdf")
    summary = run_index(workspace, library)
    assert summary.chunks_added == 0 and summary.files_removed == 1
    top = workspace.assistant.search("default", "cracked valve boiler", 1).hits[0]
    assert top.paths == (str(library / "archive" / "report.pdf"),)


def test_bad_files_are_skipped_with_reasons_and_the_rest_is_indexed(
    workspace: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    make_pdf(folder / "good.pdf", ["The saffron lighthouse protocol starts at dawn."])
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(os.urandom(4096))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<<")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    (folder / "big.txt").write_text("x " * 600_000)
    bad_name = os.fsencode(folder) + b"/caf\xe9.txt"
    fd = os.open(bad_name, os.O_WRONLY | os.O_CREAT)
    os.write(fd, b"latin-1 name")
    os.close(fd)
    workspace.indexer.options = IndexOptions(max_file_bytes=1024 * 1024)
    summary = run_index(workspace, folder)
    reasons = {Path(s.path).name: s.reason for s in summary.files_skipped}
    assert summary.files_indexed == 1
    assert reasons["empty.txt"] == "empty file"
    assert reasons["garbage.txt"] == "binary file, not text"
    assert reasons["photo.jpg"] == "unsupported type"
    assert reasons["big.txt"] == "larger than the 1 MB limit"
    assert "PDF" in reasons["broken.pdf"]
    assert any("not valid UTF-8" in r for r in reasons.values())


def test_an_empty_folder_makes_an_empty_collection(workspace: Workspace, tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    summary = run_index(workspace, tmp_path / "nothing", collection="empty")
    assert summary.files_indexed == 0
    assert workspace.assistant.search("empty", "anything", 5).hits == ()


KILL_SCRIPT = """
import sys
from pathlib import Path
from desktop.paths import AppPaths
from desktop.services.workspace import Workspace
from desktop.services.indexer import IndexOptions
from desktop.settings import Settings
ws = Workspace(AppPaths.resolve(sys.argv[1]), Settings())
ws.indexer.options = IndexOptions(batch_chunks=4, commit_chunks=4)
for event in ws.indexer.index([Path(sys.argv[2])], "default"):
    print(type(event).__name__, flush=True)
"""


def start_indexing(home: Path, folder: Path) -> subprocess.Popen[str]:
    """`KILL_SCRIPT` in a process of its own: it prints each event's kind as it comes."""
    return subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(home), str(folder)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2],
    )  # fmt: skip


def test_a_killed_run_leaves_a_usable_index_and_the_next_run_finishes(
    workspace: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    for i in range(30):
        make_pdf(folder / f"doc{i:02}.pdf", [f"Document {i} talks about topic {i}. " * 30] * 2)
    home = workspace.paths.home
    proc = start_indexing(home, folder)
    assert proc.stdout is not None
    indexed = 0
    for line in proc.stdout:
        indexed += line.strip() == "FileIndexed"
        if indexed >= 3:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(home / "index" / "catalog.sqlite3") as db:
        (committed,) = db.execute("SELECT count(*) FROM files").fetchone()
    assert 3 <= committed < 30
    # the index still answers from what was committed
    hits = workspace.assistant.search("default", "Document 1 talks about topic 1", 3).hits
    assert hits
    summary = run_index(workspace, folder)
    assert summary.files_unchanged == committed
    assert summary.files_indexed == 30 - committed
    stats = workspace.catalog.stats(workspace.catalog.get_collection("default"))
    assert stats.files == 30
    assert stored_chunks(workspace) == stats.chunks  # no duplicate or orphan chunks


def test_events_report_progress_and_files(workspace: Workspace, library: Path) -> None:
    events = list(workspace.indexer.index([library], "default"))
    names = [type(e).__name__ for e in events]
    assert names[0] == "Progress" and names[-1] == "IndexSummary"
    assert sum(isinstance(e, FileIndexed) for e in events) == 3
    assert not any(isinstance(e, FileSkipped) for e in events)


def test_the_keyword_index_follows_the_collection_language(
    workspace: Workspace, tmp_path: Path
) -> None:
    make_pdf(tmp_path / "pt" / "relatório.pdf", PORTUGUESE_PAGES)
    make_pdf(tmp_path / "en" / "report.pdf", ENGLISH_PAGES)
    run_index(workspace, tmp_path / "pt", collection="financas")
    run_index(workspace, tmp_path / "en", collection="facilities")
    assert workspace.catalog.get_collection("financas").language == "Portuguese"
    assert workspace.catalog.get_collection("facilities").language == "English"
    # Portuguese stemming: "corrigida" and "lancamentos" find "lançamento foi corrigido"
    pt = table_of(workspace.catalog.get_collection("financas"))
    for query in ("corrigida", "lancamentos"):
        hits = workspace.store.text_search(pt, query, 3)
        assert hits and "lançamento foi corrigido" in " ".join(hits[0].text.split()), query


def test_a_collection_only_answers_from_its_own_files(
    workspace: Workspace, tmp_path: Path
) -> None:
    make_pdf(tmp_path / "pt" / "relatório.pdf", PORTUGUESE_PAGES)
    make_pdf(tmp_path / "en" / "report.pdf", ENGLISH_PAGES)
    run_index(workspace, tmp_path / "pt", collection="financas")
    run_index(workspace, tmp_path / "en", collection="facilities")
    hits = workspace.assistant.search("facilities", "conciliação bancária 350 reais", 10).hits
    assert all(p.endswith("report.pdf") for h in hits for p in h.paths)
    both = workspace.assistant.search(["facilities", "financas"], "conciliação bancária", 3)
    assert both.hits[0].path.endswith("relatório.pdf")


def test_a_portuguese_collection_is_made_with_the_multilingual_model(
    arquivo_home: Path, tmp_path: Path
) -> None:
    """Chosen from the first documents, before anything is embedded; English keeps bge.
    (A workspace given a loaded embedder uses that one: here it loads its own.)"""
    ws = Workspace(AppPaths.resolve(arquivo_home), Settings())
    try:
        make_pdf(tmp_path / "pt" / "relatório.pdf", PORTUGUESE_PAGES)
        make_pdf(tmp_path / "en" / "report.pdf", ENGLISH_PAGES)
        pt = [e for e in ws.indexer.index([tmp_path / "pt"], "pt") if isinstance(e, IndexSummary)]
        en = [e for e in ws.indexer.index([tmp_path / "en"], "en") if isinstance(e, IndexSummary)]
        assert pt[0].embedding_model == MULTILINGUAL_EMBEDDING_MODEL and pt[0].model_knows_language
        assert pt[0].language == "Portuguese"
        assert en[0].embedding_model == Settings().embedding_model
        portuguese = ws.catalog.get_collection("pt")
        assert ws.store.count(table_of(portuguese)) > 0  # the e5 table holds the chunks
        found = ws.retriever.search(portuguese, "O que causou a diferença na conciliação?", 3)
        assert "tarifa" in found.hits[0].text and found.best_similarity > 0.5
        # an English question finds the Portuguese passage by meaning
        across = ws.retriever.search(portuguese, "What caused the bank reconciliation gap?", 3)
        assert "conciliação" in " ".join(h.text for h in across.hits)
    finally:
        ws.close()


def test_the_choice_by_language_can_be_turned_off(arquivo_home: Path, tmp_path: Path) -> None:
    settings = Settings(multilingual_embedding_model="")
    ws = Workspace(AppPaths.resolve(arquivo_home), settings)
    try:
        make_pdf(tmp_path / "pt" / "relatório.pdf", PORTUGUESE_PAGES)
        events = list(ws.indexer.index([tmp_path / "pt"], "pt"))
        summary = next(e for e in events if isinstance(e, IndexSummary))
        assert summary.embedding_model == settings.embedding_model
        assert not summary.model_knows_language
    finally:
        ws.close()


def test_a_collection_first_indexed_empty_still_gets_the_model_of_its_language(
    arquivo_home: Path, tmp_path: Path
) -> None:
    ws = Workspace(AppPaths.resolve(arquivo_home), Settings())
    try:
        (tmp_path / "empty").mkdir()
        list(ws.indexer.index([tmp_path / "empty"], "pt"))  # nothing read: nothing chosen
        make_pdf(tmp_path / "pt" / "relatório.pdf", PORTUGUESE_PAGES)
        events = list(ws.indexer.index([tmp_path / "pt"], "pt"))
        summary = next(e for e in events if isinstance(e, IndexSummary))
        assert summary.embedding_model == MULTILINGUAL_EMBEDDING_MODEL
    finally:
        ws.close()


def test_a_huge_file_is_stored_in_batches_and_a_killed_run_resumes_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    """One file of one long line: its chunks are written every `commit_chunks` as they
    are embedded, so a kill keeps them, and the next run embeds only the rest."""
    folder = tmp_path / "one"
    folder.mkdir()
    sentences = (f"Sentence {i} of the long ledger names account {i * 7}." for i in range(700))
    (folder / "ledger.md").write_text(" ".join(sentences))  # one line, about 40 chunks
    home = workspace.paths.home
    proc = start_indexing(home, folder)
    assert proc.stdout is not None
    steps = 0
    for line in proc.stdout:
        steps += line.strip() == "Progress"
        if steps >= 6:  # five batches of 4 embedded, each written (commit_chunks=4)
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    kept = stored_chunks(workspace)
    assert kept >= 16  # written before the kill, though the file was not finished

    embedded: list[int] = []
    real = workspace.indexer.embedder_for

    class Counting:
        def __init__(self, inner: object) -> None:
            self.inner = inner

        def embed_documents(self, texts: list[str]) -> object:
            embedded.append(len(texts))
            return self.inner.embed_documents(texts)  # type: ignore[attr-defined]

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

    workspace.indexer.embedder_for = lambda c: Counting(real(c))  # type: ignore[method-assign,assignment,return-value]
    summary = run_index(workspace, folder)
    stats = workspace.catalog.stats(workspace.catalog.get_collection("default"))
    assert summary.files_indexed == 1 and stats.files == 1
    assert sum(embedded) == stats.chunks - kept  # only what the killed run had not stored
    assert stored_chunks(workspace) == stats.chunks  # none twice, none left over


def test_kills_at_random_points_lose_duplicate_and_resurrect_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    """SIGKILL after a random number of events, three times, with a file removed from
    disk between two runs; then a run to the end: every file once, every chunk once."""
    folder = tmp_path / "many"
    for i in range(12):
        make_pdf(folder / f"doc{i:02}.pdf", [f"Document {i} talks about topic {i}. " * 30] * 2)
    (folder / "ledger.md").write_text(" ".join(f"Line {i} of the ledger." for i in range(400)))
    home = workspace.paths.home
    rng = random.Random(7)
    for kill in range(3):
        proc = start_indexing(home, folder)
        assert proc.stdout is not None
        at = rng.randint(2, 25)
        for n, _line in enumerate(proc.stdout, 1):
            if n >= at:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=60)
        if kill == 1:
            (folder / "doc03.pdf").unlink()  # gone from disk while the index is half made
    summary = run_index(workspace, folder)
    assert summary.files_skipped == ()
    stats = workspace.catalog.stats(workspace.catalog.get_collection("default"))
    assert stats.files == 12  # 11 PDFs and the ledger; doc03 is not resurrected
    assert stored_chunks(workspace) == stats.chunks  # nothing duplicated or orphaned
    paths = {h.path for h in workspace.assistant.search("default", "Document 3 topic 3", 10).hits}
    assert str(folder / "doc03.pdf") not in paths


def test_two_writers_at_once_the_second_is_refused_and_nothing_doubles(
    workspace: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    for i in range(8):
        make_pdf(folder / f"doc{i:02}.pdf", [f"Document {i} talks about topic {i}. " * 30] * 2)
    home = workspace.paths.home
    first = start_indexing(home, folder)
    assert first.stdout is not None
    assert first.stdout.readline().strip() == "Progress"  # it holds the collection now
    second = subprocess.run(
        [sys.executable, "-m", "desktop.cli.main", "--data-dir", str(home), "index", str(folder)],
        capture_output=True, text=True, cwd=Path(__file__).parents[2], timeout=120,
    )  # fmt: skip
    first.stdout.read()
    assert first.wait(timeout=120) == 0
    assert second.returncode == 2 and "is being indexed" in second.stderr, second.stderr
    stats = workspace.catalog.stats(workspace.catalog.get_collection("default"))
    assert stats.files == 8 and stored_chunks(workspace) == stats.chunks
