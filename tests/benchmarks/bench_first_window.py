"""How soon the first window appears: the packaged app beside `make run`'s app.

Goal: the packaged app's first window appears within 3 s of launch on 2 cores, from a
warm disk cache; `make run`'s app (the source tree, run by .venv's Python) is measured
beside it, in the same run.

Each launch is a real start on a real X server (Xvfb), with a fresh HOME and the
environment `env -i` would leave, and either an empty data folder (a first start) or one
with resources/examples indexed (a returning user's). The clock runs from the launch to
the moment the window is mapped, and to its first paint: the moment its pixels, read with
`xwd`, are no longer one colour. Each app is launched once first to warm the disk cache
(not counted), then the two alternate, --runs times each; medians, and their ratio.

    .venv/bin/python tests/benchmarks/bench_first_window.py [--package DIR] [--runs 5]

Needs Xvfb, xdotool and xwd (Debian: xvfb xdotool x11-apps). --package is the unpacked
app folder; the default is the one `make package` leaves in dist/.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    REPO_ROOT,
    child_env,
    header,
    median,
    models_dir,
    print_table,
    verdict,
    wait_for_quiet,
    write_results,
)
from tests.x11 import TOOLS, first_window, have_tools, x_server

GOAL_S = 3.0
# A first start, and a returning user's, whose data folder has an index.
STATES = ("fresh", "indexed")
TIMEOUT_S = 60.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--package", type=Path, default=None, help="the unpacked app folder (default: dist/)"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed launches of each app")
    parser.add_argument(
        "--models-dir", type=Path, default=None, help="the source app's models (`make models`')"
    )
    parser.add_argument("--name", default="first_window", help="results file name")
    return parser.parse_args()


def default_package() -> Path | None:
    found = sorted(p for p in (REPO_ROOT / "dist").glob("arquivo-*-linux-*") if p.is_dir())
    return found[-1] if found else None


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What `env -i` leaves, plus a fresh HOME."""
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **extra}


def indexed_data_folder(folder: Path, models: Path) -> Path:
    """A data folder with resources/examples indexed, as a returning user has one."""
    subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "arquivo"), "--data-dir", str(folder), "index",
         str(REPO_ROOT / "resources" / "examples")],
        check=True, capture_output=True, env=child_env(models),
    )  # fmt: skip
    shutil.rmtree(folder / "models", ignore_errors=True)
    return folder


def main() -> int:
    args = parse_args()
    if not have_tools():
        raise SystemExit(
            f"needs {', '.join(TOOLS)} (Debian: apt-get install xvfb xdotool x11-apps)"
        )
    package = args.package or default_package()
    if package is None or not (package / "arquivo-desktop").is_file():
        raise SystemExit("no unpacked package: run `make package`, or give --package")
    models = models_dir(args.models_dir)
    apps = {
        "package": [str(package / "arquivo-desktop")],
        "source": [str(REPO_ROOT / ".venv" / "bin" / "python"), "-m", "desktop"],
    }
    header(f"First window: {package.name} beside `make run`'s app")
    runs: dict[str, list[dict[str, Any]]] = {f"{a}_{s}": [] for s in STATES for a in apps}
    with tempfile.TemporaryDirectory(prefix="arquivo-first-window-") as tmp, x_server() as display:
        indexed = indexed_data_folder(Path(tmp) / "indexed", models)

        def start(name: str, state: str, run: int) -> dict[str, float]:
            home = Path(tmp) / f"{name}-{state}-{run}"
            data = home / ".local" / "share" / "arquivo"  # the default data folder
            if state == "indexed":
                shutil.copytree(indexed, data)
            home.mkdir(exist_ok=True)
            # The source app gets the models `make models` fetched, as `make run` does; the
            # package finds its own.
            extra = {"ARQUIVO_MODELS_DIR": str(models)} if name == "source" else {}
            window = first_window(apps[name], clean_env(home, **extra), display, TIMEOUT_S)
            if window.painted_s != window.painted_s:
                raise SystemExit(f"{name}: no window within {TIMEOUT_S:.0f} s: {window.log}")
            return {"mapped_s": round(window.mapped_s, 3), "painted_s": round(window.painted_s, 3)}

        for name in apps:  # warm the disk cache
            start(name, "indexed", -1)
        for run in range(args.runs):
            for state in STATES:
                for name in apps if run % 2 == 0 else reversed(apps):
                    # The app is a child process: what the machine does meanwhile cannot be
                    # told from it, so the quiet before each start is what is recorded.
                    quiet = wait_for_quiet(30)
                    runs[f"{name}_{state}"].append({**start(name, state, run), **quiet})
    summary = {
        f"{key}_{what}_median": round(median(r[f"{what}_s"] for r in runs[key]), 3)
        for key in runs
        for what in ("mapped", "painted")
    }
    for state in STATES:
        summary[f"painted_ratio_package_vs_source_{state}"] = round(
            summary[f"package_{state}_painted_median"] / summary[f"source_{state}_painted_median"],
            3,
        )
    summary["slowest_painted_median"] = max(summary[f"{k}_painted_median"] for k in runs)
    print_table(
        ["app, data folder", "mapped (s)", "painted (s)", f"goal ≤ {GOAL_S:.0f} s"],
        [
            [key.replace("_", ", "), summary[f"{key}_mapped_median"],
             summary[f"{key}_painted_median"], verdict(summary[f"{key}_painted_median"] <= GOAL_S)]
            for key in runs
        ],
    )  # fmt: skip
    for state in STATES:
        ratio = summary[f"painted_ratio_package_vs_source_{state}"]
        print(f"package / source, painted, {state}: {ratio:.2f}×")
    out = write_results(
        args.name,
        {
            "goals": {"first_window_s_at_most": GOAL_S},
            "package": package.name,
            "runs_each": args.runs,
            "result": summary,
            "runs": runs,
        },
    )
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
