"""Where and with what a measurement ran: the machine and the packages' versions.

Figures from different machines or versions are not comparable, so every
report records both.
"""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from desktop import __version__

_PACKAGES = (
    "fastembed", "onnxruntime", "lancedb", "pyarrow", "numpy", "bm25s", "pytrec-eval-terrier",
)  # fmt: skip


def machine_info() -> dict[str, Any]:
    """The CPU, its cores (all, and those this process may use), the load and Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 0
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = []
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "load_average": load,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def versions() -> dict[str, str]:
    """Arquivo's version and those of the packages that shape the figures."""
    found = {"arquivo": __version__}
    for package in _PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found
