"""The app opens its window on a real X server, as `make run` starts it.

The other window tests use Qt's `offscreen` platform, which never loads the X11 plugin
nor the system libraries it needs. Here the app runs as a user's desktop runs it, in a
process of its own, on Xvfb; the first-window benchmark times the same start
(tests/benchmarks/bench_first_window.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import MODELS_DIR
from tests.x11 import TOOLS, first_window, have_tools, x_server

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not have_tools(), reason=f"needs {', '.join(TOOLS)} (Debian: xvfb xdotool x11-apps x11-utils)"
)


@pytest.mark.timeout(180)
def test_the_app_opens_and_paints_its_window_on_x11(tmp_path: Path) -> None:
    env = {
        "HOME": str(tmp_path / "home"),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "ARQUIVO_HOME": str(tmp_path / "data"),
        "ARQUIVO_MODELS_DIR": str(MODELS_DIR),
        "QT_QPA_PLATFORM": "xcb",  # no fallback: the X11 plugin must load
    }
    with x_server() as display:
        window = first_window([sys.executable, "-m", "desktop"], env, display, timeout=120)
    assert window.mapped_s == window.mapped_s, f"no window was mapped:\n{window.log}"
    assert window.painted_s >= window.mapped_s, f"the window was never painted:\n{window.log}"
    # The menu entry names the window's class, so that docks show its icon for it.
    entry = REPO / "packaging" / "linux" / "io.github.arquivo.Arquivo.desktop"
    wanted = next(
        line.partition("=")[2] for line in entry.read_text().splitlines()
        if line.startswith("StartupWMClass=")
    )  # fmt: skip
    assert wanted in window.wm_class, window.wm_class


def test_a_blank_window_does_not_count_as_painted() -> None:
    """The checks can fail: an empty server has no Arquivo window, and its root window,
    mapped but drawn with the server's plain pattern only, does not count as painted."""
    import re
    import subprocess

    from tests.x11 import painted, visible_window

    with x_server() as display:
        info = subprocess.run(
            ["xwininfo", "-root"], capture_output=True, text=True, env={"DISPLAY": display}
        ).stdout
        root = re.search(r"Window id: (0x[0-9a-f]+)", info)
        assert root is not None, info
        assert visible_window(display) is None
        assert not painted(display, root.group(1))
