"""Personal data masking, measured on a labelled sample made for it
(tests/data/personal-data: every item made up, with valid check digits, beside
numbers that look alike and fail their checks)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from desktop.core.ingest.personal_data import KINDS, describe_counts, find_items, mask

SAMPLE = Path(__file__).parents[2] / "data" / "personal-data" / "sample.jsonl"


def scores() -> dict[str, tuple[float, float]]:
    """(precision, recall) per kind over the sample."""
    found: Counter[str] = Counter()
    right: Counter[str] = Counter()
    wanted: Counter[str] = Counter()
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        labelled = json.loads(line)
        gold = {(i["kind"], i["value"]) for i in labelled["items"]}
        text = labelled["text"]
        got = {(kind, text[start:end]) for start, end, kind in find_items(text)}
        for kind, _ in got:
            found[kind] += 1
        for kind, _ in gold:
            wanted[kind] += 1
        for kind, _ in got & gold:
            right[kind] += 1
    return {
        k: (right[k] / found[k] if found[k] else 1.0, right[k] / wanted[k] if wanted[k] else 1.0)
        for k in KINDS
    }


def test_every_kind_is_found_whole_and_nothing_else_on_the_sample() -> None:
    measured = scores()
    assert set(measured) == set(KINDS)
    for kind, (precision, recall) in measured.items():
        assert precision == 1.0 and recall == 1.0, (kind, precision, recall)


def test_masked_text_keeps_the_rest_and_counts_each_kind() -> None:
    text = (
        "Ana (ana@example.com, CPF 529.982.247-25) paid with 4111 1111 1111 1111 from "
        "192.168.0.12; call (11) 98765-4321. Not a CPF: 123.456.789-00, nor 12/03/2024."
    )
    masked = mask(text)
    assert masked.text == (
        "Ana ([e-mail], CPF [CPF]) paid with [card number] from [IP address]; call [phone]. "
        "Not a CPF: 123.456.789-00, nor 12/03/2024."
    )
    assert describe_counts(masked.counts) == (
        "1 e-mail address, 1 CPF, 1 card number, 1 IP address, 1 phone number"
    )
    assert mask("Nothing personal here.").counts == Counter()
