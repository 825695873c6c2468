"""Reading a dataset in BEIR layout, and the metrics, checked by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from desktop.errors import ArquivoError
from tests.conftest import DATA_DIR
from tests.evaluation.beir import QueryScores, load_dataset, mean_scores, score_run

SLICE = DATA_DIR / "faquad-slice"


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
