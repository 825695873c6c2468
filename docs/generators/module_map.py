"""The map of the code: every package and module under `desktop/`, with the first sentence
of its docstring, and the import contracts that pyproject.toml gives import-linter.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "desktop"


def first_sentence(path: Path) -> str:
    """The first sentence of the module's docstring, on one line ("" without one)."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    paragraph = " ".join(docstring.split("\n\n")[0].split())
    match = re.match(r"(.+?[.!?])(\s|$)", paragraph)
    return (match.group(1) if match else paragraph).replace("|", "/")


def _packages(root: Path) -> list[Path]:
    found = [p.parent for p in root.rglob("__init__.py") if "__pycache__" not in p.parts]
    return sorted(found, key=lambda p: p.relative_to(root.parent).parts)


def package_map(root: Path = SOURCE) -> str:
    """One table per package: its modules and what each is for."""
    lines: list[str] = []
    for package in _packages(root):
        name = package.relative_to(root.parent).as_posix()
        lines += [f"**`{name}/`**: {first_sentence(package / '__init__.py')}", ""]
        modules = sorted(p for p in package.glob("*.py") if p.name != "__init__.py")
        if modules:
            lines += ["| module | what it is for |", "|---|---|"]
            lines += [f"| `{m.name}` | {first_sentence(m)} |" for m in modules]
            lines.append("")
    return "\n".join(lines)


def _layer(layer: str) -> str:
    """`(desktop.ui) | desktop.cli` as `desktop.ui` and `desktop.cli` side by side: `|`
    separates independent modules of one layer, parentheses an optional one."""
    names = [f"`{name.strip().strip('()')}`" for name in layer.split("|")]
    return " and ".join(names) + (" (side by side)" if len(names) > 1 else "")


def _contract(contract: dict[str, Any]) -> str:
    kind = contract["type"]
    if kind == "layers":
        detail = "from top to bottom: " + " → ".join(_layer(x) for x in contract["layers"])
    elif kind == "forbidden":
        sources = ", ".join(f"`{x}`" for x in contract["source_modules"])
        forbidden = ", ".join(f"`{x}`" for x in contract["forbidden_modules"])
        detail = f"{sources} may not import {forbidden}"
    else:
        detail = f"an import-linter `{kind}` contract"
    return f"- **{contract['name']}** ({kind}): {detail}."


def contracts(pyproject: Path = REPO / "pyproject.toml") -> str:
    """The import-linter contracts, as `make lint` checks them."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    found = config.get("tool", {}).get("importlinter", {}).get("contracts", [])
    return "\n".join(_contract(c) for c in found) + "\n"
