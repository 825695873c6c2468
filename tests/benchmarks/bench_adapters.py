"""LoRA adapters: what they cost to load, and how fast they switch on the live model.

Measured with the default chat model and adapters written here with gguf's writer (the
tests' helper): "small" (rank 8 on attn_q, attn_v and ffn_down of 4 layers, as in the
tests) and "full" (rank 16 on every linear weight of every layer, the shape of a real
fine-tune).

- model load with an adapter against without: `LlamaCppLLM(path)` and
  `LlamaCppLLM(path, adapters=[(adapter, 1.0)])`, the two sides alternated per pair;
- adapter load on a loaded model (`AdapterSet.load`: the check against the model's
  header, then `llama_adapter_lora_init`), the check alone, and `check_adapter` from the
  two files (which also reads the model's header);
- the switch on the live context (`llama_set_adapters_lora`, what the app's settings and
  the compare toggle do): on, off and a new scale, in turn. Goal: at most 100 ms.

    .venv/bin/python tests/benchmarks/bench_adapters.py [--pairs 5] [--switches 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    REPO_ROOT,
    Contention,
    header,
    median,
    models_dir,
    print_table,
    verdict,
    wait_for_quiet,
    write_results,
)

SWITCH_GOAL_MS = 100.0
LINEAR_WEIGHTS = ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5, help="model loads per side and adapter")
    parser.add_argument("--switches", type=int, default=200, help="switches of each kind")
    parser.add_argument("--loads", type=int, default=5, help="adapter loads per adapter")
    parser.add_argument(
        "--quiet-wait", type=float, default=10.0,
        help="seconds to wait, at most, for other processes to go quiet",
    )  # fmt: skip
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--name", default="adapters", help="results file name")
    return parser.parse_args()


def write_adapters(folder: Path, model: Path) -> dict[str, Path]:
    from tests.adapters_helpers import base_shapes, write_lora

    layers = sorted(
        {int(name.split(".")[1]) for name in base_shapes(model) if name.startswith("blk.")}
    )
    return {
        "small": write_lora(folder / "small.gguf", model),
        "full": write_lora(
            folder / "full.gguf", model, layers=layers, weights=LINEAR_WEIGHTS, rank=16
        ),
    }


def load_model(model: Path, adapter: Path | None, threads: int) -> tuple[float, Any]:
    from desktop.core.models.llm import LlamaCppLLM

    started = time.perf_counter()
    llm = LlamaCppLLM(
        model, context_size=2048, threads=threads,
        adapters=[(adapter, 1.0)] if adapter is not None else [],
    )  # fmt: skip
    return time.perf_counter() - started, llm


def model_loads(args: argparse.Namespace, model: Path, adapter: Path) -> dict[str, Any]:
    """Pairs of loads without and with `adapter`, alternating which goes first."""
    pairs = []
    for i in range(args.pairs):
        order = ("without", "with") if i % 2 == 0 else ("with", "without")
        pair: dict[str, Any] = {"order": "/".join(order)}
        for side in order:
            quiet = wait_for_quiet(args.quiet_wait)
            with Contention() as contention:
                seconds, llm = load_model(model, adapter if side == "with" else None, args.threads)
            llm.close()
            pair[side] = {"seconds": seconds, "others_cores": contention.others_cores, **quiet}
        pair["ratio"] = pair["with"]["seconds"] / pair["without"]["seconds"]
        pairs.append(pair)
    return {
        "without_s": median(p["without"]["seconds"] for p in pairs),
        "with_s": median(p["with"]["seconds"] for p in pairs),
        "ratio_median": median(p["ratio"] for p in pairs),
        "pairs": pairs,
    }


def adapter_loads(args: argparse.Namespace, llm: Any, model: Path, adapter: Path) -> dict[str, Any]:
    """Loading an adapter on a loaded model, and its parts; each load is freed again.

    `AdapterSet.load` = the check against the model's header (already in memory) +
    `llama_adapter_lora_init`. `check_adapter` from the two files (what `arquivo adapters
    check` and the settings dialog do) also reads the model's header.
    """
    from desktop.core.models.adapters import check_adapter, check_adapter_against

    files, checks, loads = [], [], []
    for _ in range(args.loads):
        started = time.perf_counter()
        check_adapter(adapter, model)
        files.append(time.perf_counter() - started)
        started = time.perf_counter()
        check_adapter_against(adapter, llm.header)
        checks.append(time.perf_counter() - started)
        started = time.perf_counter()
        handle = llm.adapter_set.load(adapter)
        loads.append(time.perf_counter() - started)
        llm.adapter_set.unload(handle)
    return {
        "check_from_files_s": median(files),
        "check_s": median(checks),
        "load_s": median(loads),
        "init_s": median(load - check for load, check in zip(loads, checks, strict=True)),
        "checks_from_files": files,
        "checks": checks,
        "loads": loads,
        "size_bytes": adapter.stat().st_size,
    }


def switches(args: argparse.Namespace, llm: Any, adapter: Path) -> dict[str, Any]:
    """on -> new scale -> off, repeated; each timed around `set_adapters`."""
    handle = llm.adapter_set.load(adapter)
    times: dict[str, list[float]] = {"on": [], "scale": [], "off": []}
    steps: tuple[tuple[str, dict[Any, float]], ...] = (
        ("on", {handle: 1.0}), ("scale", {handle: 0.5}), ("off", {}),
    )  # fmt: skip
    wait_for_quiet(args.quiet_wait)
    with Contention() as contention:
        for _ in range(args.switches):
            for kind, scales in steps:
                started = time.perf_counter()
                llm.set_adapters(scales)
                times[kind].append(time.perf_counter() - started)
    llm.adapter_set.unload(handle)
    result: dict[str, Any] = {"others_cores": contention.others_cores}
    for kind, values in times.items():
        ms = sorted(v * 1000 for v in values)
        result[kind] = {
            "median_ms": statistics.median(ms),
            "p95_ms": ms[int(len(ms) * 0.95) - 1],
            "max_ms": ms[-1],
        }
    result["max_ms"] = max(result[k]["max_ms"] for k in times)
    return result


def main() -> int:
    from desktop.offline import enforce_offline

    enforce_offline()
    args = parse_args()
    models = models_dir(args.models_dir)
    header("bench_adapters")
    from desktop.core.models.llm import FAST_CHAT_MODEL

    model = models / FAST_CHAT_MODEL
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="arquivo-bench-adapters-") as tmp:
        adapters = write_adapters(Path(tmp), model)
        load_model(model, None, args.threads)[1].close()  # warm the page cache and the library
        _, llm = load_model(model, None, args.threads)
        for name, adapter in adapters.items():
            print(f"{name}: {adapter.stat().st_size / 1e6:.1f} MB", flush=True)
            results[name] = {
                "model_load": model_loads(args, model, adapter),
                "adapter_load": adapter_loads(args, llm, model, adapter),
                "switch": switches(args, llm, adapter),
            }
        llm.close()

    worst_switch = max(r["switch"]["max_ms"] for r in results.values())
    ok = worst_switch <= SWITCH_GOAL_MS
    path = write_results(
        args.name,
        {
            "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
            | {"model": str(model)},
            "result": results,
            "goals": {"switch_ms_at_most": SWITCH_GOAL_MS, "worst_switch_ms": worst_switch,
                      "switch_met": ok},
        },
    )  # fmt: skip
    rows = []
    for name, r in results.items():
        m, a, s = r["model_load"], r["adapter_load"], r["switch"]
        rows += [
            [f"{name}: model load without / with (s)", m["without_s"], m["with_s"],
             f"x{m['ratio_median']:.2f}", ""],
            [f"{name}: adapter load on the model / its check (ms)", a["load_s"] * 1000,
             a["check_s"] * 1000, "", ""],
            [f"{name}: check from the files (ms)", a["check_from_files_s"] * 1000, "", "", ""],
            [f"{name}: switch on / scale (ms, median)", s["on"]["median_ms"],
             s["scale"]["median_ms"], "", ""],
            [f"{name}: switch off (ms, median / max)", s["off"]["median_ms"], s["max_ms"], "",
             verdict(s["max_ms"] <= SWITCH_GOAL_MS)],
        ]  # fmt: skip
    print()
    print_table(["measure", "a", "b", "ratio", "goal <= 100 ms"], rows)
    print(f"\nresults: {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
