"""`make package` from a fresh clone: how long it takes, and how big the package is.

Goals: the Linux package with the default models is at most 1.0 GB packed, and
`make package` from a fresh clone finishes within a CI job's time. It is its own target,
run on demand (with `make package-test`), not part of `make test`.

The script clones this repository's HEAD into a temporary folder and runs `make package`
there, then `make package-test`, timing each. By default pip's cache, the cache of
built llama-cpp-python wheels and the models folder start empty (a temporary
XDG_CACHE_HOME and ARQUIVO_MODELS_DIR), so llama.cpp is compiled and every wheel and
model downloaded, as on a CI runner. The sizes come from the package's
dist/package-size.json.

    .venv/bin/python tests/benchmarks/bench_package.py [--warm-caches] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import REPO_ROOT, header, models_dir, print_table, verdict
from tests.benchmarks.common import write_results as write

PACKED_GOAL_BYTES = 1_000_000_000
# GitHub's hosted runners stop a job after 6 hours; make test has 20 minutes. The package
# gets a job of its own, so its goal is the runner's limit, with the build reported.
CI_JOB_LIMIT_MIN = 360


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--warm-caches",
        action="store_true",
        help="use pip's and the llama wheel caches, and the models `make models` fetched",
    )
    parser.add_argument("--keep", action="store_true", help="keep the clone (its path is shown)")
    return parser.parse_args()


def timed_make(target: str, clone: Path, env: dict[str, str], log: Path) -> float:
    started = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run(["make", target], cwd=clone, env=env, stdout=out, stderr=out)
    if done.returncode != 0:
        raise SystemExit(f"make {target} failed in {clone}; its output: {log}")
    return time.perf_counter() - started


def main() -> int:
    args = parse_args()
    header("make package from a fresh clone")
    work = Path(tempfile.mkdtemp(prefix="arquivo-package-bench-"))
    clone = work / "arquivo"
    subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
    commit = subprocess.run(
        ["git", "-C", str(clone), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARQUIVO_", "VIRTUAL_ENV"))}
    env["ARQUIVO_MODELS_DIR"] = str(models_dir() if args.warm_caches else work / "models")
    if not args.warm_caches:
        env["XDG_CACHE_HOME"] = str(work / "cache")
    seconds = {
        "make_package_s": round(timed_make("package", clone, env, work / "package.log"), 1),
        "make_package_test_s": round(
            timed_make("package-test", clone, env, work / "package-test.log"), 1
        ),
    }
    sizes = json.loads((clone / "dist" / "package-size.json").read_text())
    result = {
        **seconds,
        "packed_bytes": sizes["packed_bytes"],
        "unpacked_bytes": sizes["unpacked_bytes"],
        "packed_mb": round(sizes["packed_bytes"] / 1e6, 1),
        "unpacked_mb": round(sizes["unpacked_bytes"] / 1e6, 1),
    }
    print_table(
        ["figure", "measured", "goal", ""],
        [
            ["packed (MB)", result["packed_mb"], PACKED_GOAL_BYTES / 1e6,
             verdict(sizes["packed_bytes"] <= PACKED_GOAL_BYTES)],
            ["make package (min)", seconds["make_package_s"] / 60, CI_JOB_LIMIT_MIN,
             verdict(seconds["make_package_s"] / 60 <= CI_JOB_LIMIT_MIN)],
            ["make package-test (min)", seconds["make_package_test_s"] / 60, "-", ""],
        ],
    )  # fmt: skip
    out = write(
        "package",
        {
            "goals": {
                "packed_bytes_at_most": PACKED_GOAL_BYTES,
                "make_package_minutes_at_most": CI_JOB_LIMIT_MIN,
            },
            "settings": {
                "commit": commit,
                "caches and models": "warm" if args.warm_caches else "empty",
            },
            "result": result,
            "largest_parts_mb": {k: round(v / 1e6, 1) for k, v in sizes["largest_parts"].items()},
        },
    )
    print(f"results: {out}")
    if args.keep:
        print(f"the clone: {clone}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
