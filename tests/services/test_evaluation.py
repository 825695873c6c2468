"""The evaluation harness: metrics on hand-made cases, then real runs.

The end-to-end run indexes a real slice of FaQuAD (tests/data/faquad-slice:
110 Portuguese paragraphs, 207 questions) with the real models and pins the
measured quality with a margin. The dense reference embeds the corpus a second
time, so that run leaves it out; the CLI test runs it on a tiny corpus.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.cli.evaluate import add_eval_parser, cmd_eval, report_table
from desktop.core.models.embedding import FastEmbedEmbedder
from desktop.core.retrieval.retriever import Retriever
from desktop.errors import ArquivoError
from desktop.paths import AppPaths
from desktop.services.beir import QueryScores, load_dataset, mean_scores, score_run
from desktop.services.evaluation import (
    ARQUIVO,
    BM25,
    DENSE,
    EvalProgress,
    EvalReport,
    evaluate,
)
from desktop.services.workspace import Workspace
from desktop.settings import Settings
from tests.conftest import DATA_DIR

SLICE = DATA_DIR / "faquad-slice"

# nDCG@10 measured on the slice (2 cores): Arquivo 0.926 (2026-11-28: LanceDB FTS with
# Portuguese stemming, its first 10 re-ordered by the question's word pairs; the
# English model's ranking weighs nothing on a Portuguese collection), bm25s 0.901.
# 0.916 without the word pairs (2026-11-27); 0.768 before fusion knew the collection's
# language (2026-11-25). The floor leaves about 0.03 below Arquivo's figure.
ARQUIVO_FLOOR = 0.895
BM25_SLICE = 0.901  # bm25s is deterministic: a drift means the reference changed
# The same slice asked in English (tests/data/faquad-slice/english, 26 questions
# translated by hand), bge-small-en: 0.784 with the head re-read by the bridge model
# (USE multilingual, `bridge`; 0.684 without, the same run; 2026-11-28 14:10 UTC);
# 0.682 with its words respelled the Portuguese way
# for the keyword index (`cognates`; 2026-11-28 12:10 UTC), 0.645 without, with the head
# re-ordered by the question's roots (BM25 0.228, bare dense 0.563; 2026-11-28 10:50
# UTC); 0.540 before (the same once
# fusion read scores instead of ranks); 0.466 while the vectors did not vote for
# Portuguese passages (they only followed the keyword matches, which an English
# question finds by accident).
ENGLISH_FLOOR = 0.75
MARGIN = 0.02


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-4)


# Metrics, by hand: gain = relevance, discount log2(rank + 1), as trec_eval.


def test_a_relevant_document_first_scores_one() -> None:
    scores = score_run({"q": {"d1": 1}}, {"q": ["d1", "x", "y"]})
    assert scores["q"] == QueryScores(1.0, 1.0, 1.0)


def test_a_relevant_document_third_is_discounted() -> None:
    scores = score_run({"q": {"d1": 1}}, {"q": ["x", "y", "d1"]})["q"]
    assert scores.ndcg == approx(1 / math.log2(4))  # 0.5
    assert scores.recall == 1.0
    assert scores.mrr == approx(1 / 3)


def test_half_of_two_relevant_documents_found() -> None:
    scores = score_run({"q": {"d1": 1, "d2": 1}}, {"q": ["x", "d1", "y"]})["q"]
    ideal = 1 + 1 / math.log2(3)
    assert scores.ndcg == approx((1 / math.log2(3)) / ideal)  # 0.3869
    assert scores.recall == 0.5
    assert scores.mrr == 0.5


def test_graded_relevance_counts_the_grade_as_gain() -> None:
    scores = score_run({"q": {"a": 2, "b": 1}}, {"q": ["b", "a"]})["q"]
    assert scores.ndcg == approx((1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3)))  # 0.8597
    assert scores.recall == 1.0
    assert scores.mrr == 1.0


def test_only_the_top_k_counts() -> None:
    scores = score_run({"q": {"d1": 1}}, {"q": ["x", "y", "d1"]}, k=2)["q"]
    assert scores == QueryScores(0.0, 0.0, 0.0)


def test_repeated_ids_keep_their_first_rank() -> None:
    # several chunks of one document: it counts once, at its best rank
    scores = score_run({"q": {"d2": 1}}, {"q": ["d1", "d1", "d1", "d2"]}, k=2)["q"]
    assert scores.ndcg == approx(1 / math.log2(3))
    assert scores.mrr == 0.5


def test_zero_relevance_is_not_relevant() -> None:
    scores = score_run({"q": {"d1": 0, "d2": 1}}, {"q": ["d1", "d2"]})["q"]
    assert scores.mrr == 0.5
    assert scores.recall == 1.0


def test_a_query_with_nothing_retrieved_scores_zero_in_the_mean() -> None:
    qrels = {"q1": {"d1": 1}, "q2": {"d2": 1}}
    scores = score_run(qrels, {"q1": ["d1"], "q2": []})
    assert scores["q2"] == QueryScores(0.0, 0.0, 0.0)
    assert set(score_run(qrels, {"q1": ["d1"]})) == {"q1", "q2"}
    assert mean_scores(scores) == QueryScores(0.5, 0.5, 0.5)


# Reading a dataset


def test_the_slice_loads_as_its_source_says() -> None:
    dataset = load_dataset(SLICE)
    assert dataset.name == "faquad-slice"
    assert len(dataset.documents) == 110
    assert len(dataset.queries) == dataset.judgements == 207
    first = dataset.documents[0]
    assert first.id == "faquad-01-00"
    assert first.content.startswith(f"{first.title}\n\n")
    assert load_dataset(SLICE, limit_queries=5).queries == dataset.queries[:5]


def write_dataset(folder: Path, docs: dict[str, str], queries: dict[str, tuple[str, str]]) -> Path:
    """A BEIR folder: docs id -> text; queries id -> (text, gold document id)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as out:
        for doc_id, text in docs.items():
            title, _, body = text.partition(": ")
            out.write(json.dumps({"_id": doc_id, "title": title, "text": body}) + "\n")
    with (folder / "queries.jsonl").open("w", encoding="utf-8") as out:
        for query_id, (text, _) in queries.items():
            out.write(json.dumps({"_id": query_id, "text": text}) + "\n")
    lines = ["query-id\tcorpus-id\tscore"]
    lines += [f"{qid}\t{gold}\t1" for qid, (_, gold) in queries.items()]
    (folder / "qrels.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_queries_without_a_judged_document_are_left_out(tmp_path: Path) -> None:
    folder = write_dataset(
        tmp_path / "set",
        {"a": "Cats: cats purr", "b": "Dogs: dogs bark"},
        {"q1": ("why do cats purr", "a"), "q2": ("what barks", "missing")},
    )
    dataset = load_dataset(folder)
    assert [q.id for q in dataset.queries] == ["q1"]
    assert dataset.qrels == {"q1": {"a": 1}}


def test_a_broken_dataset_names_the_file_and_line(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "set", {"a": "A: text"}, {"q1": ("text", "a")})
    with (folder / "corpus.jsonl").open("a", encoding="utf-8") as out:
        out.write("{not json\n")
    with pytest.raises(ArquivoError, match=r"corpus.jsonl, line 2: not JSON"):
        load_dataset(folder)
    with pytest.raises(ArquivoError, match="cannot read"):
        load_dataset(tmp_path / "nowhere")


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
    # 4 of 4 and 0 of 4 on 2026-11-28; one may move on another CPU (int8 kernels differ)
    assert right(bridged) >= 3
    assert right(unbridged) <= 1


def test_the_bridge_refuses_a_question_that_only_shares_words_across_languages(
    slice_workspace: Workspace, slice_report: EvalReport
) -> None:
    """A medical claim over the slice's university and computing paragraphs: a shared
    root and the English model's cosine (0.63) let it through; the bridge model finds
    no paragraph near it in meaning (0.10 at best, under 0.175) and it is refused,
    while the slice's own questions in English are still answered."""
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
    parser = argparse.ArgumentParser()
    add_eval_parser(parser.add_subparsers(dest="command"))
    out = tmp_path / "result.json"
    args = parser.parse_args(["eval", str(folder), "--json", "--limit", "2", "--out", str(out)])
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
    parser = argparse.ArgumentParser()
    add_eval_parser(parser.add_subparsers(dest="command"))
    user = Workspace(AppPaths.resolve(arquivo_home), Settings(), embedder=embedder)
    saved = []
    try:
        for run in range(2):
            out = tmp_path / f"run{run}.json"
            args = parser.parse_args(
                ["eval", str(folder), "--json", "--keep-index", str(kept), "--out", str(out)]
            )
            assert cmd_eval(user, args) == 0
            saved.append(json.loads(out.read_text(encoding="utf-8")))
        with pytest.raises(ArquivoError, match="must not be your data folder"):
            cmd_eval(
                user, parser.parse_args(["eval", str(folder), "--keep-index", str(arquivo_home)])
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
    parser = argparse.ArgumentParser()
    add_eval_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["eval", str(tmp_path / "nowhere")])
    user = Workspace(AppPaths(home=tmp_path / "home", models=tmp_path), Settings())
    with pytest.raises(ArquivoError, match="no such folder"):
        cmd_eval(user, args)
    user.close()
