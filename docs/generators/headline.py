"""The README's table of headline figures, read from `bench-results/*.json`.

Each row names one figure of one results file and links to its section of
docs/measurements.md. A row whose file is not here (a fresh clone: `bench-results/` is
not in git) is kept as the README has it, like the measurements page's sections.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from docs.generators.measurements import run_date

Document = Mapping[str, Any]


@dataclass(frozen=True)
class Headline:
    """One row: `label`, read from `results`.json by `measured`, against `goal`."""

    label: str
    results: str
    measured: Callable[[Document], str]
    goal: Callable[[Document], str]


def _default_model(document: Document) -> Mapping[str, Any]:
    """The first model's summary in a `bench_answers.py` file: the default chat model."""
    summary = document["summary"]
    return dict(summary[next(iter(summary))])


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%".replace(".0%", "%")


HEADLINES = (
    Headline(
        "Answers that hold a right answer (FaQuAD, Portuguese questions)",
        "answers",
        lambda d: f"{_percent(_default_model(d)['right'])} of {d['questions']['portuguese']}",
        lambda d: f"≥ {_percent(d['goals']['right'])}",
    ),
    Headline(
        "Answers in the question's language",
        "answers",
        lambda d: _percent(_default_model(d)["in_language"]),
        lambda d: f"≥ {_percent(d['goals']['in_language'])}",
    ),
    Headline(
        "Answerable questions refused",
        "answers",
        lambda d: _percent(_default_model(d)["refused"]),
        lambda d: f"≤ {_percent(d['goals']['refused'])}",
    ),
    Headline(
        "First token of an answer, median (prompt reading included)",
        "answers",
        lambda d: f"{_default_model(d)['first_token_median_s']:.1f} s",
        lambda d: f"≤ {d['goals']['first_token_median_s']:.0f} s",
    ),
    Headline(
        "Time Arquivo adds before the first token (vs bare llama-cpp-python)",
        "ask",
        lambda d: f"+{d['result']['first_token_delta_ms_median']:.0f} ms",
        lambda d: f"≤ +{d['goals']['first_token_delta_ms_at_most']:.0f} ms",
    ),
    Headline(
        "Generation speed through `arquivo ask` (vs bare llama-cpp-python)",
        "ask",
        lambda d: f"{d['result']['speed_ratio_median']:.3f}×",
        lambda d: f"≥ {d['goals']['speed_ratio_at_least']:.2f}×",
    ),
    Headline(
        "Peak memory of `arquivo ask`",
        "memory",
        lambda d: f"{d['result']['ask_peak_rss_mb_max']:,.0f} MB",
        lambda d: f"≤ {d['goals']['ask_peak_mb_at_most']:,.0f} MB",
    ),
    Headline(
        "Longest stall of the window's event loop, while indexing / answering",
        "stall",
        lambda d: "{:,.0f} / {:,.0f} ms".format(
            d["result"]["indexing_longest_stall_ms"], d["result"]["answering_longest_stall_ms"]
        ),
        lambda d: f"≤ {d['goals']['stall_ms_at_most']:,.0f} ms",
    ),
    Headline(
        "First window of the desktop package / of `make run`'s app, painted, warm disk cache",
        "first_window",
        lambda d: f"{_first_window(d, 'package'):.2f} / {_first_window(d, 'source'):.2f} s",
        lambda d: f"≤ {d['goals']['first_window_s_at_most']:.0f} s",
    ),
    Headline(
        "Linux package with the default models, packed",
        "package",
        lambda d: f"{d['result']['packed_mb']:,.0f} MB",
        lambda d: f"≤ {d['goals']['packed_bytes_at_most'] / 1e6:,.0f} MB",
    ),
    Headline(
        "`make package` from a fresh clone, empty caches and models folder (its own target)",
        "package",
        lambda d: f"{d['result']['make_package_s'] / 60:.0f} min",
        lambda d: f"≤ {d['goals']['make_package_minutes_at_most']} min (a CI job)",
    ),
)


def _first_window(document: Document, app: str) -> float:
    """The app's slower median first paint: on a first start or a returning user's."""
    result = document["result"]
    return float(
        max(result[f"{app}_fresh_painted_median"], result[f"{app}_indexed_painted_median"])
    )


HEADER = "| figure | goal | measured | when |\n|---|---|---|---|\n"


def row(headline: Headline, document: Document) -> str:
    date = run_date(document).split(" ")[0]
    link = f"[{headline.results}](docs/measurements.md#{headline.results})"
    cells = [headline.label, headline.goal(document), f"**{headline.measured(document)}**"]
    return "| " + " | ".join([*cells, f"{date}, {link}"]) + " |"


def render_block(old_block: str, results: Mapping[str, Document]) -> str:
    """The table: rows from the results here, the README's own rows for the others."""
    old_rows = {line.split("|")[1].strip(): line for line in old_block.splitlines()[2:]}
    rows = []
    for headline in HEADLINES:
        if headline.results in results:
            rows.append(row(headline, results[headline.results]))
        elif headline.label in old_rows:
            rows.append(old_rows[headline.label])
    return HEADER + "\n".join(rows) + "\n"
