"""Write the generated parts of the docs from the sources they describe.

    .venv/bin/python docs/generate.py          # rewrite what is stale (`make docs`)
    .venv/bin/python docs/generate.py --check  # exit 1, naming the stale pages

Each page keeps its prose by hand; the generators own only its marked blocks:

- README.md, `headline-figures`: a few figures from `bench-results/*.json`;
- docs/command-line.md, `command-reference`: every command, from `build_parser()`;
- docs/settings.md, `settings-table`: every setting, from the `Settings` dataclass;
- docs/measurements.md, `measurements`: one section per `bench-results/*.json`;
- docs/how-it-works.md, `module-map` and `import-contracts`: the packages and modules,
  from their docstrings, and import-linter's contracts, from pyproject.toml.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make `docs.generators` importable
    sys.path.insert(0, str(REPO))

from docs.generators import cli_reference, headline, measurements, module_map  # noqa: E402
from docs.generators.blocks import read_block, replace_block  # noqa: E402
from docs.generators.settings_table import settings_table  # noqa: E402

Renderer = Callable[[str], str]  # the block's current content -> its new content


def renderers(results_dir: Path = measurements.RESULTS_DIR) -> dict[str, dict[str, Renderer]]:
    """For each page (relative to the repository), each block's renderer."""
    from desktop.cli.main import build_parser

    results = measurements.load_results(results_dir)
    return {
        "README.md": {"headline-figures": lambda old: headline.render_block(old, results)},
        "docs/command-line.md": {
            "command-reference": lambda old: cli_reference.render(build_parser())
        },
        "docs/settings.md": {"settings-table": lambda old: settings_table() + "\n"},
        "docs/measurements.md": {
            "measurements": lambda old: measurements.render_block(old, results)
        },
        "docs/how-it-works.md": {
            "module-map": lambda old: module_map.package_map(),
            "import-contracts": lambda old: module_map.contracts(),
        },
    }


def generated(page: str, text: str, blocks: dict[str, Renderer]) -> str:
    """`text` of `page` with each of its blocks rendered anew."""
    for name, render in blocks.items():
        text = replace_block(text, name, render(read_block(text, name)))
    return text


def stale_pages(repo: Path = REPO, results_dir: Path = measurements.RESULTS_DIR) -> list[str]:
    """The pages whose generated blocks differ from what the generators write now."""
    stale = []
    for page, blocks in renderers(results_dir).items():
        text = (repo / page).read_text(encoding="utf-8")
        if generated(page, text, blocks) != text:
            stale.append(page)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say which pages are stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_pages()
        for page in stale:
            print(f"{page} is stale: run `make docs`", file=sys.stderr)
        return 1 if stale else 0
    for page, blocks in renderers().items():
        path = REPO / page
        text = path.read_text(encoding="utf-8")
        new = generated(page, text, blocks)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
