"""What this machine offers the models: its memory and its cores, read without loading anything."""

from __future__ import annotations

import os
from pathlib import Path


def machine_memory_gib() -> float:
    """The machine's physical memory in GiB (0 where it cannot be read: the smaller model)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return 0.0


def available_memory() -> int | None:
    """Bytes of memory the system can still give (MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except Exception:  # psutil is optional
        return None


def physical_cores() -> int:
    """Cores this process may use, counting each physical core once.

    llama.cpp's threads compete for a core's arithmetic units, so a second thread on a
    core's hyper-thread slows it down rather than helping (llama.cpp's own advice).
    """
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    logical = usable or os.cpu_count() or 1
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return logical
    cores: set[tuple[str, str]] = set()
    physical = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "physical id":
            physical = value.strip()
        elif key.strip() == "core id":
            cores.add((physical, value.strip()))
    if not cores:
        return logical
    per_core = max(1, round((os.cpu_count() or logical) / len(cores)))
    return max(1, logical // per_core)
