"""The evaluation stays out of the app: no import of it, and its packages are no
dependency of a user's install (only of the `dev` extra, through `eval`)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import desktop

ROOT = Path(desktop.__file__).parents[1]
EVALUATION_ONLY = {"tests", "bm25s", "pytrec_eval"}


def test_nothing_in_the_app_imports_the_tests_or_the_evaluation_packages() -> None:
    found = []
    for path in sorted(Path(desktop.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found += [f"{path}: {n}" for n in names if n.split(".")[0] in EVALUATION_ONLY]
    assert found == []


def test_the_evaluation_packages_are_dev_dependencies_only() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = config["project"]
    runtime = " ".join(project["dependencies"])
    extras = project["optional-dependencies"]
    for package in ("bm25s", "pytrec-eval-terrier"):
        assert package not in runtime
        assert any(r.startswith(package) for r in extras["eval"])
    assert "arquivo[eval]" in extras["dev"]
    # the wheel holds the app alone: tests/ (and so the evaluation) stays behind
    assert config["tool"]["setuptools"]["packages"]["find"]["include"] == ["desktop*"]
