"""The answers measurement: gold matching and the sweep by hand, then real runs.

The real run splits the FaQuAD slice (tests/data/faquad-slice, CC BY 4.0: 110
Portuguese paragraphs, 207 questions) into two collections and asks every
question of the half with its gold paragraph and of the half without, through
the real retriever; a few questions are then answered by the real SmolLM2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from desktop.errors import ArquivoError
from desktop.services.workspace import Workspace
from tests.conftest import DATA_DIR
from tests.evaluation.answers import evaluate_answers
from tests.evaluation.cli import build_parser, cmd_eval
from tests.evaluation.gate import (
    PASSAGE_SPLIT,
    TITLE_SPLIT,
    GateSignals,
    best_point,
    gate_verdict,
    half_of,
    sweep,
)
from tests.evaluation.gold import (
    answer_words,
    contains_gold,
    in_language,
    is_right,
    read_gold_answers,
    token_f1,
)

SLICE = DATA_DIR / "faquad-slice"
# Floors from runs on the full public split (see docs/measurements.md), less a margin for
# the smaller slice. Halves by passage keep the article's other paragraphs (hard
# negatives: refused less often); halves by title leave the whole article out.
ANSWERED_FLOOR = 0.75
HARD_REFUSED_FLOOR = 0.65
REFUSED_FLOOR = 0.75


def test_gold_answers_match_folded_and_inside_longer_text() -> None:
    assert contains_gold(
        "A resposta é a Tecnologia da Informação [1].", ["tecnologia da informacao"]
    )
    assert contains_gold("It was   48,000\neuros.", ["48,000 euros"])
    assert not contains_gold("It was 48,000 dollars.", ["48,000 euros", ""])


def test_an_answer_is_right_by_the_gold_string_or_by_token_f1() -> None:
    gold = ["no desenvolvimento de um sistema para a mesma"]
    assert token_f1("no desenvolvimento de um sistema", gold) == pytest.approx(10 / 13)
    assert is_right("Usadas no desenvolvimento de um sistema. [2]", gold)  # F1 0.71
    assert is_right("Tecnologia da Informação [1]", ["Tecnologia da Informação"])
    assert token_f1("Tecnologia da Informação [1]", ["Tecnologia da Informação"]) < 1
    assert answer_words("Tecnologia da Informação [1][3]") == "Tecnologia da Informação"
    assert not is_right("Um componente financeiro. [1]", ["Informática"])
    assert in_language("A resposta é esta.", "Qual é a resposta?")
    assert not in_language("The answer is this one.", "Qual é a resposta?")
    assert in_language("350 [1]", "Qual foi a diferença?")  # a number alone is in any


def test_gold_answers_are_read_from_the_queries() -> None:
    gold = read_gold_answers(SLICE)
    assert len(gold) == 207 and all(gold.values())


def test_halves_are_stable_and_both_used() -> None:
    ids = [f"faquad-{a:02d}-{p:02d}" for a in range(10) for p in range(10)]
    assert [half_of(i) for i in ids] == [half_of(i) for i in ids]
    assert 30 < sum(half_of(i) for i in ids) < 70


def _signal(
    has_gold: bool, similarity: float, coverage: float, trusted: bool = True
) -> GateSignals:
    return GateSignals("q", has_gold, True, similarity, coverage, trusted, relevant=False)


def test_the_sweep_applies_the_gate_rule_and_picks_the_best_worse_rate() -> None:
    signals = [
        _signal(True, 0.6, 0.5), _signal(True, 0.3, 0.9),
        _signal(False, 0.3, 0.5), _signal(False, 0.3, 0.4),
    ]  # fmt: skip
    assert gate_verdict(signals[0], 0.5, 1.0) and not gate_verdict(signals[2], 0.5, 1.0)
    assert not gate_verdict(_signal(True, 0.9, 0.1, trusted=False), 0.5, 0.6)
    best = best_point(sweep(signals))
    assert (best.answered, best.refused) == (1.0, 1.0)
    assert 0.3 < best.min_similarity <= 0.6 and 0.5 < best.min_keyword_coverage <= 0.9


@pytest.mark.slow  # three indexings of the slice and two answers: minutes; `make test-slow`
@pytest.mark.timeout(1800)  # long on busy cores
def test_the_gate_and_answers_on_the_faquad_slice(workspace: Workspace) -> None:
    report = evaluate_answers(SLICE, workspace, limit=2)
    assert [g.split for g in report.gates] == [PASSAGE_SPLIT, TITLE_SPLIT]  # articles share titles
    for gate in report.gates:
        assert gate.questions == 207 and gate.documents == 110
        assert gate.asked_with_gold + gate.asked_without_gold == 2 * 207
        assert min(gate.best.answered, gate.best.refused) >= min(
            gate.answered_with_gold, gate.refused_without_gold
        )
    hard, whole = report.gates
    assert hard.answered_with_gold >= ANSWERED_FLOOR and whole.answered_with_gold >= ANSWERED_FLOOR
    assert hard.refused_without_gold >= HARD_REFUSED_FLOOR
    assert whole.refused_without_gold >= REFUSED_FLOOR
    quality = report.quality
    assert quality is not None and quality.questions == 2
    assert all(r.seconds > 0 for r in quality.records)
    answered = [r for r in quality.records if not r.refused]
    assert answered and all(r.support for r in answered)  # a supporting sentence every time
    data = json.loads(report.to_json())
    assert data["gates"][0]["current"]["answered_with_gold"] == round(hard.answered_with_gold, 4)
    assert len(data["gates"][1]["signals"]) == 2 * 207


def _args(dataset: Path, *extra: str) -> argparse.Namespace:
    return build_parser().parse_args([str(dataset), *extra])


def test_the_cli_writes_the_gate_figures(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "tiny"
    data.mkdir()
    docs = {
        "d1": "The maintenance budget for the year was 48,000 euros.",
        "d2": "Maria Costa leads the facilities team of seven technicians.",
        "d3": "The boiler in building C was inspected in March.",
        "d4": "Roofing repairs took most of the summer.",
    }
    (data / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": k, "title": k, "text": v}) + "\n" for k, v in docs.items())
    )
    (data / "queries.jsonl").write_text(
        json.dumps(
            {"_id": "q1", "text": "What was the maintenance budget?", "answers": ["48,000 euros"]}
        )
        + "\n"
        + json.dumps({"_id": "q2", "text": "Who leads the facilities team?"})
        + "\n"
    )
    (data / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n")
    out = tmp_path / "answers.json"
    assert (
        cmd_eval(workspace, _args(data, "--answers", "--answer-limit", "0", "--out", str(out))) == 0
    )
    printed = capsys.readouterr().out
    assert "refusal gate, 2 questions" in printed and "not asked (1 questions" in printed
    written = json.loads(out.read_text())
    assert [g["split"] for g in written["gates"]] == ["passage"]  # titles all differ
    assert written["gates"][0]["asked_with_gold"] == 2 and written["quality"] is None
    with pytest.raises(ArquivoError, match="cannot be negative"):
        cmd_eval(workspace, _args(data, "--answers", "--answer-limit", "-1"))
