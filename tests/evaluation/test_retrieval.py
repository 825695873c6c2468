"""The evaluation harness: metrics on hand-made cases, then real runs.

The end-to-end run indexes a real slice of FaQuAD (tests/data/faquad-slice:
110 Portuguese paragraphs, 207 questions) with the real models and pins the
measured quality with a margin. The dense reference embeds the corpus a second
time, so that run leaves it out; the CLI test runs it on a tiny corpus.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.models.embedding import FastEmbedEmbedder
from desktop.core.retrieval.retriever import Retriever
from desktop.errors import ArquivoError
from desktop.paths import AppPaths
from desktop.services.workspace import Workspace
from desktop.settings import Settings
from tests.conftest import DATA_DIR
from tests.evaluation.cli import build_parser, cmd_eval
from tests.evaluation.corpus import EvalProgress
from tests.evaluation.retrieval import ARQUIVO, BM25, DENSE, EvalReport, evaluate, report_table
from tests.evaluation.test_beir import write_dataset

SLICE = DATA_DIR / "faquad-slice"

# nDCG@10 on the slice (see docs/measurements.md): Arquivo's floor leaves a margin below
# what it measured; bm25s is deterministic, so a drift in its figure means the reference
# changed.
ARQUIVO_FLOOR = 0.895
BM25_SLICE = 0.901
# The same slice asked in English (tests/data/faquad-slice/english, 26 questions
# translated by hand) with bge-small-en: a floor below what Arquivo measured with the
# head re-read by the bridge model (USE multilingual, `bridge`), well above what it
# measured without.
ENGLISH_FLOOR = 0.75
MARGIN = 0.02


def test_an_unknown_language_is_refused_before_any_work(
    tmp_path: Path, embedder: FastEmbedEmbedder, models_dir: Path
) -> None:
    ws = Workspace(
        AppPaths(home=tmp_path / "home", models=models_dir), Settings(), embedder=embedder
    )
    try:
        with pytest.raises(ArquivoError, match="unknown full-text language 'Klingon'"):
            evaluate(SLICE, ws, collection_language="Klingon")
        assert ws.catalog.collections() == []
    finally:
        ws.close()


# End to end, on the real slice


@pytest.fixture(scope="module")
def slice_workspace(
    tmp_path_factory: pytest.TempPathFactory, embedder: FastEmbedEmbedder, models_dir: Path
) -> Iterator[Workspace]:
    """One data folder for the runs on the slice: the index is built once."""
    home = tmp_path_factory.mktemp("eval-home")
    ws = Workspace(AppPaths(home=home, models=models_dir), Settings(), embedder=embedder)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def slice_report(slice_workspace: Workspace) -> EvalReport:
    stages: list[EvalProgress] = []
    report = evaluate(
        SLICE, slice_workspace, references=(BM25,), progress=stages.append, reuse_index=True
    )
    assert {p.stage for p in stages} == {"index", "search"}
    assert stages[-1] == EvalProgress("search", 207, 207)
    return report


@pytest.fixture(scope="module")
def english_report(slice_workspace: Workspace, slice_report: EvalReport) -> EvalReport:
    """English questions over the Portuguese slice (26 of its questions, translated)."""
    return evaluate(
        SLICE, slice_workspace, queries_dir=SLICE / "english", references=(BM25,),
        reuse_index=True,
    )  # fmt: skip


def test_the_slice_run_counts_what_it_measured(slice_report: EvalReport) -> None:
    report = slice_report
    assert (report.documents, report.queries, report.documents_skipped) == (110, 207, 0)
    assert report.chunks >= 110
    assert [m.name for m in report.methods] == [BM25, ARQUIVO]
    assert report.collection_language == "Portuguese"  # detected by the indexer
    arquivo = report.method(ARQUIVO)
    assert len(arquivo.per_query) == 207
    assert 0 < arquivo.latency_median_ms <= arquivo.latency_p95_ms
    saved = json.loads(report.to_json())
    assert saved["dataset"] == "faquad-slice"
    assert saved["machine"]["cores"] >= 1 and saved["versions"]["bm25s"] != "not installed"
    assert saved["ratios"][ARQUIVO]["vs_bm25"]["ndcg"] == pytest.approx(
        arquivo.ndcg / report.method(BM25).ndcg, abs=1e-3
    )
    table = report_table(report).splitlines()
    assert table[0].startswith("faquad-slice: 110 documents")
    assert "nDCG/bm25" in table[3]
    row = next(line.split() for line in table if line.startswith("arquivo "))
    assert row[1] == f"{arquivo.ndcg:.3f}"


def test_bm25_reference_is_stable(slice_report: EvalReport) -> None:
    assert slice_report.method(BM25).ndcg == pytest.approx(BM25_SLICE, abs=0.005)


def test_arquivo_stays_above_its_measured_floor(slice_report: EvalReport) -> None:
    assert slice_report.method(ARQUIVO).ndcg >= ARQUIVO_FLOOR


def test_arquivo_is_not_worse_than_bm25_on_portuguese(slice_report: EvalReport) -> None:
    assert slice_report.method(ARQUIVO).ndcg >= slice_report.method(BM25).ndcg - MARGIN


def test_english_questions_over_portuguese_are_found_by_meaning(
    english_report: EvalReport,
) -> None:
    """The English model's ranking votes for the Portuguese passages when the question
    is clearly English, and those holding its roots ("memory", "memória") go first:
    its words can hardly be in them, its names, numbers, roots and respellings
    ("organizations", "organizações") can."""
    assert english_report.queries == 26
    assert english_report.method(ARQUIVO).ndcg >= ENGLISH_FLOOR
    assert english_report.method(ARQUIVO).ndcg >= 2 * english_report.method(BM25).ndcg


# English questions of the slice whose paragraph only the bridge model puts first
BRIDGED = {
    "Which programming language is similar to machine language?": "faquad-03-06.txt",
    "When was the Higher Institute of Pedagogy in Corumbá created?": "faquad-23-01.txt",
    "What is the condition for adding courses during the enrollment adjustment stage?":
        "faquad-13-03.txt",
    "When is the student's placement period defined by the course coordinator?":
        "faquad-13-07.txt",
}


def test_the_bridge_puts_the_paragraph_an_english_question_means_first(
    slice_workspace: Workspace, slice_report: EvalReport
) -> None:
    """Keywords, vectors and roots find these paragraphs, but not first; the bridge
    model (USE multilingual), which reads both languages, puts them first. The
    `bridge_languages` setting turns it off."""
    slice_collection = slice_workspace.catalog.get_collection(f"eval-{slice_report.dataset}")

    def firsts() -> list[str]:
        retriever = slice_workspace.retriever
        return [
            Path(retriever.search(slice_collection, question, 5).hits[0].path).name
            for question in BRIDGED
        ]

    def right(found: list[str]) -> int:
        return sum(got == wanted for got, wanted in zip(found, BRIDGED.values(), strict=True))

    assert slice_workspace.settings.bridge_languages
    bridged = firsts()
    settings = slice_workspace.settings
    slice_workspace.update_settings(settings.replace(bridge_languages=False))
    try:
        unbridged = firsts()
    finally:
        slice_workspace.update_settings(settings)
    # all of them and none of them when measured; one may move on another CPU (int8 kernels
    # differ)
    assert right(bridged) >= 3
    assert right(unbridged) <= 1


def test_the_bridge_refuses_a_question_that_only_shares_words_across_languages(
    slice_workspace: Workspace, slice_report: EvalReport
) -> None:
    """A medical claim over the slice's university and computing paragraphs: a shared
    root and the English model's cosine let it through; the bridge model finds no
    paragraph near it in meaning (its best is under the veto's threshold) and it is
    refused, while the slice's own questions in English are still answered."""
    slice_collection = slice_workspace.catalog.get_collection(f"eval-{slice_report.dataset}")
    retriever = slice_workspace.retriever
    claim = "Monitoring of patients after surgery reduces complications."
    assert not retriever.search(slice_collection, claim, 12).relevant
    assert all(retriever.search(slice_collection, q, 12).relevant for q in BRIDGED)
    no_veto = dataclasses.replace(retriever.config, across_languages_min_meaning=0.0)
    unvetoed = Retriever(
        slice_workspace.embedder, slice_workspace.store, slice_workspace.catalog, no_veto,
        bridge=slice_workspace.bridge,
    )  # fmt: skip
    assert unvetoed.search(slice_collection, claim, 12).relevant


# The command, on a tiny corpus: both references, a temporary data folder


def test_eval_command_writes_json_and_leaves_the_user_data_alone(
    tmp_path: Path,
    arquivo_home: Path,
    embedder: FastEmbedEmbedder,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = write_dataset(
        tmp_path / "tiny",
        {
            "cats": "Cats: domestic cats purr when they are content and sleep most of the day",
            "rust": "Rust: iron rusts when oxygen and water react with its surface",
            "tides": "Tides: the moon's gravity pulls the oceans and makes the tides",
            "bread": "Bread: yeast ferments the dough so that bread rises in the oven",
        },
        {
            "q1": ("why does bread dough rise", "bread"),
            "q2": ("what causes ocean tides", "tides"),
            "q3": ("why do cats purr", "cats"),
        },
    )
    out = tmp_path / "result.json"
    args = build_parser().parse_args([str(folder), "--json", "--limit", "2", "--out", str(out)])
    user = Workspace(AppPaths.resolve(arquivo_home), Settings(), embedder=embedder)
    try:
        assert cmd_eval(user, args) == 0
        assert user.catalog.collections() == []  # nothing indexed into the user's folder
    finally:
        user.close()
    printed = json.loads(capsys.readouterr().out)
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert printed["dataset"] == saved["dataset"] == "tiny"
    assert "per_query" in saved["methods"][0] and "per_query" not in printed["methods"][0]
    assert [m["name"] for m in saved["methods"]] == [BM25, DENSE, ARQUIVO]
    assert saved["queries"] == 2 and saved["documents"] == 4
    for method in saved["methods"]:  # four distinct topics: every method finds the gold
        assert method["recall"] == 1.0, method["name"]


def test_a_kept_index_is_searched_again_without_indexing(
    tmp_path: Path,
    arquivo_home: Path,
    embedder: FastEmbedEmbedder,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = write_dataset(
        tmp_path / "tiny",
        {
            "cats": "Cats: domestic cats purr when they are content",
            "tides": "Tides: the moon's gravity pulls the oceans and makes the tides",
        },
        {"q1": ("what causes ocean tides", "tides"), "q2": ("why do cats purr", "cats")},
    )
    kept = tmp_path / "kept"
    parser = build_parser()
    user = Workspace(AppPaths.resolve(arquivo_home), Settings(), embedder=embedder)
    saved = []
    try:
        for run in range(2):
            out = tmp_path / f"run{run}.json"
            args = parser.parse_args(
                [str(folder), "--json", "--keep-index", str(kept), "--out", str(out)]
            )
            assert cmd_eval(user, args) == 0
            saved.append(json.loads(out.read_text(encoding="utf-8")))
        with pytest.raises(ArquivoError, match="must not be your data folder"):
            cmd_eval(
                user, parser.parse_args([str(folder), "--keep-index", str(arquivo_home)])
            )
    finally:
        user.close()
    capsys.readouterr()
    first, second = saved
    assert (first["index_reused"], second["index_reused"]) == (False, True)
    assert first["chunks_embedded"] == first["chunks"] > 0
    assert second["chunks_embedded"] == 0 and second["chunks"] == first["chunks"]
    assert second["dense_embed_seconds"] == 0  # the dense vectors were kept too
    assert (kept / "corpus-tiny" / "cats.txt").is_file()
    for a, b in zip(first["methods"], second["methods"], strict=True):
        assert (a["name"], a["ndcg"], a["recall"]) == (b["name"], b["ndcg"], b["recall"])


def test_eval_command_rejects_a_missing_folder(tmp_path: Path, embedder: FastEmbedEmbedder) -> None:
    args = build_parser().parse_args([str(tmp_path / "nowhere")])
    user = Workspace(AppPaths(home=tmp_path / "home", models=tmp_path), Settings())
    with pytest.raises(ArquivoError, match="no such folder"):
        cmd_eval(user, args)
    user.close()
