"""Ctrl-C during an answer stops generation cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from desktop.cli.main import main
from tests.helpers import ENGLISH_PAGES, make_pdf


def test_ctrl_c_stops_the_answer_and_exits_130(tmp_path: Path) -> None:
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    home = tmp_path / "home"
    assert main(["--data-dir", str(home), "index", str(tmp_path / "docs")]) == 0
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "desktop.cli.main", "--data-dir", str(home), "ask",
            "Describe the maintenance report, the budget and the staff in great detail.",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert proc.stdout is not None
    first = proc.stdout.read(1)  # the answer has started streaming
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert first, err.decode()
    assert proc.returncode == 130, err.decode()
    assert b"[stopped]" in err
    assert b"Traceback" not in err
    assert b"Sources:" not in out  # stopped before the end
