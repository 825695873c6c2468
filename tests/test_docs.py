"""The docs stay true: generated parts current, links that lead somewhere, commands and
settings examples that the real parser and settings loader accept."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from desktop.cli.main import build_parser
from desktop.settings import load_settings
from docs.generate import stale_pages
from docs.generators import cli_reference, headline, measurements
from docs.generators.blocks import read_block, slug
from docs.generators.settings_table import settings_table

REPO = Path(__file__).parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _names(pages: list[Path]) -> list[str]:
    return [p.relative_to(REPO).as_posix() for p in pages]


def test_the_generated_parts_are_current() -> None:
    stale = stale_pages()
    assert stale == [], f"stale: {', '.join(stale)}: run `make docs` (or docs/generate.py)"


def test_the_settings_table_matches_the_settings_dataclass() -> None:
    text = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    assert read_block(text, "settings-table").strip() == settings_table(), (
        "docs/settings.md's settings table is stale: run `make docs`"
    )


def _blocks(text: str, *languages: str) -> list[str]:
    return [body for lang, body in FENCE.findall(text) if lang in languages]


def _headings(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(line.lstrip("#")) for line in text.splitlines() if re.match(r"#{1,6} ", line)}


@pytest.mark.parametrize("page", PAGES, ids=_names(PAGES))
def test_every_relative_link_leads_to_a_file_and_heading(page: Path) -> None:
    text = re.sub(r"`[^`\n]*`", "", FENCE.sub("", page.read_text(encoding="utf-8")))
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no file {file}")
        elif anchor and file.suffix == ".md" and anchor not in _headings(file):
            broken.append(f"{target}: no heading with anchor #{anchor} in {file.name}")
    assert broken == [], "broken links:\n" + "\n".join(broken)


def test_every_docs_page_the_code_points_to_exists() -> None:
    """Comments say "see docs/measurements.md#ask" instead of quoting figures: the page
    and its heading must be there."""
    missing = set()
    for path in [*(REPO / "desktop").rglob("*.py"), *(REPO / "tests").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for page, anchor in re.findall(r"(?<![/\w])docs/([\w-]+\.md)(?:#([\w-]+))?", text):
            target = REPO / "docs" / page
            if not target.is_file() or (anchor and anchor not in _headings(target)):
                missing.add(f"{path.relative_to(REPO)}: docs/{page}#{anchor}")
    assert not missing, "links to missing docs:\n" + "\n".join(sorted(missing))


def _command_lines(page: Path) -> list[str]:
    lines = []
    for block in _blocks(page.read_text(encoding="utf-8"), "sh"):
        lines += [line for line in block.splitlines() if line.startswith(("arquivo ", "make "))]
    return lines


@pytest.mark.parametrize("page", PAGES, ids=_names(PAGES))
def test_every_example_command_is_accepted(page: Path) -> None:
    """`arquivo ...` lines parse with the real parser; `make X` names a Makefile target."""
    targets = set(re.findall(r"^([a-z][a-z-]*):", (REPO / "Makefile").read_text(), re.M))
    for line in _command_lines(page):
        words = shlex.split(line, comments=True)
        if words[0] == "make":
            named = [w for w in words[1:] if "=" not in w]
            assert set(named) <= targets, f"{line!r}: no such make target"
            continue
        try:
            build_parser().parse_args(words[1:])
        except SystemExit as exit:
            pytest.fail(f"{page.name}: {line!r} is refused by the parser ({exit.code})")


@pytest.mark.parametrize("page", PAGES, ids=_names(PAGES))
def test_every_settings_example_loads(page: Path, tmp_path: Path) -> None:
    for block in _blocks(page.read_text(encoding="utf-8"), "toml"):
        (tmp_path / "settings.toml").write_text(block, encoding="utf-8")
        load_settings(tmp_path / "settings.toml")  # raises SettingsError on a bad one


def test_a_results_file_of_an_unknown_shape_gets_its_own_dated_section() -> None:
    document = {
        "date": "2026-12-08T09:30:00+00:00",
        "machine": {"cpu": "Test CPU", "cores": 2},
        "methods": [
            {"name": "bm25", "ndcg": 0.5, "per_query": {"q1": [1, 1, 1]}},
            {"name": "arquivo", "ndcg": 0.75},
        ],
    }
    block = measurements.render_block("", {"eval-tiny": document})
    assert "## eval-tiny" in block and "2026-12-08 09:30 UTC" in block
    assert "| `methods[arquivo].ndcg` | 0.75 |" in block
    assert "q1" not in block  # per-query detail stays in the JSON
    assert "tests/evaluation/retrieval.py" in block


def test_sections_and_rows_of_results_that_are_not_here_are_kept() -> None:
    """A fresh clone has no bench-results/: regenerating must not lose the figures."""
    results = measurements.load_results()
    page = measurements.render_block("", results)
    assert measurements.render_block(page, {}) == page
    readme = headline.render_block("", results)
    assert headline.render_block(readme, {}) == readme


def test_the_command_reference_is_built_from_the_parser() -> None:
    parser = argparse.ArgumentParser(prog="tool")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run things")
    run.add_argument("paths", nargs="+", metavar="PATH")
    run.add_argument("--level", "-l", type=int, default=3, help="how hard")
    text = cli_reference.render(parser)
    assert "### `tool run`\n\nrun things\n" in text
    assert "tool run [--level LEVEL] PATH [PATH ...]" in text
    assert "| `--level LEVEL`, `-l LEVEL` | how hard (default: `3`) |" in text
    assert "[`run`](#tool-run)" in text
