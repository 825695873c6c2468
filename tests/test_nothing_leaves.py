"""Nothing leaves the machine, proved from outside the process.

Each whole path (index, search, ask, the app's smoke mode) runs as a child process
under `strace`, with the network cut by a network namespace where the machine allows
one, a fresh HOME and a fresh TMPDIR. Native libraries (ONNX Runtime's telemetry,
llama.cpp, LanceDB) call out where a Python socket patch cannot see: strace sees every
socket the process and its threads open. Then nothing may have appeared outside the
data folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.models.llm import FAST_CHAT_MODEL
from tests.conftest import MODELS_DIR
from tests.helpers import ENGLISH_PAGES, make_pdf

REPO = Path(__file__).resolve().parents[1]
# A connection or a datagram to an internet address: another machine, or a resolver
# (DNS goes to port 53 by connect or sendto). A socket opened and never used is not
# (urllib3 opens one at import to learn whether IPv6 exists), nor are Unix sockets.
_NETWORK = re.compile(r"(connect|sendto|sendmsg)\(.*(sin6?_port|sin6?_addr|AF_INET)")


def _can_cut_the_network() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


CUT = ["unshare", "-n"] if _can_cut_the_network() else []
needs_strace = pytest.mark.skipif(
    shutil.which("strace") is None, reason="strace is not installed (apt-get install strace)"
)


class Sandbox:
    """A fresh HOME, TMPDIR and data folder; runs commands traced, and lists what they left."""

    def __init__(self, root: Path) -> None:
        self.home, self.tmp, self.data = root / "home", root / "tmp", root / "data"
        self.traces = root / "traces"
        for folder in (self.home, self.tmp, self.traces):
            folder.mkdir(parents=True)
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.home),
            "TMPDIR": str(self.tmp),
            "ARQUIVO_HOME": str(self.data),
            "ARQUIVO_MODELS_DIR": str(MODELS_DIR),
            "QT_QPA_PLATFORM": "offscreen",
            "LANG": "C.UTF-8",
        }

    def run(
        self, *argv: str, timeout: int = 600, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        trace = self.traces / f"{len(list(self.traces.iterdir()))}.txt"
        command = [*CUT, "strace", "-f", "-qq", "-o", str(trace),
                   "-e", "trace=socket,connect,sendto,sendmsg", *argv]  # fmt: skip
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=REPO, env=self.env
        )
        assert done.returncode == 0 or not check, done.stderr[-3000:]
        return done

    def network_calls(self) -> list[str]:
        lines = (line for t in self.traces.iterdir() for line in t.read_text().splitlines())
        return [line for line in lines if _NETWORK.search(line)]

    def left_outside(self) -> list[Path]:
        """Files that appeared under HOME or TMPDIR (the data folder is neither)."""
        return sorted(p for root in (self.home, self.tmp) for p in root.rglob("*"))


@needs_strace
def test_the_proof_sees_a_lookup_and_a_connection_attempt(tmp_path: Path) -> None:
    """The check itself can fail: a DNS lookup and a connection, made in C by the
    resolver and the socket module, are both seen (and fail, with the network cut)."""
    box = Sandbox(tmp_path / "box")
    probe = (
        "import socket\n"
        "try: socket.getaddrinfo('mobile.events.data.microsoft.com', 443)\n"
        "except OSError: pass\n"
        "try: socket.create_connection(('192.0.2.1', 443), timeout=1)\n"
        "except OSError: pass\n"
    )
    box.run(sys.executable, "-c", probe, check=False)
    calls = box.network_calls()
    assert any("192.0.2.1" in line for line in calls)
    assert any("htons(53)" in line for line in calls)  # the resolver asked a server


@needs_strace
def test_index_search_and_ask_touch_no_network_and_write_only_the_data_folder(
    tmp_path: Path,
) -> None:
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    box = Sandbox(tmp_path / "box")
    cli = [sys.executable, "-m", "desktop.cli.main"]
    box.run(*cli, "index", str(tmp_path / "docs"))
    found = box.run(*cli, "search", "maintenance budget")
    assert "report.pdf" in found.stdout
    asked = box.run(*cli, "ask", "What was the maintenance budget?",
                    "--model", str(MODELS_DIR / FAST_CHAT_MODEL))  # fmt: skip
    assert "report.pdf" in asked.stdout
    assert box.network_calls() == []
    assert box.left_outside() == []
    assert (box.data / "index").is_dir()


@needs_strace
def test_the_apps_smoke_mode_touches_no_network_and_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    box = Sandbox(tmp_path / "box")
    shot = tmp_path / "window.png"
    done = box.run(sys.executable, "-m", "desktop", "--smoke", str(tmp_path / "docs"),
                   "Who leads the facilities team?", str(shot))  # fmt: skip
    assert "report.pdf" in done.stdout and shot.stat().st_size > 10_000
    assert box.network_calls() == []
    # smoke mode makes its data folder in TMPDIR: the documents' text goes with it
    assert box.left_outside() == []
