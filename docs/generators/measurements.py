"""The measurements page: one section per `bench-results/*.json`, written from the file.

Each section says what the script measures (the first paragraph of its docstring), when
(the file's `date`), on which machine and code, the goals and every figure the file
holds. `bench-results/` is not in git: each machine keeps its own results. So a
section is rewritten only from a file that is here, and the sections of files that are
not here are kept as they are: a fresh clone regenerates the page without losing them.
"""

from __future__ import annotations

import ast
import datetime
import json
import math
import statistics
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from docs.generators.blocks import split_sections

REPO = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO / "bench-results"
BENCHMARKS = REPO / "tests" / "benchmarks"
EVALUATION = REPO / "tests" / "evaluation"

# About the run, shown above the figures rather than among them.
ABOUT_KEYS = ("benchmark", "date", "machine", "versions", "settings", "goals", "met")
# Per-question or per-point detail: too long for a page, and kept in the JSON.
DETAIL_KEYS = frozenset({"records", "answers", "per_query", "sweep", "signals"})
LABEL_KEYS = ("name", "split", "model", "id")
MAX_LISTED = 6  # longer lists of runs are summarised by their medians
MAX_KEYS = 40  # a mapping with more keys is detail (one entry per query, say)


def load_results(results_dir: Path = RESULTS_DIR) -> dict[str, dict[str, Any]]:
    """Each results file's document, by its name without `.json`."""
    found = {}
    for path in sorted(results_dir.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(document, dict):
            found[path.stem] = document
    return found


def script_for(name: str, document: Mapping[str, Any]) -> Path | None:
    """The script that wrote `name`.json: `bench_<name>.py`, or the evaluation's."""
    if "methods" in document:
        return EVALUATION / "retrieval.py"
    if "gates" in document:
        return EVALUATION / "answers.py"
    stem = str(document.get("benchmark") or name)
    while stem:
        path = BENCHMARKS / f"bench_{stem.replace('-', '_')}.py"
        if path.is_file():
            return path
        stem = stem.rpartition("-")[0]
    return None


def purpose(script: Path | None) -> str:
    """The first paragraph of the script's docstring, on one line."""
    if script is None:
        return "What wrote this file is not known: no script in tests/benchmarks/ matches it."
    docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    return " ".join(docstring.split("\n\n")[0].split())


def run_date(document: Mapping[str, Any]) -> str:
    """`2026-12-07 23:01 UTC` from the file's ISO date."""
    raw = document.get("date")
    if not isinstance(raw, str):
        return "not recorded in the file"
    try:
        when = datetime.datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if when.tzinfo is not None:
        when = when.astimezone(datetime.UTC)
        return when.strftime("%Y-%m-%d %H:%M UTC")
    return when.strftime("%Y-%m-%d %H:%M")


def number(value: float) -> str:
    """A figure rounded for reading: 2,143 / 201.4 / 12.84 / 1.017 / 0.0765."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.1f}".removesuffix(".0")
    return f"{value:.4g}"


def scalar(value: Any) -> str | None:
    """A value shown in a table cell, or None when it is not one to show."""
    if value is None:
        return "none"
    if isinstance(value, (bool, int, float)):
        return number(value)
    if isinstance(value, str):
        # A name or a mode, yes; a path of this machine or a question's text, no.
        if not value or value.startswith(("/", "~")) or len(value) > 60 or " " in value:
            return None
        return f"`{value}`"
    if isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
        return " / ".join(number(v) for v in value) if len(value) <= MAX_LISTED else None
    return None


def _label(item: Mapping[str, Any], index: int) -> str:
    for key in LABEL_KEYS:
        if isinstance(item.get(key), str):
            return str(item[key])
    return str(index)


def figures(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(`dotted.path`, shown value) for every figure under `value`, depth first."""
    shown = scalar(value)
    if shown is not None or value is None:
        yield path, shown or "none"
    elif isinstance(value, Mapping) and len(value) <= MAX_KEYS:
        for key, item in value.items():
            if key not in DETAIL_KEYS:
                yield from figures(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        labels = [_label(item, index) for index, item in enumerate(value)]
        named = all(not label.isdigit() for label in labels) and len(set(labels)) == len(labels)
        if named and len(value) <= MAX_LISTED:  # methods, gates: each one its own rows
            for label, item in zip(labels, value, strict=True):
                yield from figures(item, f"{path}[{label}]")
        else:  # repeated runs: their medians
            yield from _medians(value, path)


def _medians(items: list[Mapping[str, Any]], path: str) -> Iterator[tuple[str, str]]:
    keys = [k for k, v in items[0].items() if isinstance(v, (int, float))]
    for key in keys:
        values = [item[key] for item in items if isinstance(item.get(key), (int, float))]
        if values and not all(isinstance(v, bool) for v in values):
            yield f"{path}[*].{key} (median of {len(values)})", number(statistics.median(values))


def _facts(value: Any) -> str:
    """A mapping's entries as `key value` on one line (not this machine's paths)."""
    if not isinstance(value, Mapping):
        return ""
    parts = []
    for key, item in value.items():
        if isinstance(item, list) and all(isinstance(v, str) for v in item):
            shown = "; ".join(v.strip() for v in item) if item else "none"
        elif isinstance(item, str) and not item.startswith(("/", "~")):
            shown = item
        else:
            shown = scalar(item) or ""
        if shown:
            parts.append(f"{key} {shown}")
    return ", ".join(parts).replace("|", "/")


def _table(header: tuple[str, str], rows: list[tuple[str, str]]) -> list[str]:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---|"]
    return lines + [f"| {key.replace('|', '/')} | {value} |" for key, value in rows]


def section(name: str, document: Mapping[str, Any]) -> str:
    """One results file: heading `## <name>` (its anchor), what, when, where, figures."""
    script = script_for(name, document)
    about = [("date", run_date(document)), ("results file", f"`bench-results/{name}.json`")]
    if script is not None:
        relative = script.relative_to(REPO).as_posix()
        about.append(("script", f"[`{relative}`](../{relative})"))
    for key in ("machine", "versions", "settings"):
        if _facts(document.get(key)):
            about.append((key, _facts(document[key])))
    lines = [f"## {name}", "", purpose(script), "", *_table(("about the run", ""), about), ""]
    aims = {key: document[key] for key in ("goals", "met") if key in document}
    goals = [(f"`{k}`", v) for k, v in figures(aims)]
    if goals:
        lines += ["Goals:", "", *_table(("goal", "value"), goals), ""]
    rest = {k: v for k, v in document.items() if k not in ABOUT_KEYS}
    shown = [(f"`{key}`", value) for key, value in figures(rest)]
    lines += ["Figures:", "", *_table(("figure", "value"), shown)]
    return "\n".join(lines) + "\n"


def _summary_row(name: str, text: str) -> str:
    """The index's row for a section, read back from the section itself."""
    lines = text.splitlines()
    what = next((line for line in lines[1:] if line.strip()), "")
    date = next((line.split("|")[2].strip() for line in lines if line.startswith("| date |")), "")
    return f"| [{name}](#{name}) | {date} | {what.replace('|', '/')} |"


def render_block(old_block: str, results: Mapping[str, Mapping[str, Any]]) -> str:
    """The page's generated block: an index, then one section per results file, by name;
    sections of `old_block` whose file is not in `results` are kept unchanged."""
    sections = {k: v for k, v in split_sections(old_block).items() if k not in results}
    sections.update({name: section(name, doc) for name, doc in results.items()})
    order = sorted(sections)
    index = ["| results | date | what it measures |", "|---|---|---|"]
    index += [_summary_row(name, sections[name]) for name in order]
    body = "\n".join(sections[name].rstrip("\n") + "\n" for name in order)
    return "\n".join(index) + "\n\n" + body
