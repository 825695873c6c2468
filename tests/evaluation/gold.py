"""Gold answers: whether an answer holds one, folded, or comes close enough.

A dataset's queries.jsonl may give each question an `answers` list of gold
strings (the FaQuAD conversion has them). An answer counts as right when it
contains one (case, accents and spacing ignored) or reaches a token F1 of
`ANSWER_F1` with one, as SQuAD scores answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from desktop.core.language.detect import FTS_LANGUAGE, detect_language, question_language
from desktop.core.language.words import fold
from desktop.errors import ArquivoError

_SPACE = re.compile(r"\s+")
_EDGE_PUNCTUATION = " .,;:!?\"'()[]«»“”"


def normalise(text: str) -> str:
    """Folded (lower case, no accents), spacing collapsed, edge punctuation dropped."""
    return _SPACE.sub(" ", fold(text)).strip(_EDGE_PUNCTUATION)


def contains_gold(text: str, answers: Sequence[str]) -> bool:
    """Whether `text` contains one of the gold answer strings (see `normalise`)."""
    haystack = normalise(text)
    return any(gold and gold in haystack for gold in (normalise(a) for a in answers))


def answer_words(text: str) -> str:
    """An answer without its citations: `[n]` is no word of the answer."""
    return _CITATIONS.sub("", text)


_CITATIONS = re.compile(r"\s*\[\d+\]")


def is_right(text: str, answers: Sequence[str]) -> bool:
    """Holds a gold answer, or reaches a token F1 of `ANSWER_F1` with one (citations aside)."""
    words = answer_words(text)
    return contains_gold(words, answers) or token_f1(words, answers) >= ANSWER_F1


def token_f1(text: str, answers: Sequence[str]) -> float:
    """SQuAD's token F1 of `text` against the closest gold answer (see `normalise`)."""
    said = _tokens(text)
    best = 0.0
    for gold in answers:
        wanted = _tokens(gold)
        common = sum(min(said.count(w), wanted.count(w)) for w in set(wanted))
        if common:
            precision, recall = common / len(said), common / len(wanted)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def _tokens(text: str) -> list[str]:
    return [w for w in (_PUNCTUATION.sub("", w) for w in normalise(text).split()) if w]


_PUNCTUATION = re.compile(r"[^\w]")
ANSWER_F1 = 0.5  # a token F1 from which an answer counts as right (with or without the string)


def in_language(answer: str, question: str) -> bool:
    """Whether the answer is in the question's language (a number alone is in any)."""
    said = question_language(answer)
    return said is None or said == FTS_LANGUAGE[detect_language(question)]


def read_gold_answers(dataset_dir: Path) -> dict[str, list[str]]:
    """query id -> gold answer strings, from an `answers` list in queries.jsonl (may be empty)."""
    found: dict[str, list[str]] = {}
    path = dataset_dir / "queries.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ArquivoError(f"cannot read {path}: {exc.strerror}") from exc
    for line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue  # load_dataset reports malformed lines
        answers = row.get("answers") if isinstance(row, dict) else None
        if isinstance(answers, list) and answers:
            found[str(row.get("_id"))] = [str(a) for a in answers if str(a).strip()]
    return found
