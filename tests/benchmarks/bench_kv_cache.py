"""The chat model's KV cache: which llama.cpp settings answer soonest on a CPU.

`ask` fills the prompt with up to six passages: 1,300 tokens of English, 2,200 of
Portuguese (the default model's tokenizer splits it finer). This compares, on the
default chat model and the same prompts, the time to process a prompt (the wait for
the first token) and the generation speed after it, for:

- "q8 + flash": an 8-bit K and V cache (llama.cpp needs flash attention for it);
- "f16 + flash": a 16-bit cache with flash attention, what Arquivo uses;
- "f16": llama.cpp's defaults.

The sides are loaded once and alternated per round, so the machine's drift hits all
of them alike. The cache's size is shown beside (it is allocated whole for the
context, whatever the prompt's length).

    .venv/bin/python tests/benchmarks/bench_kv_cache.py [--tokens 600 2000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import (
    default_corpus,
    header,
    load_entries,
    median,
    models_dir,
    print_table,
    write_results,
)

GGML_TYPE_Q8_0 = 8
Q8_0_BYTES_PER_F16_BYTE = 34 / 64  # a block of 32 values: 32 bytes and a 16-bit scale
SIDES: dict[str, dict[str, Any]] = {
    "q8 + flash": {"flash_attn": True, "type_k": GGML_TYPE_Q8_0, "type_v": GGML_TYPE_Q8_0},
    "f16 + flash": {"flash_attn": True},
    "f16": {"flash_attn": False},
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=int, nargs="+", default=[600, 2000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--generate", type=int, default=48, help="tokens generated per run")
    parser.add_argument("--context", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--name", default="kv_cache", help="results file name")
    return parser.parse_args()


def run_once(llama: Any, prompt: list[int], generate: int) -> tuple[float, float]:
    """(seconds to process the prompt, tokens/s generated after it), greedy."""
    llama.reset()
    started = time.perf_counter()
    llama.eval(prompt)
    prompt_s = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(generate):
        llama.eval([llama.sample(temp=0.0)])
    return prompt_s, generate / (time.perf_counter() - started)


def main() -> int:
    args = parse_args()
    from llama_cpp import Llama

    from desktop.core.models.gguf_header import read_gguf
    from desktop.core.models.llm import default_chat_model, describe_gguf

    folder = models_dir(args.models_dir)
    model = folder / default_chat_model(folder)
    header("bench_kv_cache")
    kv_f16 = describe_gguf(read_gguf(model)).kv_bytes_per_token or 0
    sides = {
        name: Llama(model_path=str(model), n_ctx=args.context, n_threads=args.threads,
                    n_threads_batch=args.threads, verbose=False, **options)
        for name, options in SIDES.items()
    }  # fmt: skip
    entries = load_entries(default_corpus("scifact"), 200)
    text = "\n\n".join(f"{e.title}\n{e.text}" for e in entries)
    tokens = next(iter(sides.values())).tokenize(text.encode("utf-8"))
    runs: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for round_ in range(args.rounds):
        for length in args.tokens:
            names = list(sides) if round_ % 2 == 0 else list(reversed(sides))
            for name in names:
                measured = run_once(sides[name], tokens[:length], args.generate)
                runs.setdefault((name, length), []).append(measured)
                prompt_s, speed = measured
                print(f"  round {round_ + 1}, {length} tokens, {name}: "
                      f"prompt {prompt_s:.1f} s, {speed:.1f} tokens/s", flush=True)  # fmt: skip
    rows, results = [], []
    for (name, length), measured in runs.items():
        prompt_s = median(m[0] for m in measured)
        speed = median(m[1] for m in measured)
        share = Q8_0_BYTES_PER_F16_BYTE if name.startswith("q8") else 1.0
        cache_mb = kv_f16 * args.context * share / 2**20
        rows.append([name, length, f"{prompt_s:.1f}", f"{speed:.1f}", f"{cache_mb:.0f}"])
        results.append({"side": name, "prompt_tokens": length, "prompt_s": prompt_s,
                        "tokens_per_s": speed, "kv_cache_mb": cache_mb})  # fmt: skip
    print()
    print_table(["KV cache", "prompt tokens", "prompt (s)", "tokens/s", "cache MB"], rows)
    out = write_results(args.name, {"model": model.name, "context": args.context,
                                    "threads": args.threads, "results": results})  # fmt: skip
    print(f"\nresults: {out.relative_to(out.parents[1])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
