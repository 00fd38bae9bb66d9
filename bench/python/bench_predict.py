#!/usr/bin/env python3
"""Decode-step predictions per second through looplab.predict_decode (one call, one thread).

Usage: .venv/bin/python bench/python/bench_predict.py [--points N] [--repeats R] [--variant V]
Prints the wall time of each call and the median points/s; the target is >= 1,000,000 on one
core (docs/python.md). Run it pinned (`taskset -c 1 ...`) on an idle machine for a stable figure.
Batch and context vary per point (random, seeded), so the coster's per-batch cache is exercised
as in a real grid; --batches N sets how many distinct batches appear.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import looplab


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--model", default="plt-paper-dense-1.2b")
    ap.add_argument("--variant", default="plt")
    ap.add_argument("--hardware", default="h200")
    ap.add_argument("--batches", type=int, default=64, help="distinct batch sizes (1..N)")
    ap.add_argument("--max-context", type=int, default=32768)
    a = ap.parse_args()

    config = looplab.model(a.model, variant=a.variant, loops=2, window=64)
    rng = np.random.default_rng(1)
    batch = rng.integers(1, a.batches + 1, size=a.points)
    context = rng.integers(1, a.max_context + 1, size=a.points)
    looplab.predict_decode(config, a.hardware, batch[:1000], context[:1000])  # warm-up: load data files

    # Wall time, and this process's CPU time: on a machine shared with other jobs the two differ,
    # and CPU time is what one core delivers when it is not taken away.
    wall, cpu = [], []
    for r in range(a.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = looplab.predict_decode(config, a.hardware, batch, context)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        wall.append(a.points / dt)
        cpu.append(a.points / dc)
        print(f"repeat {r + 1}: {a.points} points in {dt:.3f} s wall, {dc:.3f} s CPU = {a.points / dt:,.0f} points/s wall")
    assert out["decode_step_s"].shape == (a.points,)
    print(
        f"{config.name} {config.variant} L={config.loops} on {a.hardware}, {a.batches} batches, contexts "
        f"1..{a.max_context}: median {statistics.median(wall):,.0f} points/s wall "
        f"({statistics.median(cpu):,.0f} points/s of CPU time), best {max(wall):,.0f} points/s wall"
    )


if __name__ == "__main__":
    main()
