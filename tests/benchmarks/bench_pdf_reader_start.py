"""What PyMuPDF's optional extras cost a process that reads its first PDF.

PyMuPDF 2.0 imports pymupdf_layout (an ONNX page-layout model) and pymupdf4llm (ONNX
Runtime) whenever it can; desktop/core/ingest/__init__.py marks both absent, since
Arquivo calls neither. Each side is a fresh process that imports the PDF reader and
reads one real PDF: "extras" imports PyMuPDF first, as it loads by itself, and
"arquivo" goes through Arquivo's reader only. The two alternate, --runs times each;
medians of the wall time and of the peak memory (VmHWM), and their ratios.

    .venv/bin/python tests/benchmarks/bench_pdf_reader_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    REPO_ROOT,
    header,
    median,
    print_table,
    wait_for_quiet,
    write_results,
)

PROBE = """
import json, sys, time
started = time.perf_counter()
if sys.argv[1] == "extras":
    import pymupdf
from pathlib import Path
from desktop.core.ingest import read_document
read_document(Path(sys.argv[2]))
print(json.dumps({
    "seconds": time.perf_counter() - started,
    # VmHWM, not ru_maxrss: a child keeps its parent's ru_maxrss across exec.
    "peak_mb": next(int(line.split()[1]) for line in open("/proc/self/status")
                    if line.startswith("VmHWM:")) / 1024,
    "onnxruntime": "onnxruntime" in sys.modules,
}))
"""
SIDES = ("extras", "arquivo")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    header("PyMuPDF's extras, in a process that reads its first PDF")
    from tests.helpers import make_pdf

    runs: dict[str, list[dict[str, float]]] = {side: [] for side in SIDES}
    with tempfile.TemporaryDirectory() as tmp:
        pdf = make_pdf(Path(tmp) / "report.pdf", ["The budget was 1.8 million euros."] * 3)
        for run in range(args.runs + 1):  # the first round warms the disk cache
            for side in SIDES if run % 2 else reversed(SIDES):
                quiet = wait_for_quiet(20)
                done = subprocess.run(
                    [sys.executable, "-c", PROBE, side, str(pdf)],
                    capture_output=True, text=True, check=True, cwd=REPO_ROOT,
                )  # fmt: skip
                if run:
                    runs[side].append({**json.loads(done.stdout), **quiet})
    result = {
        f"{side}_{what}_median": round(median(r[what] for r in runs[side]), 3)
        for side in SIDES
        for what in ("seconds", "peak_mb")
    }
    result["time_ratio_arquivo_vs_extras"] = round(
        result["arquivo_seconds_median"] / result["extras_seconds_median"], 3
    )
    result["memory_ratio_arquivo_vs_extras"] = round(
        result["arquivo_peak_mb_median"] / result["extras_peak_mb_median"], 3
    )
    result["onnxruntime_loaded"] = {side: runs[side][0]["onnxruntime"] for side in SIDES}
    print_table(
        ["side", "seconds", "peak MB"],
        [[s, result[f"{s}_seconds_median"], result[f"{s}_peak_mb_median"]] for s in SIDES],
    )
    print(f"arquivo / extras: time {result['time_ratio_arquivo_vs_extras']:.2f}×, "
          f"memory {result['memory_ratio_arquivo_vs_extras']:.2f}×")  # fmt: skip
    out = write_results("pdf_reader_start", {"runs_each": args.runs, "result": result})
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
