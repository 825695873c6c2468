"""A private X server for tests and benchmarks that start the real window.

Xvfb is a real X server without a screen: the app opens its window with Qt's X11 plugin
there, as on a desktop, which the `offscreen` platform does not exercise (the libraries
that plugin needs, say). xdotool finds the window and xwd reads its pixels.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

TOOLS = ("Xvfb", "xdotool", "xwd", "xwininfo", "xprop")  # Debian: xvfb xdotool x11-apps x11-utils
WINDOW_CLASS = "^Arquivo$"  # the WM_CLASS Qt gives the main window (applicationName)
POLL_S = 0.02


def have_tools() -> bool:
    return all(shutil.which(tool) for tool in TOOLS)


@contextmanager
def x_server() -> Iterator[str]:
    """A private Xvfb; yields its DISPLAY."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            display = f":{pipe.readline().strip()}"
        yield display
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def visible_window(display: str) -> str | None:
    """The id of Arquivo's mapped main window, if there is one yet."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--class", WINDOW_CLASS],
        capture_output=True, text=True, env={"DISPLAY": display},
    ).stdout.split()  # fmt: skip
    return found[0] if found else None


def painted(display: str, window: str) -> bool:
    """Whether the window shows more than one colour (a mapped window starts blank)."""
    dump = subprocess.run(
        ["xwd", "-id", window, "-silent"], capture_output=True, env={"DISPLAY": display}
    ).stdout
    if len(dump) < 100:
        return False
    fields = struct.unpack(">25I", dump[:100])
    header_size, height, bytes_per_line, colours = fields[0], fields[5], fields[12], fields[19]
    start = header_size + colours * 12
    pixels = dump[start : start + height * bytes_per_line]
    return len(set(pixels[i : i + 4] for i in range(0, len(pixels), 4 * 7))) > 16


@dataclass(frozen=True)
class FirstWindow:
    """Seconds from launch to the window's mapping and first paint (NaN: never)."""

    mapped_s: float
    painted_s: float
    log: str  # the end of what the app wrote, for a failure's message
    wm_class: tuple[str, ...] = ()  # the painted window's WM_CLASS: instance, class


def first_window(
    argv: Sequence[str], env: dict[str, str], display: str, timeout: float
) -> FirstWindow:
    """Start the app, time its main window's mapping and first paint, then close it."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        app = subprocess.Popen(
            argv, env={**env, "DISPLAY": display}, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        mapped = shown = float("nan")
        wm_class: tuple[str, ...] = ()
        try:
            window = None
            while time.perf_counter() - started < timeout and app.poll() is None:
                if window is None and (window := visible_window(display)) is not None:
                    mapped = time.perf_counter() - started
                if window is not None and painted(display, window):
                    shown = time.perf_counter() - started
                    wm_class = window_class(display, window)
                    break
                time.sleep(POLL_S)
        finally:
            _stop(app)
        output.seek(0)
        log = output.read().decode(errors="replace")[-2000:]
    return FirstWindow(mapped, shown, log, wm_class)


def window_class(display: str, window: str) -> tuple[str, ...]:
    """WM_CLASS, which docks match against a menu entry's StartupWMClass."""
    line = subprocess.run(
        ["xprop", "-id", window, "WM_CLASS"],
        capture_output=True, text=True, env={"DISPLAY": display},
    ).stdout  # fmt: skip
    return tuple(part.strip().strip('"') for part in line.partition("=")[2].split(","))


def _stop(app: subprocess.Popen[bytes]) -> None:
    """End the app and whatever it started (its own process group), even if it crashed."""
    _signal_group(app.pid, signal.SIGTERM)
    try:
        app.wait(20)
    except subprocess.TimeoutExpired:
        _signal_group(app.pid, signal.SIGKILL)
        app.wait()
    _signal_group(app.pid, signal.SIGKILL)  # children that outlived it


def _signal_group(group: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # nothing left in the group
        os.killpg(group, sig)
