"""The core and the services never load Qt, even indirectly."""

import subprocess
import sys


def test_services_and_cli_do_not_import_qt() -> None:
    code = (
        "import sys, desktop.services.workspace, desktop.cli.main; "
        "assert 'PySide6' not in sys.modules, 'Qt was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
