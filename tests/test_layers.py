"""The core and the services never load Qt, even indirectly."""

import subprocess
import sys


def test_services_and_cli_do_not_import_qt() -> None:
    code = (
        "import sys, desktop.services.workspace, desktop.cli.main; "
        "assert 'PySide6' not in sys.modules, 'Qt was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_front_ends_contract_names_every_core_package() -> None:
    """The window and the CLI may import services and `core.types` only: a core package
    added later must be added to the import-linter contract too, or it slips through."""
    import tomllib
    from pathlib import Path

    import desktop.core

    core = Path(desktop.core.__file__).parent
    packages = {f"desktop.core.{p.name}" for p in core.iterdir() if (p / "__init__.py").exists()}
    modules = {f"desktop.core.{p.stem}" for p in core.glob("*.py")} - {
        "desktop.core.__init__",
        "desktop.core.types",
    }
    config = tomllib.loads((core.parents[1] / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    front_ends = ["desktop.ui", "desktop.cli"]
    contract = next(c for c in contracts if c.get("source_modules") == front_ends)
    assert packages | modules == set(contract["forbidden_modules"])
